// Report forms (报表): defining one and its later versions. A form belongs to the office that defined it; a form
// sent down from above is used as it is (READ_ONLY), since a version made here would be one the owner never made.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { requireRole } from '../context.js';
import { isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError, type FieldIssue } from '../result.js';
import { optionalText, parseInput, requiredText } from '../validate.js';
import { audit } from '../audit/audit.js';
import { ownOrigin, SHIPPED_ORIGIN } from '../ownership/versions.js';
import { officeFullName, requireOwnRules } from '../ownership/origin.js';
import { checkFormula, SCOPE_LABEL, type CheckedFormula } from './formula.js';
import { PERIOD_TYPE_LABEL, parsePeriod, unitRuleSchema, type IndicatorDef, type UnitRule } from './rules.js';
import * as q from './queries.js';

const indicatorInput = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, '指标代码应为小写字母开头的字母、数字、下划线（最多 32 个）'),
  name: requiredText(60),
  unit: z.string().trim().max(20, '不能超过 20 个字符').default(''),
  type: z.enum(['number', 'integer', 'text'], { error: '类型应为 number（数值）、integer（整数）或 text（文字）' }),
  decimals: z.number().int().min(0).max(4).default(0),
  accumulates: z.boolean().default(false),
});

const formulaInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, '公式编号应为 1–16 个字母、数字、- 或 _'),
  expression: z.string().min(1, '必填').max(1000, '不能超过 1000 个字符'),
  message: requiredText(200),
  severity: z.enum(['block', 'warn'], { error: '应为 block（强制）或 warn（提示）' }),
  scope: z.enum(['row', 'period', 'unit'], { error: '应为 row（表内）、period（跨期）或 unit（跨单位）' }),
  /** In the indicators' own unit; differences up to it count as equal. */
  tolerance: z.number().min(0).max(1e9).default(0),
});

export const formInput = z.object({
  /** Versioning: the form this is a new version of. Without it, a new form of this office. */
  base_form_id: z.number().int().positive().optional(),
  code: z.string().regex(/^[A-Z][A-Z0-9_-]{1,31}$/, '表号应为大写字母开头的大写字母、数字、- 或 _（2–32 个）'),
  name: requiredText(60),
  period_type: z.enum(['month', 'quarter', 'half', 'year'], { error: '报告期类型应为 month、quarter、half 或 year' }),
  due_day: z.number().int().min(1, '应在 1–28 之间').max(28, '应在 1–28 之间'),
  unit_rule: unitRuleSchema,
  needs_analysis: z.boolean().default(false),
  effective_from: z.string().min(1, '必填'),
  note: optionalText(500),
  indicators: z.array(indicatorInput).min(1, '至少要有一个指标').max(200, '最多 200 个指标'),
  formulas: z.array(formulaInput).max(500, '最多 500 条审核公式').default([]),
});
export type FormInput = z.input<typeof formInput>;

const LABELS = {
  base_form_id: '原报表', code: '表号', name: '表名', period_type: '报告期类型', due_day: '报送截止日', unit_rule: '填报单位规则',
  needs_analysis: '需要分析说明', effective_from: '起用报告期', note: '说明', indicators: '指标', formulas: '审核公式',
};

export interface FormDetail {
  id: number;
  origin_office: string;
  origin_name: string;
  code: string;
  version: number;
  name: string;
  period_type: q.FormRow['period_type'];
  period_type_label: string;
  due_day: number;
  unit_rule: UnitRule;
  needs_analysis: boolean;
  effective_from: string;
  note: string | null;
  /** Defined by this office or shipped: a new version may be made here. */
  editable: boolean;
  indicators: IndicatorDef[];
  formulas: Array<Omit<q.FormulaRow, 'form_id' | 'tolerance_e4'> & { tolerance: number; scope_label: string; severity_label: string }>;
}

export const SEVERITY_LABEL = { block: '强制', warn: '提示' } as const;

export function formDetail(ctx: Pick<Ctx, 'db'>, form: q.FormRow): FormDetail {
  const own = ownOrigin(ctx.db);
  return {
    id: form.id,
    origin_office: form.origin_office,
    origin_name: form.origin_office === SHIPPED_ORIGIN ? '系统示例' : officeFullName(ctx.db, form.origin_office),
    code: form.code,
    version: form.version,
    name: form.name,
    period_type: form.period_type,
    period_type_label: PERIOD_TYPE_LABEL[form.period_type],
    due_day: form.due_day,
    unit_rule: unitRuleSchema.parse(JSON.parse(form.unit_rule)),
    needs_analysis: form.needs_analysis === 1,
    effective_from: form.effective_from,
    note: form.note,
    editable: form.origin_office === own || form.origin_office === SHIPPED_ORIGIN,
    indicators: q.indicators(ctx.db, form.id),
    formulas: q.formulas(ctx.db, form.id).map(({ form_id: _f, tolerance_e4, ...f }) => ({
      ...f,
      tolerance: tolerance_e4 / 10_000,
      scope_label: SCOPE_LABEL[f.scope],
      severity_label: SEVERITY_LABEL[f.severity],
    })),
  };
}

export function mustForm(ctx: Pick<Ctx, 'db'>, id: number): q.FormRow {
  const f = q.getForm(ctx.db, id);
  if (!f) throw new AppError('NOT_FOUND', `报表 ${id} 不存在`);
  return f;
}

export function listForms(ctx: Ctx) {
  const rows = q.listForms(ctx.db);
  const latest = new Map<string, q.FormRow>();
  for (const r of rows) latest.set(`${r.origin_office}|${r.code}`, r);
  return [...latest.values()].map((r) => ({
    ...formDetail(ctx, r),
    versions: rows.filter((x) => x.origin_office === r.origin_office && x.code === r.code).map((x) => ({ id: x.id, version: x.version, effective_from: x.effective_from })),
  }));
}

/** The checked formulas of a form version, ready to evaluate. */
export function checkedFormulas(defs: readonly IndicatorDef[], rows: readonly q.FormulaRow[]): Array<{ row: q.FormulaRow; f: CheckedFormula }> {
  return rows.map((row) => ({ row, f: checkFormula(row.expression, row.scope, defs) }));
}

/**
 * Checks a form definition whole and names every problem (indicator or formula by its number and code), so a
 * province's IT staff can fix a file in one pass. Writes nothing.
 */
export function validateForm(raw: unknown): z.output<typeof formInput> {
  const f = parseInput(formInput, raw, LABELS);
  const issues: FieldIssue[] = [];
  const period = parsePeriod(f.period_type, f.effective_from);
  if (typeof period === 'string') issues.push({ field: 'effective_from', label: LABELS.effective_from, message: period });
  const seen = new Map<string, number>();
  f.indicators.forEach((d, i) => {
    const label = `第 ${i + 1} 个指标（${d.code}）`;
    const first = seen.get(d.code);
    if (first !== undefined) issues.push({ field: `indicators.${i}.code`, label, message: `与第 ${first + 1} 个指标的代码重复` });
    else seen.set(d.code, i);
    if (d.type !== 'number' && d.decimals > 0) issues.push({ field: `indicators.${i}.decimals`, label, message: '只有数值指标可以有小数位' });
    if (d.type === 'text' && d.accumulates) issues.push({ field: `indicators.${i}.accumulates`, label, message: '文字指标不能累计' });
  });
  const fseen = new Map<string, number>();
  f.formulas.forEach((x, i) => {
    const label = `第 ${i + 1} 条审核公式（${x.code}）`;
    const first = fseen.get(x.code);
    if (first !== undefined) issues.push({ field: `formulas.${i}.code`, label, message: `与第 ${first + 1} 条公式的编号重复` });
    else fseen.set(x.code, i);
    try {
      checkFormula(x.expression, x.scope, f.indicators);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      issues.push({ field: `formulas.${i}.expression`, label, message: e.message });
    }
  });
  if (issues.length) {
    const first = issues[0]!;
    throw new AppError('VALIDATION', `「${first.label}」${first.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
  }
  return f;
}

/** Defines a new form of this office, or a new version of a form this office owns. */
export function defineForm(ctx: Ctx, raw: unknown): FormDetail {
  requireRole(ctx.actor, 'admin', '制定报表');
  const f = validateForm(raw);
  const own = ownOrigin(ctx.db);
  let origin = own;
  let version = 1;
  if (f.base_form_id !== undefined) {
    const base = mustForm(ctx, f.base_form_id);
    requireOwnRules(ctx.db, base.origin_office, `报表「${base.name}」`);
    if (base.code !== f.code) throw new AppError('VALIDATION', `「表号」新版本的表号应与原表相同（${base.code}）`, [{ field: 'code', label: '表号', message: `应为 ${base.code}` }]);
    const latest = q.latestVersion(ctx.db, base.origin_office, base.code)!;
    if (f.effective_from < latest.effective_from) {
      throw new AppError('VALIDATION', `「起用报告期」新版本不能早于第 ${latest.version} 版的起用报告期 ${latest.effective_from}`, [
        { field: 'effective_from', label: '起用报告期', message: `不能早于 ${latest.effective_from}` },
      ]);
    }
    origin = base.origin_office;
    version = latest.version + 1;
  } else if (q.latestVersion(ctx.db, own, f.code)) {
    throw new AppError('DUPLICATE', `本单位已有表号为 ${f.code} 的报表；修改报表请在原表上新建版本`, [{ field: 'code', label: '表号', message: '已存在' }]);
  }
  const at = isoTimestamp(ctx.clock.now());
  const id = ctx.db.transaction(() => {
    const formId = Number(
      ctx.db
        .prepare(
          `INSERT INTO monitor_form(gid, origin_office, code, version, name, period_type, due_day, unit_rule, needs_analysis, effective_from, note, created_at, created_by)
           VALUES (@gid, @origin, @code, @version, @name, @period_type, @due_day, @unit_rule, @needs_analysis, @effective_from, @note, @at, @by)`,
        )
        .run({
          gid: uuidv7(ctx.clock), origin, code: f.code, version, name: f.name, period_type: f.period_type, due_day: f.due_day,
          unit_rule: JSON.stringify(f.unit_rule), needs_analysis: f.needs_analysis ? 1 : 0, effective_from: f.effective_from, note: f.note, at, by: ctx.actor.username,
        }).lastInsertRowid,
    );
    const ind = ctx.db.prepare('INSERT INTO monitor_indicator(form_id, seq, code, name, unit, type, decimals, accumulates) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    f.indicators.forEach((d, i) => ind.run(formId, i + 1, d.code, d.name, d.unit, d.type, d.decimals, d.accumulates ? 1 : 0));
    const fml = ctx.db.prepare('INSERT INTO monitor_formula(form_id, seq, code, expression, message, severity, scope, tolerance_e4) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    f.formulas.forEach((x, i) => fml.run(formId, i + 1, x.code, x.expression, x.message, x.severity, x.scope, Math.round(x.tolerance * 10_000)));
    audit(ctx, version === 1 ? 'monitor.form_define' : 'monitor.form_version', 'monitor_form', formId, {
      origin, code: f.code, version, indicators: f.indicators.length, formulas: f.formulas.length,
    });
    return formId;
  })();
  return formDetail(ctx, mustForm(ctx, id));
}
