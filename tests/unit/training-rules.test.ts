import { describe, expect, it } from 'vitest';
import {
  addMonths, advanceCap, applyBp, checkBands, checkTransition, contractProblem, fmtYuan, position, settleTrainee, TRANSITIONS,
  type Rule, type SettleTrainee,
} from '../../db/training/rules.js';
import { STATUSES, yuanToFen } from '../../db/training/schema.js';

const rule = (over: Partial<Rule> = {}): Rule => ({
  id: 1, code: '2026-泽州-学徒', plan_type: 'apprentice', max_advance_bp: 5000, shortage_bonus_bp: 0, shortage_min_level: null,
  claim_window_months: null, require_social_insurance: false, shortage: new Set(),
  bands: [
    { level_from: 'L4', level_to: 'L4', label: '中级', certified_fen: 500000, completed_fen: 400000, not_completed_fen: 0 },
    { level_from: 'L3', level_to: 'L3', label: '高级', certified_fen: 600000, completed_fen: 400000, not_completed_fen: 0 },
  ],
  ...over,
});
const plan = { code: '2026-学徒-0001', occupation_code: '6-18-02-04', target_level: 'L4' as const, planned_count: 10 };
const trainee = (over: Partial<SettleTrainee> = {}): SettleTrainee => ({
  id: 1, name: '张三', outcome: 'completed', social_insurance_verified: true,
  certificate: { cert_no: 'S2026001', level: 'L4', issue_date: '2026-02-01', occupation_code: '6-18-02-04', earlier: null }, ...over,
});

describe('money as integer fen', () => {
  it('parses yuan exactly and refuses negatives, 3 decimals and junk', () => {
    expect(yuanToFen('5,000')).toBe(500000);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen(1234.5)).toBe(123450);
    expect(yuanToFen('19.99元')).toBe(1999);
    expect(yuanToFen('-1')).toBe('金额不能为负数');
    expect(yuanToFen('1.234')).toBe('金额最多保留两位小数');
    expect(yuanToFen('abc')).toBe('金额应为数字（元）');
    expect(yuanToFen('1e5')).toBe('金额格式不正确');
    expect(fmtYuan(500000)).toBe('5,000');
    expect(fmtYuan(500050)).toBe('5,000.50');
  });
  it('rounds bonuses half up to the fen', () => {
    expect(applyBp(333, 3000)).toBe(100); // 99.9 → 100
    expect(applyBp(500000, 3000)).toBe(150000);
  });
});

describe('lifecycle', () => {
  it('follows 申报→备案→开班→预拨→结业→清算→关闭 with 终止 before 清算', () => {
    expect(checkTransition('declared', 'filed')).toBeNull();
    expect(checkTransition('opened', 'completed')).toBeNull();
    expect(checkTransition('declared', 'opened')).toBe('计划当前为「申报」，不能转为「开班」；可以转为：「备案」、「终止」');
    expect(checkTransition('settled', 'terminated')).toContain('可以转为：「关闭」');
    expect(checkTransition('closed', 'filed')).toContain('已结束');
    for (const s of ['declared', 'filed', 'opened', 'advanced', 'completed'] as const) expect(TRANSITIONS[s]).toContain('terminated');
    for (const s of STATUSES) for (const t of TRANSITIONS[s]) expect(STATUSES).toContain(t);
  });
});

describe('rule tables', () => {
  it('refuses overlapping and gapped level bands', () => {
    expect(checkBands([{ level_from: 'L5', level_to: 'L4' }, { level_from: 'L3', level_to: 'L1' }])).toEqual([]);
    const overlap = checkBands([{ level_from: 'L5', level_to: 'L4' }, { level_from: 'L4', level_to: 'L3' }]);
    expect(overlap[0]!.message).toContain('重叠');
    expect(overlap[0]!.message).toContain('四级/中级工');
    const gap = checkBands([{ level_from: 'L5', level_to: 'L5' }, { level_from: 'L3', level_to: 'L3' }]);
    expect(gap[0]!.message).toContain('缺少等级「四级/中级工」');
    expect(checkBands([{ level_from: 'L3', level_to: 'L5' }])[0]!.message).toContain('高于');
    expect(checkBands([{ level_from: 'special', level_to: 'L5' }])[0]!.message).toContain('专项职业能力只能单独成档');
    expect(checkBands([{ level_from: 'special', level_to: 'special' }, { level_from: 'L5', level_to: 'L5' }])).toEqual([]);
  });
});

describe('apprentice contract', () => {
  it('needs at least one year', () => {
    expect(contractProblem('2026-03-01', '2027-02-28', 'apprentice')).toBeNull();
    expect(contractProblem('2026-03-01', '2027-02-27', 'apprentice')).toContain('至少 1 年');
    expect(contractProblem('2026-03-01', null, 'apprentice')).toBeNull();
    expect(contractProblem(null, null, 'apprentice')).toContain('劳动合同');
    expect(contractProblem(null, null, 'skills')).toBeNull();
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
  });
});

describe('advance cap (预拨)', () => {
  it('is places filled × per-person amount × max ratio, less what was advanced', () => {
    const a = advanceCap(plan, rule(), 8, 0);
    expect(a.places).toBe(8);
    expect(a.full_fen).toBe(8 * 500000);
    expect(a.cap_fen).toBe(2000000);
    expect(a.available_fen).toBe(2000000);
    expect(a.lines.join('\n')).toContain('最高预拨 50% = 20,000 元');
    expect(advanceCap(plan, rule(), 12, 1500000).available_fen).toBe(1000000); // never more places than planned
    expect(advanceCap(plan, rule({ max_advance_bp: 0 }), 8, 0).available_fen).toBe(0);
    expect(advanceCap(plan, rule({ max_advance_bp: 3333 }), 1, 0).cap_fen).toBe(166650); // rounded down
  });
});

describe('settlement by outcome', () => {
  it('pays by certificate with the printable line naming the rule', () => {
    const l = settleTrainee(plan, rule(), trainee(), '2026-03-01');
    expect(l.amount_fen).toBe(500000);
    expect(l.text).toBe('张三 四级/中级工 证书号 S2026001 5,000 元 (规则 2026-泽州-学徒-中级)');
  });
  it('pays the completed amount without a certificate, the not-completed amount otherwise, nothing while in training', () => {
    expect(settleTrainee(plan, rule(), trainee({ certificate: null }), '2026-03-01')).toMatchObject({ basis: 'completed', amount_fen: 400000 });
    expect(settleTrainee(plan, rule(), trainee({ certificate: null, outcome: 'not_completed' }), '2026-03-01')).toMatchObject({ basis: 'not_completed', amount_fen: 0 });
    expect(settleTrainee(plan, rule(), trainee({ certificate: null, outcome: 'in_training' }), '2026-03-01').amount_fen).toBe(0);
  });
  it('caps a higher certificate at the plan level', () => {
    const l = settleTrainee(plan, rule(), trainee({ certificate: { ...trainee().certificate!, level: 'L3' } }), '2026-03-01');
    expect(l.amount_fen).toBe(500000);
    expect(l.text).toContain('按计划等级四级/中级工封顶');
  });
  it('adds the 紧缺 bonus only for listed occupations at or above the minimum level', () => {
    const r = rule({ shortage_bonus_bp: 3000, shortage: new Set(['6-18-02-04']) });
    const l = settleTrainee(plan, r, trainee(), '2026-03-01');
    expect(l).toMatchObject({ base_fen: 500000, bonus_fen: 150000, amount_fen: 650000 });
    expect(l.text).toContain('含紧缺职业加成 30% 1,500 元');
    expect(settleTrainee(plan, { ...r, shortage_min_level: 'L3' }, trainee(), '2026-03-01').bonus_fen).toBe(0);
    expect(settleTrainee(plan, { ...r, shortage: new Set(['x']) }, trainee(), '2026-03-01').bonus_fen).toBe(0);
  });
  it('applies the claim window from the certificate date', () => {
    const r = rule({ claim_window_months: 12 });
    expect(settleTrainee(plan, r, trainee(), '2027-02-01').basis).toBe('certified');
    const late = settleTrainee(plan, r, trainee(), '2027-02-02');
    expect(late).toMatchObject({ basis: 'completed', amount_fen: 400000 });
    expect(late.text).toContain('已超过 12 个月申领期限（截至 2027-02-01）');
  });
  it('pays one subsidy per person per occupation per level: a second claim gets nothing and names the earlier one', () => {
    const earlier = { cert_no: 'S2025009', plan_code: '2025-学徒-0003', issue_date: '2025-06-30' };
    const l = settleTrainee(plan, rule(), trainee({ certificate: { ...trainee().certificate!, earlier } }), '2026-03-01');
    expect(l.amount_fen).toBe(0);
    expect(l.text).toContain('证书号 S2025009，计划 2025-学徒-0003');
  });
  it('requires verified social insurance where the rule says so', () => {
    const r = rule({ require_social_insurance: true });
    expect(settleTrainee(plan, r, trainee({ social_insurance_verified: false }), '2026-03-01')).toMatchObject({ basis: 'ineligible', amount_fen: 0 });
  });
});

describe('position: due and claw-back', () => {
  it('claws back when completions fall short of the advance', () => {
    // 10 places advanced at 50 % of 5,000 = 25,000; only 3 completed with certificates = 15,000.
    const p = position(1500000, { advance_fen: 2500000, settlement_fen: 0, recovery_order_fen: 0, recovery_received_fen: 0 });
    expect(p.clawback_fen).toBe(1000000);
    expect(p.remaining_due_fen).toBe(0);
    expect(p.lines.join('\n')).toContain('应退回 25,000 − 15,000 = 10,000 元');
  });
  it('pays the remainder when completions exceed the advance, and is square after settlement', () => {
    const p = position(4000000, { advance_fen: 2500000, settlement_fen: 0, recovery_order_fen: 0, recovery_received_fen: 0 });
    expect(p.remaining_due_fen).toBe(1500000);
    const after = position(4000000, { advance_fen: 2500000, settlement_fen: 1500000, recovery_order_fen: 0, recovery_received_fen: 0 });
    expect(after).toMatchObject({ remaining_due_fen: 0, clawback_fen: 0 });
    const ordered = position(1500000, { advance_fen: 2500000, settlement_fen: 0, recovery_order_fen: 1000000, recovery_received_fen: 400000 });
    expect(ordered).toMatchObject({ clawback_fen: 0, outstanding_recovery_fen: 600000 });
  });
  it('money a 收回资金 sanction takes back after settlement is forfeited, not owed again', () => {
    const l = { advance_fen: 750000, settlement_fen: 250000, recovery_order_fen: 250000, recovery_received_fen: 0, sanction_recovery_fen: 250000 };
    const p = position(1000000, l);
    expect(p).toMatchObject({ remaining_due_fen: 0, clawback_fen: 0, outstanding_recovery_fen: 250000 });
    expect(p.lines.join('\n')).toContain('可得补贴 10,000 − 2,500 = 7,500 元');
  });
});
