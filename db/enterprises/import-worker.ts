// Worker thread of an enterprise import: reads the workbook, checks every row and computes pinyin, search text
// and ids, handing rows over in batches while the importing thread writes the previous batch (import-source.ts).
// Every outcome, a thrown error included, is a message: the importing thread waits synchronously and cannot
// receive the worker's 'error' event while it does.
import { workerData, type MessagePort } from 'node:worker_threads';
import { streamSheet } from '../excel/read.js';
import { AppError } from '../result.js';
import { ENTERPRISE_COLUMNS, RowChecker, type CheckInput, type ReadyRow } from './import-rows.js';
import type { WorkerMessage } from './import-source.js';

interface Data {
  port: MessagePort;
  signal: Int32Array;
  bytes: Uint8Array;
  fileName: string;
  batch: number;
  maxRows: number;
  check: CheckInput;
}

const { port, signal, bytes, fileName, batch, maxRows, check } = workerData as Data;
const started = performance.now();

function send(m: WorkerMessage): void {
  port.postMessage(m);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function run(): Promise<void> {
  const checker = new RowChecker(check);
  let rows: ReadyRow[] = [];
  let read = 0;
  let share = 0;
  const total = await streamSheet(
    bytes,
    fileName,
    ENTERPRISE_COLUMNS,
    (r) => {
      read++;
      const ready = checker.check(r);
      if (ready) rows.push(ready);
      if (rows.length >= batch) {
        send({ t: 'rows', rows, read, share });
        rows = [];
      }
    },
    { maxRows, onShare: (s) => (share = s) },
  );
  if (rows.length && !checker.errors.length) send({ t: 'rows', rows, read, share: 1 });
  send({ t: 'end', total, errors: checker.errors, busyMs: performance.now() - started });
}

send({ t: 'ready' });
run().catch((e: unknown) => {
  const error =
    e instanceof AppError
      ? { code: e.code, message: e.message, details: e.details }
      : { code: 'IMPORT_FAILED', message: `读取工作簿「${fileName}」时出错：${e instanceof Error ? e.message : String(e)}`, details: undefined };
  send({ t: 'fail', error });
});
