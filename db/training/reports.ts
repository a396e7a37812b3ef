// 工作台账, the apprenticeship progress report (domain.md §2.1: reported by the end of October) and the dashboard.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { parseInput } from '../validate.js';
import { ledgerQuery, LEVELS, PLAN_TYPES, type Level, type PlanStatus, type PlanType } from './schema.js';
import { byOrigin, officeName, originCondition, originOfficeField, type OfficeRow } from '../ownership/origin.js';

/** A report's year and, after consolidation, its 上报单位 (plans a lower office reported). */
export const reportInput = z.object({ year: z.number().int().min(2000).max(2100), origin_office: originOfficeField.optional() });
export const REPORT_LABELS = { year: '年度', origin_office: '上报单位' };

export interface LedgerRow {
  id: number;
  code: string;
  enterprise_name: string;
  uscc: string;
  plan_type: PlanType;
  institution_name: string | null;
  occupation_code: string;
  occupation_name: string;
  target_level: Level;
  status: PlanStatus;
  start_date: string;
  end_date: string;
  planned_count: number;
  roster_count: number;
  completed_count: number;
  not_completed_count: number;
  certificates: Record<Level, number>;
  advance_fen: number;
  settlement_fen: number;
  recovery_order_fen: number;
  recovery_received_fen: number;
  rule_code: string;
}

function period(f: z.output<typeof ledgerQuery>): { from: string; to: string } {
  return f.year !== undefined && !(f.from && f.to) ? { from: `${f.year}-01-01`, to: `${f.year}-12-31` } : { from: f.from!, to: f.to! };
}

/** Every plan whose period overlaps the chosen one: roster size, completions, certificates by level, money. */
export function ledgerRows(ctx: Pick<Ctx, 'db'>, raw: unknown): { from: string; to: string; origin_name: string | null; rows: LedgerRow[] } {
  const f = parseInput(ledgerQuery, raw, { year: '年度', from: '起始日期', to: '截止日期', plan_type: '培训类型', origin_office: '上报单位' });
  const { from, to } = period(f);
  const rows = ctx.db
    .prepare(
      `SELECT p.id, p.code, e.name AS enterprise_name, e.uscc, p.plan_type, i.name AS institution_name, p.occupation_code, p.occupation_name,
         p.target_level, p.status, p.start_date, p.end_date, p.planned_count, r.code AS rule_code,
         (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id) AS roster_count,
         (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id AND t.outcome = 'completed') AS completed_count,
         (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id AND t.outcome = 'not_completed') AS not_completed_count,
         coalesce(m.advance_fen, 0) AS advance_fen, coalesce(m.settlement_fen, 0) AS settlement_fen,
         coalesce(m.recovery_order_fen, 0) AS recovery_order_fen, coalesce(m.recovery_received_fen, 0) AS recovery_received_fen
       FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id
       LEFT JOIN training_institution i ON i.id = p.institution_id JOIN subsidy_rule_set r ON r.id = p.rule_set_id
       LEFT JOIN (SELECT plan_id,
           sum(CASE WHEN kind = 'advance' THEN amount_fen END) AS advance_fen,
           sum(CASE WHEN kind = 'settlement' THEN amount_fen END) AS settlement_fen,
           sum(CASE WHEN kind = 'recovery_order' THEN amount_fen END) AS recovery_order_fen,
           sum(CASE WHEN kind = 'recovery_received' THEN amount_fen END) AS recovery_received_fen
         FROM training_money GROUP BY plan_id) m ON m.plan_id = p.id
       WHERE p.start_date <= @to AND p.end_date >= @from AND (@t IS NULL OR p.plan_type = @t) AND ${originCondition('p.origin_office')}
       ORDER BY p.start_date, p.code`,
    )
    .all({ from, to, t: f.plan_type ?? null, origin: f.origin_office ?? null }) as Array<Omit<LedgerRow, 'certificates'>>;
  const certs = ctx.db.prepare('SELECT level, count(*) AS n FROM training_certificate WHERE plan_id = ? GROUP BY level');
  return {
    from,
    to,
    origin_name: f.origin_office ? officeName(ctx.db, f.origin_office) : null,
    rows: rows.map((r) => {
      const c = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
      for (const x of certs.all(r.id) as Array<{ level: Level; n: number }>) c[x.level] = x.n;
      return { ...r, certificates: c };
    }),
  };
}

export interface ProgressRow {
  /** The row's key: after consolidation two counties' plans can share a code. */
  plan_id: number;
  code: string;
  enterprise_name: string;
  institution_name: string | null;
  occupation_name: string;
  target_level: Level;
  status: PlanStatus;
  start_date: string;
  end_date: string;
  planned_count: number;
  enrolled: number;
  in_training: number;
  completed: number;
  not_completed: number;
  certified: number;
  contract_ok: number;
  social_insurance_verified: number;
  advance_fen: number;
  /** Why the plan may miss its target: the enterprise must report it by the end of October (Shanxi 2022). */
  risk: string | null;
}

/** 企业新型学徒制 progress for a year (data for the Excel here and the lead's PDF). */
export function apprenticeProgress(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown): {
  year: number;
  as_of: string;
  origin_office: string | null;
  origin_name: string | null;
  rows: ProgressRow[];
  totals: Omit<ProgressRow, 'plan_id' | 'code' | 'enterprise_name' | 'institution_name' | 'occupation_name' | 'target_level' | 'status' | 'start_date' | 'end_date' | 'risk'>;
} {
  const { year, origin_office } = parseInput(reportInput, raw, REPORT_LABELS);
  const origin = origin_office ?? null;
  const rows = ctx.db
    .prepare(
      `SELECT p.id AS plan_id, p.code, e.name AS enterprise_name, i.name AS institution_name, p.occupation_name, p.target_level, p.status, p.start_date, p.end_date,
         p.planned_count,
         count(t.id) AS enrolled,
         coalesce(sum(t.outcome = 'in_training'), 0) AS in_training,
         coalesce(sum(t.outcome = 'completed'), 0) AS completed,
         coalesce(sum(t.outcome = 'not_completed'), 0) AS not_completed,
         (SELECT count(*) FROM training_certificate c WHERE c.plan_id = p.id) AS certified,
         coalesce(sum(t.contract_start IS NOT NULL), 0) AS contract_ok,
         coalesce(sum(t.social_insurance_verified), 0) AS social_insurance_verified,
         (SELECT coalesce(sum(amount_fen), 0) FROM training_money m WHERE m.plan_id = p.id AND m.kind = 'advance') AS advance_fen
       FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id LEFT JOIN training_institution i ON i.id = p.institution_id
       LEFT JOIN trainee t ON t.plan_id = p.id
       WHERE p.plan_type = 'apprentice' AND p.start_date <= @to AND p.end_date >= @from AND p.status <> 'terminated'
         AND ${originCondition('p.origin_office')}
       GROUP BY p.id ORDER BY e.name, p.code`,
    )
    .all({ from: `${year}-01-01`, to: `${year}-12-31`, origin }) as Array<Omit<ProgressRow, 'risk'>>;
  const withRisk: ProgressRow[] = rows.map((r) => {
    const risks: string[] = [];
    if (r.enrolled < r.planned_count) risks.push(`名额未满（差 ${r.planned_count - r.enrolled} 人）`);
    if (r.not_completed > 0) risks.push(`${r.not_completed} 人未结业`);
    if (r.social_insurance_verified < r.enrolled) risks.push(`${r.enrolled - r.social_insurance_verified} 人社保未核验`);
    return { ...r, risk: risks.length ? risks.join('；') : null };
  });
  const sum = (k: keyof ProgressRow) => withRisk.reduce((s, r) => s + (r[k] as number), 0);
  return {
    year,
    as_of: isoDate(ctx.clock.now()),
    origin_office: origin,
    origin_name: origin ? officeName(ctx.db, origin) : null,
    rows: withRisk,
    totals: {
      planned_count: sum('planned_count'), enrolled: sum('enrolled'), in_training: sum('in_training'), completed: sum('completed'),
      not_completed: sum('not_completed'), certified: sum('certified'), contract_ok: sum('contract_ok'),
      social_insurance_verified: sum('social_insurance_verified'), advance_fen: sum('advance_fen'),
    },
  };
}

export interface DashboardMonth {
  month: string;
  plan_type: PlanType;
  trainees: number;
  certificates: number;
  paid_fen: number;
  recovered_fen: number;
}

export interface DashboardOffice extends OfficeRow {
  plans: number;
  trainees: number;
  certificates: number;
  paid_fen: number;
  recovered_fen: number;
}

/**
 * Trainees (by the month their plan starts), certificates (by issue month) and money (by entry month: paid =
 * 预拨 + 结算拨付, recovered = 退回到账), per month and per plan type, for the charts; the same per 上报单位
 * (按上报单位汇总). `origin_office` keeps one lower office's plans only.
 */
export function trainingDashboard(ctx: Pick<Ctx, 'db'>, raw: unknown): {
  year: number;
  origin_office: string | null;
  origin_name: string | null;
  byMonth: DashboardMonth[];
  byType: Array<Omit<DashboardMonth, 'month'> & { plans: number }>;
  byOffice: DashboardOffice[];
} {
  const { year, origin_office } = parseInput(reportInput, raw, REPORT_LABELS);
  const origin = origin_office ?? null;
  const p = { from: `${year}-01-01`, to: `${year}-12-31`, origin };
  const inOrigin = originCondition('p.origin_office');
  const key = (m: string, t: string) => `${m}|${t}`;
  const map = new Map<string, DashboardMonth>();
  const cell = (month: string, t: PlanType) => {
    let c = map.get(key(month, t));
    if (!c) map.set(key(month, t), (c = { month, plan_type: t, trainees: 0, certificates: 0, paid_fen: 0, recovered_fen: 0 }));
    return c;
  };
  const offices = new Map<string | null, Omit<DashboardOffice, keyof OfficeRow>>();
  const office = (k: string | null) => {
    let o = offices.get(k);
    if (!o) offices.set(k, (o = { plans: 0, trainees: 0, certificates: 0, paid_fen: 0, recovered_fen: 0 }));
    return o;
  };
  for (const r of ctx.db
    .prepare(`SELECT substr(p.start_date, 1, 7) AS m, p.plan_type AS t, p.origin_office AS k, count(*) AS n FROM trainee tr JOIN training_plan p ON p.id = tr.plan_id
      WHERE p.start_date BETWEEN @from AND @to AND ${inOrigin} GROUP BY m, t, k`)
    .all(p) as Array<{ m: string; t: PlanType; k: string | null; n: number }>) {
    cell(r.m, r.t).trainees += r.n;
    office(r.k).trainees += r.n;
  }
  for (const r of ctx.db
    .prepare(`SELECT substr(c.issue_date, 1, 7) AS m, p.plan_type AS t, p.origin_office AS k, count(*) AS n FROM training_certificate c JOIN training_plan p ON p.id = c.plan_id
      WHERE c.issue_date BETWEEN @from AND @to AND ${inOrigin} GROUP BY m, t, k`)
    .all(p) as Array<{ m: string; t: PlanType; k: string | null; n: number }>) {
    cell(r.m, r.t).certificates += r.n;
    office(r.k).certificates += r.n;
  }
  for (const r of ctx.db
    .prepare(`SELECT substr(m.entry_date, 1, 7) AS mo, p.plan_type AS t, p.origin_office AS k,
        sum(CASE WHEN m.kind IN ('advance','settlement') THEN m.amount_fen ELSE 0 END) AS paid,
        sum(CASE WHEN m.kind = 'recovery_received' THEN m.amount_fen ELSE 0 END) AS rec
      FROM training_money m JOIN training_plan p ON p.id = m.plan_id WHERE m.entry_date BETWEEN @from AND @to AND ${inOrigin} GROUP BY mo, t, k`)
    .all(p) as Array<{ mo: string; t: PlanType; k: string | null; paid: number; rec: number }>) {
    const c = cell(r.mo, r.t);
    c.paid_fen += r.paid;
    c.recovered_fen += r.rec;
    office(r.k).paid_fen += r.paid;
    office(r.k).recovered_fen += r.rec;
  }
  const byMonth = [...map.values()].sort((a, b) => a.month.localeCompare(b.month) || PLAN_TYPES.indexOf(a.plan_type) - PLAN_TYPES.indexOf(b.plan_type));
  const plans = new Map<PlanType, number>();
  for (const r of ctx.db
    .prepare(`SELECT plan_type AS t, origin_office AS k, count(*) AS n FROM training_plan p WHERE start_date BETWEEN @from AND @to AND ${inOrigin} GROUP BY t, k`)
    .all(p) as Array<{ t: PlanType; k: string | null; n: number }>) {
    plans.set(r.t, (plans.get(r.t) ?? 0) + r.n);
    office(r.k).plans += r.n;
  }
  const byType = PLAN_TYPES.map((t) => {
    const ms = byMonth.filter((m) => m.plan_type === t);
    const s = (k: 'trainees' | 'certificates' | 'paid_fen' | 'recovered_fen') => ms.reduce((a, m) => a + m[k], 0);
    return { plan_type: t, plans: plans.get(t) ?? 0, trainees: s('trainees'), certificates: s('certificates'), paid_fen: s('paid_fen'), recovered_fen: s('recovered_fen') };
  });
  const byOffice = byOrigin(ctx.db, [...offices].map(([k, o]) => ({ k, ...o })));
  return { year, origin_office: origin, origin_name: origin ? officeName(ctx.db, origin) : null, byMonth, byType, byOffice };
}
