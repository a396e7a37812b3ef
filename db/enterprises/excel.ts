import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { cellDate, cellText, readSheet, type ColumnSpec, type RowError } from '../excel/read.js';
import { writeWorkbook } from '../excel/write.js';
import { pinyinKeys } from './pinyin.js';
import { checkEnterprise, loadLookups } from './rules.js';
import { enterpriseInput, listQuery, SCALE_LABEL, TIER_LEVEL_LABEL, type EnterpriseRow } from './schema.js';
import * as q from './queries.js';
import { diff } from './service.js';
import { reserveVersions } from '../exchange/versions.js';
import { CHUNK_ROWS, inTransaction, runPaced } from '../steps.js';

export const ENTERPRISE_COLUMNS: ColumnSpec[] = [
  { key: 'uscc', header: '统一社会信用代码', required: true, aliases: ['信用代码', '社会信用代码'] },
  { key: 'name', header: '企业名称', required: true, aliases: ['名称', '单位名称'] },
  { key: 'region_code', header: '注册地行政区划代码', required: true, aliases: ['行政区划代码', '区划代码'] },
  { key: 'township', header: '乡镇(街道)', aliases: ['乡镇', '乡镇街道'] },
  { key: 'address', header: '地址', aliases: ['注册地址', '经营地址'] },
  { key: 'industry_code', header: '国民经济行业分类代码', aliases: ['行业代码', '行业分类代码'] },
  { key: 'scale', header: '规模(规上/规下)', required: true, aliases: ['规模', '是否规上'] },
  { key: 'legal_rep', header: '法定代表人', aliases: ['法人代表', '法人'] },
  { key: 'contact_name', header: '联系人' },
  { key: 'contact_phone', header: '联系电话', aliases: ['电话', '手机'] },
  { key: 'tier', header: '梯度类型', aliases: ['企业梯度', '梯度'] },
  { key: 'tier_level', header: '梯度级别(国家/省/市/县)', aliases: ['梯度级别', '认定级别'] },
  { key: 'tier_doc_no', header: '认定文号', aliases: ['文号'] },
  { key: 'tier_valid_from', header: '有效期起', kind: 'date' },
  { key: 'tier_valid_to', header: '有效期止', kind: 'date' },
];
const HEADER_OF = Object.fromEntries(ENTERPRISE_COLUMNS.map((c) => [c.key, c.header]));
const COLUMN_OF_FIELD: Record<string, string> = { ...HEADER_OF };

const SCALE_IN: Record<string, 'above' | 'below'> = { 规上: 'above', 规模以上: 'above', 是: 'above', 规下: 'below', 规模以下: 'below', 否: 'below' };
const LEVEL_IN: Record<string, keyof typeof TIER_LEVEL_LABEL> = {
  国家: 'national', 国家级: 'national', 省: 'provincial', 省级: 'provincial', 市: 'city', 市级: 'city', 县: 'county', 县级: 'county',
};

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  updateExisting?: boolean;
  onProgress?: (done: number, total: number | null, phase: string) => void;
}

export interface ImportSummary {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  tiersAdded: number;
}

interface Prepared {
  row: number;
  uscc: string;
  data: z.output<typeof enterpriseInput>;
  overrideReason: string | null;
  tier: { tier_code: string; level: string; doc_no: string | null; valid_from: string; valid_to: string | null } | null;
}

/**
 * All-or-nothing: every row is checked first; one bad row means nothing is written and the report names each
 * bad row, column and reason. Then one transaction writes everything.
 */
export async function importEnterprises(ctx: Ctx, opts: ImportOptions): Promise<ImportSummary> {
  const progress = opts.onProgress ?? (() => {});
  progress(0, null, '读取工作簿');
  const rows = await readSheet(opts.bytes, opts.fileName, ENTERPRISE_COLUMNS, {
    onProgress: (n) => progress(n, null, '读取工作簿'),
    maxRows: 200_000,
  });
  progress(0, rows.length, '校验数据');
  const lk = loadLookups(ctx.db);
  const tierByName = new Map<string, string>();
  for (const t of ctx.db.prepare('SELECT code, name FROM tier_type').all() as Array<{ code: string; name: string }>) {
    tierByName.set(t.name, t.code);
    tierByName.set(t.name.replace(/["“”]/g, ''), t.code);
    tierByName.set(t.code, t.code);
  }
  const existing = new Map<string, number>();
  for (const r of ctx.db.prepare('SELECT uscc, id FROM enterprise').iterate() as IterableIterator<{ uscc: string; id: number }>) {
    existing.set(r.uscc, r.id);
  }
  const errors: RowError[] = [];
  const firstRowOf = new Map<string, number>();
  const prepared: Prepared[] = [];
  const today = isoDate(ctx.clock.now());

  for (const { row, values } of rows) {
    const err = (column: string, message: string) => errors.push({ row, column, message });
    const text = (k: string) => cellText(values[k] ?? null);
    const scaleText = text('scale');
    const raw = {
      uscc: text('uscc') ?? '',
      name: text('name') ?? '',
      region_code: text('region_code') ?? '',
      township: text('township'),
      address: text('address'),
      industry_code: text('industry_code'),
      scale: scaleText === null ? undefined : (SCALE_IN[scaleText] ?? scaleText),
      legal_rep: text('legal_rep'),
      contact_name: text('contact_name'),
      contact_phone: text('contact_phone'),
    };
    const parsed = enterpriseInput.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const key = String(i.path[0]);
        const message = key === 'scale' && scaleText === null ? '必填' : key === 'scale' ? `「${scaleText}」应为 规上 或 规下` : i.message;
        err(COLUMN_OF_FIELD[key] ?? key, message);
      }
      continue;
    }
    const checked = checkEnterprise(parsed.data, lk, ctx.actor);
    for (const i of checked.issues) err(COLUMN_OF_FIELD[i.field] ?? i.label, i.message);
    const uscc = checked.uscc;
    const first = firstRowOf.get(uscc);
    if (first !== undefined) {
      err(HEADER_OF.uscc!, `${uscc} 与第 ${first} 行重复`);
    } else {
      firstRowOf.set(uscc, row);
      if (existing.has(uscc) && !opts.updateExisting) {
        err(HEADER_OF.uscc!, `${uscc} 已在企业库中登记（如需更新已有企业，请选择“更新已有”）`);
      }
    }
    let tier: Prepared['tier'] = null;
    const tierText = text('tier');
    if (tierText) {
      const code = tierByName.get(tierText) ?? tierByName.get(tierText.replace(/["“”]/g, ''));
      if (!code) err(HEADER_OF.tier!, `未知的梯度类型「${tierText}」`);
      const lvText = text('tier_level');
      const level = lvText ? LEVEL_IN[lvText] : undefined;
      if (!lvText) err(HEADER_OF.tier_level!, '填写了梯度类型时必填');
      else if (!level) err(HEADER_OF.tier_level!, `「${lvText}」应为 国家、省、市 或 县`);
      const from = cellDate(values.tier_valid_from ?? null);
      const to = cellDate(values.tier_valid_to ?? null);
      if (from === null) err(HEADER_OF.tier_valid_from!, '填写了梯度类型时必填');
      else if (from === 'invalid') err(HEADER_OF.tier_valid_from!, `「${text('tier_valid_from')}」不是有效日期`);
      if (to === 'invalid') err(HEADER_OF.tier_valid_to!, `「${text('tier_valid_to')}」不是有效日期`);
      if (from && from !== 'invalid' && to && to !== 'invalid' && to < from) err(HEADER_OF.tier_valid_to!, `有效期止 ${to} 早于有效期起 ${from}`);
      if (from && from !== 'invalid' && from > today) err(HEADER_OF.tier_valid_from!, `有效期起 ${from} 晚于今天`);
      if (code && level && from && from !== 'invalid' && to !== 'invalid') {
        tier = { tier_code: code, level, doc_no: text('tier_doc_no'), valid_from: from, valid_to: to };
      }
    }
    prepared.push({ row, uscc, data: parsed.data, overrideReason: checked.overrideReason, tier });
    if (prepared.length % 5000 === 0) progress(prepared.length, rows.length, '校验数据');
  }

  if (errors.length) {
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    const f = errors[0]!;
    throw new AppError(
      'IMPORT_REJECTED',
      `导入未执行：${rowsWithErrors} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
      { errors, total: rows.length },
    );
  }

  progress(0, prepared.length, '写入台账');
  const fileHash = createHash('sha256').update(opts.bytes).digest('hex');
  const summary: ImportSummary = { total: prepared.length, created: 0, updated: 0, unchanged: 0, tiersAdded: 0 };
  const now = isoTimestamp(ctx.clock.now());
  const insert = q.insertVersionedStatement(ctx.db);
  const update = ctx.db.prepare(
    `UPDATE enterprise SET name = @name, name_initials = @name_initials, name_pinyin = @name_pinyin, search_text = @search_text,
      region_code = @region_code, township = @township, address = @address, industry_code = @industry_code, scale = @scale,
      legal_rep = @legal_rep, contact_name = @contact_name, contact_phone = @contact_phone, updated_at = @updated_at,
      updated_by = @updated_by WHERE id = @id`,
  );
  const tierExists = ctx.db.prepare(
    'SELECT 1 FROM enterprise_tier WHERE enterprise_id = ? AND tier_code = ? AND level = ? AND valid_from = ? AND revoked_at IS NULL',
  );
  const tierInsert = ctx.db.prepare(
    `INSERT INTO enterprise_tier(gid, enterprise_id, tier_code, level, granted_by, doc_no, valid_from, valid_to, created_at, created_by, row_version, origin_office)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = ctx.db.prepare('SELECT * FROM enterprise WHERE id = ?');
  const createdIds: number[] = [];

  // One transaction that pauses between chunks (db/steps.ts), so the host answers job:get with real progress.
  await runPaced(inTransaction(ctx.db, (function* () {
    let n = 0;
    // Enough versions for every new row and every tier that may be added (unused ones leave harmless gaps).
    const newRows = prepared.filter((p) => !existing.has(p.uscc)).length + prepared.filter((p) => p.tier).length;
    const versions = reserveVersions(ctx.db, newRows);
    let nextVersion = versions.first;
    for (const p of prepared) {
      const py = pinyinKeys(p.data.name);
      const base = {
        name: p.data.name, name_initials: py.initials, name_pinyin: py.full, region_code: p.data.region_code,
        township: p.data.township, address: p.data.address, industry_code: p.data.industry_code, scale: p.data.scale,
        legal_rep: p.data.legal_rep, contact_name: p.data.contact_name, contact_phone: p.data.contact_phone,
      };
      let id = existing.get(p.uscc);
      if (id === undefined) {
        const row = {
          ...base, gid: uuidv7(ctx.clock), uscc: p.uscc, uscc_override_reason: p.overrideReason, status: 'active' as const,
          status_reason: null, created_at: now, created_by: ctx.actor.username, updated_at: now, updated_by: ctx.actor.username,
        };
        id = Number(
          insert.run({ ...row, search_text: q.searchText(row), row_version: nextVersion++, origin_office: versions.origin }).lastInsertRowid,
        );
        createdIds.push(id);
        summary.created++;
      } else {
        const before = byId.get(id) as EnterpriseRow;
        const changes = diff(before, base as Partial<EnterpriseRow>, [
          'name', 'region_code', 'township', 'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone',
        ]);
        if (Object.keys(changes).length) {
          update.run({ ...base, search_text: q.searchText({ ...base, uscc: p.uscc, status: before.status }), updated_at: now, updated_by: ctx.actor.username, id });
          audit(ctx, 'enterprise.update', 'enterprise', id, { changes, via: `导入 ${opts.fileName} 第 ${p.row} 行` });
          summary.updated++;
        } else summary.unchanged++;
      }
      if (p.overrideReason) audit(ctx, 'enterprise.uscc_override', 'enterprise', id, { uscc: p.uscc, reason: p.overrideReason });
      // A row created just now has no tiers yet: only existing enterprises need the look-up.
      if (p.tier && (!existing.has(p.uscc) || !tierExists.get(id, p.tier.tier_code, p.tier.level, p.tier.valid_from))) {
        tierInsert.run(uuidv7(ctx.clock), id, p.tier.tier_code, p.tier.level, p.tier.doc_no, p.tier.valid_from, p.tier.valid_to,
          now, ctx.actor.username, nextVersion++, versions.origin);
        summary.tiersAdded++;
      }
      if (++n % CHUNK_ROWS === 0) {
        progress(n, prepared.length, '写入台账');
        yield;
      }
    }
    audit(ctx, 'enterprise.import', 'enterprise', null, {
      file: opts.fileName,
      sha256: fileHash,
      rows: prepared.length,
      created: summary.created,
      updated: summary.updated,
      tiers_added: summary.tiersAdded,
      first_id: createdIds[0] ?? null,
      last_id: createdIds[createdIds.length - 1] ?? null,
      update_existing: !!opts.updateExisting,
    });
  })()));
  progress(prepared.length, prepared.length, '完成');
  return summary;
}

const TEMPLATE_NOTES = [
  '企业名录导入说明（县域产业台账）',
  '1. 第一个工作表为数据表，第一行为表头，请勿修改表头文字；带 * 的列为必填。',
  '2. 统一社会信用代码：18 位，系统会自动去除空格、全角字符并转为大写，并核对第 18 位校验位。',
  '3. 注册地行政区划代码：6 位县级代码（GB/T 2260），例如 泽州县 140525。',
  '4. 国民经济行业分类代码：GB/T 4754-2017 的大类（2 位）、中类（3 位）或小类（4 位）代码，例如 3391 黑色金属铸造。',
  '5. 规模：填“规上”或“规下”。',
  '6. 梯度类型（可选）：创新型中小企业、专精特新中小企业、专精特新"小巨人"、制造业单项冠军、高新技术企业、科技型中小企业、领航型企业、链主企业、龙头企业；填写时需同时填写级别与有效期起。',
  '7. 日期可写作 2025-01-01、2025/1/1 或 Excel 日期格式。',
  '8. 导入为“全部或全不”：任何一行有错误则不导入任何数据，并给出逐行错误报告。',
  '9. 已登记的代码默认视为重复；如需用本文件更新已有企业，请在导入时选择“更新已有”。',
];

export async function enterpriseTemplate(ctx: Pick<Ctx, 'db'>): Promise<Buffer> {
  const tiers = ctx.db.prepare('SELECT name FROM tier_type ORDER BY sort').pluck().all() as string[];
  return writeWorkbook(
    [
      {
        name: '企业名录',
        columns: ENTERPRISE_COLUMNS.map((c) => ({ header: c.header, required: c.required, kind: c.kind === 'date' ? 'date' : 'text', width: 22 })),
        rows: [],
        lists: { 6: ['规上', '规下'], 10: tiers.map((t) => t.replace(/"/g, '')), 11: ['国家', '省', '市', '县'] },
      },
    ],
    { name: '填写说明', lines: TEMPLATE_NOTES },
  );
}

/** The current filtered list in the template's columns, so the file can be edited in Excel or WPS and imported back. */
export async function exportEnterprises(
  ctx: Ctx,
  rawQuery: unknown,
  onProgress: (done: number, total: number | null, phase: string) => void = () => {},
): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const f = listQuery.parse(rawQuery ?? {});
  const today = isoDate(ctx.clock.now());
  const total = q.listPage(ctx.db, { ...f, page: 1, pageSize: 1 }, today).total;
  onProgress(0, total, '导出企业名录');
  const latestTier = ctx.db.prepare(
    `SELECT tt.name, t.level, t.doc_no, t.valid_from, t.valid_to FROM enterprise_tier t JOIN tier_type tt ON tt.code = t.tier_code
     WHERE t.enterprise_id = ? AND t.revoked_at IS NULL ORDER BY t.valid_from DESC, t.id DESC LIMIT 1`,
  );
  let count = 0;
  const rows = function* () {
    for (const e of q.iterateFiltered(ctx.db, f, today)) {
      if (++count % 2000 === 0) onProgress(count, total, '导出企业名录');
      const t = latestTier.get(e.id) as
        | { name: string; level: keyof typeof TIER_LEVEL_LABEL; doc_no: string | null; valid_from: string; valid_to: string | null }
        | undefined;
      yield [
        e.uscc, e.name, e.region_code, e.township, e.address, e.industry_code, SCALE_LABEL[e.scale], e.legal_rep, e.contact_name,
        e.contact_phone, t ? t.name.replace(/"/g, '') : null, t ? TIER_LEVEL_LABEL[t.level].replace('级', '') : null, t?.doc_no ?? null,
        t?.valid_from ?? null, t?.valid_to ?? null,
      ];
    }
  };
  const bytes = await writeWorkbook([
    {
      name: '企业名录',
      columns: ENTERPRISE_COLUMNS.map((c) => ({ header: c.header, required: c.required, kind: 'text', width: 22 })),
      rows: rows(),
    },
  ]);
  return { fileName: `企业名录-${today}.xlsx`, bytes, count };
}
