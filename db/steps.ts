// Long writes as steps: a generator that yields at safe points between chunks (every CHUNK_ROWS records). The same
// steps run straight through where nobody waits (command line, tests) or paced, giving the event loop a turn every
// few milliseconds so the host can answer job:get while ONE transaction stays open (all-or-nothing is kept).
import type { Database } from 'better-sqlite3';

/** Work that pauses (yields) between chunks and finally returns T. */
export type Steps<T> = Generator<void, T, undefined>;

/** Records between two safe points (yields). runPaced decides at each one whether to pause. */
export const CHUNK_ROWS = 100;

/**
 * How long steps run before runPaced gives the event loop a turn: a progress poll or a click waits at most about
 * this long. Tests set 0 to pause at every safe point.
 */
export const pacing = { sliceMs: 20 };

/** Runs the steps to the end in this turn of the event loop. */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the steps, letting the event loop run between chunks. Whatever holds the connection meanwhile (the host's
 * exclusive job) must keep other requests off it: they would see, or join, the open transaction.
 */
export async function runPaced<T>(steps: Steps<T>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= pacing.sliceMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}

let savepointSeq = 0;

/**
 * BEGIN IMMEDIATE … COMMIT around the steps (the write lock is taken up front, not at the first write halfway
 * through). An error, or steps abandoned half-way, rolls everything back. Inside a running transaction it is a
 * savepoint, as better-sqlite3's own transactions are.
 */
export function* inTransaction<T>(db: Database, body: Steps<T>): Steps<T> {
  const sp = db.inTransaction ? `steps_${++savepointSeq}` : null;
  db.exec(sp ? `SAVEPOINT ${sp}` : 'BEGIN IMMEDIATE');
  let committed = false;
  try {
    const value = yield* body;
    db.exec(sp ? `RELEASE ${sp}` : 'COMMIT');
    committed = true;
    return value;
  } finally {
    // SQLite may already have rolled back on its own (e.g. disk full); a closed connection rolled back on close.
    if (!committed && db.open && db.inTransaction) {
      try {
        db.exec(sp ? `ROLLBACK TO ${sp}; RELEASE ${sp}` : 'ROLLBACK');
      } catch {
        /* the original error is the one to report */
      }
    }
  }
}
