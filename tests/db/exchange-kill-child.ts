// Child of the kill test: starts applying a package and stops once it is in the middle of the transaction, so
// the parent can SIGKILL it there. 'sync' (default) stops dead in a busy loop inside a chunk; 'paced' drives the
// steps as the host does and stops at a pause between chunks, transaction open, event loop idle.
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { importPackage, importSteps } from '../../db/exchange/import.js';
import { ADMIN } from '../helpers.js';

const [file, pkg, mode = 'sync'] = process.argv.slice(2) as [string, string, string?];
const db = openLedger({ file });
const ctx = { db, clock: fixedClock('2026-03-01T02:00:00Z'), actor: ADMIN, dataDir: null };
let mid = false;
const onProgress = (done: number) => {
  if (done < 2000) return;
  mid = true;
  if (mode === 'paced') return;
  process.stdout.write('MID\n');
  for (;;) {
    /* wait here to be killed mid-transaction */
  }
};
if (mode === 'paced') {
  const steps = importSteps(ctx, pkg, 'apply', { pin: true, onProgress });
  for (let r = steps.next(); !r.done; r = steps.next()) {
    if (mid) {
      if (!db.inTransaction) throw new Error('expected to pause inside the transaction');
      process.stdout.write('MID\n');
      setInterval(() => {}, 1000); // keep the process alive, idle, until killed
      await new Promise(() => {});
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
} else {
  importPackage(ctx, pkg, 'apply', { pin: true, onProgress });
}
process.stdout.write('DONE\n');
