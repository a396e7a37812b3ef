// Worker thread of an enterprise import: reads the workbook, checks every row and computes pinyin, search text
// and ids, handing rows over in batches while the importing thread writes the previous batch (import-source.ts).
// It starts ahead of the import (its modules take a moment to load), says 'ready', and waits for one 'start'.
// Every outcome, a thrown error included, is a message: the importing thread waits synchronously and cannot
// receive the worker's 'error' event while it does.
import { workerData, type MessagePort } from 'node:worker_threads';
import { streamSheet } from '../excel/read.js';
import { AppError } from '../result.js';
import { ENTERPRISE_COLUMNS, ENTERPRISE_SHEET, RowChecker, type ReadyRow } from './import-rows.js';
import type { StartMessage, WorkerMessage } from './import-source.js';

const { port } = workerData as { port: MessagePort };
const TAIL_BATCH = 200;

async function run({ signal, bytes, fileName, batch, maxRows, check }: StartMessage): Promise<void> {
  const started = performance.now();
  const send = (m: WorkerMessage) => {
    port.postMessage(m);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    const checker = new RowChecker(check);
    let rows: ReadyRow[] = [];
    let read = 0;
    let share = 0;
    const { count: total, sheet } = await streamSheet(
      bytes,
      fileName,
      ENTERPRISE_COLUMNS,
      (r) => {
        read++;
        const ready = checker.check(r);
        if (ready) rows.push(ready);
        // The last part of the sheet in small batches: the writer's work after the last row is checked is the wait.
        if (rows.length >= (share < 0.95 ? batch : TAIL_BATCH)) {
          send({ t: 'rows', rows, read, share });
          rows = [];
        }
      },
      { maxRows, onShare: (s) => (share = s), sheet: ENTERPRISE_SHEET },
    );
    if (rows.length && !checker.errors.length) send({ t: 'rows', rows, read, share: 1 });
    send({ t: 'end', total, sheet, errors: checker.errors, busyMs: performance.now() - started });
  } catch (e: unknown) {
    const error =
      e instanceof AppError
        ? { code: e.code, message: e.message, details: e.details }
        : { code: 'IMPORT_FAILED', message: `读取工作簿「${fileName}」时出错：${e instanceof Error ? e.message : String(e)}`, details: undefined };
    send({ t: 'fail', error });
  }
}

port.once('message', (start: StartMessage) => void run(start));
// Before any 'start' there is no signal to raise: the importing thread polls for this one.
port.postMessage({ t: 'ready' } satisfies WorkerMessage);
