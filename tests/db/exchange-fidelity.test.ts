// Fidelity of the exchange (issue 12): a round trip county → city → province → back down, and a field laptop,
// loses nothing that makes a record usable: every training plan settles and every exhibition claim calculates to
// the same fen at every level, with the services `plan-settle` and `claim-calc` call.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../../db/context.js';
import { exportPackage, type ExportInput } from '../../db/exchange/export.js';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { importPackage } from '../../db/exchange/import.js';
import { createRuleSet as createSubsidyRules, retireRuleSet, settlePlan } from '../../db/training/service.js';
import { claimCalc, createRuleSet as createExhibitionRules, getRuleSet as getExhibitionRules, reviseRuleSet } from '../../db/exhibitions/service.js';
import { listRuleSets as townRuleSets, saveRuleSet as saveTownRules } from '../../db/towns/evaluation.js';
import { AppError } from '../../db/result.js';
import { RULE_TABLES } from '../../db/exchange/tables.js';
import { markReviewed, ownStatus, submissions } from '../../db/exchange/status.js';
import { runChecks } from '../../db/exchange/checks.js';
import { testLedger, tempDirPerTest } from '../helpers.js';
import { demoCounty, demoCountyIn, explainAll } from './exchange-helpers.js';

const newDir = tempDirPerTest('ledger-fidelity-');

const exp = (ctx: Ctx, dir: string, name: string, i: ExportInput) => exportPackage(ctx, i, join(dir, name));
const apply = (ctx: Ctx, file: string) => importPackage(ctx, file, 'apply', { pin: true });

/** Every plan's settlement and every claim's calculation, keyed by gid, in the figures and words a user sees. */
function figures(ctx: Ctx, where = { plans: '1 = 1', claims: '1 = 1' }) {
  const db = ctx.db;
  const plans = db.prepare(`SELECT id, gid FROM training_plan WHERE ${where.plans} ORDER BY gid`).all() as Array<{ id: number; gid: string }>;
  const claims = db.prepare(`SELECT id, gid FROM exhibition_claim WHERE ${where.claims} ORDER BY gid`).all() as Array<{ id: number; gid: string }>;
  return {
    plans: Object.fromEntries(plans.map((p) => {
      const s = settlePlan(ctx, p.id);
      return [p.gid, { entitlement_fen: s.entitlement_fen, position: s.position, advance: s.advance, lines: s.lines.map((l) => [l.amount_fen, l.text]), text: s.text }];
    })),
    claims: Object.fromEntries(claims.map((c) => {
      const r = claimCalc(ctx, c.id);
      return [c.gid, { result_fen: r.result_fen, eligible_cost_fen: r.eligible_cost_fen, total_cost_fen: r.total_cost_fen, version: r.rule_set.version, lines: r.lines }];
    })),
  };
}

function refused(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('not refused');
}

/** Rows of every rule table and of the audit log: a refusal must leave all of them as they were. */
const ruleState = (db: Database) => [...RULE_TABLES, 'audit_log'].map((t) => `${t}:${count(db, t)}`).join(' ');

/** The province's own rule tables: a training subsidy standard, an exhibition rule table and a town rule set. */
function provinceRules(ctx: Ctx) {
  const subsidy = createSubsidyRules(ctx, {
    code: '2026-省-学徒', name: '山西省学徒制补贴标准', region_code: '140000', year: 2026, plan_type: 'apprentice', max_advance_percent: 50,
    shortage_bonus_percent: 20, shortage_min_level: 'L3', bands: [{ level_from: 'L4', level_to: 'L3', label: '中高级', certified: 5500, completed: 4000 }],
    shortage_occupations: [{ code: '6-18-02-04', name: '焊工' }],
  });
  const exhibition = getExhibitionRules(ctx, ctx.db.prepare(`SELECT id FROM exhibition_rule_set WHERE is_sample = 1 ORDER BY id LIMIT 1`).pluck().get() as number);
  const own = createExhibitionRules(ctx, { name: '山西省参展补贴规则 2026', region_code: '140000', year: 2026, source: '省级文件', rules: exhibition.rules_input });
  const national = townRuleSets(ctx).find((r) => r.code === 'cn-cluster-2022')!;
  const town = saveTownRules(ctx, { code: 'sx-town-2026', name: '山西省专业镇认定标准', purpose: 'designation', region_code: '140000', effective_from: '2026-01-01', definition: national.definition });
  return { subsidy, exhibition: own, town };
}

const fromOrigin = (code: string) => ({ plans: `origin_office = '${code}'`, claims: `origin_office = '${code}'` });
const count = (db: Database, t: string, where = '1 = 1') => db.prepare(`SELECT count(*) FROM ${t} WHERE ${where}`).pluck().get() as number;

describe('exchange fidelity', () => {
  it('county → city → province → back down: every plan settles and every claim calculates to the same fen', () => {
    const dir = newDir();
    const county = demoCounty();
    const other = demoCountyIn('140581', '高平市工业和信息化局');
    const city = testLedger({ level: 'city', region: '140500' });
    const prov = testLedger({ level: 'province', region: '140000' });
    const atCounty = figures(county.ctx());
    const atOther = figures(other.ctx());
    expect(Object.keys(atCounty.plans).length).toBeGreaterThan(2);
    expect(Object.keys(atCounty.claims).length).toBeGreaterThan(5);
    // Not all zero: the comparison below would pass on a ledger that lost its bands if the county owed nothing.
    expect(Object.values(atCounty.plans).some((p) => p.entitlement_fen > 0)).toBe(true);
    expect(Object.values(atCounty.claims).some((c) => c.result_fen > 0)).toBe(true);

    for (const [n, c] of [['zz', county], ['gp', other]] as const) {
      apply(city.ctx(), exp(c.ctx(), dir, `${n}.cxpkg`, { kind: 'report', period: '2025', to: '140500', explanations: explainAll(c.db, '2025') }).file);
    }
    for (const t of ['subsidy_rule_band', 'subsidy_rule_shortage', 'exhibition_rule_version']) {
      expect(count(city.db, t, `origin_office = '140525'`), t).toBe(count(county.db, t, `origin_office = '140525'`));
    }
    expect(figures(city.ctx(), fromOrigin('140525'))).toEqual(atCounty);
    expect(figures(city.ctx(), fromOrigin('140581'))).toEqual(atOther);

    apply(prov.ctx(), exp(city.ctx(), dir, 'city.cxpkg', { kind: 'report', period: '2025', to: '140000', explanations: explainAll(city.db, '2025') }).file);
    expect(figures(prov.ctx(), fromOrigin('140525'))).toEqual(atCounty);
    expect(figures(prov.ctx(), fromOrigin('140581'))).toEqual(atOther);

    // Back down: the province's rules reach the county through the city; the county's own figures stay.
    apply(city.ctx(), exp(prov.ctx(), dir, 'p-rules.cxpkg', { kind: 'rules', to: '140500' }).file);
    apply(county.ctx(), exp(city.ctx(), dir, 'c-rules.cxpkg', { kind: 'rules', to: '140525' }).file);
    expect(figures(county.ctx())).toEqual(atCounty);
  });

  it('field laptop: each enterprise checked out settles and calculates as at the office, and checks back in unchanged', () => {
    const dir = newDir();
    const office = demoCounty();
    const atOffice = figures(office.ctx());
    const ents = office.db.prepare(`SELECT DISTINCT e.gid FROM enterprise e WHERE e.id IN (SELECT enterprise_id FROM training_plan UNION SELECT enterprise_id FROM exhibition_claim) ORDER BY e.gid`).pluck().all() as string[];
    let plans = 0;
    let claims = 0;
    for (const [n, gid] of ents.entries()) {
      const laptop = testLedger({ level: 'county', region: '140525' });
      const co = exp(office.ctx(), dir, `out-${n}.cxpkg`, { kind: 'checkout', to: '140525', enterprise_gid: gid });
      apply(laptop.ctx(), co.file);
      const onLaptop = figures(laptop.ctx(), { plans: `enterprise_id = (SELECT id FROM enterprise WHERE gid = '${gid}')`, claims: `enterprise_id = (SELECT id FROM enterprise WHERE gid = '${gid}')` });
      for (const [g, f] of Object.entries(onLaptop.plans)) expect(f, `plan ${g}`).toEqual(atOffice.plans[g]);
      for (const [g, f] of Object.entries(onLaptop.claims)) expect(f, `claim ${g}`).toEqual(atOffice.claims[g]);
      plans += Object.keys(onLaptop.plans).length;
      claims += Object.keys(onLaptop.claims).length;
      if (n === 0) {
        const back = apply(office.ctx(), exp(laptop.ctx(), dir, `in-${n}.cxpkg`, { kind: 'checkin', to: '140525' }).file);
        expect(back.conflicts).toHaveLength(0);
        expect(back.tables.reduce((a, t) => a + t.added + t.updated + t.deleted, 0)).toBe(0);
        expect(figures(office.ctx())).toEqual(atOffice);
      }
    }
    // Every plan and claim of the office went out with its enterprise.
    expect(plans).toBe(Object.keys(atOffice.plans).length);
    expect(claims).toBe(Object.keys(atOffice.claims).length);
  });

  it('rules sent down are read-only below, whole, and never sideways to another county', () => {
    const dir = newDir();
    const prov = testLedger({ level: 'province', region: '140000' });
    const city = testLedger({ level: 'city', region: '140500' });
    const county = demoCounty();
    const gaoping = testLedger({ level: 'county', region: '140581' });
    const p = provinceRules(prov.ctx());
    apply(city.ctx(), exp(county.ctx(), dir, 'zz.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: explainAll(county.db, '2025') }).file);
    apply(city.ctx(), exp(prov.ctx(), dir, 'p1.cxpkg', { kind: 'rules', to: '140500' }).file);
    apply(county.ctx(), exp(city.ctx(), dir, 'c1.cxpkg', { kind: 'rules', to: '140525' }).file);
    const toGaoping = exp(city.ctx(), dir, 'g1.cxpkg', { kind: 'rules', to: '140581' });
    apply(gaoping.ctx(), toGaoping.file);

    // Whole: the bands, shortage occupations and versions came with the sets.
    for (const t of RULE_TABLES) expect(count(county.db, t, `origin_office = '140000'`), t).toBe(count(prov.db, t, `origin_office = '140000'`));
    expect(count(county.db, 'subsidy_rule_band', `origin_office = '140000'`)).toBe(1);
    // Never sideways: 泽州's rule sets, which the city holds from its report, do not go to 高平 (nor back to 泽州).
    expect(count(city.db, 'subsidy_rule_set', `origin_office = '140525'`)).toBeGreaterThan(0);
    for (const t of RULE_TABLES) expect(count(gaoping.db, t, `origin_office = '140525'`), t).toBe(0);
    expect(Object.keys(toGaoping.manifest.tables).sort()).toEqual(RULE_TABLES.filter((t) => count(prov.db, t, `origin_office = '140000'`) > 0).sort());

    // Read-only at the county: a new version, a retirement, a revision of each kind is refused naming the rule and
    // its owner, and writes nothing.
    const before = ruleState(county.db);
    const subsidyHere = county.db.prepare('SELECT id FROM subsidy_rule_set WHERE gid = ?').pluck().get(p.subsidy.gid) as number;
    const exhibitionHere = county.db.prepare('SELECT id FROM exhibition_rule_set WHERE gid = ?').pluck().get(p.exhibition.gid) as number;
    const e1 = refused(() => createSubsidyRules(county.ctx(), {
      code: '2026-省-学徒', name: '县里改的', region_code: '140000', year: 2026, plan_type: 'apprentice', max_advance_percent: 60,
      bands: [{ level_from: 'L4', level_to: 'L3', label: '中高级', certified: 9000, completed: 4000 }],
    }));
    expect(e1.code).toBe('READ_ONLY');
    expect(e1.message).toContain('补贴规则「山西省学徒制补贴标准」');
    expect(e1.message).toContain('（140000）制定的规则，本单位只能使用，不能修订');
    expect(refused(() => retireRuleSet(county.ctx(), { id: subsidyHere, reason: '县里不用' })).code).toBe('READ_ONLY');
    const e3 = refused(() => reviseRuleSet(county.ctx(), { rule_set_id: exhibitionHere, note: '县里改比例', rules: p.exhibition.rules_input }));
    expect(e3.code).toBe('READ_ONLY');
    expect(e3.message).toContain('参展补贴规则「山西省参展补贴规则 2026」');
    expect(refused(() => saveTownRules(county.ctx(), { code: 'sx-town-2026', name: '县里改的', purpose: 'designation', effective_from: '2026-01-01', definition: p.town.definition })).code).toBe('READ_ONLY');
    expect(ruleState(county.db)).toBe(before);
    // And at the city, a county's own rules that came up in its report are the county's.
    const zzSet = city.db.prepare(`SELECT id FROM exhibition_rule_set WHERE origin_office = '140525'`).pluck().get() as number;
    expect(refused(() => reviseRuleSet(city.ctx(), { rule_set_id: zzSet, note: '市里改', rules: p.exhibition.rules_input })).code).toBe('READ_ONLY');

    // The province's next version still comes down and applies at the county.
    reviseRuleSet(prov.ctx(), { rule_set_id: p.exhibition.id, note: '第 2 版', rules: p.exhibition.rules_input });
    apply(city.ctx(), exp(prov.ctx(), dir, 'p2.cxpkg', { kind: 'rules', to: '140500' }).file);
    apply(county.ctx(), exp(city.ctx(), dir, 'c2.cxpkg', { kind: 'rules', to: '140525' }).file);
    expect(getExhibitionRules(county.ctx(), exhibitionHere).version).toBe(2);
    // The county's own rules stay its own to revise.
    const ownSet = county.db.prepare(`SELECT id FROM exhibition_rule_set WHERE origin_office = '140525'`).pluck().get() as number;
    expect(reviseRuleSet(county.ctx(), { rule_set_id: ownSet, note: '本县第 2 版', rules: getExhibitionRules(county.ctx(), ownSet).rules_input }).rule_set.version).toBe(2);
  });

  it('a report made after its due date is 迟报 at the receiver, judged by when it was made (China time)', () => {
    const dir = newDir();
    const city = testLedger({ level: 'city', region: '140500', at: '2026-05-10T02:00:00Z' });
    // 2025 年报 is due 2026-04-30. 23:00 on the 30th in 北京 is on time; 00:30 on 1 May is late, though still the 30th in UTC.
    const made = { '140525': '2026-04-30T15:00:00Z', '140581': '2026-04-30T16:30:00Z', '140521': '2026-03-01T02:00:00Z' };
    for (const [code, at] of Object.entries(made)) {
      const c = testLedger({ level: 'county', region: code, at });
      apply(city.ctx(), exp(c.ctx(), dir, `${code}.cxpkg`, { kind: 'report', period: '2025', to: '140500' }).file);
    }
    const rows = Object.fromEntries(submissions(city.ctx(), { period: '2025' }).rows.map((r) => [r.office_code, r]));
    expect(rows['140525']).toMatchObject({ late: false, overdue: false, status_label: '已上报' });
    expect(rows['140581']).toMatchObject({ late: true, overdue: false, status_label: '已上报（迟报）' });
    expect(rows['140521']).toMatchObject({ late: false, status_label: '已上报' });
    expect(submissions(city.ctx(), { period: '2025' }).late).toBe(1);
    // Not reported at all stays 逾期 (overdue), not 迟报.
    expect(rows['140522']).toMatchObject({ late: false, overdue: true, status_label: '未报送' });
  });

  it('出错说明 stored at the city travel on with its report to the province, not typed again', () => {
    const dir = newDir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500' });
    const prov = testLedger({ level: 'province', region: '140000' });
    const fails = runChecks(county.db, '2025');
    expect(fails.length).toBeGreaterThan(1);
    const said = Object.fromEntries(fails.map((f, n) => [f.id, `泽州县核实第 ${n + 1} 项：统计口径调整`]));
    apply(city.ctx(), exp(county.ctx(), dir, 'zz.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: said }).file);

    // The city sees them filled in, can mark 已审核 and export without typing them; one it rewrites is its own.
    const st = ownStatus(city.ctx(), { period: '2025' });
    expect(st.checks.map((c) => [c.id, c.explanation, c.explained_by])).toEqual(fails.map((f) => [f.id, said[f.id], '140525']));
    expect(markReviewed(city.ctx(), { period: '2025' }).status).toBe('reviewed');
    const [first, ...rest] = fails;
    const r = exp(city.ctx(), dir, 'city.cxpkg', { kind: 'report', period: '2025', to: '140000', explanations: { [first!.id]: '晋城市复核：口径已统一' } });
    expect(r.checks).toHaveLength(fails.length);
    const got = apply(prov.ctx(), r.file);
    const byId = Object.fromEntries(got.explanations.map((e) => [e.id, e.explanation]));
    expect(byId).toEqual({ [first!.id]: '晋城市复核：口径已统一', ...Object.fromEntries(rest.map((f) => [f.id, said[f.id]])) });
    expect(prov.db.prepare(`SELECT count(*) FROM exchange_explanation WHERE office_code = '140500'`).pluck().get()).toBe(fails.length);

    // Without those explanations the city would be stopped, naming the figure.
    city.db.prepare('DELETE FROM exchange_explanation').run();
    expect(refused(() => exp(city.ctx(), dir, 'never.cxpkg', { kind: 'report', period: '2025', to: '140000' })).code).toBe('CHECKS_FAILED');
  });

  it('package file names say who sent what: ten counties\' reports, and two laptops of one office, share a folder', () => {
    const dir = newDir();
    const codes = ['140502', '140521', '140522', '140524', '140525', '140581', '140502', '140521', '140522', '140524'];
    const made = new Map<string, ReturnType<typeof testLedger>>();
    const names: string[] = [];
    for (const code of codes) {
      const c = made.get(code) ?? testLedger({ level: 'county', region: code });
      made.set(code, c);
      names.push(basename(exportPackage(c.ctx(), { kind: 'report', period: '2025', to: '140500' }, { dir }).file));
    }
    expect(names[4]).toBe('泽州县140525-上报-2025-至140500-第1号.cxpkg');
    expect(names[9]).toMatch(/^.+140524-上报-2025-至140500-第2号\.cxpkg$/);
    expect(new Set(names).size).toBe(10);
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
    // Two field laptops of 泽州 number their check-ins independently; the key's fingerprint keeps them apart.
    const laptops = [testLedger({ region: '140525' }), testLedger({ region: '140525' })];
    const checkins = laptops.map((l) => basename(exportPackage(l.ctx(), { kind: 'checkin', to: '140525' }, { dir }).file));
    expect(checkins[0]).toMatch(/^泽州县140525-外勤交回-20260301-至140525-密钥[0-9A-F]{8}-第1号\.cxpkg$/);
    expect(checkins[0]).not.toBe(checkins[1]);
    // The log records the file under that name.
    const zz = made.get('140525')!;
    expect(zz.db.prepare(`SELECT file_name FROM exchange_package WHERE direction = 'out'`).pluck().get()).toBe(join(dir, names[4]!));
  });
});
