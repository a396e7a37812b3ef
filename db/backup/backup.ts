import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Clock } from '../clock.js';
import { isoDate } from '../clock.js';
import { AppError } from '../result.js';
import { APPLICATION_ID } from '../connection.js';
import { LATEST_VERSION } from '../migrations/index.js';

export const KEEP_DAILY = 14;
const DAILY_RE = /^ledger-(\d{4}-\d{2}-\d{2})\.sqlite$/;

export interface BackupInfo {
  file: string;
  name: string;
  date: string | null;
  size: number;
  mtime: string;
}

export function backupDir(dataDir: string): string {
  return join(dataDir, 'backups');
}

/** SQLite's online backup: consistent while the app keeps writing. */
export async function backupTo(db: Db, file: string): Promise<BackupInfo> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  rmSync(tmp, { force: true });
  await db.backup(tmp);
  // The copy inherits WAL mode; a backup must be one self-contained file (no -wal/-shm left beside it when read).
  const copy = new Database(tmp, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const check = checkBackupFile(tmp);
  if (!check.ok) {
    rmSync(tmp, { force: true });
    throw new AppError('BACKUP_FAILED', `备份文件校验失败：${check.message}`);
  }
  renameSync(tmp, file);
  return info(file);
}

function info(file: string): BackupInfo {
  const st = statSync(file);
  const m = DAILY_RE.exec(basename(file));
  return { file, name: basename(file), date: m?.[1] ?? null, size: st.size, mtime: st.mtime.toISOString() };
}

export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.sqlite'))
    .map((n) => info(join(dir, n)))
    .sort((a, b) => (a.mtime < b.mtime ? 1 : -1));
}

/** Once a day, on open and then while running; keeps the newest 14 daily files. */
export async function dailyBackup(db: Db, dataDir: string, clock: Clock): Promise<BackupInfo | null> {
  const today = isoDate(clock.now());
  const file = join(backupDir(dataDir), `ledger-${today}.sqlite`);
  if (existsSync(file)) return null;
  const made = await backupTo(db, file);
  const daily = listBackups(dataDir)
    .filter((b) => b.date)
    .sort((a, b) => (a.date! < b.date! ? 1 : -1));
  for (const old of daily.slice(KEEP_DAILY)) rmSync(old.file, { force: true });
  return made;
}

export function checkBackupFile(file: string): { ok: true; version: number } | { ok: false; message: string } {
  if (!existsSync(file)) return { ok: false, message: `文件不存在：${file}` };
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) return { ok: false, message: '不是县域产业台账的数据文件' };
    if (version > LATEST_VERSION) return { ok: false, message: `备份来自更新版本的程序（数据版本 ${version}），请先升级程序` };
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    if (rows.length !== 1 || rows[0]!.integrity_check !== 'ok') {
      return { ok: false, message: `完整性检查未通过：${rows.map((r) => r.integrity_check).slice(0, 3).join('；')}` };
    }
    return { ok: true, version };
  } catch (e) {
    return { ok: false, message: `无法读取：${e instanceof Error ? e.message : String(e)}` };
  } finally {
    db?.close();
  }
}

/** The newest backup that passes integrity_check, offered when the ledger itself is corrupt. */
export function latestGoodBackup(dataDir: string): BackupInfo | null {
  for (const b of listBackups(dataDir)) if (checkBackupFile(b.file).ok) return b;
  return null;
}

/**
 * Replace the (closed) ledger file by a checked backup. The current file is kept beside it first, so even a
 * wrong restore loses nothing; the copy goes to a temp name and is renamed, so a crash leaves one or the other.
 */
export function restoreFile(ledgerFile: string, backupFile: string, clock: Clock): { keptAs: string | null } {
  const check = checkBackupFile(backupFile);
  if (!check.ok) throw new AppError('BACKUP_INVALID', `不能用此备份恢复：${check.message}`, { file: backupFile });
  let keptAs: string | null = null;
  if (existsSync(ledgerFile)) {
    const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
    keptAs = join(dirname(ledgerFile), 'backups', `before-restore-${stamp}.sqlite`);
    mkdirSync(dirname(keptAs), { recursive: true });
    copyFileSync(ledgerFile, keptAs);
  }
  const tmp = `${ledgerFile}.restoring`;
  copyFileSync(backupFile, tmp);
  for (const ext of ['-wal', '-shm']) rmSync(`${ledgerFile}${ext}`, { force: true });
  renameSync(tmp, ledgerFile);
  return { keptAs };
}
