// Excel in and out for specialized towns: the yearly indicator table for many towns at once, and the town list.
import { createHash } from 'node:crypto';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { parseInput } from '../validate.js';
import { townListQuery, TOWN_LIST_LABELS } from './schema.js';
import { cellText, readSheet, type Cell, type ColumnSpec, type RowError } from '../excel/read.js';
import { writeWorkbook, type WriteSheet } from '../excel/write.js';
import { officeName, originCondition } from '../ownership/origin.js';
import { checkIndicatorValues, CATEGORY_LABEL, LEVEL_LABEL, normalizeValue, STATUS_LABEL, type IndicatorDef, type IndicatorValues } from './rules.js';
import * as q from './queries.js';
import { currentYear, valuesOf, writeYear } from './indicators.js';

const header = (d: IndicatorDef) => (d.unit ? `${d.name}(${d.unit})` : d.name);

export function indicatorColumns(defs: readonly IndicatorDef[]): ColumnSpec[] {
  return [
    { key: 'town', header: '专业镇名称', required: true, aliases: ['专业镇', '名称'] },
    { key: 'county_code', header: '县(市、区)代码', required: true, aliases: ['行政区划代码', '县代码', '区划代码'] },
    { key: 'year', header: '年度', required: true, aliases: ['年份'] },
    ...defs.map((d) => ({ key: d.code, header: header(d), aliases: [d.name], kind: d.kind === 'text' ? ('text' as const) : ('number' as const) })),
    { key: 'note', header: '备注' },
  ];
}

const INDICATOR_SHEET = '专业镇年度指标';

export interface IndicatorImportSummary {
  /** The worksheet read. */
  sheet: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** A cell as a number: Excel numbers as they are, text with thousands separators accepted, anything else kept as text. */
function numberCell(c: Cell): number | string | null {
  if (c === null) return null;
  if (typeof c === 'number') return c;
  const t = cellText(c);
  if (t === null) return null;
  const s = t.replace(/[,，\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : t;
}

/**
 * All-or-nothing: every row is checked (unknown town, bad or future year, duplicate town-year, non-numeric or
 * negative figures, a 元 column where 万元 is expected); one bad row and nothing is written, the report names
 * each row, column and reason. A blank cell keeps the figure already in the ledger.
 */
export async function importIndicators(ctx: Ctx, opts: { fileName: string; bytes: Uint8Array; onProgress?: (done: number, total: number | null, phase: string) => void }): Promise<IndicatorImportSummary> {
  const progress = opts.onProgress ?? (() => {});
  const defs = q.indicatorDefs(ctx.db);
  const cols = indicatorColumns(defs);
  const headerOf = Object.fromEntries(cols.map((c) => [c.key, c.header])) as Record<string, string>;
  progress(0, null, '读取工作簿');
  const { rows, sheet } = await readSheet(opts.bytes, opts.fileName, cols, { maxRows: 100_000, sheet: INDICATOR_SHEET });
  progress(0, rows.length, '校验数据');
  const towns = new Map<string, { id: number; county_code: string }>();
  for (const t of ctx.db.prepare('SELECT id, name, county_code FROM town').iterate() as IterableIterator<{ id: number; name: string; county_code: string }>) {
    towns.set(`${t.county_code}|${t.name}`, t);
  }
  const thisYear = currentYear(ctx);
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const prepared: Array<{ row: number; townId: number; year: number; values: IndicatorValues; note: string | null }> = [];
  const ratioOf = new Map<string, number>();
  const today = isoDate(ctx.clock.now());

  for (const { row, values, problems } of rows) {
    if (problems) {
      errors.push(...problems);
      continue;
    }
    const err = (key: string, message: string) => errors.push({ row, column: headerOf[key] ?? key, message });
    const name = cellText(values.town ?? null);
    const county = cellText(values.county_code ?? null);
    const yearCell = numberCell(values.year ?? null);
    let ok = true;
    if (!name) (err('town', '必填'), (ok = false));
    if (!county || !/^\d{6}$/.test(county)) (err('county_code', county ? `「${county}」应为 6 位数字` : '必填'), (ok = false));
    const town = name && county ? towns.get(`${county}|${name}`) : undefined;
    if (ok && !town) (err('town', `「${county} ${name}」未登记为专业镇`), (ok = false));
    let year = 0;
    if (yearCell === null) (err('year', '必填'), (ok = false));
    else if (typeof yearCell !== 'number' || !Number.isInteger(yearCell) || yearCell < 1990) (err('year', `「${String(yearCell)}」不是有效年份`), (ok = false));
    else if (yearCell > thisYear) (err('year', `${yearCell} 年尚未到来`), (ok = false));
    else year = yearCell;
    if (town && year) {
      const key = `${town.id}|${year}`;
      const first = seen.get(key);
      if (first) (err('year', `与第 ${first} 行重复（同一专业镇同一年度）`), (ok = false));
      else seen.set(key, row);
    }
    const v: IndicatorValues = {};
    for (const d of defs) v[d.code] = d.kind === 'text' ? cellText(values[d.code] ?? null) : numberCell(values[d.code] ?? null);
    if (!town || !year || !ok) {
      // Still check the figures so that the report lists every problem of the row at once.
      for (const i of checkIndicatorValues(v, defs, null, Number.POSITIVE_INFINITY)) err(i.field, i.message);
      continue;
    }
    prepared.push({ row, townId: town.id, year, values: v, note: cellText(values.note ?? null) });
    if (!ratioOf.has(town.county_code)) ratioOf.set(town.county_code, q.policyFor(ctx.db, town.county_code, today).unit_check_ratio);
  }

  // Figures are checked once every row is known: last year's value may come from the same file.
  const inFile = new Map(prepared.map((p) => [`${p.townId}|${p.year}`, p]));
  const countyOf = new Map([...towns.values()].map((t) => [t.id, t.county_code]));
  const merged = new Map<string, IndicatorValues>();
  const mergedOf = (townId: number, year: number): IndicatorValues | null => {
    const key = `${townId}|${year}`;
    if (merged.has(key)) return merged.get(key)!;
    const stored = valuesOf(q.yearRow(ctx.db, townId, year), defs);
    const p = inFile.get(key);
    const out = p ? { ...(stored ?? {}), ...Object.fromEntries(Object.entries(p.values).filter(([, x]) => x !== null)) } : stored;
    if (out) merged.set(key, out);
    return out;
  };
  for (const p of prepared) {
    const previous = mergedOf(p.townId, p.year - 1);
    for (const i of checkIndicatorValues(p.values, defs, previous, ratioOf.get(countyOf.get(p.townId)!)!)) {
      errors.push({ row: p.row, column: headerOf[i.field] ?? i.label, message: i.message });
    }
  }

  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    const f = errors[0]!;
    throw new AppError(
      'IMPORT_REJECTED',
      `导入未执行：${rowsWithErrors} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
      { errors, total: rows.length },
    );
  }

  progress(0, prepared.length, '写入台账');
  const summary: IndicatorImportSummary = { sheet, total: prepared.length, created: 0, updated: 0, unchanged: 0 };
  ctx.db.transaction(() => {
    for (const p of prepared) {
      const merged2 = mergedOf(p.townId, p.year)!;
      const values: IndicatorValues = {};
      for (const d of defs) {
        const x = merged2[d.code] ?? null;
        values[d.code] = typeof x === 'number' ? normalizeValue(d.kind, x) : x;
      }
      const note = p.note ?? ((q.yearRow(ctx.db, p.townId, p.year)?.note as string | null | undefined) ?? null);
      summary[writeYear(ctx, defs, p.townId, p.year, values, note, `导入 ${opts.fileName} 第 ${p.row} 行`)]++;
    }
    audit(ctx, 'town.indicators_import', 'town', null, {
      file: opts.fileName,
      sha256: createHash('sha256').update(opts.bytes).digest('hex'),
      rows: prepared.length,
      created: summary.created,
      updated: summary.updated,
    });
  })();
  progress(prepared.length, prepared.length, '完成');
  return summary;
}

const INDICATOR_NOTES = [
  '专业镇年度指标导入说明（县域产业台账）',
  '1. 第一个工作表为数据表，第一行为表头，请勿修改表头文字；带 * 的列为必填。',
  '2. 专业镇名称与县(市、区)代码须与台账中登记的一致，例如 泽州铸造 / 140525。',
  '3. 产值、营业收入、研发投入的单位为“万元”；若某值约为上年的一千倍以上，系统会判断为按“元”填报并拒绝导入。',
  '4. 占比、普及率填百分数（0–100），不带 % 号；户数、人数填整数；不得为负数。',
  '5. 年度不能晚于今年；同一专业镇同一年度只能出现一行。',
  '6. 空白单元格表示本次不修改该项（保留台账中已有的数值）。',
  '7. 导入为“全部或全不”：任何一行有错误则不导入任何数据，并给出逐行错误报告。',
];

export async function indicatorTemplate(ctx: Pick<Ctx, 'db'>): Promise<Buffer> {
  const cols = indicatorColumns(q.indicatorDefs(ctx.db));
  return writeWorkbook(
    [{ name: INDICATOR_SHEET, columns: cols.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'number' ? 'number' : 'text', width: 18 })), rows: [] }],
    { name: '填写说明', lines: INDICATOR_NOTES },
  );
}

/** The indicator table for every town (or one year), in the template's columns so it imports back. */
export async function exportIndicators(ctx: Ctx, opts: { year?: number; region_code?: string; origin_office?: string } = {}): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const defs = q.indicatorDefs(ctx.db);
  const cols = indicatorColumns(defs);
  const prefix = opts.region_code ? q.regionPrefix(opts.region_code) : '';
  let count = 0;
  const rows = function* () {
    for (const r of ctx.db
      .prepare(
        `SELECT t.name AS town, t.county_code, y.* FROM town_year y JOIN town t ON t.id = y.town_id
         WHERE (@year IS NULL OR y.year = @year) AND t.county_code LIKE @prefix || '%' AND ${originCondition('t.origin_office')}
         ORDER BY t.county_code, t.name, y.year`,
      )
      .iterate({ year: opts.year ?? null, prefix, origin: opts.origin_office ?? null }) as IterableIterator<q.YearRow & { town: string; county_code: string }>) {
      count++;
      yield [r.town, r.county_code, r.year, ...defs.map((d) => r[d.code] ?? null), (r.note as string | null) ?? null] as Array<string | number | null>;
    }
  };
  const bytes = await writeWorkbook([
    { name: '专业镇年度指标', columns: cols.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'number' ? 'number' : 'text', width: 18 })), rows: rows() },
  ]);
  const origin = opts.origin_office ? `-${officeName(ctx.db, opts.origin_office)}` : '';
  return { fileName: `专业镇年度指标${origin}${opts.year ? `-${opts.year}` : ''}-${isoDate(ctx.clock.now())}.xlsx`, bytes, count };
}

const TOWN_EXPORT: WriteSheet['columns'] = [
  { header: '专业镇名称' }, { header: '县(市、区)代码' }, { header: '县(市、区)' }, { header: '类别' }, { header: '主导产业' },
  { header: '行业代码' }, { header: '级别' }, { header: '状态' }, { header: '状态日期' }, { header: '认定批次' }, { header: '认定文号' },
  { header: '认定机构' }, { header: '有效期起' }, { header: '有效期止' }, { header: '成员企业数', kind: 'number' }, { header: '联系人' }, { header: '联系电话' },
];

/**
 * The towns the list shows with its filters (level, category, status, county, search), each with its designation
 * in force (CLI `export-towns`, the list's 导出): what is exported is what the user is looking at.
 */
export async function exportTowns(ctx: Ctx, raw: unknown = {}): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const opts = parseInput(townListQuery, raw ?? {}, TOWN_LIST_LABELS);
  const towns = q.listTowns(ctx.db, opts);
  const rows = towns.map((t) => {
    const d = q.currentDesignation(ctx.db, t.id);
    return [
      t.name, t.county_code, t.county_name, CATEGORY_LABEL[t.category], t.leading_industry, t.industry_codes, t.level ? LEVEL_LABEL[t.level] : '未认定',
      STATUS_LABEL[t.status], t.status_since, d?.batch_no ?? null, d?.doc_no ?? null, d ? d.bodies.join('、') : null, d?.valid_from ?? null,
      d?.valid_to ?? null, t.member_count, t.contact_name, t.contact_phone,
    ];
  });
  const bytes = await writeWorkbook([{ name: '专业镇名录', columns: TOWN_EXPORT.map((c) => ({ ...c, width: 16 })), rows }]);
  const origin = opts.origin_office ? `-${officeName(ctx.db, opts.origin_office)}` : '';
  return { fileName: `专业镇名录${origin}-${isoDate(ctx.clock.now())}.xlsx`, bytes, count: rows.length };
}
