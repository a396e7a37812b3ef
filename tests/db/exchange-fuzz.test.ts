// A fuzzer of our own for the receiving side (issue 12): thousands of mutants of a real county report, each applied
// at the city. Byte-level mutants (flips, truncations, splices) test the container; record-level mutants are
// re-signed with the county's real key, so only the content checks stand between them and the ledger. The seed is
// fixed and the count bounded, so a failure replays exactly. For every mutant: no internal error (a crash, a
// TypeError, a SQLite error leaking out), and a refused one leaves the ledger byte-for-byte as it was and no file in
// the attachments folder. Hangs are bounded by the test's own time limit.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { strToU8 } from 'fflate';
import { AppError } from '../../db/result.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { officeKey } from '../../db/exchange/keys.js';
import type { Ctx } from '../../db/context.js';
import { testLedger, tempDir } from '../helpers.js';
import { demoCounty, explainAll } from './exchange-helpers.js';
import { ledgerHash, manifestOf, readEntries, recordsOf, setRecords, writeResigned, type Entries } from './exchange-mutate.js';

const BYTE_MUTANTS = 500;
const RECORD_MUTANTS = 1500;
const SEED = 20261204;

/** mulberry32: small, fast, and the same sequence everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

/** Values an attacker (or a buggy sender) puts where a field belongs. */
const HOSTILE: readonly unknown[] = [
  null, '', ' ', 'x'.repeat(20_000), '../ledger.sqlite', '../../etc/passwd', 'yesterday', '2024-02-30', '2024-13-01', '9999-99-99',
  '2026-03-01T25:00:00Z', 'ZZZZZZ', '000000', '140581', '140500', '140000', '999999', '123', 'ABCDEFGHIJKLMNOPQR', '91140525MA0L000000',
  '<script>alert(1)</script>', "'; DROP TABLE enterprise; --", '\u0000', '１４０５２５', 0, -1, 1, 12.5, -0.01, 1e300, -1e300, 2 ** 53, 2 ** 63, 2 ** 64,
  Number.MAX_SAFE_INTEGER, true, false, {}, { a: 1 }, [], [1, 2], ['a'], '{"x":1}', '[', 'NaN', 'Infinity',
];

describe('exchange fuzzer', () => {
  const suite = tempDir('ledger-xfuzz-');
  afterAll(() => suite.cleanup());
  const out = suite.dir;
  const dataDir = join(out, 'city-data');
  mkdirSync(dataDir, { recursive: true });
  const county = demoCounty('2026-03-01T02:00:00Z', 15);
  const city = testLedger({ level: 'city', region: '140500' });
  const cityCtx = (): Ctx => ({ ...city.ctx(), dataDir });
  const key = officeKey(county.ctx());
  const report = (name: string) =>
    exportPackage(county.ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(county.db, '2025') }, join(out, name)).file;
  importPackage(cityCtx(), report('first.cxpkg'), 'apply', { pin: true });
  // The base carries an attachment the city lacks, so a mutant that gets far enough would stage a file.
  const baseEntries = readEntries(report('second.cxpkg'));
  {
    const bytes = strToU8('%PDF-1.4 fuzz evidence');
    const sha = createHash('sha256').update(bytes).digest('hex');
    baseEntries[`attachments/${sha}`] = bytes;
    const m = manifestOf(baseEntries);
    m.parts.push({ path: `attachments/${sha}`, sha256: sha, bytes: bytes.length });
    baseEntries['manifest.json'] = strToU8(JSON.stringify(m));
  }
  const base = join(out, 'base.cxpkg');
  writeResigned(structuredClone(baseEntries), base, key, 10);
  const tables = manifestOf(baseEntries).parts.filter((p) => p.table && (p.records ?? 0) > 0).map((p) => p.table!);
  const files = () => readdirSync(dataDir, { recursive: true }).map(String).sort();

  interface Tally {
    refused: number;
    accepted: number;
    internal: string[];
    changedOnRefusal: string[];
    codes: Record<string, number>;
  }
  const tally = (): Tally => ({ refused: 0, accepted: 0, internal: [], changedOnRefusal: [], codes: {} });

  function run(t: Tally, label: string, file: string): void {
    const before = ledgerHash(city.db);
    const filesBefore = files();
    try {
      importPackage(cityCtx(), file, 'apply', { force: true });
      t.accepted++;
    } catch (e) {
      if (!(e instanceof AppError) || e.code === 'INTERNAL') {
        t.internal.push(`${label}: ${e instanceof Error ? e.stack?.split('\n').slice(0, 3).join(' | ') : String(e)}`);
        return;
      }
      t.refused++;
      t.codes[e.code] = (t.codes[e.code] ?? 0) + 1;
      if (!/[\u4e00-\u9fa5]/.test(e.message)) t.internal.push(`${label}: message not in Chinese: ${e.message}`);
      if (ledgerHash(city.db) !== before) t.changedOnRefusal.push(`${label}: ledger changed (${e.code})`);
      const after = files();
      if (after.join('\n') !== filesBefore.join('\n')) t.changedOnRefusal.push(`${label}: files changed (${e.code}): ${after.filter((f) => !filesBefore.includes(f)).join(', ')}`);
    }
  }

  it(`${BYTE_MUTANTS} byte-level mutants: no internal error, nothing written on refusal`, () => {
    const r = prng(SEED);
    const good = readFileSync(base);
    const t = tally();
    for (let i = 0; i < BYTE_MUTANTS; i++) {
      let b = Buffer.from(good);
      const ops = 1 + r.int(4);
      const done: string[] = [];
      for (let k = 0; k < ops; k++) {
        const op = r.int(6);
        const at = r.int(b.length);
        if (op === 0) b[at] = b[at]! ^ (1 << r.int(8));
        else if (op === 1) b[at] = r.int(256);
        else if (op === 2) b = b.subarray(0, at);
        else if (op === 3) b = Buffer.concat([b.subarray(0, at), b.subarray(r.int(b.length))]);
        else if (op === 4) b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256))), b.subarray(at)]);
        else b.writeUInt32LE(r.pick([0, 0xffffffff, 0x7fffffff, r.int(2 ** 32)]), Math.min(at, Math.max(0, b.length - 4)));
        done.push(`${op}@${at}`);
      }
      const file = join(out, 'byte.cxpkg');
      writeFileSync(file, b);
      run(t, `byte mutant ${i} [${done.join(' ')}]`, file);
    }
    expect(t.internal).toEqual([]);
    expect(t.changedOnRefusal).toEqual([]);
    // A few flips land where the reader never looks (a zip header's time field): that file is the package already
    // applied, and says so without writing.
    expect(t.refused).toBeGreaterThan(BYTE_MUTANTS * 0.8);
  }, 600_000);

  it(`${RECORD_MUTANTS} re-signed record-level mutants: no internal error, nothing written on refusal`, () => {
    const r = prng(SEED + 1);
    const t = tally();
    let seq = 1000;
    for (let i = 0; i < RECORD_MUTANTS; i++) {
      const e: Entries = structuredClone(baseEntries);
      const table = r.pick(tables);
      const recs = recordsOf(e, table);
      const rec = r.pick(recs);
      const fields = Object.keys(rec);
      const op = r.int(10);
      let what: string;
      if (op <= 5) {
        const f = r.pick(fields);
        const v = r.pick(HOSTILE);
        rec[f] = v;
        what = `${table}.${f} = ${JSON.stringify(v)?.slice(0, 40)}`;
      } else if (op === 6) {
        const f = r.pick(fields);
        delete rec[f];
        what = `${table} without ${f}`;
      } else if (op === 7) {
        // A field copied from another record of the same table (plausible values, wrong place: gids, origins, refs).
        const f = r.pick(fields);
        rec[f] = r.pick(recs)[f];
        what = `${table}.${f} from another record`;
      } else if (op === 8) {
        recs.push({ ...rec });
        what = `${table} record duplicated`;
      } else {
        const other = r.pick(tables);
        const src = r.pick(recordsOf(e, other));
        const f = r.pick(Object.keys(src));
        rec[r.pick(fields)] = src[f];
        what = `${table} field from ${other}.${f}`;
      }
      setRecords(e, table, recs);
      const file = join(out, 'rec.cxpkg');
      writeResigned(e, file, key, ++seq);
      run(t, `record mutant ${i}: ${what}`, file);
    }
    expect(t.internal).toEqual([]);
    expect(t.changedOnRefusal).toEqual([]);
    // Most hostile values are refused; some mutations are harmless (another valid text in a note) and apply.
    expect(t.refused).toBeGreaterThan(RECORD_MUTANTS * 0.5);
    expect(t.codes.BAD_RECORD).toBeGreaterThan(RECORD_MUTANTS * 0.3);
  }, 900_000);
});
