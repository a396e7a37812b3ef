import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../helpers.js';
import { getEnterprise, listEnterprises } from '../../db/enterprises/service.js';
import { fixedClock } from '../../db/clock.js';
// Importing an enterprise list from Excel: every bad file and bad row gets a clear message and nothing is written.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testLedger, CLERK } from '../helpers.js';
import { importEnterprises, ENTERPRISE_COLUMNS } from '../../db/enterprises/excel.js';
import { importWorkerWaiting, keepImportWorkerWarm, stopImportWorker } from '../../db/enterprises/import-source.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import type { RowError } from '../../db/excel/read.js';
import type { Database } from 'better-sqlite3';

type CellIn = string | number | Date | null;
const HEADERS = ENTERPRISE_COLUMNS.map((c) => c.header);
const code = (n: number) => withCheckChar(`91140525MA0${String(n).padStart(6, '0')}`);

/** One row in template column order; tier columns optional. */
function row(n: number, over: Partial<Record<string, CellIn>> = {}): CellIn[] {
  const v: Record<string, CellIn> = {
    uscc: code(n), name: `泽州县第${n}铸造有限公司`, region_code: '140525', township: '巴公镇', address: '山西省晋城市泽州县巴公镇东村',
    industry_code: '3391', scale: '规上', legal_rep: '郭建国', contact_name: '郭建国', contact_phone: '13935612345',
    tier: null, tier_level: null, tier_doc_no: null, tier_valid_from: null, tier_valid_to: null, ...over,
  };
  return ENTERPRISE_COLUMNS.map((c) => v[c.key] ?? null);
}

async function xlsx(rows: CellIn[][], headers: string[] | null = HEADERS, opts: { sheets?: number } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  if (opts.sheets === 0) return Buffer.from(await wb.xlsx.writeBuffer());
  const ws = wb.addWorksheet('企业名录');
  if (headers) ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the import to be refused');
}

function setup() {
  const l = testLedger();
  const count = () => l.db.prepare('SELECT count(*) FROM enterprise').pluck().get() as number;
  const auditCount = () => l.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  const run = (bytes: Uint8Array, updateExisting = false, fileName = '企业名录.xlsx') =>
    importEnterprises(l.ctx(CLERK), { fileName, bytes, updateExisting });
  return { ...l, count, auditCount, run };
}

describe('enterprise import: files that are not usable workbooks', () => {
  it('refuses a .csv renamed to .xlsx and an old .xls, naming what they are', async () => {
    const { run, count } = setup();
    const csv = Buffer.from(`${HEADERS.join(',')}\n${row(1).join(',')}\n`, 'utf8');
    const e1 = await rejected(run(csv, false, '名录.xlsx'));
    expect(e1.code).toBe('NOT_XLSX');
    expect(e1.message).toBe('文件「名录.xlsx」不是 .xlsx 工作簿（请使用导入模板，CSV、WPS 的 .et 等需先另存为 .xlsx）');
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]);
    const e2 = await rejected(run(xls, false, '名录.xls'));
    expect(e2.code).toBe('NOT_XLSX');
    expect(e2.message).toContain('旧版 Excel 97-2003 (.xls) 格式');
    expect((await rejected(run(Buffer.alloc(0)))).code).toBe('FILE_EMPTY');
    // Zip magic but not a workbook inside.
    const zipJunk = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    expect((await rejected(run(zipJunk))).code).toBe('NOT_XLSX');
    expect(count()).toBe(0);
  });

  it('refuses a 50 MB file by its size before parsing it', async () => {
    const { run } = setup();
    const big = Buffer.alloc(50 * 1024 * 1024);
    big.set([0x50, 0x4b, 0x03, 0x04], 0);
    const t = Date.now();
    const e = await rejected(run(big, false, '大文件.xlsx'));
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.message).toContain('大小 50.0 MB，超过上限 20 MB');
    expect(Date.now() - t).toBeLessThan(2000); // refused without unzipping
  });

  it('refuses an empty workbook and a sheet with headers only', async () => {
    const { run } = setup();
    const empty = await rejected(run(await xlsx([], null)));
    expect(empty.code).toBe('EMPTY_WORKBOOK');
    expect(empty.message).toContain('工作表「企业名录」是空的');
    const noSheets = await rejected(run(await xlsx([], null, { sheets: 0 })));
    expect(noSheets.code).toBe('EMPTY_WORKBOOK');
    const headersOnly = await rejected(run(await xlsx([])));
    expect(headersOnly.code).toBe('EMPTY_WORKBOOK');
    expect(headersOnly.message).toContain('只有表头，没有数据行');
  });

  it('refuses wrong or missing headers, naming each missing column', async () => {
    const { run } = setup();
    const wrong = await rejected(run(await xlsx([['a', 'b']], ['名字', '代码'])));
    expect(wrong.code).toBe('BAD_HEADERS');
    expect(wrong.details).toEqual({ missing: ['统一社会信用代码', '企业名称', '注册地行政区划代码', '规模(规上/规下)'] });
    expect(wrong.message).toContain('实际为：名字、代码');

    const noScale = HEADERS.filter((h) => h !== '规模(规上/规下)');
    const missing = await rejected(run(await xlsx([row(1).filter((_, i) => HEADERS[i] !== '规模(规上/规下)')], noScale)));
    expect(missing.details).toEqual({ missing: ['规模(规上/规下)'] });

    // Headers written by hand with *, full-width brackets or an alias are still recognised.
    const loose = HEADERS.map((h) => h.replace('(', '（').replace(')', '）')).map((h, i) => (i === 0 ? '信用代码*' : h));
    const ok = await setup().run(await xlsx([row(1)], loose));
    expect(ok.created).toBe(1);
  });
});

describe('enterprise import: rows', () => {
  it('reports every bad row with its column and reason, and writes nothing', async () => {
    const { run, count, auditCount, db } = setup();
    const before = auditCount();
    const c5 = code(5);
    const wrongCheck = c5.slice(0, 17) + (c5[17] === '0' ? '1' : '0');
    const file = await xlsx([
      row(1), // Excel row 2: fine
      row(1, { name: '重复的' }), // 3: duplicate of row 2
      row(3, { region_code: '140599' }), // 4: unknown region
      row(4, { name: null }), // 5: missing name
      row(5, { uscc: wrongCheck }), // 6: bad check character
      row(6, { scale: null, industry_code: '9999' }), // 7: missing scale + unknown industry
      row(7, { region_code: '140521' }), // 8: another county
    ]);
    const e = await rejected(run(file));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.message).toMatch(/^导入未执行：6 行有错误（第 3 行「统一社会信用代码」：.* 与第 2 行重复 等），未导入任何数据/);
    const errors = (e.details as { errors: RowError[] }).errors;
    expect(errors.map((x) => [x.row, x.column])).toEqual([
      [3, '统一社会信用代码'],
      [4, '注册地行政区划代码'],
      [5, '企业名称'],
      [6, '统一社会信用代码'],
      [7, '规模(规上/规下)'],
      [8, '注册地行政区划代码'],
    ]);
    expect(errors[1]!.message).toBe('「140599」不存在于 GB/T 2260 代码表');
    expect(errors[2]!.message).toBe('必填');
    expect(errors[3]!.message).toBe(`统一社会信用代码校验位错误：第 18 位应为「${c5[17]}」，填写的是「${wrongCheck[17]}」`);
    expect(errors[5]!.message).toContain('不在本单位辖区内');
    expect(count()).toBe(0);
    expect(auditCount()).toBe(before);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('reports an unknown industry code on a row whose other fields parse', async () => {
    const { run } = setup();
    const e = await rejected(run(await xlsx([row(1, { industry_code: '9999' })])));
    expect((e.details as { errors: RowError[] }).errors).toEqual([
      { row: 2, column: '国民经济行业分类代码', message: '「9999」不存在于 GB/T 4754-2017' },
    ]);
  });

  it('refuses codes already in the registry, and normalises pasted codes first', async () => {
    const { run, count } = setup();
    await run(await xlsx([row(1), row(2)]));
    expect(count()).toBe(2);
    // Lower case, full-width and spaces: the same code as row 1.
    const pasted = code(1).toLowerCase().replace(/^9/, '９').replace(/(.{6})/, '$1 ');
    const e = await rejected(run(await xlsx([row(10), row(1, { uscc: pasted })])));
    expect((e.details as { errors: RowError[] }).errors).toEqual([
      { row: 3, column: '统一社会信用代码', message: `${code(1)} 已在企业库中登记（如需更新已有企业，请选择“更新已有”）` },
    ]);
    expect(count()).toBe(2);
  });

  it('converts Excel serial dates and date cells in the tier columns', async () => {
    const { run, db } = setup();
    const r = await run(await xlsx([
      row(1, { tier: '专精特新"小巨人"', tier_level: '国家', tier_doc_no: '工信厅企业函〔2024〕171号', tier_valid_from: 45292, tier_valid_to: 46387 }),
      row(2, { tier: '高新技术企业', tier_level: '国家级', tier_valid_from: new Date(Date.UTC(2023, 11, 12)), tier_valid_to: '2026/12/11' }),
      row(3, { tier: '专精特新中小企业', tier_level: '省', tier_valid_from: '2025年1月5日' }),
    ]));
    expect(r).toEqual({ sheet: '企业名录', total: 3, created: 3, updated: 0, unchanged: 0, tiersAdded: 3 });
    const tiers = db.prepare(`SELECT tier_code, level, doc_no, valid_from, valid_to FROM enterprise_tier ORDER BY id`).all();
    expect(tiers).toEqual([
      { tier_code: 'little_giant', level: 'national', doc_no: '工信厅企业函〔2024〕171号', valid_from: '2024-01-01', valid_to: '2026-12-31' },
      { tier_code: 'high_tech', level: 'national', doc_no: null, valid_from: '2023-12-12', valid_to: '2026-12-11' },
      { tier_code: 'zjtx_sme', level: 'provincial', doc_no: null, valid_from: '2025-01-05', valid_to: null },
    ]);
    // The one audit entry of the import shows in the history of every enterprise it created.
    const ids = db.prepare('SELECT id FROM enterprise ORDER BY id').pluck().all() as number[];
    for (const id of ids) {
      const h = getEnterprise({ db, clock: fixedClock('2026-03-01T00:00:00Z'), actor: ADMIN, dataDir: null }, id).history;
      expect(h.map((e) => e.action)).toContain('enterprise.import');
    }
  });

  it('refuses bad tier cells: unknown type, missing level, impossible dates', async () => {
    const { run, count } = setup();
    const e = await rejected(run(await xlsx([
      row(1, { tier: '五星企业', tier_level: '国家', tier_valid_from: '2024-01-01' }),
      row(2, { tier: '高新技术企业', tier_valid_from: '2024-01-01' }),
      row(3, { tier: '高新技术企业', tier_level: '国家', tier_valid_from: '2024-02-30' }),
      row(4, { tier: '高新技术企业', tier_level: '国家', tier_valid_from: '2024-05-01', tier_valid_to: '2024-01-01' }),
    ])));
    expect((e.details as { errors: RowError[] }).errors).toEqual([
      { row: 2, column: '梯度类型', message: '未知的梯度类型「五星企业」' },
      { row: 3, column: '梯度级别(国家/省/市/县)', message: '填写了梯度类型时必填' },
      { row: 4, column: '有效期起', message: '「2024-02-30」不是有效日期' },
      { row: 5, column: '有效期止', message: '有效期止 2024-01-01 早于有效期起 2024-05-01' },
    ]);
    expect(count()).toBe(0);
  });

  it('--update-existing updates changed rows, leaves unchanged ones, adds new ones, and audits each change', async () => {
    const { run, count, db } = setup();
    await run(await xlsx([row(1), row(2), row(3)]));
    const r = await run(
      await xlsx([
        row(1, { contact_phone: '13803561111' }),
        row(2),
        row(3, { township: '周村镇', scale: '规下' }),
        row(4),
      ]),
      true,
      '更新.xlsx',
    );
    expect(r).toEqual({ sheet: '企业名录', total: 4, created: 1, updated: 2, unchanged: 1, tiersAdded: 0 });
    expect(count()).toBe(4);
    const updates = db
      .prepare(`SELECT actor, entity_id, detail FROM audit_log WHERE action = 'enterprise.update' ORDER BY seq`)
      .all() as Array<{ actor: string; entity_id: string; detail: string }>;
    expect(updates.map((u) => ({ actor: u.actor, ...JSON.parse(u.detail) }))).toEqual([
      { actor: 'luru', changes: { contact_phone: { from: '13935612345', to: '13803561111' } }, via: '导入 更新.xlsx 第 2 行' },
      { actor: 'luru', changes: { township: { from: '巴公镇', to: '周村镇' }, scale: { from: 'above', to: 'below' } }, via: '导入 更新.xlsx 第 4 行' },
    ]);
    const last = db.prepare(`SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1`).get() as { action: string; detail: string };
    expect(last.action).toBe('enterprise.import');
    expect(JSON.parse(last.detail)).toMatchObject({ file: '更新.xlsx', rows: 4, created: 1, updated: 2, update_existing: true });
    const e = db.prepare('SELECT contact_phone, name_initials AS search_text FROM enterprise WHERE uscc = ?').get(code(1)) as { contact_phone: string; search_text: string };
    expect(e.contact_phone).toBe('13803561111');
    expect(e.search_text).toContain('zzxd1zzyxgs');
    expect(verifyAudit(db).ok).toBe(true);
  });
});

const BULK_TRIGGERS = ['enterprise_fts_insert', 'xv_ins_enterprise', 'xv_ins_enterprise_tier'];
const bulkTriggers = (db: Database) =>
  db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name IN ('enterprise_fts_insert', 'xv_ins_enterprise', 'xv_ins_enterprise_tier') ORDER BY name`).pluck().all();

describe('enterprise import: the search index of a bulk import', () => {
  it('indexes every row of a large import (built after the inserts) and keeps indexing rows created afterwards', async () => {
    const { run, count, db, ctx } = setup();
    await run(await xlsx([row(1)]));
    const names = ['高平市晋东铸造有限公司', '泽州县华鑫精密铸造有限公司', '阳城县康达阀业有限公司'];
    const rows = Array.from({ length: 4500 }, (_, i) => row(i + 2, { name: `${names[i % 3]}第${i + 2}分厂` }));
    const r = await run(await xlsx(rows));
    expect(r.created).toBe(4500);
    expect(count()).toBe(4501);
    const search = (q: string) => listEnterprises(ctx(ADMIN), { q, pageSize: 5 }).total;
    expect(search('精密铸造')).toBe(1500);
    expect(search('gpsjdzz')).toBe(1500);
    // Rows of the first, a middle and the last of the three batches of 2,000.
    expect(search('第1501分厂')).toBe(1);
    expect(search('第3999分厂')).toBe(1);
    expect(search('第4501分厂')).toBe(1);
    expect(search('第1分厂')).toBe(0);
    // Every row is in the index exactly once, and the per-row trigger is back.
    expect(db.prepare(`SELECT count(*) FROM enterprise_fts WHERE enterprise_fts MATCH 'ztactive'`).pluck().get()).toBe(4501);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.exec(`INSERT INTO enterprise_fts(enterprise_fts) VALUES ('integrity-check')`);
    expect(bulkTriggers(db)).toEqual(BULK_TRIGGERS);
    // The version triggers were set aside, not needed: every record carries its own exchange version.
    expect(db.prepare(`SELECT count(*) FROM enterprise WHERE row_version = 0 OR origin_office IS NULL`).pluck().get()).toBe(0);
    const versions = db.prepare(`SELECT count(DISTINCT row_version) FROM enterprise`).pluck().get();
    expect(versions).toBe(4501);
    await run(await xlsx([row(9000, { name: '陵川县新建耐材有限公司' })]));
    expect(search('新建耐材')).toBe(1);
    // A record written outside a bulk import gets its version from the trigger again.
    const top = db.prepare(`SELECT max(row_version) FROM enterprise WHERE id < (SELECT max(id) FROM enterprise)`).pluck().get() as number;
    db.prepare(`UPDATE enterprise SET row_version = 0 WHERE id = (SELECT max(id) FROM enterprise)`).run();
    db.exec(`INSERT INTO enterprise_tier(gid, enterprise_id, tier_code, level, valid_from, created_at, created_by)
      SELECT 'tier-after-bulk', max(id), 'innovative_sme', 'county', '2025-01-01', '2026-01-01T00:00:00Z', 'admin' FROM enterprise`);
    expect(db.prepare(`SELECT row_version FROM enterprise_tier WHERE gid = 'tier-after-bulk'`).pluck().get()).toBeGreaterThan(top);
  });

  it('leaves no rows, no index entries and the trigger in place when a large import fails while writing', async () => {
    const { run, count, db } = setup();
    // A trigger that refuses one row mid-write stands in for a disk or constraint failure after validation.
    db.exec(`CREATE TRIGGER refuse_row BEFORE INSERT ON enterprise WHEN NEW.name LIKE '%第1200分厂%' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const rows = Array.from({ length: 1500 }, (_, i) => row(i + 1, { name: `泽州县铸造第${i + 1}分厂` }));
    await expect(run(await xlsx(rows))).rejects.toThrow(/disk full/);
    expect(count()).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM enterprise_fts WHERE enterprise_fts MATCH 'ztactive'`).pluck().get()).toBe(0);
    expect(bulkTriggers(db)).toEqual(BULK_TRIGGERS);
  });
});

describe('enterprise import: rows checked on a worker thread', () => {
  async function withThreads<T>(env: Record<string, string | undefined>, f: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  it('reports bad rows from the worker, writes nothing, then imports the fixed file; small files stay in this thread', async () => {
    const { db, count, ctx } = setup();
    const kinds: string[] = [];
    const seen: Array<{ done: number; total: number | null; phase: string }> = [];
    const run = (bytes: Uint8Array) =>
      importEnterprises(ctx(CLERK), { fileName: '大名录.xlsx', bytes, onSource: (k) => kinds.push(k), onProgress: (done, total, phase) => seen.push({ done, total, phase }) });
    const good = Array.from({ length: 4100 }, (_, i) => row(i + 1));
    const bad = good.map((r, i) => (i === 3000 ? row(i + 1, { region_code: '999999' }) : i === 4050 ? row(1) : r));
    await withThreads({ LEDGER_IMPORT_THREADS: '1' }, async () => {
      const e = await rejected(run(await xlsx(bad)));
      expect(e.code).toBe('IMPORT_REJECTED');
      // Rows 3002 and 4052 in Excel's numbering (row 1 is the header); the batches before them were written and rolled back.
      expect((e.details as { errors: RowError[] }).errors).toEqual([
        { row: 3002, column: '注册地行政区划代码', message: '「999999」不存在于 GB/T 2260 代码表' },
        { row: 4052, column: '统一社会信用代码', message: `${code(1)} 与第 2 行重复` },
      ]);
      expect(count()).toBe(0);
      expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'enterprise_fts_insert'`).pluck().get()).toBe(1);
      seen.length = 0;
      const r = await run(await xlsx(good));
      expect(r).toEqual({ sheet: '企业名录', total: 4100, created: 4100, updated: 0, unchanged: 0, tiersAdded: 0 });
      // Batch by batch, with the row count estimated from how much of the sheet was read, then exact at the end.
      const batches = seen.filter((p) => p.phase === '校验并写入');
      const dones = batches.map((p) => p.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
      expect(dones.length).toBeGreaterThanOrEqual(41);
      expect(dones[dones.length - 1]).toBe(4100);
      expect(batches[0]!.total).toBeGreaterThan(2000);
      expect(batches[0]!.total).toBeLessThan(8200);
      expect(seen[seen.length - 1]).toEqual({ done: 4100, total: 4100, phase: '完成' });
      // A workbook whose headers are wrong fails inside the worker with the same message as in this thread.
      const wrong = await rejected(run(await xlsx(good, ['名称', ...HEADERS.slice(1)])));
      expect(wrong.code).toBe('BAD_HEADERS');
      expect(wrong.message).toContain('缺少必需的列：统一社会信用代码');
    });
    expect(kinds).toEqual(['worker', 'worker', 'worker']);
    expect(count()).toBe(4100);
    expect(listEnterprises(ctx(ADMIN), { q: '第4100铸造', pageSize: 5 }).total).toBe(1);
    await run(await xlsx([row(5000)]));
    expect(kinds[3]).toBe('thread');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('runs the worker as the Electron bundle builds it', async () => {
    const { build } = await import('esbuild');
    const out = join(mkdtempSync(join(tmpdir(), 'ledger-worker-')), 'enterprise-import-worker.cjs');
    await build({ entryPoints: ['db/enterprises/import-worker.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
    const { count, ctx } = setup();
    const kinds: string[] = [];
    const r = await withThreads({ LEDGER_IMPORT_THREADS: '1', LEDGER_IMPORT_WORKER: out }, async () =>
      importEnterprises(ctx(CLERK), { fileName: '名录.xlsx', bytes: await xlsx([row(1), row(2, { tier: '专精特新中小企业', tier_level: '省', tier_valid_from: '2025-01-01' })]), onSource: (k) => kinds.push(k) }),
    );
    expect(kinds).toEqual(['worker']);
    expect(r).toEqual({ sheet: '企业名录', total: 2, created: 2, updated: 0, unchanged: 0, tiersAdded: 1 });
    expect(count()).toBe(2);

    // Kept started ahead of imports, as the apps' host does: used once, started again after the import, not during it.
    await withThreads({ LEDGER_IMPORT_THREADS: '1', LEDGER_IMPORT_WORKER: out }, async () => {
      try {
        keepImportWorkerWarm();
        expect(await importWorkerWaiting()).toBe(true);
        const bad = await rejected(
          importEnterprises(ctx(CLERK), { fileName: '名录.xlsx', bytes: await xlsx([row(3), row(4, { region_code: '999999' })]), onSource: (k) => kinds.push(k) }),
        );
        expect((bad.details as { errors: RowError[] }).errors).toEqual([{ row: 3, column: '注册地行政区划代码', message: '「999999」不存在于 GB/T 2260 代码表' }]);
        expect(await importWorkerWaiting()).toBe(false);
        await new Promise((r) => setTimeout(r, 1500));
        expect(await importWorkerWaiting()).toBe(true);
        const r2 = await importEnterprises(ctx(CLERK), { fileName: '名录.xlsx', bytes: await xlsx([row(3), row(4)]), onSource: (k) => kinds.push(k) });
        expect(r2.created).toBe(2);
        expect(kinds).toEqual(['worker', 'worker', 'worker']);
      } finally {
        stopImportWorker();
      }
      expect(await importWorkerWaiting()).toBe(false);
    });
    expect(count()).toBe(4);
  });

  it('keeps no worker started when running from source (tsx would compile it at every start)', async () => {
    keepImportWorkerWarm();
    expect(await importWorkerWaiting()).toBe(false);
    stopImportWorker();
  });
});
