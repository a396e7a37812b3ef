import type { Database } from 'better-sqlite3';
import type { Clock } from './clock.js';
import { AppError } from './result.js';

export type Role = 'admin' | 'reviewer' | 'clerk';
export const ROLE_LABEL: Record<Role, string> = { admin: '管理员', reviewer: '审核人', clerk: '录入员' };
const RANK: Record<Role, number> = { clerk: 1, reviewer: 2, admin: 3 };

export interface Actor {
  userId: number | null;
  username: string;
  displayName: string;
  role: Role;
}

/** What every service function receives: the open ledger, the clock and who is acting. */
export interface Ctx {
  db: Database;
  clock: Clock;
  actor: Actor;
  /** Folder of the ledger (backups, attachments); null for in-memory ledgers. */
  dataDir: string | null;
}

export function hasRole(actor: Actor, min: Role): boolean {
  return RANK[actor.role] >= RANK[min];
}

export function requireRole(actor: Actor, min: Role, what: string): void {
  if (!hasRole(actor, min)) {
    throw new AppError('FORBIDDEN', `${what}需要「${ROLE_LABEL[min]}」或更高权限，当前用户是「${ROLE_LABEL[actor.role]}」`);
  }
}

/** The command line acts as the OS user with administrator rights (IT staff run it on the office PC). */
export function cliActor(): Actor {
  const who = process.env.USER || process.env.USERNAME || 'cli';
  return { userId: null, username: `cli:${who}`, displayName: `命令行(${who})`, role: 'admin' };
}

export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', displayName: '系统', role: 'admin' };
