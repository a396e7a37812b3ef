import { afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../db/clock.js';
import { openLedger } from '../db/connection.js';
import type { Actor, Ctx } from '../db/context.js';
import { ensureCodeLists, initializeOffice } from '../db/office/service.js';
import type { OpContext } from '../db/op.js';

export const ADMIN: Actor = { userId: 1, username: 'admin', displayName: '管理员', role: 'admin' };
export const CLERK: Actor = { userId: 2, username: 'luru', displayName: '录入员', role: 'clerk' };
export const REVIEWER: Actor = { userId: 3, username: 'shenhe', displayName: '审核人', role: 'reviewer' };

export function tempDir(prefix = 'ledger-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Makes a fresh temporary folder at each call; every folder made during a test is removed after it. */
export function tempDirPerTest(prefix: string): () => string {
  const made: Array<{ cleanup(): void }> = [];
  afterEach(() => {
    for (const d of made.splice(0)) d.cleanup();
  });
  return () => {
    const d = tempDir(prefix);
    made.push(d);
    return d.dir;
  };
}

/** A fresh in-memory ledger set up as 泽州县工信局, with a frozen clock. */
export function testLedger(opts: { level?: 'county' | 'city' | 'province'; region?: string; at?: string } = {}) {
  const clock = fixedClock(opts.at ?? '2026-03-01T02:00:00Z');
  const db: Database = openLedger({ file: ':memory:' });
  ensureCodeLists({ db, clock });
  initializeOffice(
    { db, clock, dataDir: null },
    {
      level: opts.level ?? 'county',
      region_code: opts.region ?? '140525',
      name: '泽州县工业和信息化局',
      admin_username: 'admin',
      admin_display_name: '管理员',
      admin_password: 'Admin12345',
    },
  );
  const ctx = (actor: Actor = ADMIN): OpContext => ({ db, clock, actor, dataDir: null, progress: () => {} });
  return { db, clock, ctx } satisfies { db: Database; clock: unknown; ctx: (a?: Actor) => Ctx };
}
