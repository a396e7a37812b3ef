import type { Database } from 'better-sqlite3';
import { up as m0001 } from './0001-foundation.js';
import { up as m0002 } from './0002-sanctions.js';
import { up as m0003 } from './0003-towns.js';
import { up as m0004 } from './0004-training.js';
import { up as m0005 } from './0005-exhibitions.js';
import { up as m0006 } from './0006-exchange.js';
import { up as m0007 } from './0007-scoped-codes.js';
import { up as m0008 } from './0008-import-indexes.js';
import { up as m0009 } from './0009-enterprise-alias.js';
import { up as m0010 } from './0010-live-tier-index.js';
import { up as m0011 } from './0011-peer-key-retire.js';
import { up as m0012 } from './0012-login-lockout.js';
import { up as m0013 } from './0013-office-review.js';
import { up as m0014 } from './0014-monitor.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
  /** Rebuilds tables (SQLite's 12-step ALTER): foreign keys are off while it runs and checked before commit. */
  foreignKeys?: false;
}

// Ordered; never edit a released migration: add a new one (offices on different versions exchange files).
export const migrations: readonly Migration[] = [
  { version: 1, name: 'foundation', up: m0001 },
  { version: 2, name: 'sanctions', up: m0002 },
  { version: 3, name: 'towns', up: m0003 },
  { version: 4, name: 'training', up: m0004 },
  { version: 5, name: 'exhibitions', up: m0005 },
  { version: 6, name: 'exchange', up: m0006 },
  { version: 7, name: 'scoped-codes', up: m0007, foreignKeys: false },
  { version: 8, name: 'import-indexes', up: m0008 },
  { version: 9, name: 'enterprise-alias', up: m0009 },
  { version: 10, name: 'live-tier-index', up: m0010 },
  { version: 11, name: 'peer-key-retire', up: m0011 },
  { version: 12, name: 'login-lockout', up: m0012 },
  { version: 13, name: 'office-review', up: m0013 },
  { version: 14, name: 'monitor', up: m0014 },
];

export const LATEST_VERSION = migrations[migrations.length - 1]!.version;
