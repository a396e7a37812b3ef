// Long writes through the host: a package apply (and the enterprise import) keeps ONE transaction open while it
// pauses between chunks, so job:get shows real progress; meanwhile every other request is refused, and a failure
// half-way leaves the ledger exactly as it was.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { LedgerHost } from '../../db/host.js';
import { exportPackage } from '../../db/exchange/export.js';
import { ENTERPRISE_COLUMNS } from '../../db/enterprises/excel.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import type { Result } from '../../db/result.js';
import { pacing } from '../../db/steps.js';
import { tempDir } from '../helpers.js';
import { demoCounty } from './exchange-helpers.js';

const SETUP = {
  level: 'county', region_code: '140525', name: '泽州县工业和信息化局',
  admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
};
const ENTERPRISES = 2500; // the enterprise table alone spans 25 safe points (db/steps.ts CHUNK_ROWS = 100)

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function host(opts: { idleCheckpoint?: boolean } = {}) {
  const t = tempDir('ledger-excl-');
  cleanups.push(t.cleanup);
  const h = new LedgerHost(t.dir, fixedClock('2026-03-01T02:00:00Z'), { autoBackup: false, ...opts });
  await h.open();
  cleanups.push(() => h.close());
  const { token } = value<{ token: string }>(await h.call('setup:init', SETUP, null));
  return { h, token };
}

/** An import file as the UI sends it: `rows` enterprises whose codes carry `series` (1–9), named by `kind`. */
async function enterpriseFile(fileName: string, rows: number, series: number, kind: string, address: (n: number) => string | null = () => null) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业名录');
  ws.addRow(ENTERPRISE_COLUMNS.map((c) => c.header));
  for (let n = 1; n <= rows; n++) ws.addRow([enterpriseCode(series, n), `泽州县第${n}${kind}有限公司`, '140525', '巴公镇', address(n), '3391', '规上']);
  return { fileName, dataBase64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') };
}
const enterpriseCode = (series: number, n: number) => withCheckChar(`91140525MA${series}${String(n).padStart(6, '0')}`);

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Every table's rows, hashed: equal snapshots mean nothing at all was written. */
function snapshot(db: Database): Record<string, string> {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  return Object.fromEntries(names.map((n) => {
    const rows = (db.prepare(`SELECT * FROM "${n}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    return [n, `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`];
  }));
}

interface Sample {
  done: number;
  total: number | null;
  phase: string;
}

/**
 * Polls job:get like the UI (a timer, so the job's pauses let it in) until the job ends. `during` runs once,
 * at the first poll that finds the job past its first chunk, to try other requests while the transaction is open.
 */
async function follow(h: LedgerHost, token: string, jobId: string, midPhase: string, during: () => Promise<void>) {
  const samples: Sample[] = [];
  let tried = false;
  for (let i = 0; i < 20_000; i++) {
    await new Promise((r) => setTimeout(r, 1));
    const s = value<Sample & { result: Result<unknown> | null }>(await h.call('job:get', { jobId }, token));
    if (s.result) return { samples, result: s.result, tried };
    samples.push({ done: s.done, total: s.total, phase: s.phase });
    if (!tried && s.phase.includes(midPhase) && s.total && s.done > 0 && s.done < s.total) {
      expect(h.database.inTransaction).toBe(true); // really paused inside the one transaction
      await during();
      tried = true;
    }
  }
  throw new Error('job never finished');
}

const midway = (samples: Sample[], phase: string) => samples.filter((s) => s.phase.includes(phase) && s.total !== null && s.done > 0 && s.done < s.total);

describe('host: an exclusive job pauses inside one transaction', () => {
  let pkg: { fileName: string; dataBase64: string };
  let lastEnterprise: { uscc: string; region_code: string; scale: 'above' | 'below' };

  beforeAll(() => {
    const t = tempDir('ledger-excl-pkg-');
    const county = demoCounty(undefined, ENTERPRISES);
    // A second ledger of the same office (a new PC) takes the first one's complete backup package.
    const file = exportPackage(county.ctx(), { kind: 'backup', to: '140525' }, join(t.dir, 'big.cxpkg')).file;
    pkg = { fileName: '完整备份.cxpkg', dataBase64: readFileSync(file).toString('base64') };
    // Records go in gid order: the last enterprise is written after many pauses.
    lastEnterprise = county.db.prepare('SELECT uscc, region_code, scale FROM enterprise ORDER BY gid DESC LIMIT 1').get() as typeof lastEnterprise;
    county.db.close();
    t.cleanup();
  }, 120_000);

  // The tests pause at every safe point, however fast the machine: a 2,500-row write can end within one default slice.
  const slice = pacing.sliceMs;
  const everyPoint = () => {
    pacing.sliceMs = 0;
    cleanups.push(() => (pacing.sliceMs = slice));
  };

  it('applies a large package: job:get shows it moving, every other request is refused until it ends', async () => {
    everyPoint();
    const { h, token } = await host();
    const { jobId } = value<{ jobId: string }>(await h.call('exchange:apply', { ...pkg, pin: true }, token));
    const run = await follow(h, token, jobId, '企业', async () => {
      const write = await h.call('enterprise:create', { uscc: withCheckChar('91140525MA0999999'), name: '泽州县新建铸造有限公司', region_code: '140525', scale: 'above' }, token);
      expect(write).toMatchObject({ ok: false, error: { code: 'BUSY', message: expect.stringContaining('正在导入数据包，请稍候') } });
      // Reads too: they would see the half-written transaction.
      expect(await h.call('enterprise:list', {}, token)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(await h.call('exchange:dryRun', { ...pkg, pin: true }, token)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(await h.call('backup:create', {}, token)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(await h.call('auth:login', { username: 'admin', password: 'Admin12345' }, null)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(value<{ state: string }>(await h.call('app:status', {}, token)).state).toBe('ready');
    });
    expect(run.tried).toBe(true);
    const mid = midway(run.samples, '企业');
    expect(mid.length).toBeGreaterThan(0);
    // Progress only moves forward, counted against the whole package.
    const dones = run.samples.map((s) => s.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(run.result).toMatchObject({ ok: true, value: { applied: true } });
    // All of it went in, and the host takes requests again.
    expect(h.database.inTransaction).toBe(false);
    expect(h.database.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(ENTERPRISES);
    expect(value<{ total: number }>(await h.call('enterprise:list', {}, token)).total).toBe(ENTERPRISES);
    value(await h.call('enterprise:create', { uscc: withCheckChar('91140525MA0999999'), name: '泽州县新建铸造有限公司', region_code: '140525', scale: 'above' }, token));
  }, 120_000);

  it('a package failing in a later chunk leaves the ledger exactly as it was', async () => {
    everyPoint();
    const { h, token } = await host();
    // This ledger already registered the package's last enterprise code under another record: its insert clashes.
    value(await h.call('enterprise:create', { uscc: lastEnterprise.uscc, name: '本地登记的同代码企业', region_code: lastEnterprise.region_code, scale: lastEnterprise.scale }, token));
    const before = snapshot(h.database);
    const { jobId } = value<{ jobId: string }>(await h.call('exchange:apply', { ...pkg, pin: true }, token));
    const run = await follow(h, token, jobId, '企业', async () => {
      expect(await h.call('enterprise:list', {}, token)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    });
    expect(run.tried).toBe(true);
    expect(midway(run.samples, '企业').length).toBeGreaterThan(0);
    expect(run.result).toMatchObject({ ok: false, error: { code: 'KEY_CLASH', message: expect.stringContaining('未写入任何数据') } });
    expect(h.database.inTransaction).toBe(false);
    expect(snapshot(h.database)).toEqual(before);
    // Nothing half-done is left either on disk: a second connection sees the same ledger, intact.
    const { default: Sqlite } = await import('better-sqlite3');
    const other = new Sqlite(h.file, { readonly: true });
    try {
      expect(other.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(snapshot(other)).toEqual(before);
    } finally {
      other.close();
    }
    expect(value<{ total: number }>(await h.call('enterprise:list', {}, token)).total).toBe(1);
  }, 120_000);

  it('imports an enterprise workbook the same way, and rolls all of it back when a late row fails', async () => {
    const rows = 2500;
    const code = (n: number) => enterpriseCode(1, n);
    const file = await enterpriseFile('企业名录.xlsx', rows, 1, '机械');

    everyPoint();
    const { h, token } = await host();
    // First a failure injected at the last row of the write phase: everything written before it is undone.
    h.database.exec(`CREATE TEMP TRIGGER fail_late BEFORE INSERT ON enterprise WHEN NEW.uscc = '${code(rows)}' BEGIN SELECT RAISE(ABORT, '模拟写入失败'); END`);
    const before = snapshot(h.database);
    const failed = await follow(h, token, value<{ jobId: string }>(await h.call('enterprise:import', file, token)).jobId, '校验并写入', async () => {
      expect(await h.call('enterprise:list', {}, token)).toMatchObject({ ok: false, error: { code: 'BUSY', message: expect.stringContaining('正在导入企业名录') } });
    });
    expect(failed.tried).toBe(true);
    expect(failed.result).toMatchObject({ ok: false, error: { message: expect.stringContaining('模拟写入失败') } });
    expect(h.database.inTransaction).toBe(false);
    expect(snapshot(h.database)).toEqual(before);

    h.database.exec('DROP TRIGGER temp.fail_late');
    const okRun = await follow(h, token, value<{ jobId: string }>(await h.call('enterprise:import', file, token)).jobId, '校验并写入', async () => {
      expect(await h.call('enterprise:create', { uscc: withCheckChar('91140525MA0999999'), name: '泽州县新建铸造有限公司', region_code: '140525', scale: 'above' }, token))
        .toMatchObject({ ok: false, error: { code: 'BUSY' } });
    });
    expect(okRun.tried).toBe(true);
    expect(midway(okRun.samples, '校验并写入').length).toBeGreaterThan(0);
    expect(okRun.result).toMatchObject({ ok: true, value: { created: rows } });
    expect(value<{ total: number }>(await h.call('enterprise:list', {}, token)).total).toBe(rows);

    // Rows checked on the worker thread (large files): the host still answers between batches.
    const file2 = await enterpriseFile('企业名录2.xlsx', rows, 2, '铸造');
    process.env.LEDGER_IMPORT_THREADS = '1';
    try {
      const viaWorker = await follow(h, token, value<{ jobId: string }>(await h.call('enterprise:import', file2, token)).jobId, '校验并写入', async () => {
        expect(await h.call('enterprise:list', {}, token)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      });
      expect(viaWorker.tried).toBe(true);
      expect(midway(viaWorker.samples, '校验并写入').length).toBeGreaterThan(0);
      expect(viaWorker.result).toMatchObject({ ok: true, value: { created: rows } });
    } finally {
      delete process.env.LEDGER_IMPORT_THREADS;
    }
    expect(value<{ total: number }>(await h.call('enterprise:list', {}, token)).total).toBe(rows * 2);
  }, 120_000);

  it("the apps' host copies the WAL into the file a moment after a job, not inside the job's commit", async () => {
    const rows = 3000;
    const file = await enterpriseFile('企业名录.xlsx', rows, 3, '阀业', (n) => `泽州县巴公镇工业园区第${n}号`);
    const { h, token } = await host({ idleCheckpoint: true });
    expect(h.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const walPages = () => (h.database.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>)[0]!;
    const { jobId } = value<{ jobId: string }>(await h.call('enterprise:import', file, token));
    for (;;) {
      const s = value<{ result: Result<unknown> | null }>(await h.call('job:get', { jobId }, token));
      if (s.result) {
        expect(s.result).toMatchObject({ ok: true, value: { created: rows } });
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Committed and readable at once, still in the WAL only; copied into the file about a second later, while
    // nothing runs.
    expect(value<{ total: number }>(await h.call('enterprise:list', {}, token)).total).toBe(rows);
    expect(h.checkpoints).toBe(0);
    const fileSize = () => statSync(h.database.name).size;
    const before = fileSize();
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.checkpoints).toBe(1);
    expect(fileSize()).toBeGreaterThan(before + 1024 * 1024);
    const w = walPages();
    expect(w.checkpointed).toBe(w.log);
  }, 60_000);
});
