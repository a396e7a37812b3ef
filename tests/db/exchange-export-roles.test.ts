// 谁可以导出什么 (issue 12 B): a 录入员 sees 身份证号 masked, and a package carries them in clear (masking them would
// overwrite the real numbers at the receiver), so a clerk is refused every package that would hold one. Expected
// outcomes are the table in docs/exchange-format.md, written out here, not derived from EXPORT_ROLE.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { LedgerHost } from '../../db/host.js';
import { AppError } from '../../db/result.js';
import { exportPackage, type ExportInput } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { openPackage, partLines } from '../../db/exchange/package.js';
import { CLERK, REVIEWER, testLedger, tempDir, tempDirPerTest } from '../helpers.js';
import { demoCounty } from './exchange-helpers.js';

const newDir = tempDirPerTest('ledger-xroles-');

/** What a refusal must leave as it was (the signing key is made on first export: it must not be). */
const snapshot = (db: Database) => ({
  audit: db.prepare('SELECT count(*) FROM audit_log').pluck().get(),
  packages: db.prepare('SELECT count(*) FROM exchange_package').pluck().get(),
  key: db.prepare('SELECT count(*) FROM exchange_key').pluck().get(),
  status: db.prepare('SELECT count(*) FROM report_status').pluck().get(),
});

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('who may export what', () => {
  it('a clerk asking for each kind over the host dispatch gets the decided outcome, and no file is left', async () => {
    const t = tempDir('ledger-xroles-host-');
    const h = new LedgerHost(t.dir, fixedClock('2026-03-02T01:00:00Z'), { autoBackup: false });
    try {
      await h.open();
      const demo = await h.call('setup:demo', {}, null);
      expect(demo.ok).toBe(true);
      const login = await h.call('auth:login', { username: 'luru', password: 'Luru12345' }, null);
      const clerk = (login as { value: { token: string } }).value.token;
      const db = h.database;
      const town = db.prepare('SELECT gid FROM town ORDER BY id LIMIT 1').pluck().get() as string;
      const ent = db.prepare('SELECT e.gid FROM enterprise e JOIN training_plan p ON p.enterprise_id = e.id JOIN trainee x ON x.plan_id = p.id LIMIT 1').pluck().get() as string;
      const trainees = db.prepare('SELECT count(*) FROM trainee').pluck().get() as number;
      expect(trainees).toBeGreaterThan(0);
      const before = snapshot(db);
      const filesBefore = readdirSync(t.dir).sort();

      const run = async (input: ExportInput) => {
        const r = await h.call('exchange:export', input, clerk);
        const { jobId } = (r as { value: { jobId: string } }).value;
        for (;;) {
          const s = (await h.call('job:get', { jobId }, clerk)) as { value: { result: { ok: boolean; error?: { code: string; message: string } } | null } };
          if (s.value.result) return s.value.result;
          await new Promise((res) => setTimeout(res, 10));
        }
      };
      // Oracle: docs/exchange-format.md「谁可以导出什么」for a 录入员.
      const expected: Array<[string, ExportInput, RegExp]> = [
        ['report', { kind: 'report', to: '140500', period: '2025' }, /导出上报包需要「审核人」或更高权限/],
        ['receipt', { kind: 'receipt', to: '140500', refers_to: 'x' }, /导出回执包需要「审核人」或更高权限/],
        ['return', { kind: 'return', to: '140500', refers_to: 'x', comments: [{ table: 'enterprise', gid: 'g', comment: '请核实' }] }, /导出退回包需要「审核人」或更高权限/],
        ['rules', { kind: 'rules', to: '140525' }, /需要「管理员」或更高权限/],
        ['backup', { kind: 'backup', to: '140525' }, /导出完整备份包需要「管理员」或更高权限/],
        ['checkout of a town', { kind: 'checkout', to: '140525', town_gid: town }, /需要「审核人」或更高权限/],
        ['checkout of an enterprise with trainees', { kind: 'checkout', to: '140525', enterprise_gid: ent }, /需要「审核人」或更高权限/],
        ['checkin of a ledger holding 身份证号', { kind: 'checkin', to: '140525' }, new RegExp(`学员 ${trainees} 条.*身份证号.*请审核人或管理员导出`)],
      ];
      for (const [what, input, message] of expected) {
        const r = await run(input);
        expect(r.ok, what).toBe(false);
        expect(r.error!.code, what).toBe('FORBIDDEN');
        expect(r.error!.message, what).toMatch(message);
      }
      expect(snapshot(db)).toEqual(before);
      expect(readdirSync(t.dir).sort()).toEqual(filesBefore);
    } finally {
      h.close();
      t.cleanup();
    }
  });

  it('a refused export leaves neither the package nor its partial file', () => {
    const out = newDir();
    const county = demoCounty();
    const file = join(out, 'in.cxpkg');
    const before = snapshot(county.db);
    const e = refusal(() => exportPackage(county.ctx(CLERK), { kind: 'checkin', to: '140525' }, file));
    expect(e.code).toBe('FORBIDDEN');
    // Names each table holding numbers, with its count.
    expect(e.details).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'trainee', label: '学员' })]));
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(readdirSync(out)).toEqual([]);
    expect(snapshot(county.db)).toEqual(before);
  });

  it('a clerk may hand in a laptop ledger without 身份证号; a reviewer exports the numbers whole', () => {
    const out = newDir();
    const office = demoCounty();
    const laptop = testLedger({ region: '140525' });
    const town = office.db.prepare('SELECT gid FROM town ORDER BY id LIMIT 1').pluck().get() as string;
    expect(refusal(() => exportPackage(office.ctx(CLERK), { kind: 'checkout', to: '140525', town_gid: town }, join(out, 'x.cxpkg'))).code).toBe('FORBIDDEN');
    const co = exportPackage(office.ctx(REVIEWER), { kind: 'checkout', to: '140525', town_gid: town }, join(out, 'out.cxpkg'));
    expect(co.manifest.tables.trainee).toBeUndefined();
    importPackage(laptop.ctx(), co.file, 'apply', { pin: true });
    const ci = exportPackage(laptop.ctx(CLERK), { kind: 'checkin', to: '140525' }, join(out, 'in.cxpkg'));
    expect(ci.manifest.tables.town).toBe(1);

    // The office's own roster, exported by a reviewer: every number as stored, never masked.
    const full = exportPackage(office.ctx(REVIEWER), { kind: 'checkin', to: '140525' }, join(out, 'full.cxpkg'));
    const pkg = openPackage(full.file);
    try {
      const part = pkg.manifest.parts.find((p) => p.table === 'trainee')!;
      const ids = [...partLines(pkg, part, null)].map((l) => (JSON.parse(l) as { id_no: string }).id_no).sort();
      expect(ids).toEqual((office.db.prepare('SELECT id_no FROM trainee').pluck().all() as string[]).sort());
      expect(ids.every((x) => /^\d{17}[\dX]$/.test(x))).toBe(true);
    } finally {
      pkg.close();
    }
  });
});
