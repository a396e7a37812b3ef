// Pure rules of 运行监测: periods, the report workflow, and how one cell's input becomes a stored figure. The
// grid, the Excel import (and later a package from below) all parse cells with parseCell.
import { z } from 'zod';
import type { Role } from '../context.js';

export type PeriodType = 'month' | 'quarter' | 'half' | 'year';
export const PERIOD_TYPE_LABEL: Record<PeriodType, string> = { month: '月报', quarter: '季报', half: '半年报', year: '年报' };
const PER_YEAR: Record<PeriodType, number> = { month: 12, quarter: 4, half: 2, year: 1 };

export interface Period {
  type: PeriodType;
  year: number;
  /** 1-based index within the year (month 1–12, quarter 1–4, half 1–2, year 1). */
  n: number;
}

const PERIOD_RE: Record<PeriodType, RegExp> = { month: /^(\d{4})-(\d{2})$/, quarter: /^(\d{4})-Q([1-4])$/, half: /^(\d{4})-H([12])$/, year: /^(\d{4})$/ };
const PERIOD_HINT: Record<PeriodType, string> = { month: 'YYYY-MM，如 2026-02', quarter: 'YYYY-Qn，如 2026-Q1', half: 'YYYY-Hn，如 2026-H1', year: 'YYYY，如 2026' };

/** The period's text for a form of `type`, or a Chinese reason it is not one. */
export function parsePeriod(type: PeriodType, text: string): Period | string {
  const m = PERIOD_RE[type].exec(text);
  if (!m) return `报告期「${text}」格式不对，${PERIOD_TYPE_LABEL[type]}应为 ${PERIOD_HINT[type]}`;
  const year = Number(m[1]);
  const n = type === 'year' ? 1 : Number(m[2]);
  if (year < 2000 || year > 2100) return `报告期「${text}」的年份超出 2000–2100`;
  if (n < 1 || n > PER_YEAR[type]) return `报告期「${text}」的${type === 'month' ? '月份' : '期次'}不存在`;
  return { type, year, n };
}

export function periodText(p: Period): string {
  switch (p.type) {
    case 'month':
      return `${p.year}-${String(p.n).padStart(2, '0')}`;
    case 'quarter':
      return `${p.year}-Q${p.n}`;
    case 'half':
      return `${p.year}-H${p.n}`;
    case 'year':
      return String(p.year);
  }
}

export function periodLabel(p: Period): string {
  switch (p.type) {
    case 'month':
      return `${p.year}年${p.n}月`;
    case 'quarter':
      return `${p.year}年第${'一二三四'[p.n - 1]}季度`;
    case 'half':
      return `${p.year}年${p.n === 1 ? '上' : '下'}半年`;
    case 'year':
      return `${p.year}年`;
  }
}

/** The period before (January's is December of the year before). */
export function prevPeriod(p: Period): Period {
  return p.n > 1 ? { ...p, n: p.n - 1 } : { ...p, year: p.year - 1, n: PER_YEAR[p.type] };
}

export const lastYearPeriod = (p: Period): Period => ({ ...p, year: p.year - 1 });

/** The later periods of the same year, whose computed 累计 follow from this one's. */
export function laterInYear(p: Period): Period[] {
  return Array.from({ length: PER_YEAR[p.type] - p.n }, (_, i) => ({ ...p, n: p.n + 1 + i }));
}

/** Due date: the form's day of the month after the period's last month. */
export function dueDate(p: Period, dueDay: number): string {
  const lastMonth = p.type === 'month' ? p.n : p.type === 'quarter' ? p.n * 3 : p.type === 'half' ? p.n * 6 : 12;
  const y = lastMonth === 12 ? p.year + 1 : p.year;
  const m = lastMonth === 12 ? 1 : lastMonth + 1;
  return `${y}-${String(m).padStart(2, '0')}-${String(dueDay).padStart(2, '0')}`;
}

/** First and last month of a period as YYYY-MM (monitoring lists are kept by month). */
export function periodMonths(p: Period): [string, string] {
  const last = p.type === 'month' ? p.n : p.type === 'quarter' ? p.n * 3 : p.type === 'half' ? p.n * 6 : 12;
  const first = p.type === 'month' ? p.n : p.type === 'quarter' ? last - 2 : p.type === 'half' ? last - 5 : 1;
  const m = (n: number) => `${p.year}-${String(n).padStart(2, '0')}`;
  return [m(first), m(last)];
}

/** Whether a period has ended by `today` (YYYY-MM-DD): a report for a period still running cannot be submitted. */
export function periodEnded(p: Period, today: string): boolean {
  const lastMonth = p.type === 'month' ? p.n : p.type === 'quarter' ? p.n * 3 : p.type === 'half' ? p.n * 6 : 12;
  const nextStart = lastMonth === 12 ? `${p.year + 1}-01-01` : `${p.year}-${String(lastMonth + 1).padStart(2, '0')}-01`;
  return today >= nextStart;
}

// ---- workflow ----

export type ReportStatus = 'draft' | 'reviewed' | 'submitted' | 'received' | 'returned';
export const STATUS_LABEL: Record<ReportStatus, string> = { draft: '填报', reviewed: '审核', submitted: '上报', received: '接收', returned: '退回' };

export type ReportAction = 'save' | 'review' | 'reopen' | 'submit' | 'receive' | 'return';
export const ACTION_LABEL: Record<ReportAction, string> = { save: '保存', review: '审核通过', reopen: '撤销审核', submit: '上报', receive: '接收', return: '退回' };

/**
 * Who does what to a report. The filling office works on its own report (own = true); the office above, in whose
 * ledger a lower office's report arrives, receives or returns it. A returned report is edited and reviewed again.
 */
const WORKFLOW: Record<ReportAction, { from: readonly ReportStatus[]; to: ReportStatus | null; own: boolean; role: Role }> = {
  save: { from: ['draft', 'returned'], to: 'draft', own: true, role: 'clerk' },
  review: { from: ['draft', 'returned'], to: 'reviewed', own: true, role: 'reviewer' },
  reopen: { from: ['reviewed'], to: 'draft', own: true, role: 'reviewer' },
  submit: { from: ['reviewed'], to: 'submitted', own: true, role: 'reviewer' },
  receive: { from: ['submitted'], to: 'received', own: false, role: 'reviewer' },
  return: { from: ['submitted', 'received'], to: 'returned', own: false, role: 'reviewer' },
};
const RANK: Record<Role, number> = { clerk: 1, reviewer: 2, admin: 3 };

export function actionRule(a: ReportAction) {
  return WORKFLOW[a];
}

export function allowedActions(status: ReportStatus, own: boolean, role: Role): ReportAction[] {
  return (Object.keys(WORKFLOW) as ReportAction[]).filter((a) => {
    const w = WORKFLOW[a];
    return w.from.includes(status) && w.own === own && RANK[role] >= RANK[w.role];
  });
}

// ---- units ----

export const unitRuleSchema = z
  .object({
    scale: z.array(z.enum(['above', 'below'], { error: '规模应为 above（规上）或 below（规下）' })).max(2).default([]),
    lists: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, '名单代码应为小写字母开头的字母、数字、下划线')).max(10).default([]),
    industry: z.array(z.string().regex(/^[A-T](\d{2,4})?$/, '行业应为 GB/T 4754 门类字母或代码，如 C、C33')).max(50).default([]),
  })
  .strict()
  .refine((r) => r.scale.length + r.lists.length > 0, '填报单位规则至少要选规模或监测名单之一');
export type UnitRule = z.output<typeof unitRuleSchema>;

/** Industry codes are stored as GB/T 4754 digits (3311) or with the section letter (C3311); a prefix of either matches. */
export function industryMatches(rule: UnitRule, code: string | null): boolean {
  if (rule.industry.length === 0) return true;
  if (!code) return false;
  const digits = code.replace(/^[A-T]/, '');
  return rule.industry.some((p) => {
    const pd = p.replace(/^[A-T]/, '');
    if (pd === '') return true; // a section letter alone: manufacturing C and so on, not checkable from digits without the table
    return digits.startsWith(pd);
  });
}

// ---- cells ----

export interface IndicatorDef {
  code: string;
  name: string;
  unit: string;
  type: 'number' | 'integer' | 'text';
  decimals: number;
  accumulates: boolean;
}

export const MAX_FIGURE = 1e12;
export const MAX_TEXT = 200;

/** A cell's content as stored: a scaled integer for figures, text for text indicators, null when blank. */
export type Parsed = { ok: true; scaled: number | null; text: string | null } | { ok: false; message: string };

/**
 * One cell from the grid, an Excel sheet or a package: numbers, numeric text ("1,234.5", full-width digits) or
 * blank. Too many decimals are refused rather than rounded: a figure of 12.345 万元 in a 1-decimal column is
 * usually a 元 or 千元 slip, and silent rounding would hide it.
 */
export function parseCell(d: IndicatorDef, raw: unknown): Parsed {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { ok: true, scaled: null, text: null };
  if (d.type === 'text') {
    const t = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
    if (t === null) return { ok: false, message: '应为文字' };
    if (t.length > MAX_TEXT) return { ok: false, message: `不能超过 ${MAX_TEXT} 个字符` };
    return { ok: true, scaled: null, text: t };
  }
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string') {
    const s = raw.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/．/g, '.').replace(/[－—]/g, '-').replace(/,/g, '');
    if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return { ok: false, message: `「${raw.trim()}」不是数字` };
    v = Number(s);
  } else return { ok: false, message: `「${String(raw)}」不是数字` };
  if (!Number.isFinite(v)) return { ok: false, message: '不是有限的数字' };
  if (Math.abs(v) > MAX_FIGURE) return { ok: false, message: `数值过大（绝对值不能超过 ${MAX_FIGURE.toExponential(0).replace('e+', '×10^')}${d.unit}）` };
  const f = 10 ** d.decimals;
  const scaled = Math.round(v * f);
  // The slack is float noise of the multiplication only (a few ulps), so 0.1 × 10 passes and 12.35 in a 1-decimal column does not.
  if (!Number.isSafeInteger(scaled)) return { ok: false, message: '数值过大' };
  if (Math.abs(v * f - scaled) > 1e-6 + 4e-16 * Math.abs(v * f)) {
    return { ok: false, message: d.decimals === 0 ? `应为整数${d.unit ? `（${d.unit}）` : ''}` : `最多 ${d.decimals} 位小数（单位：${d.unit}）` };
  }
  return { ok: true, scaled: scaled === 0 ? 0 : scaled, text: null };
}

export const toFigure = (scaled: number | null, decimals: number): number | null => (scaled === null ? null : scaled / 10 ** decimals);
