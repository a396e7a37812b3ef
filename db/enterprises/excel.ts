import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { assertXlsx, type RowError } from '../excel/read.js';
import { writeWorkbook } from '../excel/write.js';
import { loadLookups } from './rules.js';
import { listQuery, SCALE_LABEL, TIER_LEVEL_LABEL, type EnterpriseRow } from './schema.js';
import { ENTERPRISE_COLUMNS, ENTERPRISE_SHEET } from './import-rows.js';
import { openRowSource, type RowSource } from './import-source.js';
import * as q from './queries.js';
import { diff } from './service.js';
import { reserveVersions } from '../ownership/versions.js';
import { CHUNK_ROWS, inTransaction, runPaced } from '../steps.js';

export { ENTERPRISE_COLUMNS };

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  updateExisting?: boolean;
  onProgress?: (done: number, total: number | null, phase: string) => void;
  /** Told whether the rows were checked on a worker thread (large files) or in this thread. */
  onSource?: (kind: RowSource['kind']) => void;
  /** Where the time went, told after a successful import (the bench prints it). */
  onStats?: (s: { workerBusyMs: number | null; writerWaitedMs: number }) => void;
}

export interface ImportSummary {
  /** The worksheet read. */
  sheet: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  tiersAdded: number;
}

/**
 * All-or-nothing: every row is checked; one bad row means nothing is written and the report names each bad row,
 * column and reason. Rows are checked on a worker thread and written here batch by batch inside one transaction
 * (import-source.ts), which is rolled back if any row turns out bad.
 */
export async function importEnterprises(ctx: Ctx, opts: ImportOptions): Promise<ImportSummary> {
  const progress = opts.onProgress ?? (() => {});
  progress(0, null, '读取工作簿');
  assertXlsx(opts.bytes, opts.fileName);
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
  const nowDate = ctx.clock.now();
  const source = await openRowSource({
    bytes: opts.bytes,
    fileName: opts.fileName,
    maxRows: 200_000,
    check: {
      lookups: loadLookups(ctx.db),
      tierByName,
      registered: new Set(existing.keys()),
      updateExisting: !!opts.updateExisting,
      today: isoDate(nowDate),
      nowMs: nowDate.getTime(),
      actor: ctx.actor,
    },
  });
  opts.onSource?.(source.kind);
  try {
    return await writeRows(ctx, opts, source, existing, progress);
  } finally {
    source.close();
  }
}

async function writeRows(
  ctx: Ctx,
  opts: ImportOptions,
  source: RowSource,
  existing: Map<string, number>,
  progress: (done: number, total: number | null, phase: string) => void,
): Promise<ImportSummary> {
  const fileHash = createHash('sha256').update(opts.bytes).digest('hex');
  const summary: ImportSummary = { sheet: '', total: 0, created: 0, updated: 0, unchanged: 0, tiersAdded: 0 };
  const now = isoTimestamp(ctx.clock.now());
  const insert = q.importInsertStatement(ctx.db);
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
  const actor = ctx.actor.username;
  let workerBusyMs: number | null = null;

  // One transaction that pauses between chunks (db/steps.ts), so the host answers job:get with real progress while
  // the worker reads ahead; the host keeps every other request off the connection meanwhile (an exclusive job).
  await runPaced(inTransaction(ctx.db, (function* () {
    let bulk: BulkLoad | null = null;
    let written = 0;
    for (;;) {
      const m = source.next();
      if (m.t === 'end') {
        if (m.errors.length) throw rejected(m.errors, m.total);
        summary.total = m.total;
        summary.sheet = m.sheet;
        workerBusyMs = m.busyMs ?? null;
        break;
      }
      // The row count is known at the end only: estimated meanwhile from how much of the sheet was read.
      const estimate = (n: number) => (m.share > 0 ? Math.max(n, Math.round(m.read / m.share)) : null);
      // A first batch this large is a bulk import: its search index is built batch by batch after the inserts.
      bulk ??= bulkLoad(ctx.db, m.rows.filter((r) => r.created).length);
      // Enough versions for every new row and tier of this batch (unused ones leave harmless gaps).
      const versions = reserveVersions(ctx.db, m.rows.reduce((n, r) => n + (r.created ? 1 : 0) + (r.tier ? 1 : 0), 0));
      let nextVersion = versions.first;
      for (const r of m.rows) {
        const d = r.data;
        let id = existing.get(r.uscc);
        if (r.created) {
          id = Number(
            insert.run(
              r.created.gid, r.uscc, r.overrideReason, d.name, r.initials, r.full, r.created.search_text, d.region_code, d.township,
              d.address, d.industry_code, d.scale, d.legal_rep, d.contact_name, d.contact_phone, now, actor, now, actor, nextVersion++,
              versions.origin,
            ).lastInsertRowid,
          );
          createdIds.push(id);
          summary.created++;
        } else {
          const base = {
            name: d.name, name_initials: r.initials, name_pinyin: r.full, region_code: d.region_code, township: d.township,
            address: d.address, industry_code: d.industry_code, scale: d.scale, legal_rep: d.legal_rep, contact_name: d.contact_name,
            contact_phone: d.contact_phone,
          };
          const before = byId.get(id) as EnterpriseRow;
          const changes = diff(before, base as Partial<EnterpriseRow>, [
            'name', 'region_code', 'township', 'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone',
          ]);
          if (Object.keys(changes).length) {
            update.run({ ...base, search_text: q.searchText({ ...base, uscc: r.uscc, status: before.status }), updated_at: now, updated_by: actor, id });
            audit(ctx, 'enterprise.update', 'enterprise', id!, { changes, via: `导入 ${opts.fileName} 第 ${r.row} 行` });
            summary.updated++;
          } else summary.unchanged++;
        }
        if (r.overrideReason) audit(ctx, 'enterprise.uscc_override', 'enterprise', id!, { uscc: r.uscc, reason: r.overrideReason });
        // A row created just now has no tiers yet: only existing enterprises need the look-up.
        const t = r.tier;
        if (t && (r.created || !tierExists.get(id, t.tier_code, t.level, t.valid_from))) {
          tierInsert.run(t.gid, id, t.tier_code, t.level, t.doc_no, t.valid_from, t.valid_to, now, actor, nextVersion++, versions.origin);
          summary.tiersAdded++;
        }
        if (++written % CHUNK_ROWS === 0) {
          progress(written, estimate(written), '校验并写入');
          yield;
        }
      }
      progress(written, estimate(written), '校验并写入');
      bulk.batchDone();
    }
    bulk?.finish();
    audit(ctx, 'enterprise.import', 'enterprise', null, {
      file: opts.fileName,
      sha256: fileHash,
      rows: summary.total,
      created: summary.created,
      updated: summary.updated,
      tiers_added: summary.tiersAdded,
      first_id: createdIds[0] ?? null,
      last_id: createdIds[createdIds.length - 1] ?? null,
      update_existing: !!opts.updateExisting,
    });
  })()));
  progress(summary.total, summary.total, '完成');
  opts.onStats?.({ workerBusyMs, writerWaitedMs: source.waitedMs });
  return summary;
}

function rejected(errors: RowError[], total: number): AppError {
  const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
  const f = errors[0]!;
  return new AppError(
    'IMPORT_REJECTED',
    `导入未执行：${rowsWithErrors} 行有错误（第 ${f.row} 行「${f.column}」：${f.message}${errors.length > 1 ? ' 等' : ''}），未导入任何数据。请按错误报告修改后重新导入。`,
    { errors, total },
  );
}

/**
 * A bulk import (1,000 new rows or more in its first batch) sets three per-row triggers aside inside its own
 * transaction and puts them back from their stored SQL before it commits:
 * - the search index's insert trigger: each batch's new rows are indexed in one statement after its inserts
 *   (while the worker thread reads ahead) instead of one trigger call per row (a third of the write phase);
 * - the exchange-version insert triggers of enterprise and enterprise_tier (migration 6): the import writes
 *   row_version itself (reserveVersions), so their WHEN clause is false for every row, yet SQLite still runs a
 *   trigger program per row to find that out (a fifth of the inserts' time).
 * A failed import rolls the DDL back with everything else, and no other writer can slip a row past the triggers
 * meanwhile (one connection, one transaction, an exclusive job). Small imports keep the triggers.
 */
interface BulkLoad {
  /** After each batch: index the batch's new rows for search (while the worker thread reads the next one). */
  batchDone(): void;
  finish(): void;
}

function bulkLoad(db: Database, newRows: number): BulkLoad {
  if (newRows < 1000) return { batchDone() {}, finish() {} };
  const stored = db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name IN (${BULK_TRIGGERS.map(() => '?').join(', ')})`);
  const triggers = stored.all(...BULK_TRIGGERS) as Array<{ name: string; sql: string }>;
  const indexed = triggers.some((t) => t.name === 'enterprise_fts_insert');
  const lastId = db.prepare('SELECT coalesce(max(id), 0) FROM enterprise').pluck();
  let after = lastId.get() as number;
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  const index = db.prepare('INSERT INTO enterprise_fts(rowid, search_text) SELECT id, search_text FROM enterprise WHERE id > ?');
  const batchDone = () => {
    if (!indexed) return;
    const last = lastId.get() as number;
    index.run(after);
    after = last;
  };
  return {
    batchDone,
    finish() {
      batchDone();
      for (const t of triggers) db.exec(t.sql);
    },
  };
}

const BULK_TRIGGERS = ['enterprise_fts_insert', 'xv_ins_enterprise', 'xv_ins_enterprise_tier'];

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
        name: ENTERPRISE_SHEET,
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
