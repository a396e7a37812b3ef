import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Actor } from './context.js';
import { SYSTEM_ACTOR } from './context.js';
import { openLedger, RECOVERABLE_CODES } from './connection.js';
import { AppError, ok, toErrorData, type Result } from './result.js';
import { parseInput } from './validate.js';
import { operations } from './api.js';
import type { OpContext, OpDef } from './op.js';
import { SessionStore } from './auth/sessions.js';
import { authenticate, checkPassword } from './auth/users.js';
import { ensureCodeLists, getOffice, initializeOffice, type Office } from './office/service.js';
import { audit } from './audit/audit.js';
import { BACKUP_EXT, backupTo, dailyBackup, latestGoodBackup, listBackups, restoreFile, type BackupInfo, type RestoreResult } from './backup/backup.js';
import { LATEST_VERSION } from './migrations/index.js';
import { seedDemoLedger } from './demo/seed.js';
import { keepImportWorkerWarm, stopImportWorker } from './enterprises/import-source.js';

/** Where a ledger lives when no --data is given: the same folder Electron's userData would be. */
export function defaultDataDir(): string {
  if (process.env.COUNTY_LEDGER_DATA) return resolve(process.env.COUNTY_LEDGER_DATA);
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'CountyLedger');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'CountyLedger');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'CountyLedger');
}

export const LEDGER_FILE = 'ledger.sqlite';

export type HostState =
  | { state: 'ready' }
  | { state: 'error'; error: { code: string; message: string }; recoverable: boolean; backup: BackupInfo | null };

export interface AppStatus {
  state: 'ready' | 'error';
  error?: { code: string; message: string };
  latestBackup?: BackupInfo | null;
  /** The file is there but damaged, empty or not a ledger: restoring a backup is offered (the recovery screen). */
  recoverable?: boolean;
  initialized: boolean;
  office: Office | null;
  session: { state: 'none' | 'locked' | 'active'; user?: { username: string; displayName: string; role: string } };
  dataDir: string;
  schemaVersion: number;
}

/**
 * Answered while an exclusive job holds the connection: they write nothing and read nothing a job writes (the
 * office, the user's password), so a screen locked during a long import can be unlocked to watch it finish.
 */
const WHILE_BUSY = new Set(['job:get', 'app:status', 'auth:lock', 'auth:unlock']);

interface Job {
  id: string;
  done: number;
  total: number | null;
  phase: string;
  result?: Result<unknown>;
  owner: string;
}

/**
 * Owns the open ledger of one data folder: sessions, the daily backup, background jobs and recovery from a
 * corrupt file. Transports hand it (operation, input, session token) and get a Result back.
 */
export class LedgerHost {
  readonly dataDir: string;
  readonly file: string;
  private db: Database | null = null;
  private hostState: HostState = { state: 'ready' };
  readonly sessions: SessionStore;
  private jobs = new Map<string, Job>();
  private jobSeq = 0;
  /** The exclusive job (OpDef.exclusive) now holding the connection, if any. */
  private exclusive: { label: string } | null = null;
  private backupTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** WAL checkpoints run by idleCheckpoint (tests). */
  checkpoints = 0;
  private lockFile: string | null = null;

  constructor(
    dataDir: string,
    readonly clock: Clock = systemClock,
    /**
     * The apps' host (not the command line's, nor most tests'): warmImportWorker keeps an enterprise import's worker
     * thread started while the ledger is open; idleCheckpoint moves SQLite's WAL checkpoints off the requests.
     */
    private opts: { nativeBinding?: string; autoBackup?: boolean; lock?: boolean; warmImportWorker?: boolean; idleCheckpoint?: boolean } = {},
  ) {
    this.dataDir = resolve(dataDir);
    this.file = join(this.dataDir, LEDGER_FILE);
    this.sessions = new SessionStore(clock);
  }

  /** Opens the ledger; a file that cannot be opened puts the host in the error state instead of throwing. */
  async open(): Promise<HostState> {
    mkdirSync(this.dataDir, { recursive: true });
    if (this.opts.lock) this.takeLock();
    try {
      this.db = openLedger({ file: this.file, nativeBinding: this.opts.nativeBinding });
      ensureCodeLists({ db: this.db, clock: this.clock });
      this.hostState = { state: 'ready' };
    } catch (e) {
      this.db = null;
      const err = toErrorData(e);
      this.hostState = {
        state: 'error',
        error: { code: err.code, message: err.message },
        recoverable: RECOVERABLE_CODES.includes(err.code),
        backup: RECOVERABLE_CODES.includes(err.code) ? latestGoodBackup(this.dataDir) : null,
      };
      return this.hostState;
    }
    if (this.opts.warmImportWorker) keepImportWorkerWarm();
    if (this.opts.idleCheckpoint) {
      // SQLite would copy the WAL into the file inside the commit that takes it past 1,000 pages: after a 50,000-row
      // import, a fifth of a second the user waits for. Here it runs when nobody waits: a second after a job, and
      // every minute otherwise (a PASSIVE checkpoint skips what an open reader still needs; the next one goes on).
      this.db.pragma('wal_autocheckpoint = 0');
      if (this.checkpointTimer) clearInterval(this.checkpointTimer);
      this.checkpointTimer = setInterval(() => this.checkpointIfIdle(), 60_000);
      this.checkpointTimer.unref();
    }
    if (this.opts.autoBackup !== false) {
      await this.safeDailyBackup();
      this.backupTimer = setInterval(() => void this.safeDailyBackup(), 3600_000);
      this.backupTimer.unref();
    }
    return this.hostState;
  }

  private async safeDailyBackup(): Promise<void> {
    // Not over an exclusive job's open transaction: the copy would hold its half-written pages. The next hour retries.
    if (!this.db || this.busy() || !getOffice(this.db)) return;
    try {
      await dailyBackup(this.db, this.dataDir, this.clock);
    } catch (e) {
      process.stderr.write(`每日自动备份失败：${toErrorData(e).message}\n`);
    }
  }

  /** A second process on the same folder would fight over the file; refuse it with a clear message. */
  private takeLock(): void {
    const lock = join(this.dataDir, 'ledger.lock');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
      if (pid && pid !== process.pid && processAlive(pid)) {
        throw new AppError('ALREADY_RUNNING', `县域产业台账已在运行（进程 ${pid}），同一数据目录不能同时打开两个程序：${this.dataDir}`);
      }
    }
    writeFileSync(lock, `${process.pid}\n`);
    this.lockFile = lock;
  }

  close(): void {
    if (this.backupTimer) clearInterval(this.backupTimer);
    this.backupTimer = null;
    if (this.opts.warmImportWorker) stopImportWorker();
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.checkpointTimer = null;
    this.db?.close();
    this.db = null;
    if (this.lockFile) rmSync(this.lockFile, { force: true });
    this.lockFile = null;
  }

  get database(): Database {
    if (!this.db) throw new AppError('DB_UNAVAILABLE', this.hostState.state === 'error' ? this.hostState.error.message : '台账未打开');
    return this.db;
  }

  status(token: string | null): AppStatus {
    const s = this.sessions.use(token);
    const base = { dataDir: this.dataDir, schemaVersion: LATEST_VERSION };
    if (this.hostState.state === 'error' || !this.db) {
      const err = this.hostState.state === 'error' ? this.hostState : null;
      return {
        ...base,
        state: 'error',
        error: err?.error ?? { code: 'DB_UNAVAILABLE', message: '台账未打开' },
        latestBackup: err?.backup ?? null,
        recoverable: err?.recoverable ?? false,
        initialized: false,
        office: null,
        session: { state: 'none' },
      };
    }
    const office = getOffice(this.db);
    return {
      ...base,
      state: 'ready',
      initialized: !!office,
      office,
      session:
        s.state === 'none'
          ? { state: 'none' }
          : { state: s.state, user: { username: s.actor.username, displayName: s.actor.displayName, role: s.actor.role } },
    };
  }

  private busy(): boolean {
    return !!this.exclusive || !!this.db?.inTransaction;
  }

  /** While a job holds the connection, everything but WHILE_BUSY waits for it to finish: refused, with what it is doing. */
  private refuseWhileBusy(name: string): void {
    if (WHILE_BUSY.has(name)) return;
    if (this.exclusive) throw new AppError('BUSY', `正在${this.exclusive.label}，请稍候（完成后即可继续操作）`, { busy: this.exclusive.label });
    // A transaction left open across an await by an operation not marked exclusive: same rule.
    if (this.db?.inTransaction) throw new AppError('BUSY', '正在写入台账，请稍候（完成后即可继续操作）');
  }

  /** Runs an exclusive operation's body with the connection marked as held, released however it ends. */
  private async holding<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
    const mark = { label };
    this.exclusive = mark;
    try {
      return await fn();
    } finally {
      if (this.exclusive === mark) this.exclusive = null;
      if (this.opts.idleCheckpoint) setTimeout(() => this.checkpointIfIdle(), 1000).unref();
    }
  }

  private checkpointIfIdle(): void {
    if (!this.db?.open || this.busy()) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.checkpoints++;
    } catch (e) {
      process.stderr.write(`台账检查点失败（下次空闲时重试）：${toErrorData(e).message}\n`);
    }
  }

  /** The single entry point of both transports. Never throws: errors come back as data. */
  async call(name: string, input: unknown, token: string | null): Promise<Result<unknown>> {
    try {
      this.refuseWhileBusy(name);
      const hostOp = (hostOperations as Record<string, HostOp>)[name];
      if (hostOp) return ok(await hostOp(this, input, token));
      const def = (operations as Record<string, OpDef<unknown, unknown>>)[name];
      if (!def) throw new AppError('UNKNOWN_OPERATION', `未知操作：${name}`);
      const db = this.database;
      let actor: Actor;
      if (def.access === 'public') {
        actor = SYSTEM_ACTOR;
      } else {
        const s = this.sessions.use(token);
        if (s.state === 'none') throw new AppError('NOT_LOGGED_IN', '请先登录');
        if (s.state === 'locked') throw new AppError('SESSION_LOCKED', '已超过 15 分钟未操作，屏幕已锁定，请输入密码解锁');
        actor = s.actor;
        const rank = { clerk: 1, reviewer: 2, admin: 3 };
        if (rank[actor.role] < rank[def.access]) {
          const label = { clerk: '录入员', reviewer: '审核人', admin: '管理员' };
          throw new AppError('FORBIDDEN', `此操作需要「${label[def.access]}」权限`);
        }
      }
      if (def.job) {
        // An exclusive job must not start under a running one (an export's open cursor would block its writes).
        if (def.exclusive && [...this.jobs.values()].some((j) => !j.result)) {
          throw new AppError('BUSY', `另一项任务正在进行，请等它完成后再${def.exclusive}`);
        }
        const job: Job = { id: `job-${++this.jobSeq}`, done: 0, total: null, phase: '开始', owner: actor.username };
        this.jobs.set(job.id, job);
        const ctx: OpContext = {
          db, clock: this.clock, actor, dataDir: this.dataDir,
          progress: (done, total, phase) => Object.assign(job, { done, total, phase }),
        };
        const exclusive = def.exclusive;
        const body = () => def.run(ctx, input);
        void (async () => {
          try {
            job.result = ok(await (exclusive ? this.holding(exclusive, body) : body()));
          } catch (e) {
            job.result = { ok: false, error: toErrorData(e) };
          }
        })();
        return ok({ jobId: job.id });
      }
      const ctx: OpContext = { db, clock: this.clock, actor, dataDir: this.dataDir, progress: () => {} };
      return ok(await def.run(ctx, input));
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  }

  /** Runs an operation directly with a given actor (command line, tests), waiting for jobs to finish. */
  async run(name: string, input: unknown, actor: Actor, progress: OpContext['progress'] = () => {}): Promise<unknown> {
    this.refuseWhileBusy(name);
    const def = (operations as Record<string, OpDef<unknown, unknown>>)[name];
    if (!def) throw new AppError('UNKNOWN_OPERATION', `未知操作：${name}`);
    const body = () => def.run({ db: this.database, clock: this.clock, actor, dataDir: this.dataDir, progress }, input);
    return def.exclusive ? this.holding(def.exclusive, body) : body();
  }

  jobStatus(id: string, token: string | null) {
    const s = this.sessions.use(token);
    const job = this.jobs.get(id);
    if (!job || s.state === 'none' || s.actor.username !== job.owner) throw new AppError('NOT_FOUND', '任务不存在');
    if (job.result) this.jobs.delete(id);
    return { done: job.done, total: job.total, phase: job.phase, result: job.result ?? null };
  }

  async backupNow(file?: string): Promise<BackupInfo> {
    const stamp = this.clock.now().toISOString().replace(/[:.]/g, '-');
    return backupTo(this.database, file ?? join(this.dataDir, 'backups', `manual-${stamp}${BACKUP_EXT}`), this.dataDir, this.clock);
  }

  /** Checks the backup, keeps the current file beside it, swaps, reopens. Works from the error state too. */
  async restore(backupFile: string, actor: Actor): Promise<RestoreResult> {
    this.db?.close();
    this.db = null;
    let kept: RestoreResult;
    try {
      kept = restoreFile(this.file, backupFile, this.clock);
    } finally {
      await this.reopenAfterRestore();
    }
    if (this.db) {
      audit({ db: this.db, clock: this.clock, actor }, 'ledger.restore', 'ledger', null, {
        from: backupFile, kept_as: kept.keptAs, format: kept.format, attachments: kept.attachments, attachments_restored: kept.attachmentsRestored,
      });
    }
    return kept;
  }

  private async reopenAfterRestore(): Promise<void> {
    const autoBackup = this.opts.autoBackup;
    this.opts.autoBackup = false;
    if (this.backupTimer) clearInterval(this.backupTimer);
    const wasLocked = this.lockFile;
    this.lockFile = null;
    await this.open();
    this.lockFile = wasLocked;
    this.opts.autoBackup = autoBackup;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type HostOp = (host: LedgerHost, input: unknown, token: string | null) => unknown;

const loginInput = z.object({ username: z.string(), password: z.string() });

function activeActor(host: LedgerHost, token: string | null): Actor {
  const s = host.sessions.use(token);
  if (s.state === 'none') throw new AppError('NOT_LOGGED_IN', '请先登录');
  if (s.state === 'locked') throw new AppError('SESSION_LOCKED', '屏幕已锁定，请输入密码解锁');
  return s.actor;
}

/** Operations about the session and the ledger file itself, which need the host rather than one open database. */
export const hostOperations = {
  'app:status': (host: LedgerHost, _i: unknown, token: string | null): AppStatus => host.status(token),
  'setup:init': (host: LedgerHost, input: unknown): { token: string } => {
    const { admin } = initializeOffice({ db: host.database, clock: host.clock, dataDir: host.dataDir }, input);
    return { token: host.sessions.create(admin) };
  },
  /** First-run alternative: a ready-made 泽州县 ledger with sample data, logged in as its administrator. */
  'setup:demo': (host: LedgerHost): { token: string; office: string; username: string; password: string } => {
    const info = seedDemoLedger({ db: host.database, clock: host.clock, dataDir: host.dataDir });
    const actor = authenticate({ db: host.database, clock: host.clock, dataDir: host.dataDir }, { username: info.username, password: info.password });
    return { token: host.sessions.create(actor), office: info.office, username: info.username, password: info.password };
  },
  'auth:login': (host: LedgerHost, input: unknown): { token: string } => {
    const actor = authenticate({ db: host.database, clock: host.clock, dataDir: host.dataDir }, input);
    return { token: host.sessions.create(actor) };
  },
  'auth:logout': (host: LedgerHost, _i: unknown, token: string | null): null => {
    const s = host.sessions.use(token);
    if (token && s.state !== 'none') {
      audit({ db: host.database, clock: host.clock, actor: s.actor }, 'user.logout', 'user', s.actor.userId, {});
      host.sessions.end(token);
    }
    return null;
  },
  'auth:lock': (host: LedgerHost, _i: unknown, token: string | null): null => {
    if (token) host.sessions.lock(token);
    return null;
  },
  'auth:unlock': (host: LedgerHost, input: unknown, token: string | null): null => {
    const { password } = parseInput(z.object({ password: z.string().min(1, '必填') }), input, { password: '密码' });
    const s = host.sessions.use(token);
    if (s.state === 'none' || !token) throw new AppError('NOT_LOGGED_IN', '会话已结束，请重新登录');
    if (s.actor.userId === null || !checkPassword(host.database, s.actor.userId, password)) {
      throw new AppError('LOGIN_FAILED', '密码错误');
    }
    host.sessions.unlock(token);
    return null;
  },
  'job:get': (host: LedgerHost, input: unknown, token: string | null) =>
    host.jobStatus(parseInput(z.object({ jobId: z.string() }), input).jobId, token),
  'backup:list': (host: LedgerHost, _i: unknown, token: string | null): BackupInfo[] => {
    // Listing is allowed from the error state too, so a corrupt ledger can be recovered.
    if (host.status(token).state === 'ready') activeActor(host, token);
    return listBackups(host.dataDir);
  },
  'backup:create': async (host: LedgerHost, _i: unknown, token: string | null): Promise<BackupInfo> => {
    const actor = activeActor(host, token);
    const b = await host.backupNow();
    audit({ db: host.database, clock: host.clock, actor }, 'ledger.backup', 'ledger', null, { file: b.name });
    return b;
  },
  'backup:restore': async (host: LedgerHost, input: unknown, token: string | null) => {
    const { name } = parseInput(z.object({ name: z.string().regex(/^[\w\-][\w.\-]*\.(cxbak|sqlite)$/, '备份文件名不正确') }), input);
    let actor: Actor = { ...SYSTEM_ACTOR, username: 'recovery', displayName: '故障恢复' };
    if (host.status(token).state === 'ready') {
      actor = activeActor(host, token);
      if (actor.role !== 'admin') throw new AppError('FORBIDDEN', '恢复备份需要「管理员」权限');
    }
    const file = join(host.dataDir, 'backups', name);
    if (!existsSync(file)) throw new AppError('NOT_FOUND', `备份不存在：${name}`);
    return host.restore(file, actor);
  },
} satisfies Record<string, HostOp>;

export type HostOperations = typeof hostOperations;
export type HostOpName = keyof HostOperations;
export type HostOpOutput<K extends HostOpName> = Awaited<ReturnType<HostOperations[K]>>;
