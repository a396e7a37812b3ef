import { describe, expect, it } from 'vitest';
import { testLedger, ADMIN, CLERK, REVIEWER } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { createEnterprise, addTier } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import * as towns from '../../db/towns/service.js';
import * as ind from '../../db/towns/indicators.js';
import * as ev from '../../db/towns/evaluation.js';
import { townDashboard } from '../../db/towns/dashboard.js';
import { seedDemoTowns } from '../../db/towns/seed.js';
import { createSanction } from '../../db/sanctions/service.js';
import type { Ctx } from '../../db/context.js';
import { migrate, openLedger } from '../../db/connection.js';
import { validateDefinition } from '../../db/towns/assessment.js';
import { indicatorDefs } from '../../db/towns/queries.js';

async function err(f: () => unknown): Promise<AppError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const townData = (name = '泽州铸造') => ({ name, county_code: '140525', category: 'manufacturing' as const, leading_industry: '铸造', industry_codes: ['3391'] });

/** Takes a town from 培育 to 认定 through the lifecycle, as the office would. */
function designate(ctx: Ctx, townId: number, level: 'county' | 'city' | 'province' = 'county', from = '2023-01-01') {
  towns.transition(ctx, { town_id: townId, action: 'apply', date: '2022-09-01', level, reason: '县工信局组织申报' });
  towns.transition(ctx, { town_id: townId, action: 'review', date: '2022-10-10', reason: '专家评审' });
  towns.transition(ctx, { town_id: townId, action: 'publicize', date: '2022-11-01', publicity_start: '2022-11-01', publicity_end: '2022-11-07', reason: '网上公示' });
  return towns.transition(ctx, {
    town_id: townId, action: 'designate', date: '2022-12-20', doc_no: '泽工信发〔2022〕15号', reason: '公示无异议，予以认定',
    designation: { batch_no: '第一批', bodies: ['泽州县工业和信息化局', '泽州县农业农村局'], valid_from: from, plaque_date: '2022-12-28' },
  });
}

const ent = (ctx: Ctx, n: number, scale: 'above' | 'below' = 'above') =>
  createEnterprise(ctx, { uscc: withCheckChar(`91140525MA0TX${String(n).padStart(4, '0')}`), name: `泽州县测试铸造${n}有限公司`, region_code: '140525', scale, industry_code: '3391' });

describe('migration 3 (towns)', () => {
  it('migrates a version-2 ledger, keeping its data and adding the shipped defaults', () => {
    const db = openLedger({ file: ':memory:', targetVersion: 2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.prepare(
      `INSERT INTO enterprise(gid, uscc, name, name_initials, name_pinyin, search_text, region_code, scale, created_at, created_by, updated_at, updated_by)
       VALUES ('g1', '91140525MA0TX00019', '旧企业', 'qy', 'qiye', 'x', '140525', 'above', 't', 'u', 't', 'u')`,
    ).run();
    migrate(db, 3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT name FROM enterprise').pluck().all()).toEqual(['旧企业']);
    const defs = indicatorDefs(db);
    expect(defs).toHaveLength(18);
    const sets = db.prepare('SELECT gid, definition FROM town_rule_set ORDER BY id').all() as Array<{ gid: string; definition: string }>;
    expect(sets.map((r) => r.gid)).toEqual(['01940000-0000-7000-8000-000000000302', '01940000-0000-7000-8000-000000000303']);
    for (const r of sets) expect(() => validateDefinition(JSON.parse(r.definition), defs)).not.toThrow();
    expect(db.prepare('SELECT validity_years, rereview_notice_days FROM town_policy').get()).toEqual({ validity_years: 3, rereview_notice_days: 90 });
    // STRICT and the checks hold: a negative figure cannot be stored even by SQL
    expect(() => db.prepare(`INSERT INTO town(gid, name, county_code, category, leading_industry, status, status_since, created_at, created_by, updated_at, updated_by)
      VALUES ('t', 'x', '140525', 'mining', 'y', 'cultivating', 'd', 't', 'u', 't', 'u')`).run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('town record and lifecycle', () => {
  it('creates a town in 培育, refuses duplicates and counties outside the office', async () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(CLERK), townData());
    expect(t).toMatchObject({ status: 'cultivating', level: null, industry_codes: '3391', created_by: 'luru' });
    expect(t.gid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect((await err(() => towns.createTown(ctx(), townData()))).code).toBe('DUPLICATE');
    expect((await err(() => towns.createTown(ctx(), { ...townData('阳城陶瓷'), county_code: '140522' }))).message).toContain('不在本单位辖区');
    expect((await err(() => towns.createTown(ctx(), { ...townData('x'), industry_codes: ['9999'] }))).message).toContain('GB/T 4754');
    expect((await err(() => towns.createTown(ctx(), { ...townData('y'), category: 'mining' as never }))).message).toContain('「类别」');
  });

  it('goes 培育 → 申报 → 评审 → 公示 → 认定, recording who, when, 文号 and reason, and creates the designation', () => {
    const { ctx, db } = testLedger();
    const t = towns.createTown(ctx(), townData());
    const r = designate(ctx(REVIEWER), t.id);
    expect(r.town).toMatchObject({ status: 'designated', level: 'county', status_since: '2022-12-20' });
    expect(r.designation).toMatchObject({
      level: 'county', kind: 'initial', batch_no: '第一批', doc_no: '泽工信发〔2022〕15号', bodies: ['泽州县工业和信息化局', '泽州县农业农村局'],
      publicity_start: '2022-11-01', publicity_end: '2022-11-07', plaque_date: '2022-12-28', valid_from: '2023-01-01', valid_to: '2025-12-31',
    });
    const detail = towns.getTown(ctx(), t.id);
    expect(detail.transitions.map((x) => [x.from_status, x.to_status, x.actor])).toEqual([
      ['cultivating', 'applied', 'shenhe'], ['applied', 'reviewing', 'shenhe'], ['reviewing', 'publicizing', 'shenhe'], ['publicizing', 'designated', 'shenhe'],
    ]);
    expect(detail.transitions[3]).toMatchObject({ doc_no: '泽工信发〔2022〕15号', reason: '公示无异议，予以认定', date: '2022-12-20', actor_name: '审核人' });
    expect(detail.allowed.map((a) => a.action)).toContain('start_rereview');
    expect(detail.history.map((h) => h.action)).toContain('town.designate');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('refuses a transition the state does not allow, naming the allowed ones, and writes nothing', async () => {
    const { ctx, db } = testLedger();
    const t = towns.createTown(ctx(), townData());
    const before = db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const e = await err(() => towns.transition(ctx(), { town_id: t.id, action: 'designate', date: '2026-01-01', doc_no: 'x', reason: '直接认定', designation: { bodies: ['县工信局'], valid_from: '2026-01-01' } }));
    expect(e.code).toBe('TRANSITION_REFUSED');
    expect(e.message).toBe('当前状态「培育」不能执行「认定」；可执行的操作：「申报」');
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
    expect(towns.getTown(ctx(), t.id).town.status).toBe('cultivating');
  });

  it('refuses missing 文号, missing 公示 dates, 公示 end before start and valid_to before valid_from, naming the field', async () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    towns.transition(ctx(), { town_id: t.id, action: 'apply', date: '2025-01-01', level: 'county', reason: '申报' });
    towns.transition(ctx(), { town_id: t.id, action: 'review', date: '2025-02-01', reason: '评审' });
    expect((await err(() => towns.transition(ctx(), { town_id: t.id, action: 'publicize', date: '2025-03-01', reason: '公示' }))).message).toContain('公示开始日期');
    const back = await err(() => towns.transition(ctx(), { town_id: t.id, action: 'publicize', date: '2025-03-01', publicity_start: '2025-03-07', publicity_end: '2025-03-01', reason: '公示' }));
    expect(back.message).toBe('「公示结束日期」不能早于公示开始日期');
    towns.transition(ctx(), { town_id: t.id, action: 'publicize', date: '2025-03-01', publicity_start: '2025-03-01', publicity_end: '2025-03-07', reason: '公示' });
    const noDoc = await err(() => towns.transition(ctx(), { town_id: t.id, action: 'designate', date: '2025-03-20', reason: '认定', designation: { bodies: ['县工信局'], valid_from: '2025-04-01' } }));
    expect(noDoc.message).toContain('「文号」');
    const badValid = await err(() => towns.transition(ctx(), {
      town_id: t.id, action: 'designate', date: '2025-03-20', doc_no: 'D1', reason: '认定', designation: { bodies: ['县工信局'], valid_from: '2025-04-01', valid_to: '2025-03-31' },
    }));
    expect(badValid.message).toContain('有效期止不能早于有效期起');
    const beforePublicity = await err(() => towns.transition(ctx(), {
      town_id: t.id, action: 'designate', date: '2025-03-20', doc_no: 'D1', reason: '认定', designation: { bodies: ['县工信局'], valid_from: '2025-03-05' },
    }));
    expect(beforePublicity.message).toContain('公示结束日期 2025-03-07');
    const clerk = await err(() => towns.transition(ctx(CLERK), { town_id: t.id, action: 'designate', date: '2025-03-20', doc_no: 'D1', reason: '认定', designation: { bodies: ['县工信局'], valid_from: '2025-04-01' } }));
    expect(clerk.code).toBe('FORBIDDEN');
    expect(towns.getTown(ctx(), t.id).designations).toEqual([]);
  });

  it('keeps one record across levels: promotion, 复核 with renewal, 降级 and 撤销 (readable afterwards)', async () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    designate(ctx(), t.id, 'county', '2023-01-01');
    towns.transition(ctx(), { town_id: t.id, action: 'apply', date: '2023-03-01', level: 'city', reason: '申报市级' });
    towns.transition(ctx(), { town_id: t.id, action: 'review', date: '2023-04-01', reason: '评审' });
    towns.transition(ctx(), { town_id: t.id, action: 'publicize', date: '2023-05-01', publicity_start: '2023-05-01', publicity_end: '2023-05-07', reason: '公示' });
    towns.transition(ctx(), {
      town_id: t.id, action: 'designate', date: '2023-06-01', doc_no: '晋市工信发〔2023〕8号', reason: '市级认定',
      designation: { batch_no: '第二批', bodies: ['晋城市工信局', '晋城市农业农村局', '晋城市文旅局'], valid_from: '2023-06-01' },
    });
    let d = towns.getTown(ctx(), t.id);
    expect(d.town.level).toBe('city');
    expect(d.designations.map((x) => [x.level, x.ended_on])).toEqual([['county', '2023-05-31'], ['city', null]]);
    towns.transition(ctx(), { town_id: t.id, action: 'start_rereview', date: '2026-02-01', reason: '有效期将满' });
    towns.transition(ctx(), { town_id: t.id, action: 'renew', date: '2026-02-20', doc_no: '晋市工信发〔2026〕3号', reason: '复核通过', designation: { bodies: ['晋城市工信局'], valid_from: '2026-06-01' } });
    d = towns.getTown(ctx(), t.id);
    expect(d.current).toMatchObject({ kind: 'renewal', level: 'city', valid_from: '2026-06-01', valid_to: '2029-05-31' });
    expect(d.designations[1]!.ended_on).toBe('2026-05-31');
    const up = await err(() => towns.transition(ctx(), { town_id: t.id, action: 'downgrade', date: '2026-02-25', level: 'province', doc_no: 'x', reason: '降级', designation: { bodies: ['a'], valid_from: '2026-02-25' } }));
    expect(up.message).toContain('降级后的级别应低于当前的市级');
    towns.transition(ctx(), { town_id: t.id, action: 'downgrade', date: '2026-02-25', level: 'county', doc_no: '晋市工信发〔2026〕9号', reason: '考核不合格', designation: { bodies: ['晋城市工信局'], valid_from: '2026-02-25' } });
    expect(towns.getTown(ctx(), t.id).town).toMatchObject({ status: 'downgraded', level: 'county' });
    towns.transition(ctx(), { town_id: t.id, action: 'revoke', date: '2026-02-28', doc_no: '泽工信发〔2026〕2号', reason: '发生较大安全事故' });
    d = towns.getTown(ctx(), t.id);
    expect(d.town).toMatchObject({ status: 'revoked', level: null });
    expect(d.current).toBeNull();
    expect(d.designations).toHaveLength(4);
    expect(d.allowed).toEqual([]);
    const again = await err(() => towns.transition(ctx(), { town_id: t.id, action: 'annual_pass', date: '2026-03-01', reason: '考核' }));
    expect(again.message).toContain('终止状态');
  });
});

describe('members, platforms, projects, indicators, plans', () => {
  it('registry-derived counts sit beside reported ones with a warning; 同比 is computed', () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    const e1 = ent(ctx(), 1);
    const e2 = ent(ctx(), 2, 'below');
    addTier(ctx(), { enterprise_id: e1.id, tier_code: 'little_giant', level: 'national', valid_from: '2023-01-01' });
    towns.addMember(ctx(), { town_id: t.id, enterprise_id: e1.id, role: 'leader', joined_on: '2023-01-01' });
    towns.addMember(ctx(), { town_id: t.id, enterprise_id: e2.id, role: 'supporting', joined_on: '2023-01-01' });
    ind.saveIndicators(ctx(CLERK), { town_id: t.id, year: 2023, values: { enterprises_total: 2, above_scale: 1, little_giants: 1, output_wan: 500000 } });
    const { table } = ind.saveIndicators(ctx(CLERK), { town_id: t.id, year: 2024, values: { enterprises_total: 3, above_scale: 1, little_giants: 1, output_wan: 550000.004 } });
    const y24 = table.years.find((y) => y.year === 2024)!;
    expect(y24.cells.output_wan).toMatchObject({ value: 550000, yoy: 10 });
    expect(y24.cells.enterprises_total).toMatchObject({ value: 3, registry: 2, warning: '填报 3，企业库中本镇成员为 2' });
    expect(y24.cells.above_scale!.warning).toBeUndefined();
    expect(y24.cells.little_giants).toMatchObject({ registry: 1 });
    expect(y24.cells.revenue_wan).toMatchObject({ value: null, yoy: null });
    expect(ind.indicatorDraft(ctx(), { town_id: t.id, year: 2025 })).toMatchObject({ copiedFrom: 2024, values: { output_wan: 550000, enterprises_total: 3 } });
  });

  it('refuses negative, non-numeric, 元-for-万元, future years and unknown indicators, saving nothing', async () => {
    const { ctx, db } = testLedger();
    const t = towns.createTown(ctx(), townData());
    ind.saveIndicators(ctx(), { town_id: t.id, year: 2022, values: { output_wan: 700000 } });
    const unit = await err(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2023, values: { output_wan: 7_500_000_000 } }));
    expect(unit.message).toContain('「主导产业产值」');
    expect(unit.message).toContain('疑似按“元”填报');
    expect((await err(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2023, values: { employees: -1 } }))).message).toBe('「从业人员」不能为负数（-1）');
    expect((await err(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2023, values: { output_wan: '七十亿' } }))).message).toContain('不是数字');
    expect((await err(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2027, values: { output_wan: 1 } }))).message).toContain('「年度」2027 年尚未到来');
    expect((await err(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2023, values: { profit: 1 } }))).message).toContain('未知指标「profit」');
    expect(db.prepare('SELECT count(*) FROM town_year').pluck().get()).toBe(1);
  });

  it('plans show progress per year, unreported years as null rather than 0 %', async () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    ind.saveIndicators(ctx(), { town_id: t.id, year: 2024, values: { output_wan: 720000 } });
    const p = ind.savePlan(ctx(), {
      town_id: t.id, title: '泽州铸造专业镇发展方案（2024—2026）', start_year: 2024, end_year: 2026,
      targets: [{ indicator: 'output_wan', year: 2024, target: 800000 }, { indicator: 'output_wan', year: 2025, target: 900000 }],
    });
    expect(p.targets.map((x) => [x.year, x.actual, x.percent, x.met])).toEqual([[2024, 720000, 90, false], [2025, null, null, null]]);
    const out = await err(() => ind.savePlan(ctx(), { town_id: t.id, title: 'x', start_year: 2024, end_year: 2026, targets: [{ indicator: 'output_wan', year: 2028, target: 1 }] }));
    expect(out.message).toContain('不在方案期');
  });

  it('platforms with yearly services, projects with status, members leave but stay on record', () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    const p = towns.addPlatform(ctx(), { town_id: t.id, name: '铸造检测中心', type: 'testing', operator: '某公司', level: 'provincial', area_m2: 2000, investment_wan: 1200.555 });
    expect(p.investment_wan).toBe(1200.56);
    expect(towns.setPlatformServices(ctx(), { platform_id: p.id, year: 2025, services: 340 }).services).toEqual([{ year: 2025, services: 340 }]);
    expect(towns.setPlatformServices(ctx(), { platform_id: p.id, year: 2025, services: 360 }).services).toEqual([{ year: 2025, services: 360 }]);
    const pr = towns.addProject(ctx(), { town_id: t.id, name: '消失模铸造技改', investment_wan: 5000, start_date: '2025-04-01', status: 'building' });
    expect(towns.setProjectStatus(ctx(), { id: pr.id, status: 'completed' }).status).toBe('completed');
    const e = ent(ctx(), 3);
    const m = towns.addMember(ctx(), { town_id: t.id, enterprise_id: e.id, role: 'chain_master', joined_on: '2024-01-01' });
    towns.removeMember(ctx(), { id: m.id, left_on: '2025-06-30', reason: '迁出本县' });
    expect(towns.getTown(ctx(), t.id).members).toMatchObject([{ enterprise_id: e.id, left_on: '2025-06-30' }]);
    expect(towns.listTowns(ctx(), {})[0]!.member_count).toBe(0);
  });
});

describe('assessment against rule sets', () => {
  const years: Record<number, Record<string, number>> = {
    2023: { output_wan: 410000, sme_output_share: 80, leading_share: 75, area_km2: 60, little_giants: 1 },
    2024: { output_wan: 460000, sme_output_share: 80, leading_share: 75, area_km2: 60, little_giants: 1 },
    2025: { output_wan: 520000, sme_output_share: 80, leading_share: 75, area_km2: 60, little_giants: 2, single_champions: 0 },
  };
  const national = (ctx: Ctx) => ev.listRuleSets(ctx).find((r) => r.code === 'cn-cluster-2022')!;

  it('ships the national standard and the 云南 variant as valid, clearly named data', () => {
    const { ctx } = testLedger();
    const sets = ev.listRuleSets(ctx());
    expect(sets.map((s) => s.name).sort()).toEqual(['国家标准：中小企业特色产业集群（工信部企业〔2022〕119号）默认', '省级示例：云南（中小企业特色产业集群认定标准）'].sort());
    for (const s of sets) expect(() => ev.validateRuleSet(ctx(), s.definition)).not.toThrow();
    expect(national(ctx()).definition.criteria.find((c) => c.id === 'output')).toMatchObject({ value: 400000, years: 3 });
  });

  it('evaluates a town showing every criterion with figures; reports missing ones; vetoes on a member\'s accident', () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    designate(ctx(), t.id);
    for (const [y, v] of Object.entries(years)) ind.saveIndicators(ctx(), { town_id: t.id, year: Number(y), values: v });
    const rs = national(ctx());
    const r = ev.evaluateTown(ctx(), { townId: t.id, year: 2025, ruleSetId: rs.id });
    expect(r.criteria.map((c) => [c.id, c.status])).toEqual([
      ['area', 'pass'], ['output', 'pass'], ['sme-share', 'pass'], ['leading-share', 'pass'], ['growth', 'pass'], ['tiers', 'pass'],
      ['veto-accident', 'pass'], ['veto-data', 'pass'], ['veto-credit', 'pass'],
    ]);
    expect(r.criteria[4]!.computed).toBe(12.6);
    expect(r).toMatchObject({ score: 100, grade: '优秀', passed: true });
    expect(r.text).toContain('近三年主导产业产值均 ≥ 40 亿元');
    // 2022 is not reported: a three-year window ending in 2024 cannot be judged
    const early = ev.evaluateTown(ctx(), { townId: t.id, year: 2024, ruleSetId: rs.id });
    expect(early.missing).toEqual([{ indicator: 'output_wan', name: '主导产业产值', year: 2022 }]);
    expect(early.passed).toBeNull();
    const e = ent(ctx(), 9);
    towns.addMember(ctx(), { town_id: t.id, enterprise_id: e.id, role: 'supporting', joined_on: '2024-01-01' });
    towns.recordEvent(ctx(REVIEWER), { enterprise_id: e.id, kind: 'safety_accident', severity: 'larger', date: '2025-08-01', description: '浇注车间较大事故' });
    const vetoed = ev.evaluateTown(ctx(), { townId: t.id, year: 2025, ruleSetId: rs.id });
    expect(vetoed).toMatchObject({ vetoed: true, passed: false, grade: '不合格', proposal: { action: 'warn' } });
    expect(vetoed.criteria.find((c) => c.id === 'veto-accident')!.detail).toContain('泽州县测试铸造9有限公司');
  });

  it('a 信用惩戒 sanction on a member counts as 严重失信', () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    for (const [y, v] of Object.entries(years)) ind.saveIndicators(ctx(), { town_id: t.id, year: Number(y), values: v });
    const e = ent(ctx(), 7);
    towns.addMember(ctx(), { town_id: t.id, enterprise_id: e.id, role: 'other', joined_on: '2023-01-01' });
    createSanction(ctx(REVIEWER), { enterprise_id: e.id, kind: 'credit_penalty', start_date: '2025-03-01', doc_no: '晋信用〔2025〕1号', reason: '列入严重失信名单' });
    const r = ev.evaluateTown(ctx(), { townId: t.id, year: 2025, ruleSetId: national(ctx()).id });
    expect(r.criteria.find((c) => c.id === 'veto-credit')).toMatchObject({ status: 'fail', computed: 1 });
  });

  it('saves the year\'s 考核结果; 不合格 proposes 警示 and nothing changes until a reviewer applies it', async () => {
    const { ctx } = testLedger();
    const t = towns.createTown(ctx(), townData());
    designate(ctx(), t.id);
    for (const [y, v] of Object.entries(years)) ind.saveIndicators(ctx(), { town_id: t.id, year: Number(y), values: { ...v, output_wan: v.output_wan! / 10, sme_output_share: 50, leading_share: 50 } });
    const rs = national(ctx());
    expect((await err(() => ev.saveAssessment(ctx(CLERK), { townId: t.id, year: 2025, ruleSetId: rs.id }))).code).toBe('FORBIDDEN');
    const a = ev.saveAssessment(ctx(REVIEWER), { townId: t.id, year: 2025, ruleSetId: rs.id });
    expect(a).toMatchObject({ grade: '不合格', passed: 0, proposed_action: 'warn', proposal_status: 'pending' });
    expect(JSON.parse(a.result).criteria.find((c: { id: string }) => c.id === 'output').status).toBe('fail');
    expect(towns.getTown(ctx(), t.id).town.status).toBe('designated');
    expect((await err(() => ev.saveAssessment(ctx(REVIEWER), { townId: t.id, year: 2025, ruleSetId: rs.id }))).code).toBe('CONFLICT');
    expect((await err(() => ev.decideProposal(ctx(REVIEWER), { assessment_id: a.id, decision: 'apply', date: '2026-02-15', reason: '考核不合格' }))).message).toContain('「文号」');
    const applied = ev.decideProposal(ctx(REVIEWER), { assessment_id: a.id, decision: 'apply', date: '2026-02-15', doc_no: '泽工信发〔2026〕5号', reason: '2025 年度考核不合格' });
    expect(applied).toMatchObject({ proposal_status: 'applied', proposal_decided_by: 'shenhe' });
    const d = towns.getTown(ctx(), t.id);
    expect(d.town.status).toBe('warned');
    expect(d.transitions.at(-1)).toMatchObject({ action: 'warn', assessment_id: a.id, id: applied.transition_id });
    expect((await err(() => ev.decideProposal(ctx(REVIEWER), { assessment_id: a.id, decision: 'dismiss', date: '2026-02-16', reason: 'x' }))).code).toBe('CONFLICT');
  });

  it('rule sets are versioned data editable by an administrator; a bad one is refused naming the field', async () => {
    const { ctx, db } = testLedger();
    const base = national(ctx());
    const input = { code: base.code, name: base.name, purpose: 'designation' as const, effective_from: '2026-01-01', definition: base.definition };
    expect((await err(() => ev.saveRuleSet(ctx(REVIEWER), input))).code).toBe('FORBIDDEN');
    const v2 = ev.saveRuleSet(ctx(ADMIN), { ...input, definition: { ...base.definition, criteria: base.definition.criteria.map((c) => (c.id === 'output' ? { ...c, value: 300000 } : c)) } });
    expect(v2.version).toBe(2);
    expect(ev.listRuleSets(ctx()).find((r) => r.code === base.code)!.id).toBe(v2.id);
    expect(ev.listRuleSets(ctx(), { all: true }).filter((r) => r.code === base.code)).toHaveLength(2);
    const bad = { ...base.definition, criteria: [{ id: 'p', label: '利润', kind: 'threshold', indicator: 'profit', op: '>=', value: 1, weight: 5 }] };
    const e = await err(() => ev.saveRuleSet(ctx(ADMIN), { ...input, code: 'my-rules', definition: bad }));
    expect(e.message).toBe('第 1 条标准「利润」的「指标」未知指标「profit」');
    expect(db.prepare(`SELECT count(*) FROM town_rule_set WHERE code = 'my-rules'`).pluck().get()).toBe(0);
  });
});

describe('dashboard and demo seed', () => {
  it('seeds 泽州铸造 with its published figures and county-level towns; running twice adds nothing', () => {
    const { ctx, db } = testLedger();
    expect(seedDemoTowns(ctx())).toEqual({ towns: 4, skipped: false });
    expect(seedDemoTowns(ctx())).toEqual({ towns: 0, skipped: true });
    const zz = towns.listTowns(ctx(), { q: '泽州铸造' })[0]!;
    expect(zz).toMatchObject({ level: 'province', status: 'designated', category: 'manufacturing' });
    const d = towns.getTown(ctx(), zz.id);
    expect(d.current).toMatchObject({ batch_no: '第二批', level: 'province', valid_from: '2023-12-15', valid_to: '2026-12-14' });
    const y = ind.indicatorTable(ctx(), { town_id: zz.id }).years.find((r) => r.year === 2022)!;
    expect([y.cells.enterprises_total!.value, y.cells.above_scale!.value, y.cells.little_giants!.value, y.cells.provincial_zjtx!.value, y.cells.output_wan!.value]).toEqual([
      199, 38, 5, 20, 700000,
    ]);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('counts by level/category/status, lists 复核 due within 90 days and last year\'s missing indicators, totals by year', () => {
    const { ctx } = testLedger();
    seedDemoTowns(ctx());
    const dash = townDashboard(ctx(), {});
    expect(dash.year).toBe(2025);
    expect(dash.counts.total).toBe(4);
    expect(dash.counts.byLevel).toEqual(expect.arrayContaining([{ key: 'county', label: '县级', count: 2 }, { key: 'province', label: '省级', count: 1 }, { key: 'none', label: '未认定', count: 1 }]));
    expect(dash.counts.byStatus).toEqual(expect.arrayContaining([{ key: 'cultivating', label: '培育', count: 1 }]));
    // 泽州装备制造 is valid to 2026-05-31: 91 days after 2026-03-01 — just outside; 泽州铸造 (2026-12-14) far outside
    expect(dash.rereviewDue).toEqual([]);
    const later = testLedger({ at: '2026-03-05T02:00:00Z' });
    seedDemoTowns(later.ctx());
    expect(townDashboard(later.ctx(), {}).rereviewDue).toMatchObject([{ name: '泽州装备制造', valid_to: '2026-05-31', days_left: 87, overdue: false }]);
    expect(dash.missingIndicators.map((m) => m.name).sort()).toEqual(['泽州装备制造', '泽州铸造']);
    const t2022 = dash.totals.years.find((y) => y.year === 2022)!;
    expect(t2022.towns).toBe(3);
    expect(t2022.totals.output_wan).toBe(700000 + 201500 + 38600);
    expect(t2022.totals.enterprises_total).toBe(199 + 44 + 23);
  });
});
