// Reports (报表填报): one per office, form and period. Saving many enterprises' figures at once, 累计 and 同比
// derived, the form's check formulas run after every save, 出错说明 for 提示 failures, and the workflow
// 填报 → 审核 → 上报 → 接收 / 退回 with the allowed actions returned to the screen.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { requireRole, ROLE_LABEL } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError, type FieldIssue } from '../result.js';
import { optionalText, parseInput } from '../validate.js';
import { audit } from '../audit/audit.js';
import { ownOrigin } from '../ownership/versions.js';
import { yoyPercent } from './formula.js';
import { checkedFormulas, formDetail, mustForm, type FormDetail } from './forms.js';
import { explanationKey, hasFigures, runChecks, TOTAL, type Cell, type Cells, type Failure } from './check.js';
import {
  ACTION_LABEL, actionRule, allowedActions, dueDate, lastYearPeriod, laterInYear, parsePeriod, parseCell, periodEnded, periodLabel, periodMonths,
  periodText, prevPeriod, STATUS_LABEL, toFigure, type IndicatorDef, type Period, type ReportAction, type ReportStatus,
} from './rules.js';
import { unitsFor, type Unit } from './units.js';
import * as q from './queries.js';

// ---- reading ----

/** Decodes a report's stored figures with the decimals of the form version it was filled against. */
export function cellsOf(ctx: Pick<Ctx, 'db'>, report: q.ReportRow | undefined): Cells {
  const cells: Cells = new Map();
  if (!report) return cells;
  const defs = new Map(q.indicators(ctx.db, report.form_id).map((d) => [d.code, d]));
  for (const v of q.values(ctx.db, report.id)) {
    const d = defs.get(v.indicator_code);
    if (!d) continue;
    const u = v.enterprise_id ?? TOTAL;
    if (!cells.has(u)) cells.set(u, new Map());
    cells.get(u)!.set(v.indicator_code, {
      month: toFigure(v.month_scaled, d.decimals),
      ytd: toFigure(v.ytd_scaled, d.decimals),
      ytd_entered: v.ytd_entered === 1,
      text: v.text_value,
    });
  }
  return cells;
}

export interface CellView {
  month: number | null;
  ytd: number | null;
  ytd_entered: boolean;
  /** 同比 (%) of the period's value and of the 累计, against the same period last year. */
  yoy: number | null;
  yoy_ytd: number | null;
  text: string | null;
}

export interface ReportView {
  form: FormDetail;
  office_code: string;
  own: boolean;
  period: string;
  period_label: string;
  due_date: string;
  report: (Omit<q.ReportRow, 'status'> & { status: ReportStatus; status_label: string; late: boolean }) | null;
  allowed: Array<{ action: ReportAction; label: string }>;
  units: Array<Unit & { cells: Record<string, CellView> }>;
  total: Record<string, CellView>;
  check: {
    failures: Failure[];
    skipped: number;
    blocking: number;
    unexplained: number;
    unfilled: Array<{ enterprise_id: number; name: string }>;
    /** Whether 审核通过 would be accepted now. */
    passes: boolean;
  };
}

interface Resolved {
  form: q.FormRow;
  period: Period;
  office: string;
  report: q.ReportRow | undefined;
}

/** The report of an office for a form (any of its versions) and period; without one yet, the version in force. */
function resolve(ctx: Pick<Ctx, 'db'>, formId: number, periodText_: string, office?: string): Resolved {
  const any = mustForm(ctx, formId);
  const period = parsePeriod(any.period_type, periodText_);
  if (typeof period === 'string') throw new AppError('VALIDATION', `「报告期」${period}`, [{ field: 'period', label: '报告期', message: period }]);
  const who = office ?? ownOrigin(ctx.db);
  const report = q.findReport(ctx.db, who, any.origin_office, any.code, periodText(period));
  const form = report ? mustForm(ctx, report.form_id) : q.versionFor(ctx.db, any.origin_office, any.code, periodText(period));
  if (!form) {
    throw new AppError('NOT_IN_FORCE', `报表「${any.name}」在${periodLabel(period)}尚未起用（最早的版本自 ${any.effective_from} 起用）`);
  }
  return { form, period, office: who, report };
}

function sibling(ctx: Pick<Ctx, 'db'>, r: Resolved, p: Period): q.ReportRow | undefined {
  return q.findReport(ctx.db, r.office, r.form.origin_office, r.form.code, periodText(p));
}

function explanationsOf(ctx: Pick<Ctx, 'db'>, report: q.ReportRow | undefined): Map<string, string> {
  return new Map(report ? q.explanations(ctx.db, report.id).map((e) => [explanationKey(e.enterprise_id, e.formula_code), e.text]) : []);
}

function view(ctx: Ctx, r: Resolved): ReportView {
  const defs = q.indicators(ctx.db, r.form.id);
  const cells = cellsOf(ctx, r.report);
  const lastYear = cellsOf(ctx, sibling(ctx, r, lastYearPeriod(r.period)));
  const withFigures = [...cells.keys()].filter((u) => u !== TOTAL);
  const units = unitsFor(ctx, r.form, r.period, withFigures);
  const { failures, skipped } = runChecks({
    defs,
    formulas: checkedFormulas(defs, q.formulas(ctx.db, r.form.id)),
    cells,
    prev: cellsOf(ctx, sibling(ctx, r, prevPeriod(r.period))),
    lastYear,
    firstOfYear: r.period.n === 1,
    explanations: explanationsOf(ctx, r.report),
  });
  const rowView = (u: number): Record<string, CellView> => {
    const out: Record<string, CellView> = {};
    for (const d of defs) {
      const c = cells.get(u)?.get(d.code);
      const ly = lastYear.get(u)?.get(d.code);
      out[d.code] = {
        month: c?.month ?? null,
        ytd: c?.ytd ?? null,
        ytd_entered: c?.ytd_entered ?? false,
        yoy: d.type === 'text' ? null : yoyPercent(c?.month ?? null, ly?.month ?? null),
        yoy_ytd: d.accumulates ? yoyPercent(c?.ytd ?? null, ly?.ytd ?? null) : null,
        text: c?.text ?? null,
      };
    }
    return out;
  };
  const own = r.office === ownOrigin(ctx.db);
  const status: ReportStatus = r.report?.status ?? 'draft';
  const due = dueDate(r.period, r.form.due_day);
  const unfilled = units.filter((u) => u.in_rule && !hasFigures(cells, u.enterprise_id)).map((u) => ({ enterprise_id: u.enterprise_id, name: u.name }));
  const blocking = failures.filter((f) => f.severity === 'block').length;
  const unexplained = failures.filter((f) => f.severity === 'warn' && !f.explanation).length;
  const needsAnalysis = r.form.needs_analysis === 1 && !r.report?.analysis;
  return {
    form: formDetail(ctx, r.form),
    office_code: r.office,
    own,
    period: periodText(r.period),
    period_label: periodLabel(r.period),
    due_date: due,
    report: r.report
      ? { ...r.report, status: r.report.status, status_label: STATUS_LABEL[r.report.status], late: (r.report.submitted_at ? isoDate(new Date(r.report.submitted_at)) : isoDate(ctx.clock.now())) > due }
      : null,
    allowed: allowedActions(status, own, ctx.actor.role)
      .filter((a) => r.report || a === 'save')
      .map((action) => ({ action, label: ACTION_LABEL[action] })),
    units: units.map((u) => ({ ...u, cells: rowView(u.enterprise_id) })),
    total: rowView(TOTAL),
    check: { failures, skipped, blocking, unexplained, unfilled, passes: blocking === 0 && unexplained === 0 && unfilled.length === 0 && !needsAnalysis },
  };
}

export const reportQuery = z.object({
  form_id: z.number().int().positive(),
  period: z.string().min(1, '必填').max(10),
  office_code: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
});
const QUERY_LABELS = { form_id: '报表', period: '报告期', office_code: '填报单位' };

export function getReport(ctx: Ctx, raw: unknown): ReportView {
  const i = parseInput(reportQuery, raw, QUERY_LABELS);
  return view(ctx, resolve(ctx, i.form_id, i.period, i.office_code));
}

// ---- saving ----

const rowInput = z.object({
  /** null: the office's 合计 row. */
  enterprise_id: z.number().int().positive().nullable(),
  /** The period's value (当月/当期) per indicator code; a row is replaced whole, so a missing code is a blank cell. */
  values: z.record(z.string(), z.unknown()).default({}),
  /** 累计 where the unit filled it; otherwise it is computed. */
  ytd: z.record(z.string(), z.unknown()).default({}),
});
export const saveInput = reportQuery.omit({ office_code: true }).extend({
  rows: z.array(rowInput).max(20_000, '一次最多保存 20000 家企业'),
  /** 运行分析; undefined leaves it as it was. */
  analysis: optionalText(5000).optional(),
});
export type SaveInput = z.input<typeof saveInput>;

interface ParsedRow {
  unit: number;
  label: string;
  month: Map<string, { scaled: number | null; text: string | null }>;
  ytd: Map<string, number>;
}

/** Checks every cell of every row against the form version and names each problem; writes nothing. */
export function parseRows(defs: readonly IndicatorDef[], units: readonly Unit[], rows: z.output<typeof rowInput>[], where: (i: number) => string): { parsed: ParsedRow[]; issues: FieldIssue[] } {
  const byCode = new Map(defs.map((d) => [d.code, d]));
  const unitById = new Map(units.map((u) => [u.enterprise_id, u]));
  const issues: FieldIssue[] = [];
  const seen = new Map<number, number>();
  const parsed: ParsedRow[] = [];
  rows.forEach((row, i) => {
    const unit = row.enterprise_id ?? TOTAL;
    const u = row.enterprise_id === null ? undefined : unitById.get(row.enterprise_id);
    const label = row.enterprise_id === null ? '合计' : u ? u.name : `企业 ${row.enterprise_id}`;
    const issue = (field: string, l: string, message: string) => issues.push({ field: `${where(i)}${field}`, label: l, message });
    if (row.enterprise_id !== null && !u) issue('enterprise_id', label, '不是本报表本期的填报单位（非规上、不在监测名单或已停用）');
    const first = seen.get(unit);
    if (first !== undefined) issue('enterprise_id', label, `与第 ${first + 1} 行重复`);
    else seen.set(unit, i);
    const out: ParsedRow = { unit, label, month: new Map(), ytd: new Map() };
    for (const [code, raw] of Object.entries(row.values)) {
      const d = byCode.get(code);
      if (!d) {
        issue(`values.${code}`, `${label}「${code}」`, '不是本报表的指标');
        continue;
      }
      const p = parseCell(d, raw);
      if (!p.ok) issue(`values.${code}`, `${label}「${d.name}」`, p.message);
      else out.month.set(code, { scaled: p.scaled, text: p.text });
    }
    for (const [code, raw] of Object.entries(row.ytd)) {
      const d = byCode.get(code);
      if (!d || !d.accumulates) {
        issue(`ytd.${code}`, `${label}「${d?.name ?? code}」累计`, d ? '该指标不累计，不能填累计值' : '不是本报表的指标');
        continue;
      }
      const p = parseCell(d, raw);
      if (!p.ok) issue(`ytd.${code}`, `${label}「${d.name}」累计`, p.message);
      else if (p.scaled !== null) out.ytd.set(code, p.scaled);
    }
    parsed.push(out);
  });
  return { parsed, issues };
}

export function validationError(issues: FieldIssue[]): AppError {
  const f = issues[0]!;
  return new AppError('VALIDATION', `「${f.label}」${f.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题），未保存任何数据` : '，未保存任何数据'), issues);
}

function mustAllow(ctx: Ctx, r: Resolved, action: ReportAction): void {
  const rule = actionRule(action);
  requireRole(ctx.actor, rule.role, ACTION_LABEL[action]);
  const own = r.office === ownOrigin(ctx.db);
  const status: ReportStatus = r.report?.status ?? 'draft';
  if (rule.own !== own || !allowedActions(status, own, ctx.actor.role).includes(action)) {
    const allowed = allowedActions(status, own, ctx.actor.role).map((a) => ACTION_LABEL[a]);
    throw new AppError(
      'INVALID_TRANSITION',
      `报表处于「${STATUS_LABEL[status]}」状态${own ? '' : '（下级单位报来的）'}，不能「${ACTION_LABEL[action]}」` +
        (allowed.length ? `；当前可以：${allowed.join('、')}` : `；${ROLE_LABEL[ctx.actor.role]}当前不能做任何操作`),
      { status, action, allowed },
    );
  }
}

/**
 * Writes the rows of a report and recomputes the computed 累计 of the later editable periods of the year, inside
 * the caller's transaction. The Excel import shares it.
 */
export function writeRows(ctx: Ctx, r: Resolved, parsed: readonly ParsedRow[], analysis: string | null | undefined, via: string | null): q.ReportRow {
  const at = isoTimestamp(ctx.clock.now());
  const by = ctx.actor.username;
  let report = r.report;
  if (!report) {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO monitor_report(gid, office_code, form_id, form_origin, form_code, period, status, analysis, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), r.office, r.form.id, r.form.origin_office, r.form.code, periodText(r.period), analysis ?? null, at, by, at, by).lastInsertRowid,
    );
    report = q.getReport(ctx.db, id)!;
  } else {
    ctx.db
      .prepare(`UPDATE monitor_report SET status = 'draft', analysis = CASE WHEN @keep THEN analysis ELSE @analysis END, updated_at = @at, updated_by = @by WHERE id = @id`)
      .run({ keep: analysis === undefined ? 1 : 0, analysis: analysis ?? null, at, by, id: report.id });
  }
  const defs = q.indicators(ctx.db, r.form.id);
  const prevCells = cellsOf(ctx, sibling(ctx, r, prevPeriod(r.period)));
  const del = ctx.db.prepare('DELETE FROM monitor_value WHERE report_id = ? AND ifnull(enterprise_id, 0) = ?');
  const ins = ctx.db.prepare(
    `INSERT INTO monitor_value(report_id, enterprise_id, indicator_code, month_scaled, ytd_scaled, ytd_entered, text_value, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const p of parsed) {
    del.run(report.id, p.unit);
    for (const d of defs) {
      const m = p.month.get(d.code);
      const entered = p.ytd.get(d.code);
      const month = m?.scaled ?? null;
      const ytd = entered ?? (d.accumulates ? computedYtd(d, month, r.period.n === 1, prevCells.get(p.unit)?.get(d.code)) : null);
      if (month === null && ytd === null && !m?.text) continue;
      ins.run(report.id, p.unit === TOTAL ? null : p.unit, d.code, month, ytd, entered !== undefined ? 1 : 0, m?.text ?? null, at, by);
    }
  }
  rippleYtd(ctx, r, parsed.map((p) => p.unit), at);
  audit(ctx, 'monitor.report_save', 'monitor_report', report.id, {
    form: `${r.form.origin_office}/${r.form.code}/v${r.form.version}`, period: periodText(r.period), rows: parsed.length, ...(via ? { via } : {}),
  });
  return q.getReport(ctx.db, report.id)!;
}

/** 累计 = last period's 累计 + this period's value; the first period of a year starts from zero. */
function computedYtd(d: IndicatorDef, monthScaled: number | null, firstOfYear: boolean, prev: Cell | undefined): number | null {
  if (monthScaled === null) return null;
  if (firstOfYear) return monthScaled;
  if (!prev || prev.ytd === null) return null;
  return Math.round(prev.ytd * 10 ** d.decimals) + monthScaled;
}

/** The later periods' computed 累计 of these units follow a change; reports already reviewed or sent stay as they are. */
function rippleYtd(ctx: Ctx, r: Resolved, units: number[], at: string): void {
  let prev = r;
  for (const p of laterInYear(r.period)) {
    const rep = sibling(ctx, r, p);
    if (!rep) break;
    if (rep.status !== 'draft' && rep.status !== 'returned') break;
    const defs = q.indicators(ctx.db, rep.form_id).filter((d) => d.accumulates);
    const before = cellsOf(ctx, sibling(ctx, prev, prevPeriod(p)));
    const upd = ctx.db.prepare('UPDATE monitor_value SET ytd_scaled = ?, updated_at = ? WHERE report_id = ? AND ifnull(enterprise_id, 0) = ? AND indicator_code = ? AND ytd_entered = 0');
    for (const u of units) {
      for (const d of defs) {
        const cur = ctx.db
          .prepare('SELECT month_scaled FROM monitor_value WHERE report_id = ? AND ifnull(enterprise_id, 0) = ? AND indicator_code = ? AND ytd_entered = 0')
          .pluck()
          .get(rep.id, u, d.code) as number | null | undefined;
        if (cur === undefined) continue;
        upd.run(computedYtd(d, cur, false, before.get(u)?.get(d.code)), at, rep.id, u, d.code);
      }
    }
    prev = { ...r, period: p, report: rep };
  }
}

export function saveReport(ctx: Ctx, raw: unknown): ReportView {
  const i = parseInput(saveInput, raw, { ...QUERY_LABELS, rows: '企业', analysis: '运行分析' });
  const r = resolve(ctx, i.form_id, i.period);
  mustAllow(ctx, r, 'save');
  const [first] = periodMonths(r.period);
  if (`${first}-01` > isoDate(ctx.clock.now())) throw new AppError('VALIDATION', `「报告期」${periodLabel(r.period)}尚未开始，不能填报`, [{ field: 'period', label: '报告期', message: '尚未开始' }]);
  const units = unitsFor(ctx, r.form, r.period, [...cellsOf(ctx, r.report).keys()].filter((u) => u !== TOTAL));
  const { parsed, issues } = parseRows(q.indicators(ctx.db, r.form.id), units, i.rows, (n) => `rows.${n}.`);
  if (issues.length) throw validationError(issues);
  const report = ctx.db.transaction(() => writeRows(ctx, r, parsed, i.analysis, null))();
  return view(ctx, { ...r, report });
}

// ---- explanations and workflow ----

export const explainInput = z.object({
  report_id: z.number().int().positive(),
  items: z
    .array(z.object({ enterprise_id: z.number().int().positive().nullable(), formula_code: z.string().min(1).max(16), text: z.string().max(500, '不能超过 500 个字符') }))
    .min(1)
    .max(5000),
});

function resolvedOf(ctx: Ctx, reportId: number): Resolved {
  const report = q.getReport(ctx.db, reportId);
  if (!report) throw new AppError('NOT_FOUND', `报表 ${reportId} 不存在`);
  const form = mustForm(ctx, report.form_id);
  return { form, period: parsePeriod(form.period_type, report.period) as Period, office: report.office_code, report };
}

/** 出错说明 for 提示 failures; an empty text withdraws one. Only a 提示 formula of the report's form can be explained. */
export function explain(ctx: Ctx, raw: unknown): ReportView {
  const i = parseInput(explainInput, raw, { report_id: '报表', items: '出错说明' });
  const r = resolvedOf(ctx, i.report_id);
  mustAllow(ctx, r, 'save');
  const byCode = new Map(q.formulas(ctx.db, r.form.id).map((f) => [f.code, f]));
  const issues: FieldIssue[] = [];
  i.items.forEach((x, n) => {
    const f = byCode.get(x.formula_code);
    const label = `第 ${n + 1} 条出错说明（${x.formula_code}）`;
    if (!f) issues.push({ field: `items.${n}.formula_code`, label, message: '不是本报表的审核公式' });
    else if (f.severity !== 'warn') issues.push({ field: `items.${n}.formula_code`, label, message: '是强制性审核，不能以说明代替，请修改数据' });
    const t = x.text.trim();
    if (t !== '' && t.length < 4) issues.push({ field: `items.${n}.text`, label, message: '至少写 4 个字，说明数据变动的原因' });
  });
  if (issues.length) throw validationError(issues);
  const at = isoTimestamp(ctx.clock.now());
  ctx.db.transaction(() => {
    const del = ctx.db.prepare('DELETE FROM monitor_explanation WHERE report_id = ? AND ifnull(enterprise_id, 0) = ? AND formula_code = ?');
    const ins = ctx.db.prepare('INSERT INTO monitor_explanation(report_id, enterprise_id, formula_code, text, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)');
    for (const x of i.items) {
      del.run(r.report!.id, x.enterprise_id ?? TOTAL, x.formula_code);
      if (x.text.trim()) ins.run(r.report!.id, x.enterprise_id, x.formula_code, x.text.trim(), at, ctx.actor.username);
    }
    audit(ctx, 'monitor.explain', 'monitor_report', r.report!.id, { items: i.items.map((x) => ({ enterprise_id: x.enterprise_id, formula: x.formula_code })) });
  })();
  return view(ctx, r);
}

export const transitionInput = z.object({
  report_id: z.number().int().positive(),
  action: z.enum(['review', 'reopen', 'submit', 'receive', 'return'], { error: '不是报表的操作' }),
  reason: optionalText(500),
});

function failureText(ctx: Ctx, f: Failure): string {
  const who = f.enterprise_id === null ? '合计' : ((ctx.db.prepare('SELECT name FROM enterprise WHERE id = ?').pluck().get(f.enterprise_id) as string | undefined) ?? `企业 ${f.enterprise_id}`);
  const sides = f.left !== null && f.right !== null ? `（${f.left} 对 ${f.right}）` : '';
  return `「${who}」${f.formula_code}：${f.message}${sides}`;
}

export function transition(ctx: Ctx, raw: unknown): ReportView {
  const i = parseInput(transitionInput, raw, { report_id: '报表', action: '操作', reason: '原因' });
  const r = resolvedOf(ctx, i.report_id);
  mustAllow(ctx, r, i.action);
  const now = ctx.clock.now();
  if (i.action === 'review') {
    const v = view(ctx, r);
    const problems: string[] = [];
    for (const f of v.check.failures.filter((x) => x.severity === 'block')) problems.push(failureText(ctx, f));
    for (const f of v.check.failures.filter((x) => x.severity === 'warn' && !x.explanation)) problems.push(`${failureText(ctx, f)}，需要填写出错说明`);
    if (v.check.unfilled.length) problems.push(`${v.check.unfilled.length} 家企业未填报：${v.check.unfilled.slice(0, 5).map((u) => u.name).join('、')}${v.check.unfilled.length > 5 ? ' 等' : ''}`);
    if (r.form.needs_analysis === 1 && !r.report!.analysis) problems.push('未填写运行分析');
    if (problems.length) {
      throw new AppError('CHECK_FAILED', `审核未通过：${problems[0]}${problems.length > 1 ? `（另有 ${problems.length - 1} 个问题）` : ''}`, { problems, failures: v.check.failures });
    }
  }
  if (i.action === 'submit' && !periodEnded(r.period, isoDate(now))) {
    throw new AppError('VALIDATION', `${periodLabel(r.period)}尚未结束，不能上报`);
  }
  if (i.action === 'return' && !i.reason) throw new AppError('VALIDATION', '「退回原因」必填', [{ field: 'reason', label: '退回原因', message: '必填' }]);
  const to = actionRule(i.action).to!;
  const at = isoTimestamp(now);
  ctx.db.transaction(() => {
    ctx.db
      .prepare(
        `UPDATE monitor_report SET status = @to, updated_at = @at, updated_by = @by,
           reviewed_at = CASE WHEN @action = 'review' THEN @at WHEN @action = 'reopen' THEN NULL ELSE reviewed_at END,
           reviewed_by = CASE WHEN @action = 'review' THEN @by WHEN @action = 'reopen' THEN NULL ELSE reviewed_by END,
           submitted_at = CASE WHEN @action = 'submit' THEN @at ELSE submitted_at END,
           submitted_by = CASE WHEN @action = 'submit' THEN @by ELSE submitted_by END,
           returned_reason = CASE WHEN @action = 'return' THEN @reason ELSE returned_reason END
         WHERE id = @id`,
      )
      .run({ to, at, by: ctx.actor.username, action: i.action, reason: i.reason, id: r.report!.id });
    audit(ctx, `monitor.report_${i.action}`, 'monitor_report', r.report!.id, { from: r.report!.status, to, ...(i.reason ? { reason: i.reason } : {}) });
  })();
  return view(ctx, { ...r, report: q.getReport(ctx.db, r.report!.id) });
}
