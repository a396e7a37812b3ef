// The domain reports of a city that consolidated two counties (issue 7 item 7): every report, its Excel file and
// its print data can be narrowed to one 上报单位, and then shows what that county's own ledger shows; the offices'
// figures add up to the unfiltered report, and a 按上报单位汇总 row per office says the same.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { originOffices } from '../../db/exchange/summary.js';
import { townDashboard } from '../../db/towns/dashboard.js';
import { batchDocument, listBatches } from '../../db/towns/documents.js';
import { exportIndicators } from '../../db/towns/excel.js';
import { apprenticeProgress, ledgerRows, trainingDashboard } from '../../db/training/reports.js';
import { apprenticeProgressExcel, trainingLedgerExcel } from '../../db/training/excel.js';
import { courseTotals, listCourses, listPlans } from '../../db/training/service.js';
import { dashboard as exhibitionDashboard, publicityList } from '../../db/exhibitions/reports.js';
import { listBatches as listClaimBatches } from '../../db/exhibitions/service.js';
import { exportClaims } from '../../db/exhibitions/excel.js';
import { testLedger, tempDir } from '../helpers.js';
import { demoCounty, demoCountyIn, explainAll, gaopingTown, GP_DOC, SHARED_PUBLICITY } from './exchange-helpers.js';

const ZZ = '140525';
const GP = '140581';
function consolidated() {
  const d = tempDir('ledger-reports-');
  const zezhou = demoCounty();
  const gaoping = demoCountyIn(GP, '高平市工业和信息化局');
  gaopingTown(gaoping.ctx());
  const city = testLedger({ level: 'city', region: '140500' });
  for (const [n, c] of [['zz', zezhou], ['gp', gaoping]] as const) {
    const r = exportPackage(c.ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(c.db, '2025') }, join(d.dir, `${n}.cxpkg`));
    importPackage(city.ctx(), r.file, 'apply', { pin: true });
  }
  return { zezhou, gaoping, city, cleanup: () => d.cleanup() };
}

/** Report rows without the ledger's own row ids (they differ between the county and the city). */
const noIds = <T extends object>(rows: T[], ...keys: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !['id', 'town_id', 'claim_id', ...keys].includes(k))));
const sheetLines = async (bytes: Buffer, name: string) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: string[] = [];
  wb.getWorksheet(name)!.eachRow((r) => out.push(String(r.getCell(1).value)));
  return out;
};

describe('domain reports of a city, by 上报单位', () => {
  // One consolidation for every report: it is the slow part, and the reports only read.
  let c: ReturnType<typeof consolidated>;
  const setup = () => (c ??= consolidated());
  afterAll(() => c?.cleanup());

  it('专业镇总览: each county sees its own towns, 复核, 未报 and indicator totals; the offices add up to the whole', () => {
    const { zezhou, gaoping, city } = setup();
    const all = townDashboard(city.ctx(), {});
    const zz = townDashboard(city.ctx(), { origin_office: ZZ });
    const gp = townDashboard(city.ctx(), { origin_office: GP });
    expect(all.origin_name).toBeNull();
    expect(gp).toMatchObject({ origin_office: GP, origin_name: '高平市' });
    expect(gp.counts.total).toBe(1);
    expect(zz.counts.total).toBe(zezhou.db.prepare('SELECT count(*) FROM town').pluck().get());
    expect(all.counts.total).toBe(zz.counts.total + gp.counts.total);
    expect(all.counts.byOffice).toEqual([
      { office_code: ZZ, office_name: '泽州县', own: false, count: zz.counts.total },
      { office_code: GP, office_name: '高平市', own: false, count: 1 },
    ]);
    expect(gp.counts.byOffice).toEqual([{ office_code: GP, office_name: '高平市', own: false, count: 1 }]);
    // The county's own overview, seen through the city's filter (same clock day, same policy).
    for (const [county, view] of [[zezhou, zz], [gaoping, gp]] as const) {
      const own = townDashboard(county.ctx(), { year: view.year });
      expect(view.counts.byLevel).toEqual(own.counts.byLevel);
      expect(view.counts.byStatus).toEqual(own.counts.byStatus);
      expect(noIds(view.missingIndicators)).toEqual(noIds(own.missingIndicators));
      expect(noIds(view.rereviewDue)).toEqual(noIds(own.rereviewDue));
      expect(view.totals.years).toEqual(own.totals.years);
    }
    expect(all.missingIndicators).toHaveLength(zz.missingIndicators.length + gp.missingIndicators.length);
    const year2024 = (d: typeof all) => d.totals.years.find((y) => y.year === 2024)!;
    expect(year2024(gp)).toMatchObject({ towns: 1, totals: { output_wan: 51200 } });
    expect(year2024(all).towns).toBe(year2024(zz).towns + 1);
    expect(year2024(all).totals.output_wan).toBe(year2024(zz).totals.output_wan! + 51200);
  });

  it('公示与认定名单: a week both counties publicized splits by office, and the list is headed and signed by that office', () => {
    const { city } = setup();
    const key = `${SHARED_PUBLICITY.publicity_start}|${SHARED_PUBLICITY.publicity_end}`;
    const shared = (o?: string) => listBatches(city.ctx(), o ? { origin_office: o } : {}).find((b) => b.kind === 'publicity' && b.key === key);
    expect(shared()?.towns).toBe(2);
    expect(shared(ZZ)?.towns).toBe(1);
    expect(shared(GP)?.towns).toBe(1);
    const all = listBatches(city.ctx());
    const zz = listBatches(city.ctx(), { origin_office: ZZ });
    const gp = listBatches(city.ctx(), { origin_office: GP });
    expect(gp.filter((b) => b.kind === 'designation').map((b) => b.key)).toEqual([GP_DOC]);
    expect(zz.some((b) => b.key === GP_DOC)).toBe(false);
    expect(all.filter((b) => b.kind === 'designation')).toHaveLength(zz.filter((b) => b.kind === 'designation').length + 1);

    const merged = batchDocument(city.ctx(), { kind: 'publicity', key });
    expect(merged.rows.map((r) => r.name).sort()).toEqual(['泽州山楂', '高平丝麻纺织'].sort());
    expect(merged).toMatchObject({ origin_office: null, origin_name: null, issuer: '泽州县工业和信息化局' });
    const doc = batchDocument(city.ctx(), { kind: 'publicity', key, origin_office: GP });
    expect(doc.rows.map((r) => [r.name, r.county])).toEqual([['高平丝麻纺织', '高平市']]);
    expect(doc).toMatchObject({ origin_office: GP, origin_name: '高平市', issuer: '高平市工业和信息化局', towns: 1 });
    // 泽州's designating document is not 高平's to print.
    const zzDoc = zz.find((b) => b.kind === 'designation')!.key;
    expect(() => batchDocument(city.ctx(), { kind: 'designation', key: zzDoc, origin_office: GP })).toThrow(/高平市没有这一批次的记录/);
  });

  it('培训: 工作台账, 学徒制进展 and 统计图表 for one county equal the county\'s own; the offices add up', () => {
    const { zezhou, gaoping, city } = setup();
    let seen = 0;
    for (const year of [2025, 2026]) {
      const all = ledgerRows(city.ctx(), { year });
      for (const [county, code] of [[zezhou, ZZ], [gaoping, GP]] as const) {
        const mine = ledgerRows(city.ctx(), { year, origin_office: code });
        expect(noIds(mine.rows)).toEqual(noIds(ledgerRows(county.ctx(), { year }).rows));
        const prog = apprenticeProgress(city.ctx(), { year, origin_office: code });
        const own = apprenticeProgress(county.ctx(), { year });
        expect(noIds(prog.rows, 'plan_id')).toEqual(noIds(own.rows, 'plan_id'));
        expect(prog.totals).toEqual(own.totals);
        const dash = trainingDashboard(city.ctx(), { year, origin_office: code });
        const ownDash = trainingDashboard(county.ctx(), { year });
        expect(dash.byMonth).toEqual(ownDash.byMonth);
        expect(dash.byType).toEqual(ownDash.byType);
        seen += mine.rows.length;
      }
      expect(all.rows).toHaveLength(
        ledgerRows(city.ctx(), { year, origin_office: ZZ }).rows.length + ledgerRows(city.ctx(), { year, origin_office: GP }).rows.length,
      );
      // 按上报单位汇总: one row per county, adding up to the by-type totals.
      const d = trainingDashboard(city.ctx(), { year });
      const types = (k: 'plans' | 'trainees' | 'paid_fen') => d.byType.reduce((s, t) => s + t[k], 0);
      if (types('plans') > 0) expect(d.byOffice.map((o) => o.office_name)).toEqual(['泽州县', '高平市']);
      for (const k of ['plans', 'trainees', 'paid_fen'] as const) expect(d.byOffice.reduce((s, o) => s + o[k], 0)).toBe(types(k));
      const pAll = apprenticeProgress(city.ctx(), { year });
      const pSum = (o: string) => apprenticeProgress(city.ctx(), { year, origin_office: o }).totals.enrolled;
      expect(pAll.totals.enrolled).toBe(pSum(ZZ) + pSum(GP));
    }
    expect(seen).toBeGreaterThan(0);
    expect(apprenticeProgress(city.ctx(), { year: 2026, origin_office: GP }).origin_name).toBe('高平市');
  });

  it('参展补贴概览 and 公示批次 for one county equal the county\'s own; the offices add up', () => {
    const { zezhou, gaoping, city } = setup();
    const year = 2026;
    const all = exhibitionDashboard(city.ctx(), { year });
    // Not near_cap: the counties' rule versions (their caps) stay with them; a report package carries the claims.
    const fig = (d: typeof all) => ({ status: d.by_status, month: d.by_month, market: d.by_market, fair: noIds(d.by_fair, 'fair_id') });
    let claims = 0;
    for (const [county, code, name] of [[zezhou, ZZ, '泽州县'], [gaoping, GP, '高平市']] as const) {
      const mine = exhibitionDashboard(city.ctx(), { year, origin_office: code });
      expect(mine.origin_name).toBe(name);
      expect(fig(mine)).toEqual(fig(exhibitionDashboard(county.ctx(), { year })));
      expect(mine.by_office.map((o) => o.office_code)).toEqual([code]);
      claims += mine.by_status.reduce((s, x) => s + x.count, 0);
      const batches = listClaimBatches(city.ctx(), { origin_office: code });
      const numbered = (rows: typeof batches) => rows.map((b) => [b.batch_no, b.claim_count]).sort();
      expect(numbered(batches)).toEqual(numbered(listClaimBatches(county.ctx())));
      expect(batches.length).toBeGreaterThan(0);
      const doc = publicityList(city.ctx(), batches[0]!.id);
      expect(doc).toMatchObject({ origin_office: code, origin_name: name, issuer: `${name}工业和信息化局` });
      expect(doc.notice).toContain(`向${name}工业和信息化局反映`);
    }
    expect(all.by_status.reduce((s, x) => s + x.count, 0)).toBe(claims);
    expect(all.by_office.map((o) => o.office_name)).toEqual(['泽州县', '高平市']);
    for (const k of ['count', 'applied_fen', 'approved_fen', 'paid_fen'] as const) {
      expect(all.by_office.reduce((s, o) => s + o[k], 0)).toBe(all.by_market.reduce((s, m) => s + m[k], 0));
    }
    expect(listClaimBatches(city.ctx())).toHaveLength(listClaimBatches(zezhou.ctx()).length + listClaimBatches(gaoping.ctx()).length);
  });

  it('the Excel files follow the 上报单位 and name it', async () => {
    const { gaoping, city } = setup();
    const year = 2026;
    const ledger = await trainingLedgerExcel(city.ctx(), { year, origin_office: GP });
    expect(ledger.count).toBe(ledgerRows(gaoping.ctx(), { year }).rows.length);
    expect(ledger.count).toBeGreaterThan(0);
    expect(ledger.count).toBeLessThan((await trainingLedgerExcel(city.ctx(), { year })).count);
    expect(ledger.fileName).toBe(`培训工作台账-高平市-${year}-01-01-${year}-12-31.xlsx`);
    expect((await sheetLines(ledger.bytes, '说明'))[0]).toContain('上报单位：高平市');
    expect(await sheetLines(ledger.bytes, '工作台账')).toEqual(await sheetLines((await trainingLedgerExcel(gaoping.ctx(), { year })).bytes, '工作台账'));

    const prog = await apprenticeProgressExcel(city.ctx(), { year, origin_office: GP });
    expect(prog.fileName).toBe(`学徒制进展-高平市-${year}.xlsx`);
    expect(await sheetLines(prog.bytes, '学徒制进展')).toEqual(await sheetLines((await apprenticeProgressExcel(gaoping.ctx(), { year })).bytes, '学徒制进展'));

    const claims = await exportClaims(city.ctx(), year, GP);
    expect(claims.count).toBe((await exportClaims(gaoping.ctx(), year)).count);
    expect(claims.count).toBeGreaterThan(0);
    expect(claims.count).toBeLessThan((await exportClaims(city.ctx(), year)).count);
    expect(claims.fileName).toMatch(/^参展补贴申请-高平市-2026-/);

    const ind = await exportIndicators(city.ctx(), { origin_office: GP });
    expect(ind.count).toBe(2);
    expect(ind.fileName).toMatch(/^专业镇年度指标-高平市-/);
    expect((await exportIndicators(city.ctx(), {})).count).toBe(ind.count + (await exportIndicators(c.zezhou.ctx(), {})).count);
  });

  it('企业家培训: the courses and each enterprise\'s totals for one county equal the county\'s own; the offices add up', () => {
    const { zezhou, gaoping, city } = setup();
    const year = 2026;
    const strip = <T extends object>(rows: T[]) => noIds(rows, 'course_id', 'enterprise_id', 'attendees', 'gid', 'row_version', 'created_at', 'updated_at');
    let courses = 0;
    for (const [county, code] of [[zezhou, ZZ], [gaoping, GP]] as const) {
      const mine = listCourses(city.ctx(), { year, origin_office: code });
      expect(strip(mine)).toEqual(strip(listCourses(county.ctx(), { year })));
      expect(mine.map((c) => c.attendees.length)).toEqual(listCourses(county.ctx(), { year }).map((c) => c.attendees.length));
      expect(strip(courseTotals(city.ctx(), { year, origin_office: code }))).toEqual(strip(courseTotals(county.ctx(), { year })));
      courses += mine.length;
    }
    expect(courses).toBeGreaterThan(1);
    expect(listCourses(city.ctx(), { year })).toHaveLength(courses);
    expect(originOffices(city.ctx(), { list: 'course' }).map((o) => o.code)).toEqual([ZZ, GP]);
  });

  it('refuses a malformed 上报单位, naming the field, in every report', () => {
    const { city } = setup();
    const bad = { origin_office: '1405' };
    for (const run of [
      () => townDashboard(city.ctx(), bad),
      () => listBatches(city.ctx(), bad),
      () => batchDocument(city.ctx(), { kind: 'publicity', key: 'x|y', ...bad }),
      () => ledgerRows(city.ctx(), { year: 2026, ...bad }),
      () => apprenticeProgress(city.ctx(), { year: 2026, ...bad }),
      () => trainingDashboard(city.ctx(), { year: 2026, ...bad }),
      () => exhibitionDashboard(city.ctx(), { year: 2026, ...bad }),
      () => listClaimBatches(city.ctx(), bad),
      () => listCourses(city.ctx(), { year: 2026, ...bad }),
      () => courseTotals(city.ctx(), { year: 2026, ...bad }),
    ]) expect(run).toThrow(/上报单位.*6 位数字/);
  });
});

describe('a province choosing a city', () => {
  it('takes the city\'s own records and its counties\'; the city is offered with their count', () => {
    // The consolidated city ledger seen as its province would after the city's package: 晋城's own plans are
    // 140500's, the counties' keep their codes.
    const { city, cleanup } = consolidated();
    try {
      const db: Database = city.db;
      const own = db.prepare(`SELECT id FROM training_plan WHERE origin_office = '${GP}' ORDER BY id LIMIT 1`).pluck().get() as number;
      db.prepare(`UPDATE training_plan SET origin_office = '140500' WHERE id = ?`).run(own);
      db.prepare(`UPDATE office SET level = 'province', region_code = '140000' WHERE id = 1`).run();
      const count = (o?: string) => listPlans(city.ctx(), { pageSize: 1, ...(o ? { origin_office: o } : {}) }).total;
      const total = count();
      expect(count('140500')).toBe(total);
      expect(count(ZZ) + count(GP) + 1).toBe(total);
      expect(originOffices(city.ctx(), { list: 'plan' })).toEqual([
        { code: '140500', name: '晋城市', count: total },
        { code: ZZ, name: '泽州县', count: count(ZZ) },
        { code: GP, name: '高平市', count: count(GP) },
      ]);
      const dash = (o?: string) => trainingDashboard(city.ctx(), { year: 2026, ...(o ? { origin_office: o } : {}) });
      expect(dash('140500').byType).toEqual(dash().byType);
      // A county's code stays that county's only.
      expect(dash(GP).byOffice.map((o) => o.office_code)).not.toContain('140500');
    } finally {
      cleanup();
    }
  });
});
