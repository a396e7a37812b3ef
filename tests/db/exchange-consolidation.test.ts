// Consolidation of two counties (issue 7): each office numbers its own plans and claims, so a city takes both
// 2026-学徒-0001 without KEY_CLASH (migration 7), filters lists by 上报单位 and sums every area by county (汇总).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { originOffices, summaryByOffice, summaryExcel } from '../../db/exchange/summary.js';
import { listTowns } from '../../db/towns/service.js';
import { listPlans } from '../../db/training/service.js';
import { listClaims } from '../../db/exhibitions/service.js';
import { listEnterprises } from '../../db/enterprises/service.js';
import ExcelJS from 'exceljs';
import { verifyAudit } from '../../db/audit/audit.js';
import { testLedger, tempDirPerTest } from '../helpers.js';
import { demoCounty, demoCountyIn, explainAll } from './exchange-helpers.js';

const newDir = tempDirPerTest('ledger-consol-');

const one = (db: Database, sql: string, ...p: unknown[]) => db.prepare(sql).pluck().get(...p) as number;

function consolidated() {
  const dir = newDir();
  const zezhou = demoCounty();
  const gaoping = demoCountyIn('140581', '高平市工业和信息化局');
  const city = testLedger({ level: 'city', region: '140500' });
  for (const [n, c] of [['zz', zezhou], ['gp', gaoping]] as const) {
    const r = exportPackage(c.ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(c.db, '2025') }, join(dir, `${n}.cxpkg`));
    importPackage(city.ctx(), r.file, 'apply', { pin: true });
  }
  return { zezhou, gaoping, city };
}

describe('city consolidating two counties', () => {
  it('takes the same plan code and claim number from both, each traceable to its county', () => {
    const { zezhou, gaoping, city } = consolidated();
    const planCode = zezhou.db.prepare('SELECT code FROM training_plan ORDER BY code LIMIT 1').pluck().get() as string;
    const claimNo = zezhou.db.prepare('SELECT claim_no FROM exhibition_claim ORDER BY claim_no LIMIT 1').pluck().get() as string;
    expect(one(gaoping.db, 'SELECT count(*) FROM training_plan WHERE code = ?', planCode)).toBe(1);
    expect(one(gaoping.db, 'SELECT count(*) FROM exhibition_claim WHERE claim_no = ?', claimNo)).toBe(1);

    expect(city.db.prepare('SELECT origin_office FROM training_plan WHERE code = ? ORDER BY origin_office').pluck().all(planCode)).toEqual(['140525', '140581']);
    expect(city.db.prepare('SELECT origin_office FROM exhibition_claim WHERE claim_no = ? ORDER BY origin_office').pluck().all(claimNo)).toEqual(['140525', '140581']);
    for (const t of ['enterprise', 'training_plan', 'trainee', 'exhibition_claim', 'exhibition_payment', 'town']) {
      expect(one(city.db, `SELECT count(*) FROM ${t}`)).toBe(one(zezhou.db, `SELECT count(*) FROM ${t}`) + one(gaoping.db, `SELECT count(*) FROM ${t}`));
    }
    // The gaoping plan keeps its own enterprise: references resolved by gid, not by code.
    const ent = (db: Database) => db.prepare(`SELECT e.uscc FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id WHERE p.code = ? AND p.origin_office = '140581'`).pluck().get(planCode);
    expect(ent(city.db)).toBe(ent(gaoping.db));
    // Within one office the code stays unique.
    expect(() => city.db.prepare(`UPDATE training_plan SET code = ? WHERE origin_office = '140581' AND code <> ?`).run(planCode, planCode)).toThrow(/UNIQUE/);
    expect(verifyAudit(city.db).ok).toBe(true);
    expect(city.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('filters the enterprise list by 上报单位 and sums every area by county (汇总), also to Excel', async () => {
    const { zezhou, gaoping, city } = consolidated();
    const all = listEnterprises(city.ctx(), { pageSize: 500, status: 'all' });
    const gp = listEnterprises(city.ctx(), { pageSize: 500, status: 'all', origin_office: '140581' });
    expect(gp.total).toBe(one(gaoping.db, 'SELECT count(*) FROM enterprise'));
    expect(gp.rows.every((r) => r.origin_office === '140581')).toBe(true);
    expect(all.total).toBe(gp.total + one(zezhou.db, 'SELECT count(*) FROM enterprise'));

    const s = summaryByOffice(city.ctx(), {});
    expect(s.rows.map((r) => [r.office_code, r.office_name])).toEqual([['140525', '泽州县'], ['140581', '高平市']]);
    for (const [c, r] of [[zezhou, s.rows[0]!], [gaoping, s.rows[1]!]] as const) {
      expect(r).toMatchObject({
        enterprises: one(c.db, `SELECT count(*) FROM enterprise WHERE status = 'active'`),
        towns: one(c.db, 'SELECT count(*) FROM town'),
        plans: one(c.db, 'SELECT count(*) FROM training_plan'),
        trainees: one(c.db, 'SELECT count(*) FROM trainee'),
        claims: one(c.db, 'SELECT count(*) FROM exhibition_claim'),
        approved_fen: one(c.db, `SELECT coalesce(sum(approved_fen), 0) FROM exhibition_claim WHERE status IN ('approved', 'paid')`),
        paid_fen: one(c.db, `SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount_fen ELSE -amount_fen END), 0) FROM exhibition_payment`),
      });
    }
    expect(s.rows[0]!.plans).toBeGreaterThan(0);
    expect(s.rows[0]!.paid_fen).toBeGreaterThan(0);
    expect(s.totals.claims).toBe(s.rows[0]!.claims + s.rows[1]!.claims);
    // Folded by city: one 晋城市 row.
    const byCity = summaryByOffice(city.ctx(), { by: 'city' });
    expect(byCity.rows).toHaveLength(1);
    expect(byCity.rows[0]).toMatchObject({ office_code: '140500', own: true, claims: s.totals.claims });

    const x = await summaryExcel(city.ctx(), {});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('汇总')!;
    expect(ws.getRow(2).getCell(2).value).toBe('泽州县');
    expect(ws.getRow(3).getCell(7).value).toBe(s.rows[1]!.claims);
    expect(ws.getRow(4).getCell(2).value).toBe('合计');
    expect(ws.getRow(4).getCell(9).value).toBe(s.totals.paid_fen / 100);
  });

  describe('上报单位 filter on the other lists', () => {
    // One consolidation for the three lists: it is the slow part, and the filters only read.
    let c: ReturnType<typeof consolidated>;
    const both = (db: Database, table: string) =>
      db.prepare(`SELECT origin_office FROM ${table} GROUP BY origin_office ORDER BY origin_office`).pluck().all() as string[];
    const setup = () => (c ??= consolidated());

    it('town list', () => {
      const { zezhou, city } = setup();
      // The 高平 fixture has no towns: one of the city's towns is marked as reported by 高平市.
      const moved = city.db.prepare('SELECT id, name FROM town ORDER BY id LIMIT 1').get() as { id: number; name: string };
      city.db.prepare(`UPDATE town SET origin_office = '140581' WHERE id = ?`).run(moved.id);
      expect(both(city.db, 'town')).toEqual(['140525', '140581']);
      const gp = listTowns(city.ctx(), { origin_office: '140581' });
      expect(gp.map((t) => t.name)).toEqual([moved.name]);
      const zz = listTowns(city.ctx(), { origin_office: '140525' });
      expect(zz).toHaveLength(one(zezhou.db, 'SELECT count(*) FROM town') - 1);
      expect(zz.every((t) => t.origin_office === '140525')).toBe(true);
      expect(listTowns(city.ctx(), {})).toHaveLength(one(city.db, 'SELECT count(*) FROM town'));
      expect(originOffices(city.ctx(), { list: 'town' })).toEqual([
        { code: '140525', name: '泽州县', count: zz.length },
        { code: '140581', name: '高平市', count: 1 },
      ]);
    });

    it('training plan list', () => {
      const { zezhou, gaoping, city } = setup();
      const gp = listPlans(city.ctx(), { origin_office: '140581', pageSize: 500 });
      expect(gp.total).toBe(one(gaoping.db, 'SELECT count(*) FROM training_plan'));
      expect(gp.total).toBeGreaterThan(0);
      expect(gp.rows.every((p) => p.origin_office === '140581')).toBe(true);
      expect(listPlans(city.ctx(), { origin_office: '140525' }).total).toBe(one(zezhou.db, 'SELECT count(*) FROM training_plan'));
      // Combined with another filter: the same plan code, once per county.
      const code = gp.rows[0]!.code;
      expect(listPlans(city.ctx(), { q: code }).total).toBe(2);
      expect(listPlans(city.ctx(), { q: code, origin_office: '140581' }).rows.map((p) => p.origin_office)).toEqual(['140581']);
      expect(originOffices(city.ctx(), { list: 'plan' }).map((o) => o.code)).toEqual(['140525', '140581']);
    });

    it('exhibition claim list', () => {
      const { zezhou, gaoping, city } = setup();
      const gp = listClaims(city.ctx(), { origin_office: '140581', pageSize: 500 });
      expect(gp.total).toBe(one(gaoping.db, 'SELECT count(*) FROM exhibition_claim'));
      expect(gp.total).toBeGreaterThan(0);
      expect(gp.rows.every((r) => r.origin_office === '140581')).toBe(true);
      expect(listClaims(city.ctx(), { origin_office: '140525' }).total).toBe(one(zezhou.db, 'SELECT count(*) FROM exhibition_claim'));
      expect(originOffices(city.ctx(), { list: 'claim' }).map((o) => o.name)).toEqual(['泽州县', '高平市']);
    });

    it('offers no 上报单位 at county level and refuses a malformed office code', () => {
      const { zezhou, city } = setup();
      expect(originOffices(zezhou.ctx(), { list: 'town' })).toEqual([]);
      expect(() => listTowns(city.ctx(), { origin_office: '1405' })).toThrow(/上报单位/);
      expect(() => originOffices(city.ctx(), { list: 'nope' })).toThrow();
    });
  });
});
