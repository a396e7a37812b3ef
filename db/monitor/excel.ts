// Excel for one report: a template with the period's units as rows and the form's indicators as columns (the
// period's value, and the 累计 for accumulating ones), and its import. Cells meet the same parser as the grid
// (reports.parseRows); one bad cell means nothing is written and the error report names each row and column.
import { createHash } from 'node:crypto';
import type { Ctx } from '../context.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { parseInput } from '../validate.js';
import { assertXlsx, cellText, readSheet, type Cell, type ColumnSpec, type RowError } from '../excel/read.js';
import { writeWorkbook } from '../excel/write.js';
import { getReport, parseRows, reportQuery, writeRows, type ReportView } from './reports.js';
import { TOTAL } from './check.js';
import * as q from './queries.js';
import { parsePeriod, type IndicatorDef, type Period } from './rules.js';

const TOTAL_USCC = '合计';
const unitSuffix = (d: IndicatorDef) => (d.unit ? `（${d.unit}）` : '');

/** Columns of a form version: code columns first (text), then per indicator its value and, if it accumulates, its 累计. */
export function reportColumns(defs: readonly IndicatorDef[]): Array<ColumnSpec & { ind?: IndicatorDef; ytd?: boolean }> {
  const cols: Array<ColumnSpec & { ind?: IndicatorDef; ytd?: boolean }> = [
    { key: 'uscc', header: '统一社会信用代码', required: true, kind: 'text' },
    { key: 'name', header: '企业名称', kind: 'text' },
  ];
  for (const d of defs) {
    cols.push({ key: `m:${d.code}`, header: `${d.name}${unitSuffix(d)}`, aliases: [d.code, d.name], kind: d.type === 'text' ? 'text' : 'number', ind: d });
    if (d.accumulates) cols.push({ key: `y:${d.code}`, header: `${d.name}本年累计${unitSuffix(d)}`, aliases: [`${d.code}.ytd`, `${d.name}累计`], kind: 'number', ind: d, ytd: true });
  }
  return cols;
}

export async function reportTemplate(ctx: Ctx, raw: unknown): Promise<{ fileName: string; bytes: Buffer }> {
  const v = getReport(ctx, raw);
  const defs = v.form.indicators;
  const cols = reportColumns(defs);
  const rowOf = (uscc: string, name: string, cells: ReportView['total']) =>
    cols.map((c) => {
      if (c.key === 'uscc') return uscc;
      if (c.key === 'name') return name;
      const cell = cells[c.ind!.code]!;
      return c.ytd ? (cell.ytd_entered ? cell.ytd : null) : c.ind!.type === 'text' ? cell.text : cell.month;
    });
  const rows = [...v.units.map((u) => rowOf(u.uscc, u.name, u.cells)), rowOf(TOTAL_USCC, '（本单位合计，可不填）', v.total)];
  const bytes = await writeWorkbook(
    [{ name: `${v.form.code}-${v.period}`, columns: cols.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'code' ? ('text' as const) : c.kind, width: c.key === 'name' ? 36 : 18 })), rows }],
    {
      name: '填表说明',
      lines: [
        `${v.form.name}（${v.form.code} 第 ${v.form.version} 版）${v.period_label} 导入模板`,
        `1. 每行一家填报单位，按统一社会信用代码识别（文本格式，请勿改成数字）；企业名称仅供核对。最后一行“${TOTAL_USCC}”为本单位合计，可不填。`,
        '2. 数值列按表头的单位填写，小数位不超过报表规定；留空表示未填报，不是零。',
        '3. “本年累计”列可不填：不填时按上期累计加本期数自动计算；填写时以所填为准，并受审核公式检查。',
        '4. 导入时每一行整体替换该单位本期已填的数据；文件中没有的单位保持不变。任何一格有错误则整个文件不导入，并给出错误报告。',
        `5. 截止日期：${v.due_date}。`,
      ],
    },
  );
  return { fileName: `${v.form.name}-${v.period}.xlsx`, bytes };
}

export interface ReportImportSummary {
  /** The worksheet read (the template's by name, else the first visible one). */
  sheet: string;
  rows: number;
  blocking: number;
  warnings: number;
  report_id: number;
}

export async function importReport(
  ctx: Ctx,
  query: unknown,
  opts: { fileName: string; bytes: Uint8Array; onProgress?: (done: number, total: number | null, phase: string) => void },
): Promise<ReportImportSummary> {
  const progress = opts.onProgress ?? (() => {});
  const qy = parseInput(reportQuery.omit({ office_code: true }), query, { form_id: '报表', period: '报告期' });
  // getReport resolves the version and checks the period; the save rules (state, role) are checked by saving below.
  const v = getReport(ctx, qy);
  if (!v.allowed.some((a) => a.action === 'save')) {
    throw new AppError('INVALID_TRANSITION', `报表处于「${v.report?.status_label ?? '填报'}」状态，不能导入数据`);
  }
  assertXlsx(opts.bytes, opts.fileName);
  progress(0, null, '读取工作簿');
  const defs = q.indicators(ctx.db, v.report?.form_id ?? v.form.id);
  const cols = reportColumns(defs);
  const { rows: sheet, sheet: sheetName } = await readSheet(opts.bytes, opts.fileName, cols, { maxRows: 20_000, sheet: `${v.form.code}-${v.period}` });
  const headerOf = new Map(cols.map((c) => [c.key, c.header]));
  const byUscc = new Map(v.units.map((u) => [u.uscc, u.enterprise_id]));
  const errors: RowError[] = [];
  const rows: Array<{ enterprise_id: number | null; values: Record<string, Cell>; ytd: Record<string, Cell> }> = [];
  const excelRow: number[] = [];
  for (const { row, values } of sheet) {
    const uscc = cellText(values.uscc ?? null)?.toUpperCase() ?? null;
    if (!uscc) {
      errors.push({ row, column: '统一社会信用代码', message: '必填' });
      continue;
    }
    const id = uscc === TOTAL_USCC ? null : byUscc.get(uscc);
    if (id === undefined) {
      errors.push({ row, column: '统一社会信用代码', message: `「${uscc}」不是本报表${v.period_label}的填报单位（未登记、非规上且不在监测名单，或已停用）` });
      continue;
    }
    const m: Record<string, Cell> = {};
    const y: Record<string, Cell> = {};
    for (const c of cols) {
      if (!c.ind) continue;
      const cell = values[c.key] ?? null;
      if (c.ytd) {
        if (cell !== null) y[c.ind.code] = cell;
      } else m[c.ind.code] = cell;
    }
    rows.push({ enterprise_id: id, values: m, ytd: y });
    excelRow.push(row);
  }
  const { parsed, issues } = parseRows(defs, v.units, rows, (i) => `${i}|`);
  for (const is of issues) {
    const [i, field] = is.field.split('|') as [string, string];
    const [kind, code] = field.split('.') as [string, string | undefined];
    const key = kind === 'values' ? `m:${code}` : kind === 'ytd' ? `y:${code}` : 'uscc';
    errors.push({ row: excelRow[Number(i)]!, column: headerOf.get(key) ?? is.label, message: kind === 'enterprise_id' ? `${is.label}：${is.message}` : is.message });
  }
  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    const f = errors[0]!;
    const n = new Set(errors.map((e) => e.row)).size;
    throw new AppError(
      'IMPORT_REJECTED',
      `导入未执行：${n} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
      { errors, total: sheet.length },
    );
  }
  progress(0, parsed.length, '写入台账');
  const report = ctx.db.transaction(() => {
    const form = q.getForm(ctx.db, v.report?.form_id ?? v.form.id)!;
    const existing = q.findReport(ctx.db, v.office_code, form.origin_office, form.code, v.period);
    const r = writeRows(
      ctx,
      { form, period: parsePeriod(form.period_type, v.period) as Period, office: v.office_code, report: existing },
      parsed,
      undefined,
      `导入 ${opts.fileName}`,
    );
    audit(ctx, 'monitor.report_import', 'monitor_report', r.id, { file: opts.fileName, sha256: createHash('sha256').update(opts.bytes).digest('hex'), rows: parsed.length });
    return r;
  })();
  progress(parsed.length, parsed.length, '完成');
  const after = getReport(ctx, { form_id: report.form_id, period: v.period });
  return {
    sheet: sheetName,
    rows: parsed.filter((p) => p.unit !== TOTAL).length,
    blocking: after.check.blocking,
    warnings: after.check.failures.length - after.check.blocking,
    report_id: report.id,
  };
}
