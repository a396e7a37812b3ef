// Where an enterprise import's checked rows come from. On an office PC with two cores the workbook is read and
// checked (and pinyin, search text and ids computed) on a worker thread while this thread writes the previous
// batch; the write transaction pulls batches synchronously (Atomics.wait + receiveMessageOnPort), so it stays one
// synchronous better-sqlite3 transaction: all or nothing, nothing else interleaved. Where no worker can start
// (an unusual bundle, LEDGER_IMPORT_THREADS=0) or a small file is imported, the same checks run in this thread first.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { streamSheet, type RowError } from '../excel/read.js';
import { AppError } from '../result.js';
import { ENTERPRISE_COLUMNS, ENTERPRISE_SHEET, RowChecker, type CheckInput, type ReadyRow } from './import-rows.js';

export type WorkerMessage =
  | { t: 'ready' }
  /** `share`: how much of the worksheet was read (0–1), for an estimate of the rows to come. */
  | { t: 'rows'; rows: ReadyRow[]; read: number; share: number }
  /** `busyMs`: the worker's time from start-up to the last row checked. */
  | { t: 'end'; total: number; sheet: string; errors: RowError[]; busyMs?: number }
  | { t: 'fail'; error: { code: string; message: string; details?: unknown } };

/** What an import sends the waiting worker. */
export interface StartMessage {
  signal: Int32Array;
  bytes: Uint8Array;
  fileName: string;
  batch: number;
  maxRows: number;
  check: CheckInput;
}

export interface RowSource {
  /** 'worker' or 'thread': which way the rows were checked (tests and the bench report it). */
  readonly kind: 'worker' | 'thread';
  /** The next batch, or the end; blocks until the worker has it. Throws the worker's failure as an AppError. */
  next(): Extract<WorkerMessage, { t: 'rows' | 'end' }>;
  /** Milliseconds the writer spent waiting in next() so far (the bench reports where an import's time goes). */
  readonly waitedMs: number;
  close(): void;
}

export interface SourceOptions {
  bytes: Uint8Array;
  fileName: string;
  maxRows: number;
  check: CheckInput;
}

/** Rows per batch handed to the writer. */
const BATCH = 2000;
/** A worker that says nothing for this long is taken as dead (it reports every failure it can catch). */
const SILENT_LIMIT_MS = 120_000;

export async function openRowSource(opts: SourceOptions): Promise<RowSource> {
  const mode = process.env.LEDGER_IMPORT_THREADS;
  if (mode === '1' || (mode !== '0' && opts.bytes.length >= WORKER_MIN_BYTES)) {
    const w = await startWorker(opts);
    if (w) return w;
  }
  return inThread(opts);
}

/**
 * The worker's code: LEDGER_IMPORT_WORKER (a built worker, as the bench uses), the bundle beside the Electron main
 * bundle (unpacked from app.asar), or, running from source under tsx or vitest, the TypeScript through tsx's
 * require hook (loader flags do not reach worker threads).
 */
function workerEntry(): { code: string; eval: boolean } | null {
  const here = fileURLToPath(import.meta.url);
  for (const built of [process.env.LEDGER_IMPORT_WORKER, join(dirname(here), 'enterprise-import-worker.cjs').replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked')]) {
    if (built && existsSync(built)) return { code: built, eval: false };
  }
  const source = join(dirname(here), 'import-worker.ts');
  if (!here.endsWith('.ts') || !existsSync(source)) return null;
  try {
    const api = createRequire(import.meta.url).resolve('tsx/cjs/api');
    return { code: `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(source)});`, eval: true };
  } catch {
    return null;
  }
}

/** Below this size a file is read in this thread: starting a worker costs more than it saves. */
const WORKER_MIN_BYTES = 512 * 1024;

/** A started worker thread, its modules loaded or loading, waiting for an import's 'start'. */
interface Spawned {
  worker: Worker;
  port: MessagePort;
  /** The worker's 'error', once one came (a failure it could not report itself). */
  failed(): unknown;
  /** Resolves true once the worker said 'ready', false if it failed or exited first. */
  ready: Promise<boolean>;
}

function spawn(): Spawned | null {
  const entry = workerEntry();
  if (!entry) return null;
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(entry.code, { eval: entry.eval, workerData: { port: port2 }, transferList: [port2] });
  } catch {
    return null;
  }
  worker.unref();
  let failed: unknown = null;
  // Keeps an error after start-up from being an unhandled 'error' event; next() reports it.
  worker.on('error', (e) => (failed = e));
  // Start-up is awaited, not blocked on, so a worker that cannot load is seen and the import runs in this thread.
  const ready = new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout;
    const poll = () => {
      const m = receiveMessageOnPort(port1)?.message as WorkerMessage | undefined;
      if (m?.t === 'ready') return (clearTimeout(timer), resolve(true));
      if (failed) return resolve(false);
      timer = setTimeout(poll, 2);
    };
    worker.once('exit', () => (clearTimeout(timer), resolve(false)));
    poll();
  });
  return { worker, port: port1, failed: () => failed, ready };
}

/**
 * One worker kept started ahead of the next import (its modules, the pinyin dictionary among them, take a fifth
 * of a second to load). The host keeps one while a ledger is open; the command line starts one per import.
 */
let warm: Spawned | null = null;
let keepWarm = false;
let rewarm: NodeJS.Timeout | null = null;

/**
 * Starts a worker now for the next large import, and another a moment after each one is used. Only a built worker
 * is kept (the apps' bundle, or LEDGER_IMPORT_WORKER): run from source, tsx would compile it at every start.
 */
export function keepImportWorkerWarm(): void {
  if (process.env.LEDGER_IMPORT_THREADS === '0' || workerEntry()?.eval !== false) return;
  keepWarm = true;
  warm ??= spawn();
}

/** Stops the waiting worker (the host closing its ledger). */
export function stopImportWorker(): void {
  keepWarm = false;
  if (rewarm) clearTimeout(rewarm);
  rewarm = null;
  if (warm) {
    void warm.worker.terminate();
    warm.port.close();
  }
  warm = null;
}

/** Whether a started worker is waiting, resolved once it has loaded (tests and the bench). */
export async function importWorkerWaiting(): Promise<boolean> {
  return (await warm?.ready) ?? false;
}

/** The next worker starts a moment after an import, not during it (it would take a core from that import). */
function rewarmSoon(): void {
  if (!keepWarm || rewarm) return;
  rewarm = setTimeout(() => {
    rewarm = null;
    if (keepWarm) keepImportWorkerWarm();
  }, 1000);
  rewarm.unref();
}

async function startWorker(opts: SourceOptions): Promise<RowSource | null> {
  const s = warm ?? spawn();
  warm = null;
  if (!s) return null;
  const { worker, port: port1, failed } = s;
  if (!(await s.ready)) {
    void worker.terminate();
    port1.close();
    rewarmSoon();
    return null;
  }
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const start: StartMessage = { signal, bytes: opts.bytes, fileName: opts.fileName, batch: BATCH, maxRows: opts.maxRows, check: opts.check };
  port1.postMessage(start);
  const close = () => {
    void worker.terminate();
    port1.close();
    rewarmSoon();
  };
  let waitedMs = 0;
  return {
    kind: 'worker',
    get waitedMs() {
      return waitedMs;
    },
    next() {
      const t0 = performance.now();
      try {
        return take();
      } finally {
        waitedMs += performance.now() - t0;
      }
    },
    close,
  };

  function take(): Extract<WorkerMessage, { t: 'rows' | 'end' }> {
    {
      let silentSince = Date.now();
      for (;;) {
        const seen = Atomics.load(signal, 0);
        const m = receiveMessageOnPort(port1)?.message as WorkerMessage | undefined;
        if (m) {
          if (m.t === 'fail') throw new AppError(m.error.code, m.error.message, m.error.details);
          if (m.t === 'ready') continue;
          return m;
        }
        // A worker that died outright (its 'error' event is delivered while the writer pauses between batches).
        const f = failed();
        if (f) throw new AppError('IMPORT_FAILED', `读取工作簿「${opts.fileName}」的后台线程出错，未导入任何数据：${f instanceof Error ? f.message : String(f)}`);
        if (Atomics.wait(signal, 0, seen, 1000) === 'timed-out' && Date.now() - silentSince > SILENT_LIMIT_MS) {
          throw new AppError('IMPORT_FAILED', `读取工作簿「${opts.fileName}」的后台线程已停止响应，未导入任何数据。请重试。`);
        }
        if (Atomics.load(signal, 0) !== seen) silentSince = Date.now();
      }
    }
  }
}

/** Reads and checks the whole file first (async), then hands the rows out in batches like the worker. */
async function inThread(opts: SourceOptions): Promise<RowSource> {
  const checker = new RowChecker(opts.check);
  const ready: ReadyRow[] = [];
  const { count: total, sheet } = await streamSheet(
    opts.bytes,
    opts.fileName,
    ENTERPRISE_COLUMNS,
    (r) => {
      const row = checker.check(r);
      if (row) ready.push(row);
    },
    { maxRows: opts.maxRows, sheet: ENTERPRISE_SHEET },
  );
  let at = 0;
  return {
    kind: 'thread',
    waitedMs: 0,
    next() {
      if (!checker.errors.length && at < ready.length) {
        const rows = ready.slice(at, at + BATCH);
        at += rows.length;
        return { t: 'rows', rows, read: total, share: 1 };
      }
      return { t: 'end', total, sheet, errors: checker.errors };
    },
    close() {},
  };
}
