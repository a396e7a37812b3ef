// Child of the kill test: starts applying a package and stops dead (busy loop) once it is in the middle of the
// transaction, so the parent can SIGKILL it there.
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { importPackage } from '../../db/exchange/import.js';
import { ADMIN } from '../helpers.js';

const [file, pkg] = process.argv.slice(2) as [string, string];
const db = openLedger({ file });
const ctx = { db, clock: fixedClock('2026-03-01T02:00:00Z'), actor: ADMIN, dataDir: null };
importPackage(ctx, pkg, 'apply', {
  pin: true,
  onProgress: (done) => {
    if (done >= 2000) {
      process.stdout.write('MID\n');
      for (;;) {
        /* wait here to be killed mid-transaction */
      }
    }
  },
});
process.stdout.write('DONE\n');
