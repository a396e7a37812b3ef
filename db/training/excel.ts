import { createHash } from 'node:crypto';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { cellDate, cellText, readSheet, type Cell, type ColumnSpec, type RowError } from '../excel/read.js';
import { writeWorkbook } from '../excel/write.js';
import { maskIdNo } from '../idcard/idcard.js';
import { fmtYuan } from './rules.js';
import * as q from './queries.js';
import { assertRosterEditable, checkTrainee, listPlans, listTrainees, traineeRecord } from './service.js';
import { apprenticeProgress, ledgerRows } from './reports.js';
import {
  LEVEL_LABEL,
  LEVELS,
  OUTCOME_LABEL,
  PLAN_TYPE_LABEL,
  STATUS_LABEL,
  TRAINEE_LABELS,
  traineeInput,
  type LedgerQuery,
  type TraineeData,
} from './schema.js';

export const ROSTER_COLUMNS: ColumnSpec[] = [
  { key: 'name', header: '姓名', required: true, aliases: ['学员姓名', '学徒姓名'] },
  { key: 'id_no', header: '居民身份证号', required: true, kind: 'code', aliases: ['身份证号', '身份证号码', '公民身份号码'] },
  { key: 'phone', header: '手机号', aliases: ['联系电话', '电话'] },
  { key: 'contract_start', header: '劳动合同起', kind: 'date', aliases: ['合同起始日期', '劳动合同起始日期'] },
  { key: 'contract_end', header: '劳动合同止(无固定期限留空)', kind: 'date', aliases: ['劳动合同止', '合同终止日期', '劳动合同终止日期'] },
  { key: 'si', header: '社保已核验(是/否)', aliases: ['社保已核验', '社保核验'] },
  { key: 'si_date', header: '社保核验日期', kind: 'date' },
  { key: 'sessions', header: '出勤次数', kind: 'number', aliases: ['出勤'] },
  { key: 'hours', header: '出勤学时', kind: 'number', aliases: ['学时'] },
];
const ROSTER_SHEET = '学员名册';
const HEADER: Record<string, string> = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c.key, c.header]));
const FIELD_COLUMN: Record<string, string> = {
  name: HEADER.name!, id_no: HEADER.id_no!, phone: HEADER.phone!, contract_start: HEADER.contract_start!, contract_end: HEADER.contract_end!,
  social_insurance_verified: HEADER.si!, social_insurance_date: HEADER.si_date!, sessions_attended: HEADER.sessions!, hours_attended: HEADER.hours!,
};
const YES: Record<string, boolean> = { 是: true, 已核验: true, Y: true, y: true, 1: true, 否: false, 未核验: false, N: false, n: false, 0: false };

const NOTES = [
  '培训学员名册导入说明（县域产业台账）',
  '1. 第一个工作表为数据表，第一行为表头，请勿修改表头文字；带 * 的列为必填。',
  '2. 居民身份证号：18 位，系统会去除空格、把小写 x 转为大写并核对第 18 位校验位和出生日期；旧版 15 位号码会自动升级为 18 位。',
  '3. 企业新型学徒制须填写劳动合同起始日期，合同期限至少 1 年；无固定期限合同的“劳动合同止”留空。',
  '4. 社保已核验：填“是”或“否”；填“是”时须填写社保核验日期。',
  '5. 日期可写作 2026-03-01、2026/3/1 或 Excel 日期格式；出勤次数、出勤学时为非负整数。',
  '6. 同一人（身份证号相同）在同一计划中只能出现一次。',
  '7. 导入为“全部或全不”：任何一行有错误则不导入任何数据，并给出逐行错误报告。',
];

export async function rosterTemplate(): Promise<Buffer> {
  return writeWorkbook(
    [{
      name: ROSTER_SHEET,
      columns: ROSTER_COLUMNS.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'date' ? 'date' : c.kind === 'number' ? 'number' : 'text', width: 22 })),
      rows: [],
      lists: { 5: ['是', '否'] },
    }],
    { name: '填写说明', lines: NOTES },
  );
}

function intCell(c: Cell): number | string | undefined {
  if (c === null) return undefined;
  const t = cellText(c)!;
  return /^\d+$/.test(t) ? Number(t) : t;
}

export interface RosterImportSummary {
  plan_code: string;
  /** The worksheet read. */
  sheet: string;
  imported: number;
  converted_from_15: number;
}

/**
 * All-or-nothing roster import: every row is checked (ID number, dates, contract, duplicates in the file and
 * in the roster, the plan's size) before one transaction writes them all.
 */
export async function importRoster(
  ctx: Ctx,
  planId: number,
  file: { fileName: string; bytes: Uint8Array },
  onProgress: (done: number, total: number | null, phase: string) => void = () => {},
): Promise<RosterImportSummary> {
  const plan = q.getPlan(ctx.db, planId);
  if (!plan) throw new AppError('NOT_FOUND', `培训计划 ${planId} 不存在`);
  assertRosterEditable(plan);
  onProgress(0, null, '读取工作簿');
  const { rows, sheet } = await readSheet(file.bytes, file.fileName, ROSTER_COLUMNS, {
    onProgress: (n) => onProgress(n, null, '读取工作簿'), maxRows: 100_000, sheet: ROSTER_SHEET,
  });
  onProgress(0, rows.length, '校验数据');
  const today = isoDate(ctx.clock.now());
  const existing = new Map<string, string>();
  for (const t of q.traineesOf(ctx.db, plan.id)) existing.set(t.id_no, t.name);
  const errors: RowError[] = [];
  const firstRow = new Map<string, number>();
  const ok: Array<{ d: TraineeData; c: ReturnType<typeof checkTrainee> }> = [];
  for (const { row, values, problems } of rows) {
    if (problems) {
      errors.push(...problems);
      continue;
    }
    const err = (column: string, message: string) => errors.push({ row, column, message });
    const date = (k: string) => {
      const v = cellDate(values[k] ?? null);
      if (v === 'invalid') {
        err(HEADER[k]!, `「${cellText(values[k] ?? null)}」不是有效日期`);
        return undefined;
      }
      return v;
    };
    const siText = cellText(values.si ?? null);
    const si = siText === null ? false : YES[siText];
    if (si === undefined) err(HEADER.si!, `「${siText}」应为 是 或 否`);
    const raw = {
      name: cellText(values.name ?? null) ?? '',
      id_no: cellText(values.id_no ?? null) ?? '',
      phone: cellText(values.phone ?? null),
      contract_start: date('contract_start'),
      contract_end: date('contract_end'),
      // An unreadable cell is reported once; the checks that depend on it should not report it again.
      social_insurance_verified: si ?? cellDate(values.si_date ?? null) !== null,
      social_insurance_date: date('si_date'),
      sessions_attended: intCell(values.sessions ?? null),
      hours_attended: intCell(values.hours ?? null),
    };
    const parsed = traineeInput.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const k = String(i.path[0]);
        const msg = (k === 'sessions_attended' || k === 'hours_attended') && i.code === 'invalid_type' ? '应为非负整数' : i.message;
        err(FIELD_COLUMN[k] ?? k, msg);
      }
      continue;
    }
    const c = checkTrainee(plan, parsed.data, today);
    const reported = new Set(errors.filter((e) => e.row === row).map((e) => e.column));
    for (const i of c.issues) {
      const column = FIELD_COLUMN[i.field] ?? TRAINEE_LABELS[i.field as keyof typeof TRAINEE_LABELS] ?? i.label;
      if (!reported.has(column) && !(i.field === 'contract_start' && reported.has(HEADER.contract_start!))) err(column, i.message);
    }
    if (c.issues.some((i) => i.field === 'id_no')) continue;
    const first = firstRow.get(c.idNo);
    if (first !== undefined) err(HEADER.id_no!, `${maskIdNo(c.idNo)} 与第 ${first} 行是同一人`);
    else {
      firstRow.set(c.idNo, row);
      const name = existing.get(c.idNo);
      if (name !== undefined) err(HEADER.id_no!, `${maskIdNo(c.idNo)} 已在本计划名册中（${name}）`);
    }
    if (!c.issues.length) ok.push({ d: parsed.data, c });
  }
  const total = existing.size + rows.length;
  if (!errors.length && total > plan.planned_count) {
    errors.push({ row: rows[rows.length - 1]!.row, column: HEADER.name!, message: `名册将达 ${total} 人，超过计划人数 ${plan.planned_count} 人` });
  }
  if (errors.length) {
    const f = errors[0]!;
    const bad = new Set(errors.map((e) => e.row)).size;
    throw new AppError(
      'IMPORT_REJECTED',
      `导入未执行：${bad} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
      { errors: errors.sort((a, b) => a.row - b.row), total: rows.length },
    );
  }
  onProgress(0, ok.length, '写入台账');
  const t = isoTimestamp(ctx.clock.now());
  const ins = q.insertTrainee(ctx.db);
  let converted = 0;
  ctx.db.transaction(() => {
    for (const { d, c } of ok) {
      ins.run(traineeRecord(ctx, plan.id, d, c, t));
      if (c.converted) converted++;
    }
    audit(ctx, 'training.roster.import', 'training_plan', plan.id, {
      plan: plan.code, file: file.fileName, sha256: createHash('sha256').update(file.bytes).digest('hex'), rows: ok.length, converted_from_15: converted,
    });
  })();
  onProgress(ok.length, ok.length, '完成');
  return { plan_code: plan.code, sheet, imported: ok.length, converted_from_15: converted };
}

/** The roster in the template's columns (so it re-imports), ID numbers masked unless the actor may see them. */
export async function exportRoster(ctx: Ctx, planId: number): Promise<{ fileName: string; bytes: Buffer }> {
  const plan = q.getPlan(ctx.db, planId);
  if (!plan) throw new AppError('NOT_FOUND', `培训计划 ${planId} 不存在`);
  const rows = listTrainees(ctx, { plan_id: planId }).map((t) => [
    t.name, t.id_no, t.phone, t.contract_start, t.contract_end, t.social_insurance_verified ? '是' : '否', t.social_insurance_date,
    t.sessions_attended, t.hours_attended, OUTCOME_LABEL[t.outcome], t.certificate ? LEVEL_LABEL[t.certificate.level] : null,
    t.certificate?.cert_no ?? null, t.certificate?.issue_date ?? null,
  ]);
  const bytes = await writeWorkbook([{
    name: '学员名册',
    columns: [
      ...ROSTER_COLUMNS.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'number' ? ('number' as const) : ('text' as const), width: 20 })),
      { header: '结业结果', kind: 'text' as const }, { header: '证书等级', kind: 'text' as const }, { header: '证书编号', kind: 'text' as const },
      { header: '发证日期', kind: 'text' as const },
    ],
    rows,
  }]);
  return { fileName: `学员名册-${plan.code}.xlsx`, bytes };
}

const yuanCell = (fen: number) => fen / 100;

/** The plan list as filtered on screen (every page), for 导出 Excel. */
export async function exportPlans(ctx: Ctx, raw: Record<string, unknown>): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const rows: ReturnType<typeof listPlans>['rows'] = [];
  for (let page = 1; ; page++) {
    const r = listPlans(ctx, { ...raw, page, pageSize: 500 });
    rows.push(...r.rows);
    if (rows.length >= r.total || r.rows.length === 0) break;
  }
  const bytes = await writeWorkbook([{
    name: '培训计划',
    columns: [
      { header: '计划编号', width: 16 }, { header: '企业名称', width: 30 }, { header: '培训类型', width: 20 }, { header: '培训机构', width: 24 },
      { header: '职业(工种)代码', width: 14 }, { header: '职业(工种)', width: 16 }, { header: '目标等级', width: 14 }, { header: '计划人数', kind: 'number' },
      { header: '名册人数', kind: 'number' }, { header: '开始日期', width: 12 }, { header: '结束日期', width: 12 }, { header: '状态' },
      { header: '补贴规则', width: 24 },
    ],
    rows: rows.map((r) => [
      r.code, r.enterprise_name, PLAN_TYPE_LABEL[r.plan_type], r.institution_name, r.occupation_code, r.occupation_name, LEVEL_LABEL[r.target_level],
      r.planned_count, r.roster_count, r.start_date, r.end_date, STATUS_LABEL[r.status], r.rule_code,
    ]),
  }]);
  return { fileName: `培训计划-${isoDate(ctx.clock.now())}.xlsx`, bytes, count: rows.length };
}

/** 工作台账 to Excel: one row per plan in the period, filterable by plan type. */
export async function trainingLedgerExcel(ctx: Ctx, raw: LedgerQuery): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const { from, to, origin_name, rows } = ledgerRows(ctx, raw);
  const money = 'money' as const;
  const bytes = await writeWorkbook([{
    name: '工作台账',
    columns: [
      { header: '计划编号', width: 16 }, { header: '企业名称', width: 30 }, { header: '统一社会信用代码', width: 22 }, { header: '培训类型', width: 20 },
      { header: '培训机构', width: 24 }, { header: '职业(工种)代码' }, { header: '职业(工种)', width: 16 }, { header: '目标等级', width: 14 },
      { header: '状态' }, { header: '开始日期', width: 12 }, { header: '结束日期', width: 12 }, { header: '计划人数', kind: 'number' },
      { header: '名册人数', kind: 'number' }, { header: '结业人数', kind: 'number' }, { header: '未结业人数', kind: 'number' },
      ...LEVELS.map((l) => ({ header: `证书-${LEVEL_LABEL[l]}`, kind: 'number' as const })),
      { header: '已预拨(元)', kind: money }, { header: '已结算拨付(元)', kind: money }, { header: '已下达收回(元)', kind: money },
      { header: '已退回到账(元)', kind: money }, { header: '补贴规则', width: 24 },
    ],
    rows: rows.map((r) => [
      r.code, r.enterprise_name, r.uscc, PLAN_TYPE_LABEL[r.plan_type], r.institution_name, r.occupation_code, r.occupation_name,
      LEVEL_LABEL[r.target_level], STATUS_LABEL[r.status], r.start_date, r.end_date, r.planned_count, r.roster_count, r.completed_count,
      r.not_completed_count, ...LEVELS.map((l) => r.certificates[l]), yuanCell(r.advance_fen), yuanCell(r.settlement_fen),
      yuanCell(r.recovery_order_fen), yuanCell(r.recovery_received_fen), r.rule_code,
    ]),
  }], {
    name: '说明',
    lines: [
      `培训工作台账（${from} 至 ${to}${raw.plan_type ? `，${PLAN_TYPE_LABEL[raw.plan_type]}` : ''}${origin_name ? `，上报单位：${origin_name}` : ''}）`,
      `共 ${rows.length} 个计划；已预拨合计 ${fmtYuan(rows.reduce((s, r) => s + r.advance_fen, 0))} 元，结算拨付合计 ${fmtYuan(rows.reduce((s, r) => s + r.settlement_fen, 0))} 元，已下达收回合计 ${fmtYuan(rows.reduce((s, r) => s + r.recovery_order_fen, 0))} 元。`,
      '收录开始日期与结束日期和所选期间有交叉的全部计划；金额均由资金流水汇总得出。',
      `导出时间：${isoTimestamp(ctx.clock.now())}，导出人：${ctx.actor.displayName}`,
    ],
  });
  return { fileName: `培训工作台账${origin_name ? `-${origin_name}` : ''}-${from}-${to}.xlsx`, bytes, count: rows.length };
}

/** CLI `training-ledger --year YYYY FILE.xlsx`. */
export async function trainingLedger(ctx: Ctx, year: number): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  return trainingLedgerExcel(ctx, { year });
}

/** The progress report as on screen; `raw` is its year and 上报单位. */
export async function apprenticeProgressExcel(ctx: Ctx, raw: unknown): Promise<{ fileName: string; bytes: Buffer }> {
  const r = apprenticeProgress(ctx, raw);
  const t = r.totals;
  const bytes = await writeWorkbook([{
    name: '学徒制进展',
    columns: [
      { header: '计划编号', width: 16 }, { header: '企业名称', width: 30 }, { header: '培训机构', width: 24 }, { header: '职业(工种)', width: 16 },
      { header: '目标等级', width: 14 }, { header: '状态' }, { header: '开始日期', width: 12 }, { header: '结束日期', width: 12 },
      { header: '计划人数', kind: 'number' }, { header: '在册人数', kind: 'number' }, { header: '在训', kind: 'number' }, { header: '结业', kind: 'number' },
      { header: '未结业', kind: 'number' }, { header: '取证', kind: 'number' }, { header: '已签劳动合同', kind: 'number' },
      { header: '社保已核验', kind: 'number' }, { header: '已预拨(元)', kind: 'money' }, { header: '需报告的情况', width: 40 },
    ],
    rows: [
      ...r.rows.map((x) => [
        x.code, x.enterprise_name, x.institution_name, x.occupation_name, LEVEL_LABEL[x.target_level], STATUS_LABEL[x.status], x.start_date,
        x.end_date, x.planned_count, x.enrolled, x.in_training, x.completed, x.not_completed, x.certified, x.contract_ok,
        x.social_insurance_verified, yuanCell(x.advance_fen), x.risk,
      ]),
      ['合计', null, null, null, null, null, null, null, t.planned_count, t.enrolled, t.in_training, t.completed, t.not_completed, t.certified,
        t.contract_ok, t.social_insurance_verified, yuanCell(t.advance_fen), null],
    ],
  }], {
    name: '说明',
    lines: [
      `${r.year} 年企业新型学徒制培训进展情况（${r.origin_name ? `上报单位：${r.origin_name}，` : ''}截至 ${r.as_of}）`,
      '预计不能完成计划的企业须在 10 月底前报告，可在总量内调剂计划（山西 2022 年计划任务目录）。',
      '“需报告的情况”列出名额未满、未结业和社保未核验的人数。',
    ],
  });
  return { fileName: `学徒制进展${r.origin_name ? `-${r.origin_name}` : ''}-${r.year}.xlsx`, bytes };
}
