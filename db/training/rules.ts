// Pure calculation and checks for training plans: no database, no clock. Every money figure comes back with the
// lines a person can read and print.
import type { FieldIssue } from '../result.js';
import {
  LEVEL_LABEL,
  LEVEL_RANK,
  STATUS_LABEL,
  type Level,
  type Outcome,
  type PlanStatus,
  type PlanType,
} from './schema.js';

// ---- lifecycle ----

/**
 * 申报 → 备案 → 开班 → 预拨 → 结业 → 清算 → 关闭; 终止 from any state before 清算. 开班 → 结业 is allowed too:
 * an advance is "at most" 50 %, so a plan may take none (企业家培训, certificate-based 技能提升).
 */
export const TRANSITIONS: Readonly<Record<PlanStatus, readonly PlanStatus[]>> = {
  declared: ['filed', 'terminated'],
  filed: ['opened', 'terminated'],
  opened: ['advanced', 'completed', 'terminated'],
  advanced: ['completed', 'terminated'],
  completed: ['settled', 'terminated'],
  settled: ['closed'],
  closed: [],
  terminated: [],
};

export function checkTransition(from: PlanStatus, to: PlanStatus): string | null {
  if (TRANSITIONS[from].includes(to)) return null;
  const allowed = TRANSITIONS[from].map((s) => `「${STATUS_LABEL[s]}」`).join('、');
  return `计划当前为「${STATUS_LABEL[from]}」，不能转为「${STATUS_LABEL[to]}」` + (allowed ? `；可以转为：${allowed}` : '；该计划已结束，不能再变更');
}

/** Roster, outcomes and certificates may change only while the plan is running. */
export const ROSTER_EDITABLE: readonly PlanStatus[] = ['declared', 'filed', 'opened', 'advanced'];
export const OUTCOME_EDITABLE: readonly PlanStatus[] = ['opened', 'advanced', 'completed'];

// ---- money formatting ----

/** 500000 → "5,000"; 500050 → "5,000.50". */
export function fmtYuan(fen: number): string {
  const neg = fen < 0;
  const a = Math.abs(fen);
  const y = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = a % 100;
  return `${neg ? '-' : ''}${y}${f ? `.${String(f).padStart(2, '0')}` : ''}`;
}
export const fmtPercent = (bp: number) => `${bp / 100}%`;

/** Share of an amount in basis points, rounded half up to the fen (bonuses). */
export const applyBp = (fen: number, bp: number) => Math.floor((fen * bp + 5000) / 10000);
/** Share rounded down: a cap is never exceeded by rounding (advances). */
export const capBp = (fen: number, bp: number) => Math.floor((fen * bp) / 10000);

// ---- rule tables ----

export interface RuleBand {
  level_from: Level;
  level_to: Level;
  label: string;
  certified_fen: number;
  completed_fen: number;
  not_completed_fen: number;
}

export interface Rule {
  id: number;
  code: string;
  plan_type: PlanType;
  max_advance_bp: number;
  shortage_bonus_bp: number;
  shortage_min_level: Level | null;
  claim_window_months: number | null;
  require_social_insurance: boolean;
  bands: RuleBand[];
  shortage: ReadonlySet<string>;
}

/** Overlapping or gapped bands would make a level's amount ambiguous or missing: refuse them, naming the bands. */
export function checkBands(bands: Array<Pick<RuleBand, 'level_from' | 'level_to'>>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const label = '等级档次';
  const graded: Array<{ lo: number; hi: number; i: number }> = [];
  let special = 0;
  bands.forEach((b, i) => {
    const lo = LEVEL_RANK[b.level_from];
    const hi = LEVEL_RANK[b.level_to];
    if (lo === null || hi === null) {
      if (b.level_from !== b.level_to) {
        issues.push({ field: `bands.${i}`, label, message: `第 ${i + 1} 档：专项职业能力只能单独成档` });
      } else if (++special > 1) {
        issues.push({ field: `bands.${i}`, label, message: `第 ${i + 1} 档：专项职业能力重复出现` });
      }
      return;
    }
    if (lo > hi) {
      issues.push({ field: `bands.${i}`, label, message: `第 ${i + 1} 档：起始等级「${LEVEL_LABEL[b.level_from]}」高于截止等级「${LEVEL_LABEL[b.level_to]}」` });
      return;
    }
    graded.push({ lo, hi, i });
  });
  graded.sort((a, b) => a.lo - b.lo);
  const name = (r: number) => LEVEL_LABEL[(['L5', 'L4', 'L3', 'L2', 'L1'] as const)[r - 1]!];
  for (let k = 1; k < graded.length; k++) {
    const prev = graded[k - 1]!;
    const cur = graded[k]!;
    if (cur.lo <= prev.hi) {
      issues.push({ field: `bands.${cur.i}`, label, message: `第 ${cur.i + 1} 档与第 ${prev.i + 1} 档重叠（都包含「${name(cur.lo)}」）` });
    } else if (cur.lo > prev.hi + 1) {
      issues.push({
        field: `bands.${cur.i}`,
        label,
        message: `第 ${prev.i + 1} 档与第 ${cur.i + 1} 档之间缺少等级「${name(prev.hi + 1)}」${cur.lo > prev.hi + 2 ? ` 至「${name(cur.lo - 1)}」` : ''}`,
      });
    }
  }
  return issues;
}

export function bandFor(rule: Rule, level: Level): RuleBand | undefined {
  const r = LEVEL_RANK[level];
  return rule.bands.find((b) =>
    r === null ? b.level_from === level : LEVEL_RANK[b.level_from] !== null && LEVEL_RANK[b.level_from]! <= r && r <= LEVEL_RANK[b.level_to]!,
  );
}

export const ruleRef = (rule: Rule, band: RuleBand) => `${rule.code}-${band.label}`;

function bonusApplies(rule: Rule, occupationCode: string, level: Level): boolean {
  if (rule.shortage_bonus_bp === 0 || !rule.shortage.has(occupationCode)) return false;
  if (!rule.shortage_min_level) return true;
  const r = LEVEL_RANK[level];
  return r !== null && r >= LEVEL_RANK[rule.shortage_min_level]!;
}

// ---- dates ----

export function addMonths(iso: string, months: number): string {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + months;
  const d = Number(iso.slice(8, 10));
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return `${ty}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** An apprentice needs a labour contract of at least one year (2026-03-01 to 2027-02-28 counts); no end date = 无固定期限. */
export function contractProblem(start: string | null, end: string | null, planType: PlanType): string | null {
  if (planType !== 'apprentice') return null;
  if (!start) return '企业新型学徒须签订劳动合同：请填写劳动合同起始日期';
  if (end === null) return null;
  const minEnd = addMonths(start, 12);
  const dayBefore = new Date(Date.parse(`${minEnd}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
  if (end < dayBefore) return `学徒的劳动合同期限须至少 1 年：${start} 起至少应到 ${dayBefore}，填写的是 ${end}`;
  return null;
}

// ---- settlement ----

export interface SettleTrainee {
  id: number;
  name: string;
  outcome: Outcome;
  social_insurance_verified: boolean;
  certificate: {
    cert_no: string;
    level: Level;
    issue_date: string;
    occupation_code: string;
    /** The earlier certificate that already used this person's one subsidy for this occupation and level. */
    earlier: { cert_no: string; plan_code: string; issue_date: string } | null;
  } | null;
}

export interface SettlePlan {
  code: string;
  occupation_code: string;
  target_level: Level;
  planned_count: number;
}

export type Basis = 'certified' | 'completed' | 'not_completed' | 'in_training' | 'ineligible';

export interface TraineeLine {
  trainee_id: number;
  name: string;
  basis: Basis;
  level: Level | null;
  cert_no: string | null;
  base_fen: number;
  bonus_fen: number;
  amount_fen: number;
  rule_ref: string | null;
  /** The printable line: 〈姓名〉 四级/中级工 证书号 〈编号〉 5,000 元 (规则 2026-泽州-学徒-中级). */
  text: string;
}

/** What one trainee earns under the rule, with the reason in words. `claimDate` bounds the claim window. */
export function settleTrainee(plan: SettlePlan, rule: Rule, t: SettleTrainee, claimDate: string): TraineeLine {
  const line = (basis: Basis, base: number, bonus: number, ref: string | null, text: string, level: Level | null = null): TraineeLine => ({
    trainee_id: t.id,
    name: t.name,
    basis,
    level,
    cert_no: t.certificate?.cert_no ?? null,
    base_fen: base,
    bonus_fen: bonus,
    amount_fen: base + bonus,
    rule_ref: ref,
    text,
  });
  if (rule.require_social_insurance && !t.social_insurance_verified) {
    return line('ineligible', 0, 0, null, `${t.name} 社保参保未核验 0 元 (规则 ${rule.code} 要求核验社保)`);
  }
  if (t.outcome === 'in_training') return line('in_training', 0, 0, null, `${t.name} 尚未登记结业结果 0 元`);
  const targetBand = bandFor(rule, plan.target_level);
  const c = t.certificate;
  let lateNote = '';
  if (c && t.outcome === 'completed') {
    const band = bandFor(rule, c.level);
    const head = `${t.name} ${LEVEL_LABEL[c.level]} 证书号 ${c.cert_no}`;
    if (c.earlier) {
      return line('ineligible', 0, 0, null,
        `${head} 0 元 (同一职业同一等级已补贴过一次：证书号 ${c.earlier.cert_no}，计划 ${c.earlier.plan_code}，${c.earlier.issue_date})`, c.level);
    }
    const deadline = rule.claim_window_months ? addMonths(c.issue_date, rule.claim_window_months) : null;
    if (deadline && claimDate > deadline) {
      lateNote = `证书 ${c.cert_no} 发证于 ${c.issue_date}，已超过 ${rule.claim_window_months} 个月申领期限（截至 ${deadline}），按结业未取证计；`;
    } else if (!band) {
      return line('ineligible', 0, 0, null, `${head} 0 元 (规则 ${rule.code} 未规定该等级的补贴)`, c.level);
    } else {
      // A plan filed for 中级 is budgeted for 中级: a higher certificate does not raise the amount.
      const capped = targetBand && targetBand.certified_fen < band.certified_fen;
      const useBand = capped ? targetBand : band;
      const base = useBand.certified_fen;
      const bonus = bonusApplies(rule, c.occupation_code, capped ? plan.target_level : c.level) ? applyBp(base, rule.shortage_bonus_bp) : 0;
      const ref = ruleRef(rule, useBand);
      const extra = [
        capped ? `按计划等级${LEVEL_LABEL[plan.target_level]}封顶` : '',
        bonus ? `含紧缺职业加成 ${fmtPercent(rule.shortage_bonus_bp)} ${fmtYuan(bonus)} 元` : '',
      ].filter(Boolean);
      return line('certified', base, bonus, ref, `${head} ${fmtYuan(base + bonus)} 元 (规则 ${ref}${extra.length ? `；${extra.join('；')}` : ''})`, c.level);
    }
  }
  if (!targetBand) return line('ineligible', 0, 0, null, `${t.name} 0 元 (规则 ${rule.code} 未规定${LEVEL_LABEL[plan.target_level]}的补贴)`);
  if (t.outcome === 'completed') {
    const ref = ruleRef(rule, targetBand);
    return line('completed', targetBand.completed_fen, 0, ref, `${t.name} ${lateNote}结业未取证 ${fmtYuan(targetBand.completed_fen)} 元 (规则 ${ref})`);
  }
  const ref = ruleRef(rule, targetBand);
  return line('not_completed', targetBand.not_completed_fen, 0, ref, `${t.name} 未结业 ${fmtYuan(targetBand.not_completed_fen)} 元 (规则 ${ref})`);
}

export interface AdvanceCap {
  places: number;
  per_person_fen: number;
  full_fen: number;
  cap_fen: number;
  already_fen: number;
  available_fen: number;
  lines: string[];
}

/**
 * The advance (预拨) a plan may receive: the places actually filled (never more than planned) × the per-person
 * amount at the target level with certificate (plus the 紧缺 bonus) × the maximum advance ratio, less advances
 * already paid.
 */
export function advanceCap(plan: SettlePlan, rule: Rule, enrolled: number, alreadyAdvancedFen: number): AdvanceCap {
  const band = bandFor(rule, plan.target_level);
  const places = Math.min(enrolled, plan.planned_count);
  const base = band?.certified_fen ?? 0;
  const per = base + (bonusApplies(rule, plan.occupation_code, plan.target_level) ? applyBp(base, rule.shortage_bonus_bp) : 0);
  const full = places * per;
  const cap = capBp(full, rule.max_advance_bp);
  const available = Math.max(0, cap - alreadyAdvancedFen);
  const lines = [
    band
      ? `每人标准：${LEVEL_LABEL[plan.target_level]} ${fmtYuan(per)} 元 (规则 ${ruleRef(rule, band)}${per !== base ? `，含紧缺职业加成 ${fmtPercent(rule.shortage_bonus_bp)}` : ''})`
      : `规则 ${rule.code} 未规定${LEVEL_LABEL[plan.target_level]}的补贴，不能预拨`,
    `名额：名册 ${enrolled} 人，计划 ${plan.planned_count} 人，按 ${places} 人计`,
    `全额 ${places} × ${fmtYuan(per)} = ${fmtYuan(full)} 元；最高预拨 ${fmtPercent(rule.max_advance_bp)} = ${fmtYuan(cap)} 元`,
    `已预拨 ${fmtYuan(alreadyAdvancedFen)} 元，尚可预拨 ${fmtYuan(available)} 元`,
  ];
  return { places, per_person_fen: per, full_fen: full, cap_fen: cap, already_fen: alreadyAdvancedFen, available_fen: available, lines };
}

export interface Ledger {
  advance_fen: number;
  settlement_fen: number;
  recovery_order_fen: number;
  recovery_received_fen: number;
  /** The part of recovery_order_fen ordered by a 收回资金 sanction (art. 41): forfeited, never paid again. */
  sanction_recovery_fen?: number;
}

export interface Position {
  entitlement_fen: number;
  paid_fen: number;
  /** Paid less what has been ordered back: what the enterprise keeps once every order is repaid. */
  kept_fen: number;
  /** Still to pay the enterprise. */
  remaining_due_fen: number;
  /** 应退回 not yet ordered: completions fell short of what was paid. */
  clawback_fen: number;
  /** Ordered back but not yet received. */
  outstanding_recovery_fen: number;
  lines: string[];
}

export function position(entitlementFen: number, l: Ledger): Position {
  const paid = l.advance_fen + l.settlement_fen;
  const kept = paid - l.recovery_order_fen;
  // Money a sanction takes back is forfeited: it lowers what the plan may still claim, so it is not owed again.
  const forfeited = l.sanction_recovery_fen ?? 0;
  const allowed = Math.max(0, entitlementFen - forfeited);
  const due = Math.max(0, allowed - kept);
  const claw = Math.max(0, kept - allowed);
  const outstanding = Math.max(0, l.recovery_order_fen - l.recovery_received_fen);
  const lines = [
    `应得补贴合计 ${fmtYuan(entitlementFen)} 元`,
    `已拨付 ${fmtYuan(paid)} 元（预拨 ${fmtYuan(l.advance_fen)} 元，结算拨付 ${fmtYuan(l.settlement_fen)} 元）`,
    `已下达收回 ${fmtYuan(l.recovery_order_fen)} 元，已退回到账 ${fmtYuan(l.recovery_received_fen)} 元`,
  ];
  if (forfeited > 0) lines.push(`其中依据处理措施收回 ${fmtYuan(forfeited)} 元，不再计发：可得补贴 ${fmtYuan(entitlementFen)} − ${fmtYuan(forfeited)} = ${fmtYuan(allowed)} 元`);
  if (due > 0) lines.push(`尚应拨付 ${fmtYuan(allowed)} − ${fmtYuan(kept)} = ${fmtYuan(due)} 元`);
  if (claw > 0) lines.push(`应退回 ${fmtYuan(kept)} − ${fmtYuan(allowed)} = ${fmtYuan(claw)} 元（完成人数不足以抵扣已拨付资金）`);
  if (due === 0 && claw === 0) lines.push('应得与已拨付相符，无需再拨付或退回');
  if (outstanding > 0) lines.push(`已下达收回但尚未到账 ${fmtYuan(outstanding)} 元`);
  return { entitlement_fen: entitlementFen, paid_fen: paid, kept_fen: kept, remaining_due_fen: due, clawback_fen: claw, outstanding_recovery_fen: outstanding, lines };
}
