import { describe, expect, it } from 'vitest';
import { testLedger, ADMIN, CLERK, REVIEWER } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { createSanction, listSanctions } from '../../db/sanctions/service.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';
import * as svc from '../../db/training/service.js';
import { apprenticeProgress, ledgerRows, trainingDashboard } from '../../db/training/reports.js';
import { seedDemoTraining } from '../../db/training/demo.js';
import { operations } from '../../db/api.js';
import { migrate, openLedger } from '../../db/connection.js';

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const id = (n: number, birth = '1995-05-20') => syntheticIdNo('140525', birth, 900 + n);

function setup() {
  const L = testLedger();
  const ctx = L.ctx();
  const ent = createEnterprise(ctx, { uscc: withCheckChar('91140525MA0T00001'), name: '泽州县金鼎铸造有限公司', region_code: '140525', scale: 'above' });
  const ent2 = createEnterprise(ctx, { uscc: withCheckChar('91140525MA0T00002'), name: '泽州县巴公装备有限公司', region_code: '140525', scale: 'above' });
  const inst = svc.createInstitution(ctx, { name: '泽州县职业技能培训学校', uscc: withCheckChar('52140525MA0T00003') });
  const rule = svc.createRuleSet(ctx, {
    code: '2026-泽州-学徒', name: '泽州 学徒制（测试）', region_code: '140525', year: 2026, plan_type: 'apprentice', max_advance_percent: 50,
    bands: [
      { level_from: 'L4', level_to: 'L4', label: '中级', certified: '5000', completed: 4000 },
      { level_from: 'L3', level_to: 'L3', label: '高级', certified: 6000, completed: 4000 },
    ],
  });
  const plan = (over: object = {}, c = ctx) =>
    svc.createPlan(c, {
      enterprise_id: ent.id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-02-04', occupation_name: '焊工',
      target_level: 'L4', planned_count: 4, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id,
      declared_date: '2026-01-02', doc_no: '泽工信培申〔2026〕1号', ...over,
    });
  const trainee = (planId: number, n: number, over: object = {}, c = ctx) =>
    svc.addTrainee(c, {
      plan_id: planId, name: `学员${n}`, id_no: id(n), contract_start: '2026-01-01', contract_end: '2027-12-31',
      social_insurance_verified: true, social_insurance_date: '2026-01-10', ...over,
    });
  const step = (plan_id: number, to: string, date: string, extra: object = {}) =>
    svc.transitionPlan(ctx, { plan_id, to, date, doc_no: `文号-${to}`, ...extra });
  return { ...L, c: ctx, ent, ent2, inst, rule, plan, trainee, step };
}

describe('migration 0004', () => {
  it('migrates a version-3 ledger to 4, adding the training tables and the sample rule tables', () => {
    const db = openLedger({ file: ':memory:', targetVersion: 3 });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    migrate(db, 4);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare(`SELECT count(*) FROM subsidy_rule_set WHERE is_sample = 1`).pluck().get()).toBe(5);
    const strict = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%train%' AND sql NOT LIKE '%STRICT%'`).all();
    expect(strict).toEqual([]);
    db.close();
  });
});

describe('training: rules as data', () => {
  it('ships the domain.md examples as clearly named 示例 tables', () => {
    const { c } = setup();
    const samples = svc.listRuleSets(c, {}).filter((r) => r.is_sample);
    expect(samples.map((s) => s.name)).toContain('示例：深圳罗湖 学徒制');
    const sz = samples.find((s) => s.code === '示例-深圳罗湖-学徒')!;
    expect(sz.bands.map((b) => [b.level_from, b.certified_fen])).toEqual([['L4', 550000], ['L3', 700000], ['L2', 850000]]);
    expect(samples.every((s) => s.name.startsWith('示例：'))).toBe(true);
  });

  it('versions a revised table, refuses overlapping bands, and only an administrator edits', () => {
    const { c, rule, ctx } = setup();
    const base = {
      code: '2026-泽州-学徒', name: '泽州 学徒制 修订', region_code: '140525', year: 2026, plan_type: 'apprentice', max_advance_percent: 40,
      bands: [{ level_from: 'L4', level_to: 'L4', certified: 5200 }],
    };
    const v2 = svc.createRuleSet(c, base);
    expect(v2.version).toBe(2);
    expect(svc.getRuleSetDetail(c, rule.id).status).toBe('superseded');
    const bad = err(() => svc.createRuleSet(c, { ...base, bands: [{ level_from: 'L5', level_to: 'L4', certified: 1 }, { level_from: 'L4', level_to: 'L3', certified: 2 }] }));
    expect(bad.message).toContain('重叠');
    expect(err(() => svc.createRuleSet(c, { ...base, bands: [{ level_from: 'L4', level_to: 'L4', certified: '-5' }] })).message).toContain('不能为负数');
    expect(err(() => svc.createRuleSet(c, { ...base, bands: [{ level_from: 'L4', level_to: 'L4', certified: '5.123' }] })).message).toContain('两位小数');
    expect(err(() => svc.createRuleSet(ctx(CLERK), base)).code).toBe('FORBIDDEN');
  });
});

describe('training: plans and lifecycle', () => {
  it('creates a plan in 申报 with a dated step, and refuses illegal steps naming the allowed ones', () => {
    const { c, plan, step } = setup();
    const p = plan();
    expect(p.code).toBe('2026-学徒-0001');
    expect(p.status).toBe('declared');
    const e = err(() => step(p.id, 'opened', '2026-01-05'));
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.message).toBe('计划当前为「申报」，不能转为「开班」；可以转为：「备案」、「终止」');
    expect(err(() => step(p.id, 'filed', '2026-01-01')).message).toContain('早于上一步');
    expect(err(() => step(p.id, 'filed', '2026-03-02')).message).toContain('晚于今天');
    const r = step(p.id, 'filed', '2026-01-03');
    expect(r.step).toMatchObject({ from_status: 'declared', to_status: 'filed', doc_no: '文号-filed', created_by: 'admin' });
    expect(err(() => step(p.id, 'opened', '2026-01-05')).message).toContain('没有学员名册');
    expect(svc.getPlanDetail(c, p.id).allowed_next).toEqual(['opened', 'terminated']);
  });

  it('refuses a rule of another plan type and an apprenticeship without an institution', () => {
    const { plan, c } = setup();
    const skills = svc.listRuleSets(c, { plan_type: 'skills' })[0]!;
    expect(err(() => plan({ rule_set_id: skills.id })).message).toContain('不适用于企业新型学徒制');
    expect(err(() => plan({ institution_id: null })).message).toContain('须有合作培训机构');
  });
});

describe('training: roster', () => {
  it('checks ID numbers, contract length and duplicates; converts 15-digit numbers', () => {
    const { plan, trainee } = setup();
    const p = plan();
    const wrong = id(1).slice(0, 17) + (id(1)[17] === '0' ? '1' : '0');
    const e = err(() => trainee(p.id, 1, { id_no: wrong }));
    expect(e.message).toContain(`第 18 位应为「${id(1)[17]}」`);
    expect(err(() => trainee(p.id, 1, { contract_end: '2026-06-30' })).message).toContain('至少 1 年');
    const t = trainee(p.id, 1, { id_no: ` ${id(1).toLowerCase()} ` });
    expect(t.id_no).toBe(id(1));
    expect(err(() => trainee(p.id, 1)).code).toBe('DUPLICATE');
    const legacy = trainee(p.id, 2, { id_no: '140525950520917' });
    expect(legacy.converted_from_15).toBe(true);
    expect(legacy.id_no).toHaveLength(18);
    expect(err(() => trainee(p.id, 3, { id_no: id(3, '2012-01-01') })).message).toContain('未满 16 周岁');
  });

  it('masks ID numbers for a 录入员 in lists, full for 审核人', () => {
    const { plan, trainee, ctx } = setup();
    const p = plan();
    trainee(p.id, 1);
    const clerkView = svc.listTrainees(ctx(CLERK), { plan_id: p.id })[0]!;
    expect(clerkView.id_no).toBe(`1405**********${id(1).slice(-4)}`);
    expect(clerkView.birth_date).toBeNull();
    expect(clerkView.id_masked).toBe(true);
    expect(svc.listTrainees(ctx(REVIEWER), { plan_id: p.id })[0]!.id_no).toBe(id(1));
    const added = trainee(p.id, 2, {}, ctx(CLERK));
    expect(added.id_no).toContain('**********');
  });
});

describe('training: money', () => {
  it('advances at most the cap, settles per trainee, and claws back when completions fall short', () => {
    const { plan, trainee, step, c, db } = setup();
    const p = plan();
    const ts = [1, 2, 3, 4].map((n) => trainee(p.id, n));
    step(p.id, 'filed', '2026-01-03');
    step(p.id, 'opened', '2026-01-05');
    const over = err(() => step(p.id, 'advanced', '2026-01-06', { amount: '10000.01' }));
    expect(over.code).toBe('ADVANCE_CAP');
    expect(over.message).toContain('可预拨上限 10,000 元');
    const adv = step(p.id, 'advanced', '2026-01-06');
    expect(adv.money[0]).toMatchObject({ kind: 'advance', amount_fen: 1000000 });
    // One certificate, one completed without, two not completed: 5,000 + 4,000 = 9,000 < 10,000 advanced.
    svc.recordCertificate(c, { trainee_id: ts[0]!.id, level: 'L4', cert_no: 'HG-0001', issuer: '晋城市职业技能鉴定中心', issue_date: '2026-02-20' });
    svc.updateTrainee(c, { id: ts[1]!.id, outcome: 'completed', outcome_date: '2026-02-20' });
    svc.updateTrainee(c, { id: ts[2]!.id, outcome: 'not_completed', outcome_date: '2026-02-20' });
    expect(err(() => step(p.id, 'completed', '2026-02-25')).message).toContain('学员4');
    svc.updateTrainee(c, { id: ts[3]!.id, outcome: 'not_completed', outcome_date: '2026-02-20' });
    step(p.id, 'completed', '2026-02-25');
    const s = svc.settlePlan(c, p.id);
    expect(s.lines[0]!.text).toBe('学员1 四级/中级工 证书号 HG-0001 5,000 元 (规则 2026-泽州-学徒-中级)');
    expect(s.entitlement_fen).toBe(900000);
    expect(s.position.clawback_fen).toBe(100000);
    expect(JSON.parse(JSON.stringify(s)).text.join('\n')).toContain('应退回 10,000 − 9,000 = 1,000 元');
    const settled = step(p.id, 'settled', '2026-02-28');
    expect(settled.money.map((m) => [m.kind, m.amount_fen])).toEqual([['recovery_order', 100000]]);
    expect(err(() => step(p.id, 'closed', '2026-03-01')).message).toContain('1,000 元应退回资金未到账');
    expect(err(() => svc.recordRecoveryReceived(c, { plan_id: p.id, kind: 'recovery_received', amount: 1000.01, date: '2026-03-01', doc_no: 'R1' })).message).toContain('超过');
    svc.recordRecoveryReceived(c, { plan_id: p.id, kind: 'recovery_received', amount: 1000, date: '2026-03-01', doc_no: 'R1' });
    step(p.id, 'closed', '2026-03-01');
    expect(svc.settlePlan(c, p.id).position).toMatchObject({ remaining_due_fen: 0, clawback_fen: 0, outstanding_recovery_fen: 0 });
    expect(() => db.prepare('UPDATE training_money SET amount_fen = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM training_money').run()).toThrow(/append-only/);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('pays the remainder at 清算 when completions exceed the advance; 终止 orders the whole advance back', () => {
    const { plan, trainee, step, c } = setup();
    const p = plan();
    const ts = [1, 2].map((n) => trainee(p.id, n));
    step(p.id, 'filed', '2026-01-03');
    step(p.id, 'opened', '2026-01-05');
    step(p.id, 'advanced', '2026-01-06', { amount: 3000 });
    ts.forEach((t, i) => svc.recordCertificate(c, { trainee_id: t.id, level: 'L4', cert_no: `HG-10${i}`, issuer: '鉴定中心', issue_date: '2026-02-20' }));
    step(p.id, 'completed', '2026-02-25');
    const r = step(p.id, 'settled', '2026-02-28');
    expect(r.money.map((m) => [m.kind, m.amount_fen])).toEqual([['settlement', 700000]]);
    expect(r.money[0]!.explanation).toContain('尚应拨付 10,000 − 3,000 = 7,000 元');

    const p2 = plan({ doc_no: '2' });
    trainee(p2.id, 3);
    step(p2.id, 'filed', '2026-01-03');
    step(p2.id, 'opened', '2026-01-05');
    step(p2.id, 'advanced', '2026-01-06');
    const t = step(p2.id, 'terminated', '2026-02-01', { note: '企业停产' });
    expect(t.money.map((m) => [m.kind, m.amount_fen])).toEqual([['recovery_order', 250000]]);
    expect(err(() => step(p2.id, 'filed', '2026-02-02')).message).toContain('已结束');
  });

  it('flags a second certificate of the same person, occupation and level across plans and pays it nothing', () => {
    const { plan, trainee, step, c, ctx } = setup();
    const p1 = plan();
    const a = trainee(p1.id, 1);
    step(p1.id, 'filed', '2026-01-03');
    step(p1.id, 'opened', '2026-01-05');
    const first = svc.recordCertificate(c, { trainee_id: a.id, level: 'L4', cert_no: 'HG-A', issuer: '鉴定中心', issue_date: '2026-02-01' });
    expect(first.flag).toBeNull();
    expect(first.certificate.id_no).toBe(id(1));
    expect(svc.listTrainees(ctx(CLERK), { plan_id: p1.id })[0]!.certificate!.id_no).toContain('**********');
    const p2 = plan({ plan_type: 'apprentice', doc_no: '2' });
    const b = trainee(p2.id, 1);
    step(p2.id, 'filed', '2026-01-03');
    step(p2.id, 'opened', '2026-01-05');
    expect(err(() => svc.recordCertificate(c, { trainee_id: b.id, level: 'L4', cert_no: 'HG-A', issuer: 'x', issue_date: '2026-02-02' })).message)
      .toContain(`已登记在计划 ${p1.code}`);
    expect(err(() => svc.recordCertificate(c, { trainee_id: b.id, level: 'L4', cert_no: 'HG-B', issuer: 'x', issue_date: '2026-01-01' })).message)
      .toContain('早于计划开始日期');
    expect(err(() => svc.recordCertificate(c, { trainee_id: b.id, level: 'L4', cert_no: 'HG-B', issuer: 'x', issue_date: '2026-03-02' })).message)
      .toContain('晚于今天');
    const second = svc.recordCertificate(c, { trainee_id: b.id, level: 'L4', cert_no: 'HG-B', issuer: '鉴定中心', issue_date: '2026-02-15' });
    expect(second.flag!.message).toContain(`已于计划 ${p1.code} 登记证书 HG-A`);
    const s = svc.settlePlan(c, p2.id);
    expect(s.lines[0]!.amount_fen).toBe(0);
    expect(s.lines[0]!.text).toContain(`证书号 HG-A，计划 ${p1.code}`);
    // A different level is a different subsidy.
    const p3 = plan({ doc_no: '3', target_level: 'L3' });
    const c3 = trainee(p3.id, 1);
    step(p3.id, 'filed', '2026-01-03');
    step(p3.id, 'opened', '2026-01-05');
    expect(svc.recordCertificate(c, { trainee_id: c3.id, level: 'L3', cert_no: 'HG-C', issuer: '鉴定中心', issue_date: '2026-02-15' }).flag).toBeNull();
  });
});

describe('training: sanctions (art. 41)', () => {
  it('blocks new plans and payments naming the sanction; an administrator may override with an audited reason', () => {
    const { plan, trainee, step, c, ctx, ent, db } = setup();
    const p = plan();
    trainee(p.id, 1);
    step(p.id, 'filed', '2026-01-03');
    step(p.id, 'opened', '2026-01-05');
    createSanction(c, { enterprise_id: ent.id, kind: 'bar_applications', start_date: '2026-02-01', end_date: '2027-01-31', doc_no: '泽工信罚〔2026〕3号', reason: '提供虚假材料' });
    const e = err(() => plan({ doc_no: 'x' }));
    expect(e.code).toBe('SANCTIONED');
    expect(e.message).toContain('泽工信罚〔2026〕3号');
    expect(err(() => step(p.id, 'advanced', '2026-02-10')).code).toBe('SANCTIONED');
    expect(err(() => plan({ doc_no: 'x', override_reason: '法院撤销处罚' }, ctx(REVIEWER))).code).toBe('FORBIDDEN');
    const ok = plan({ doc_no: 'x', override_reason: '法院已撤销处罚决定' }, ctx(ADMIN));
    expect(ok.status).toBe('declared');
    const ov = db.prepare(`SELECT detail FROM audit_log WHERE action = 'sanction.override'`).pluck().all() as string[];
    expect(ov.length).toBe(1);
    expect(JSON.parse(ov[0]!).reason).toBe('法院已撤销处罚决定');
  });

  it('a 收回资金 sanction on a plan writes the recovery order into the plan ledger', () => {
    const { plan, trainee, step, c, ent, ent2 } = setup();
    const p = plan();
    trainee(p.id, 1);
    step(p.id, 'filed', '2026-01-03');
    step(p.id, 'opened', '2026-01-05');
    step(p.id, 'advanced', '2026-01-06');
    const s = createSanction(c, {
      enterprise_id: ent.id, kind: 'recover_funds', amount_fen: 250000, start_date: '2026-02-01', doc_no: '泽工信罚〔2026〕5号',
      reason: '学员签到册造假', source_kind: 'training_plan', source_id: p.id,
    });
    const m = svc.getPlanDetail(c, p.id).money.find((x) => x.kind === 'recovery_order')!;
    expect(m).toMatchObject({ amount_fen: 250000, sanction_id: s.id, doc_no: '泽工信罚〔2026〕5号' });
    expect(m.explanation).toContain('学员签到册造假');
    const pos = svc.settlePlan(c, p.id).position;
    expect(pos.outstanding_recovery_fen).toBe(250000);
    // What a sanction takes back is forfeited, not owed to the enterprise again.
    expect(pos.remaining_due_fen).toBe(0);
    expect(pos.lines.join('\n')).toContain('依据处理措施收回 2,500 元');
    expect(err(() => createSanction(c, {
      enterprise_id: ent2.id, kind: 'recover_funds', amount_fen: 100, start_date: '2026-02-01', doc_no: 'y', reason: 'y', source_kind: 'training_plan', source_id: p.id,
    })).message).toContain('不属于被处理的企业');
    // No more than was paid out and not yet ordered back; the list names the plan by its code.
    const over = err(() => createSanction(c, {
      enterprise_id: ent.id, kind: 'recover_funds', amount_fen: 99_999_900, start_date: '2026-02-01', doc_no: 'z', reason: 'z', source_kind: 'training_plan', source_id: p.id,
    }));
    expect(over.message).toContain('没有已拨付且未下达收回的资金'); // the first order took back the whole advance
    expect(listSanctions(c, ent.id)[0]!.source_label).toBe(`培训计划 ${p.code}`);
  });
});

describe('training: courses, reports, demo, api', () => {
  it('totals entrepreneur training per enterprise per year', () => {
    const { c, ent, ent2 } = setup();
    const k1 = svc.createCourse(c, { title: '企业家研修班', organiser: '县工信局', start_date: '2026-01-10', end_date: '2026-01-11', hours: 16 });
    const k2 = svc.createCourse(c, { title: '数字化转型专题', organiser: '市工信局', start_date: '2026-02-10', end_date: '2026-02-10', hours: 8 });
    svc.addAttendee(c, { course_id: k1.id, enterprise_id: ent.id, person_name: '王建国', position: '董事长', hours_attended: 16 });
    svc.addAttendee(c, { course_id: k2.id, enterprise_id: ent.id, person_name: '王建国', hours_attended: 8 });
    svc.addAttendee(c, { course_id: k2.id, enterprise_id: ent2.id, person_name: '李志强', hours_attended: 6 });
    expect(err(() => svc.addAttendee(c, { course_id: k2.id, enterprise_id: ent2.id, person_name: '赵', hours_attended: 9 })).message).toContain('超过课程学时');
    expect(svc.courseTotals(c, { year: 2026 })).toEqual([
      { enterprise_id: ent.id, enterprise_name: ent.name, courses: 2, attendees: 1, hours: 24 },
      { enterprise_id: ent2.id, enterprise_name: ent2.name, courses: 1, attendees: 1, hours: 6 },
    ]);
  });

  it('seeds demo data through the services and reports on it', () => {
    const { c, db } = setup();
    const sum = seedDemoTraining(c);
    expect(sum).toMatchObject({ plans: 3, trainees: 19, certificates: 11 });
    const rows = ledgerRows(c, { year: 2026 }).rows;
    expect(rows.length).toBe(3);
    const settled = rows.find((r) => r.status === 'settled')!;
    expect(settled.certificates.L4).toBe(6);
    expect(settled.advance_fen + settled.settlement_fen - settled.recovery_order_fen).toBe(6 * 500000 + 400000);
    const flagged = db.prepare('SELECT count(*) FROM training_certificate WHERE duplicate_of IS NOT NULL').pluck().get();
    expect(flagged).toBe(1);
    const prog = apprenticeProgress(c, { year: 2026 });
    expect(prog.rows.find((r) => r.enrolled === 6)!.risk).toContain('名额未满（差 4 人）');
    const dash = trainingDashboard(c, { year: 2026 });
    expect(dash.byType.find((t) => t.plan_type === 'apprentice')!.paid_fen).toBeGreaterThan(0);
    expect(ledgerRows(c, { year: 2026, plan_type: 'skills' }).rows.length).toBe(1);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('is reachable through the one contract table', async () => {
    const { ctx, plan } = setup();
    const p = plan();
    const got = await operations['training:planGet'].run(ctx(CLERK), { id: p.id });
    expect(got.plan.code).toBe(p.code);
    expect(operations['training:ruleCreate'].access).toBe('admin');
  });
});
