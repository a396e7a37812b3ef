// Claims to and from Excel: one row per cost item, the claim's fields repeated on each of its rows and grouped
// by 申请编号. Import is all-or-nothing with a report naming each bad row, column and reason.
import { createHash } from 'node:crypto';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { AppError, type FieldIssue } from '../result.js';
import { audit } from '../audit/audit.js';
import { cellDate, cellText, readSheet, type Cell, type ColumnSpec, type RowError } from '../excel/read.js';
import { writeWorkbook } from '../excel/write.js';
import { normalizeCode } from '../enterprises/uscc.js';
import { fenToYuanText } from './money.js';
import { ITEM_TYPE_LABEL, ITEM_TYPES, PAYMENT_LABEL, type ItemType, type PaymentMethod } from './rules.js';
import { insertClaim, prepareClaim, type PreparedClaim } from './service.js';
import { STATUS_LABEL, type ClaimStatus } from './schema.js';
import { officeName, originCondition } from '../ownership/origin.js';

export const CLAIM_COLUMNS: ColumnSpec[] = [
  { key: 'claim_key', header: '申请编号', required: true, aliases: ['申请序号', '编号'] },
  { key: 'uscc', header: '统一社会信用代码', required: true, kind: 'code', aliases: ['信用代码'] },
  { key: 'enterprise_name', header: '企业名称' },
  { key: 'fair_name', header: '展会名称', required: true },
  { key: 'fair_start', header: '展会开始日期', kind: 'date' },
  { key: 'claim_date', header: '申请日期', required: true, kind: 'date' },
  { key: 'agent', header: '是否代理购买展位', aliases: ['代理'] },
  { key: 'booth_no', header: '展位号' },
  { key: 'area', header: '展位面积(m²)', aliases: ['展位面积', '面积(m2)', '面积'] },
  { key: 'booth_kind', header: '展位类型(标准/特装)', aliases: ['展位类型'] },
  { key: 'item_type', header: '费用类型', required: true },
  { key: 'amount', header: '金额(元)', required: true, aliases: ['金额'] },
  { key: 'invoice_no', header: '发票号', required: true, aliases: ['发票号码'] },
  { key: 'invoice_date', header: '发票日期', required: true, kind: 'date' },
  { key: 'payment', header: '支付方式(转账/现金/其他)', required: true, aliases: ['支付方式', '付款方式'] },
  { key: 'voucher', header: '凭证号', aliases: ['付款凭证号', '记账凭证号'] },
  { key: 'volume', header: '体积(m³)', aliases: ['体积'] },
  { key: 'weight', header: '重量(t)', aliases: ['重量'] },
  { key: 'other_subsidy', header: '已获其他补贴(元)', aliases: ['其他补贴'] },
  // Written by the export for reading; ignored by the import.
  { key: 'status', header: '状态' },
  { key: 'calc', header: '核定金额(元)' },
  { key: 'approved', header: '批准金额(元)' },
  { key: 'paid', header: '已拨付(元)' },
];
const NOTES = [
  '参展补贴申请导入说明（县域产业台账）',
  '1. 每行一项费用；同一申请的多行填写相同的「申请编号」，企业、展会、申请日期各行须一致。',
  '2. 企业须已在企业库登记（按统一社会信用代码匹配）；展会须已登记（按展会名称匹配，同名时填写展会开始日期）。',
  `3. 费用类型：${ITEM_TYPES.map((t) => ITEM_TYPE_LABEL[t]).join('、')}。展位类费用（展位费、特装费、搭建费）填写所属展位号、面积和类型。`,
  '4. 金额以元为单位，最多两位小数；支付方式填 转账、现金 或 其他（现金支付不予补贴）。',
  '5. 日期填 YYYY-MM-DD（如 2026-02-20）；大型展品回运费填体积和重量；同一费用已获其他补贴的，填写已获金额。',
  '6. 带 * 的列必填。导入为“全部或全不”：任何一行有错误则不导入任何数据，并给出逐行错误报告；导入的申请为草稿。',
  '7. 导出文件中「状态」及以后各列为参考信息，导入时忽略。',
];

const CLAIM_SHEET = '参展补贴申请';
const HEADER = Object.fromEntries(CLAIM_COLUMNS.map((c) => [c.key, c.header])) as Record<string, string>;
const IMPORTED = CLAIM_COLUMNS.slice(0, 19);

const TYPE_IN = new Map<string, ItemType>();
for (const t of ITEM_TYPES) {
  TYPE_IN.set(ITEM_TYPE_LABEL[t], t);
  TYPE_IN.set(t, t);
}
TYPE_IN.set('回运费', 'large_exhibit_return');
TYPE_IN.set('特装搭建费', 'special_fit_out');
TYPE_IN.set('交通费', 'international_travel');
TYPE_IN.set('住宿费', 'accommodation');
const PAY_IN: Record<string, PaymentMethod> = { 转账: 'transfer', 银行转账: 'transfer', 对公转账: 'transfer', 现金: 'cash', 其他: 'other' };
const YES = new Set(['是', 'Y', 'y', '1', 'true', '有']);

/** Which column a service field path points at (items.3.invoice_date → 发票日期). */
const FIELD_COLUMN: Record<string, string> = {
  enterprise_id: HEADER.uscc!, fair_id: HEADER.fair_name!, claim_date: HEADER.claim_date!, rule_set_id: HEADER.fair_name!,
  booth_no: HEADER.booth_no!, area_m2: HEADER.area!, kind: HEADER.booth_kind!, item_type: HEADER.item_type!, amount_yuan: HEADER.amount!,
  invoice_no: HEADER.invoice_no!, invoice_date: HEADER.invoice_date!, payment_method: HEADER.payment!, voucher_no: HEADER.voucher!,
  volume_m3: HEADER.volume!, weight_t: HEADER.weight!, other_subsidy_yuan: HEADER.other_subsidy!, items: HEADER.item_type!,
};

export interface ClaimImportSummary {
  /** The worksheet read. */
  sheet: string;
  claims: number;
  items: number;
  claim_nos: string[];
}

export async function importClaims(
  ctx: Ctx,
  file: { fileName: string; bytes: Uint8Array },
  onProgress: (done: number, total: number | null, phase: string) => void = () => {},
): Promise<ClaimImportSummary> {
  onProgress(0, null, '读取工作簿');
  const { rows, sheet } = await readSheet(file.bytes, file.fileName, IMPORTED, { maxRows: 100_000, sheet: CLAIM_SHEET });
  const errors: RowError[] = [];
  const err = (row: number, column: string, message: string) => errors.push({ row, column, message });

  const groups = new Map<string, Array<{ row: number; values: Record<string, Cell> }>>();
  for (const r of rows) {
    if (r.problems) {
      errors.push(...r.problems);
      continue;
    }
    const key = cellText(r.values.claim_key ?? null);
    if (!key) {
      err(r.row, HEADER.claim_key!, '必填（同一申请的各行填相同编号）');
      continue;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const entByUscc = new Map<string, number>();
  for (const e of ctx.db.prepare('SELECT id, uscc FROM enterprise').iterate() as IterableIterator<{ id: number; uscc: string }>) entByUscc.set(e.uscc, e.id);
  const fairs = ctx.db.prepare('SELECT id, name, start_date FROM exhibition_fair').all() as Array<{ id: number; name: string; start_date: string }>;
  const existingNos = new Set(ctx.db.prepare('SELECT claim_no FROM exhibition_claim').pluck().all() as string[]);

  const prepared: Array<{ key: string; p: PreparedClaim }> = [];
  const pairs = new Map<string, string>();
  let done = 0;
  for (const [key, g] of groups) {
    const first = g[0]!;
    const t = (v: Cell | undefined) => cellText(v ?? null);
    const before = errors.length;
    if (existingNos.has(key)) err(first.row, HEADER.claim_key!, `「${key}」已是台账中的申请编号（导入只新建申请；请改用新编号）`);
    // Claim-level fields must agree on every row of the claim.
    for (const k of ['uscc', 'fair_name', 'fair_start', 'claim_date', 'agent'] as const) {
      const v0 = t(first.values[k]);
      for (const r of g.slice(1)) if (t(r.values[k]) !== v0) err(r.row, HEADER[k]!, `与第 ${first.row} 行（同一申请 ${key}）不一致`);
    }
    const uscc = normalizeCode(t(first.values.uscc) ?? '');
    const entId = entByUscc.get(uscc);
    if (!entId) err(first.row, HEADER.uscc!, uscc ? `${uscc} 不在企业库中，请先登记企业` : '必填');
    const fairName = t(first.values.fair_name);
    const fairStart = cellDate(first.values.fair_start ?? null);
    if (fairStart === 'invalid') err(first.row, HEADER.fair_start!, `「${t(first.values.fair_start)}」不是有效日期`);
    const cands = fairs.filter((f) => f.name === fairName && (fairStart === null || fairStart === 'invalid' || f.start_date === fairStart));
    if (cands.length === 0) err(first.row, HEADER.fair_name!, fairName ? `展会「${fairName}」未登记，请先登记展会` : '必填');
    else if (cands.length > 1) err(first.row, HEADER.fair_start!, `有 ${cands.length} 个名为「${fairName}」的展会，请填写展会开始日期以区分`);
    const claimDate = cellDate(first.values.claim_date ?? null);
    if (claimDate === null) err(first.row, HEADER.claim_date!, '必填');
    else if (claimDate === 'invalid') err(first.row, HEADER.claim_date!, `「${t(first.values.claim_date)}」不是有效日期`);

    const booths: Array<{ booth_no: string; area_m2: string | null; kind: string | null; row: number }> = [];
    const items: Array<Record<string, unknown>> = [];
    const itemRows: number[] = [];
    for (const r of g) {
      const v = r.values;
      const boothNo = t(v.booth_no);
      if (boothNo) {
        const area = t(v.area);
        const kindText = t(v.booth_kind);
        const kind = kindText === null ? null : kindText.startsWith('特') ? 'special' : kindText.startsWith('标') ? 'standard' : kindText;
        const known = booths.find((b) => b.booth_no === boothNo);
        if (!known) booths.push({ booth_no: boothNo, area_m2: area, kind, row: r.row });
        else if ((area !== null && area !== known.area_m2) || (kind !== null && kind !== known.kind)) {
          err(r.row, HEADER.area!, `展位 ${boothNo} 的面积或类型与第 ${known.row} 行不一致`);
        }
      }
      const typeText = t(v.item_type);
      const type = typeText ? TYPE_IN.get(typeText) : undefined;
      if (typeText && !type) err(r.row, HEADER.item_type!, `未知的费用类型「${typeText}」（应为 ${ITEM_TYPES.map((x) => ITEM_TYPE_LABEL[x]).join('、')}）`);
      const payText = t(v.payment);
      const pay = payText ? PAY_IN[payText] : undefined;
      if (payText && !pay) err(r.row, HEADER.payment!, `「${payText}」应为 转账、现金 或 其他`);
      const invDate = cellDate(v.invoice_date ?? null);
      if (invDate === 'invalid') err(r.row, HEADER.invoice_date!, `「${t(v.invoice_date)}」不是有效日期`);
      items.push({
        item_type: type ?? typeText, booth_no: boothNo, amount_yuan: t(v.amount) ?? '', invoice_no: t(v.invoice_no) ?? '',
        invoice_date: invDate === 'invalid' ? t(v.invoice_date) : (invDate ?? ''), payment_method: pay ?? payText,
        voucher_no: t(v.voucher), volume_m3: t(v.volume), weight_t: t(v.weight), other_subsidy_yuan: t(v.other_subsidy),
      });
      itemRows.push(r.row);
    }
    if (errors.length > before || !entId || cands.length !== 1 || !claimDate || claimDate === 'invalid') continue;
    const raw = {
      enterprise_id: entId, fair_id: cands[0]!.id, claim_date: claimDate, agent_used: YES.has(t(first.values.agent) ?? ''),
      booths: booths.map((b) => ({ booth_no: b.booth_no, area_m2: b.area_m2 ?? '', kind: b.kind ?? '' })), items,
    };
    try {
      const p = prepareClaim(ctx, raw, null);
      const pair = `${entId}:${cands[0]!.id}`;
      if (!p.rules.multiple_claims_per_fair && pairs.has(pair)) {
        err(first.row, HEADER.fair_name!, `同一企业同一展会在本文件中已有申请 ${pairs.get(pair)}，本规则不允许多次申请`);
        continue;
      }
      pairs.set(pair, key);
      prepared.push({ key, p });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const issues = Array.isArray(e.details) ? (e.details as FieldIssue[]) : [];
      if (issues.length === 0) err(first.row, HEADER.claim_key!, e.message);
      for (const i of issues) {
        const [head, idx, field] = i.field.split('.');
        const n = Number(idx);
        const row = head === 'items' && Number.isInteger(n) ? itemRows[n]! : head === 'booths' && Number.isInteger(n) ? booths[n]!.row : first.row;
        err(row, FIELD_COLUMN[field ?? head ?? ''] ?? i.label, i.message);
      }
    }
    if (++done % 500 === 0) onProgress(done, groups.size, '校验数据');
  }

  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    const f = errors[0]!;
    throw new AppError(
      'IMPORT_REJECTED',
      `导入未执行：${new Set(errors.map((e) => e.row)).size} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
      { errors, total: rows.length },
    );
  }
  onProgress(0, prepared.length, '写入台账');
  const claimNos: string[] = [];
  ctx.db.transaction(() => {
    for (const { key, p } of prepared) {
      const id = insertClaim(ctx, p, `导入 ${file.fileName}（${key}）`);
      claimNos.push(ctx.db.prepare('SELECT claim_no FROM exhibition_claim WHERE id = ?').pluck().get(id) as string);
    }
    audit(ctx, 'exhibition.import', 'exhibition_claim', null, {
      file: file.fileName, sha256: createHash('sha256').update(file.bytes).digest('hex'), claims: prepared.length, rows: rows.length,
    });
  })();
  onProgress(prepared.length, prepared.length, '完成');
  return { sheet, claims: prepared.length, items: rows.length, claim_nos: claimNos };
}

/** The empty import sheet: exactly the columns importClaims reads, with drop-downs and the 填写说明 sheet. */
export async function claimTemplate(): Promise<Buffer> {
  const idx = (key: string) => IMPORTED.findIndex((c) => c.key === key);
  return writeWorkbook(
    [{
      name: CLAIM_SHEET,
      columns: IMPORTED.map((c) => ({ header: c.header, required: c.required, kind: 'text' as const, width: 18 })),
      rows: [],
      lists: {
        [idx('agent')]: ['是', '否'],
        [idx('booth_kind')]: ['标准', '特装'],
        [idx('item_type')]: ITEM_TYPES.map((t) => ITEM_TYPE_LABEL[t]),
        [idx('payment')]: ['转账', '现金', '其他'],
      },
    }],
    { name: '填写说明', lines: NOTES },
  );
}

/** All claims of a year (of one 上报单位 if given), one row per item, in the import's columns (plus status and amounts). */
export async function exportClaims(ctx: Ctx, year: number, originOffice?: string): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const claims = ctx.db
    .prepare(
      `SELECT c.id, c.claim_no, c.claim_date, c.agent_used, c.status, c.calc_fen, c.approved_fen, e.uscc, e.name AS enterprise_name,
        f.name AS fair_name, f.start_date AS fair_start,
        (SELECT COALESCE(SUM(CASE kind WHEN 'payment' THEN amount_fen ELSE -amount_fen END), 0) FROM exhibition_payment p WHERE p.claim_id = c.id) AS paid_fen
       FROM exhibition_claim c JOIN enterprise e ON e.id = c.enterprise_id JOIN exhibition_fair f ON f.id = c.fair_id
       WHERE c.subsidy_year = @year AND ${originCondition('c.origin_office')} ORDER BY c.id`,
    )
    .all({ year, origin: originOffice ?? null }) as Array<{
      id: number; claim_no: string; claim_date: string; agent_used: number; status: ClaimStatus; calc_fen: number; approved_fen: number | null;
      uscc: string; enterprise_name: string; fair_name: string; fair_start: string; paid_fen: number;
    }>;
  const boothStmt = ctx.db.prepare('SELECT seq, booth_no, area_m2, kind FROM exhibition_booth WHERE claim_id = ?');
  const itemStmt = ctx.db.prepare('SELECT * FROM exhibition_item WHERE claim_id = ? ORDER BY seq');
  const rows = function* () {
    for (const c of claims) {
      const booths = new Map((boothStmt.all(c.id) as Array<{ seq: number; booth_no: string; area_m2: number; kind: string }>).map((b) => [b.seq, b]));
      const items = itemStmt.all(c.id) as Array<{
        item_type: ItemType; booth_seq: number | null; amount_fen: number; invoice_no: string; invoice_date: string; payment_method: PaymentMethod;
        voucher_no: string | null; volume_m3: number | null; weight_t: number | null; other_subsidy_fen: number;
      }>;
      for (const it of items) {
        const b = it.booth_seq ? booths.get(it.booth_seq) : undefined;
        yield [
          c.claim_no, c.uscc, c.enterprise_name, c.fair_name, c.fair_start, c.claim_date, c.agent_used ? '是' : '否', b?.booth_no ?? null,
          b ? String(b.area_m2) : null, b ? (b.kind === 'special' ? '特装' : '标准') : null, ITEM_TYPE_LABEL[it.item_type],
          fenToYuanText(it.amount_fen), it.invoice_no, it.invoice_date, PAYMENT_LABEL[it.payment_method].replace('银行', ''), it.voucher_no,
          it.volume_m3 === null ? null : String(it.volume_m3), it.weight_t === null ? null : String(it.weight_t),
          it.other_subsidy_fen ? fenToYuanText(it.other_subsidy_fen) : null, STATUS_LABEL[c.status], fenToYuanText(c.calc_fen),
          c.approved_fen === null ? null : fenToYuanText(c.approved_fen), fenToYuanText(c.paid_fen),
        ];
      }
    }
  };
  const bytes = await writeWorkbook(
    [{ name: '参展补贴申请', columns: CLAIM_COLUMNS.map((c) => ({ header: c.header, required: c.required, kind: 'text' as const, width: 18 })), rows: rows() }],
    { name: '填写说明', lines: NOTES },
  );
  const origin = originOffice ? `-${officeName(ctx.db, originOffice)}` : '';
  return { fileName: `参展补贴申请${origin}-${year}-${isoDate(ctx.clock.now())}.xlsx`, bytes, count: claims.length };
}
