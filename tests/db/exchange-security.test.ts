// Bad packages (issue 7 item 9 and "Bad input"): each refused with a clear message naming the cause, nothing
// written; the fixture of every released format version keeps importing; a killed import leaves no trace.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../db/result.js';
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage, verifyPackage } from '../../db/exchange/import.js';
import { officeKey, signBytes, fingerprintOf, type OfficeKey } from '../../db/exchange/keys.js';
import { TABLES } from '../../db/exchange/tables.js';
import { testLedger, tempDir, tempDirPerTest } from '../helpers.js';
import { demoCounty, explainAll } from './exchange-helpers.js';

const dir = tempDirPerTest('ledger-xsec-');
const snapshot = (db: Database) => [
  ...TABLES.map((t) => db.prepare(`SELECT count(*) FROM ${t.name}`).pluck().get()),
  ...['exchange_peer', 'exchange_package', 'audit_log', 'sync_base', 'report_status'].map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()),
];

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Rewrites a package's entries; `resign` signs the (changed) manifest again with the given key. */
function rebuild(src: string, dst: string, mutate: (e: Record<string, Uint8Array>) => void, resign?: OfficeKey): void {
  const e = unzipSync(readFileSync(src));
  mutate(e);
  if (resign) {
    e['manifest.sig'] = strToU8(`${signBytes(resign, Buffer.from(e['manifest.json']!))}\n`);
    e['sender.pub'] = strToU8(resign.publicKeyPem);
  }
  writeFileSync(dst, zipSync(e));
}
const manifestOf = (e: Record<string, Uint8Array>) => JSON.parse(Buffer.from(e['manifest.json']!).toString('utf8'));
const setManifest = (e: Record<string, Uint8Array>, m: unknown) => (e['manifest.json'] = strToU8(JSON.stringify(m)));

describe('exchange security', () => {
  const suite = tempDir('ledger-xsec-');
  afterAll(() => suite.cleanup());
  const out = suite.dir;
  const county = demoCounty();
  const explanations = explainAll(county.db, '2025');
  // The first package pins the county's key at the city; the bad ones are made from the second.
  const pinner = exportPackage(county.ctx(), { kind: 'report', period: '2025', to: '140500', explanations }, join(out, 'first.cxpkg')).file;
  const good = exportPackage(county.ctx(), { kind: 'report', period: '2025', to: '140500', explanations }, join(out, 'good.cxpkg')).file;
  const key = officeKey(county.ctx());

  const cases: Array<[string, string[], (file: string) => void, Partial<{ maxEntryBytes: number }>?]> = [
    ['empty file', ['EMPTY_FILE'], (f) => writeFileSync(f, '')],
    ['not a package', ['NOT_PACKAGE'], (f) => writeFileSync(f, '这不是交换包，只是一段文字')],
    ['a zip without manifest', ['NOT_PACKAGE'], (f) => writeFileSync(f, zipSync({ 'readme.txt': strToU8('hello') }))],
    ['a tampered byte', ['BAD_PACKAGE', 'HASH_MISMATCH'], (f) => {
      const b = readFileSync(good);
      const at = Math.floor(b.length / 3);
      b[at] = b[at]! ^ 0xff;
      writeFileSync(f, b);
    }],
    ['a truncated file', ['BAD_PACKAGE'], (f) => writeFileSync(f, readFileSync(good).subarray(0, Math.floor(readFileSync(good).length * 0.6)))],
    ['an entry named with ..', ['UNSAFE_ENTRY'], (f) => rebuild(good, f, (e) => (e['../../evil.sh'] = strToU8('rm -rf /')))],
    ['an absolute entry name', ['UNSAFE_ENTRY'], (f) => rebuild(good, f, (e) => (e['/etc/passwd'] = strToU8('x')))],
    ['an entry inflating beyond the limit', ['ENTRY_TOO_LARGE'], (f) => rebuild(good, f, (e) => {
      const bomb = new Uint8Array(8 * 1024 * 1024);
      e['attachments/bomb'] = bomb;
      const m = manifestOf(e);
      m.parts.push({ path: 'attachments/bomb', sha256: createHash('sha256').update(bomb).digest('hex'), bytes: bomb.length });
      setManifest(e, m);
    }, key), { maxEntryBytes: 1024 * 1024 }],
    ['a manifest lying about counts', ['COUNT_MISMATCH'], (f) => rebuild(good, f, (e) => {
      const m = manifestOf(e);
      m.tables.enterprise += 1;
      m.parts.find((p: { table?: string }) => p.table === 'enterprise').records += 1;
      setManifest(e, m);
    }, key)],
    ['a manifest lying about a hash', ['HASH_MISMATCH'], (f) => rebuild(good, f, (e) => {
      const m = manifestOf(e);
      m.parts[0].sha256 = '0'.repeat(64);
      setManifest(e, m);
    }, key)],
    ['a changed data part under the old manifest', ['HASH_MISMATCH', 'BAD_PACKAGE'], (f) => rebuild(good, f, (e) => {
      const t = Buffer.from(e['data/enterprise.ndjson']!).toString('utf8').replace('泽州', '阳城');
      e['data/enterprise.ndjson'] = strToU8(t);
    })],
    ['an edited manifest (signature no longer matches)', ['BAD_SIGNATURE'], (f) => rebuild(good, f, (e) => {
      const m = manifestOf(e);
      m.period = '2024';
      setManifest(e, m);
    })],
    ['a newer format version', ['FORMAT_TOO_NEW'], (f) => rebuild(good, f, (e) => {
      const m = manifestOf(e);
      m.format_version = 99;
      setManifest(e, m);
    }, key)],
    ['a package signed by another key than the pinned one', ['KEY_CHANGED'], (f) => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const other: OfficeKey = { publicKeyPem: pem, fingerprint: fingerprintOf(pem), privateKey };
      rebuild(good, f, (e) => {
        const m = manifestOf(e);
        m.sender.fingerprint = other.fingerprint;
        m.package_id = 'forged-0001';
        m.sequence = 99;
        setManifest(e, m);
      }, other);
    }],
  ];

  it.each(cases)('refuses %s with a clear message and writes nothing', (_name, codes, make, limits) => {
    const city = testLedger({ level: 'city', region: '140500' });
    // The county's real key is pinned first, so a forged key is a changed key.
    importPackage(city.ctx(), pinner, 'apply', { pin: true });
    const before = snapshot(city.db);
    const bad = join(out, `bad-${Math.random().toString(36).slice(2)}.cxpkg`);
    make(bad);
    const err = refusal(() => importPackage(city.ctx(), bad, 'apply', { pin: true, force: true, limits: limits && { maxEntryBytes: limits.maxEntryBytes!, maxEntries: 1000 } }));
    expect(codes).toContain(err.code);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(snapshot(city.db)).toEqual(before);
    if (err.code !== 'KEY_CHANGED') expect(refusal(() => verifyPackage(city.db, bad, { limits: limits && { maxEntryBytes: limits.maxEntryBytes!, maxEntries: 1000 } })).code).toBe(err.code);
  });

  it('a flipped byte anywhere in the entries is caught by verify-package', () => {
    const city = testLedger({ level: 'city', region: '140500' });
    const bytes = readFileSync(good);
    const cdStart = bytes.readUInt32LE(bytes.length - 22 + 16);
    for (let k = 1; k < 40; k++) {
      const at = Math.floor((cdStart * k) / 40);
      const b = Buffer.from(bytes);
      b[at] = b[at]! ^ 0x01;
      const f = join(out, `flip-${k}.cxpkg`);
      writeFileSync(f, b);
      expect(['BAD_PACKAGE', 'HASH_MISMATCH', 'BAD_SIGNATURE', 'NOT_PACKAGE', 'UNSAFE_ENTRY', 'COUNT_MISMATCH', 'ENTRY_TOO_LARGE']).toContain(refusal(() => verifyPackage(city.db, f)).code);
    }
  });

  it('an unknown key needs a person to confirm its fingerprint; a wrong confirmation does not pin', () => {
    const city = testLedger({ level: 'city', region: '140500' });
    const e = refusal(() => importPackage(city.ctx(), good, 'apply'));
    expect(e.code).toBe('NEEDS_PIN');
    expect(refusal(() => importPackage(city.ctx(), good, 'apply', { pin: '0000-0000-0000-0000-0000-0000-0000-0000' })).code).toBe('NEEDS_PIN');
    expect(importPackage(city.ctx(), good, 'apply', { pin: key.fingerprint }).applied).toBe(true);
    expect(city.db.prepare('SELECT fingerprint FROM exchange_peer').pluck().all()).toEqual([key.fingerprint]);
  });

  it('imports the fixture of every released format version', () => {
    const fx = JSON.parse(readFileSync(join(__dirname, '../fixtures/exchange/v1.json'), 'utf8')) as { fingerprint: string; tables: Record<string, number>; receiver: string; at: string };
    const city = testLedger({ level: 'city', region: fx.receiver, at: fx.at });
    const r = importPackage(city.ctx(), join(__dirname, '../fixtures/exchange/v1.cxpkg'), 'apply', { pin: fx.fingerprint });
    expect(r.applied).toBe(true);
    for (const [t, n] of Object.entries(fx.tables)) if (!t.startsWith('_')) expect(r.tables.find((x) => x.table === t)?.added ?? 0).toBe(n);
  });

  it('a process killed in the middle of an import leaves the ledger as it was, integrity ok', async () => {
    const big = demoCounty(undefined, 2500);
    const fat = exportPackage(big.ctx(), { kind: 'backup', to: '140525' }, join(out, 'fat.cxpkg')).file;
    // The receiving ledger is a file: a second ledger of the same office (a new PC).
    const file = join(out, 'receiver.sqlite');
    const clock = fixedClock('2026-03-01T02:00:00Z');
    const db = openLedger({ file });
    ensureCodeLists({ db, clock });
    initializeOffice({ db, clock, dataDir: null }, { level: 'county', region_code: '140525', name: '泽州县工业和信息化局', admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345' });
    const before = snapshot(db);
    db.close();
    copyFileSync(file, `${file}.before`);
    // 'sync': stopped dead inside a chunk; 'paced' (as the host runs it): stopped at a pause between chunks, the
    // BEGIN IMMEDIATE transaction open and the event loop idle.
    for (const mode of ['sync', 'paced']) {
      const target = join(out, `receiver-${mode}.sqlite`);
      copyFileSync(`${file}.before`, target);
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'exchange-kill-child.ts'), target, fat, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`child never reached the middle: ${seen}`)), 60_000);
        child.stdout.on('data', (b: Buffer) => {
          seen += b.toString();
          if (seen.includes('MID')) {
            clearTimeout(t);
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.stderr.on('data', (b: Buffer) => (seen += b.toString()));
      });
      await new Promise((r) => child.on('exit', r));
      expect(seen).not.toContain('DONE');
      const after = openLedger({ file: target });
      try {
        expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(snapshot(after)).toEqual(before);
      } finally {
        after.close();
      }
    }
  }, 120_000);
});

