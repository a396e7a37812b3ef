import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { existsSync, openSync, readSync, closeSync, statSync, renameSync, rmSync } from 'node:fs';
import { AppError } from './result.js';
import { migrations, LATEST_VERSION } from './migrations/index.js';

/** 'CLDG': tells a ledger file from any other SQLite file. */
export const APPLICATION_ID = 0x434c4447;

export interface OpenOptions {
  /** Path to the ledger file, or ':memory:' for tests. */
  file: string;
  /** Native binding path (Electron loads its own ABI build of better-sqlite3). */
  nativeBinding?: string;
  /** Run PRAGMA quick_check when opening an existing file (on by default). */
  check?: boolean;
}

function sqliteHeaderOk(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

const SQLITE_WHY: Array<[RegExp, string]> = [
  [/malformed/i, '数据页已损坏'],
  [/not a database/i, '不是数据库文件'],
  [/disk I\/O error/i, '磁盘读写错误'],
  [/locked/i, '文件被占用'],
];

function corrupt(file: string, why: string): AppError {
  const zh = SQLITE_WHY.find(([re]) => re.test(why))?.[1];
  return new AppError('DB_CORRUPT', `台账文件「${file}」已损坏，无法打开（${zh ?? why}）。可以从最近的有效备份恢复。`, { file, sqlite: why });
}

/** Codes of a ledger file that is there but cannot be used: the host offers the newest good backup for each. */
export const RECOVERABLE_CODES: readonly string[] = ['DB_CORRUPT', 'DB_NOT_LEDGER'];

/**
 * Look at an existing file read-only before anything writes to it: a file from a newer version, a corrupt, empty
 * or foreign file must be left exactly as it was. Only a missing file is a new ledger (openLedger creates it whole),
 * so an existing file that is not a ledger is never taken for one: a 0-byte file (a copy or a disk that failed)
 * and a SQLite file of another program, even one without a user_version, are refused.
 */
export function inspectLedgerFile(file: string, opts: Pick<OpenOptions, 'nativeBinding' | 'check'> = {}): number {
  if (statSync(file).size === 0) {
    throw new AppError('DB_CORRUPT', `台账文件「${file}」是空文件（0 字节），其中没有任何数据，无法打开。可以从最近的有效备份恢复。`, {
      file,
      sqlite: 'empty file',
    });
  }
  if (!sqliteHeaderOk(file)) throw corrupt(file, '文件头不是 SQLite 格式');
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: opts.nativeBinding });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      throw new AppError(
        'DB_NOT_LEDGER',
        `文件「${file}」不是县域产业台账的数据文件（可能被其他程序的数据库文件替换），无法打开；文件未做任何改动。可以从最近的有效备份恢复。`,
        { file, application_id: appId, version },
      );
    }
    if (version > LATEST_VERSION) {
      throw new AppError(
        'DB_TOO_NEW',
        `台账文件由更新版本的程序创建（数据版本 ${version}，本程序支持到 ${LATEST_VERSION}）。请升级程序后再打开；文件未做任何改动。`,
        { file, version, supported: LATEST_VERSION },
      );
    }
    if (opts.check !== false) {
      const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
      if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') {
        throw corrupt(file, rows.map((r) => r.quick_check).slice(0, 3).join('；'));
      }
    }
    return version;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw corrupt(file, e instanceof Error ? e.message : String(e));
  } finally {
    db?.close();
  }
}

export function migrate(db: Db, target = LATEST_VERSION): void {
  let current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction, so a table rebuild switches it around the transaction.
    const fk = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.foreignKeys === false && fk) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.foreignKeys === false && fk) db.pragma('foreign_keys = ON');
    }
    current = m.version;
  }
}

/**
 * A new ledger is built under a temporary name and renamed into place once it has its application id and schema:
 * an interrupted first start leaves no half-made file that the next start would have to tell from a foreign one.
 */
function createLedgerFile(file: string, opts: OpenOptions & { targetVersion?: number }): void {
  const tmp = `${file}.creating`;
  for (const f of [tmp, `${tmp}-journal`]) rmSync(f, { force: true });
  const db = new Database(tmp, { nativeBinding: opts.nativeBinding });
  try {
    db.pragma('foreign_keys = ON');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db, opts.targetVersion);
  } finally {
    db.close();
  }
  renameSync(tmp, file);
}

export function openLedger(opts: OpenOptions & { targetVersion?: number }): Db {
  const memory = opts.file === ':memory:';
  if (!memory) {
    if (existsSync(opts.file)) inspectLedgerFile(opts.file, opts);
    else createLedgerFile(opts.file, opts);
  }
  const db = new Database(opts.file, { nativeBinding: opts.nativeBinding });
  try {
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // Statement journals (every multi-row or triggered write keeps one) and temporary sort b-trees stay in RAM:
    // written to temp files they doubled the cost of a bulk import or a package apply. Office PCs have the memory;
    // durability is unchanged (the WAL is still the only thing a commit depends on).
    db.pragma('temp_store = MEMORY');
    // A 64 MB page cache (SQLite's default is 2 MB, allocated as used): a bulk import's six index b-trees stay in
    // memory instead of spilling dirty pages to the WAL mid-transaction (a third of a 50,000-row import's writes),
    // and a province's registry of 200,000 enterprises is read from RAM after the first query.
    db.pragma('cache_size = -65536');
    if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }
    migrate(db, opts.targetVersion);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
