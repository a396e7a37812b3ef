// Issue 13: imports under bad input. Numeric cells whose digits Excel changed, hidden sheets, zip bombs.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { bombWorkbook } from '../fixtures/xlsx-bomb.js';
import { testLedger, CLERK } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { readSheet, type RowError } from '../../db/excel/read.js';
import { INFLATE_LIMITS } from '../../db/excel/xlsx.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { checkIdNo, syntheticIdNo } from '../../db/idcard/idcard.js';
import { ENTERPRISE_COLUMNS, enterpriseTemplate, importEnterprises } from '../../db/enterprises/excel.js';
import { importRoster, ROSTER_COLUMNS, rosterTemplate } from '../../db/training/excel.js';
import { CLAIM_COLUMNS, claimTemplate, importClaims } from '../../db/exhibitions/excel.js';
import * as training from '../../db/training/service.js';

type CellIn = string | number | Date | null;

async function book(sheets: Array<{ name: string; rows: CellIn[][]; state?: 'visible' | 'hidden' | 'veryHidden' }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { state: s.state ?? 'visible' });
    for (const r of s.rows) ws.addRow(r);
  }
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
const errorsOf = (e: AppError) => (e.details as { errors: RowError[] }).errors;

const uscc = (n: number) => withCheckChar(`91140525MA0${String(n).padStart(6, '0')}`);
function enterpriseRow(n: number, over: Partial<Record<string, CellIn>> = {}): CellIn[] {
  const v: Record<string, CellIn> = { uscc: uscc(n), name: `泽州县第${n}铸造有限公司`, region_code: '140525', scale: '规上', ...over };
  return ENTERPRISE_COLUMNS.map((c) => v[c.key] ?? null);
}
const ENTERPRISE_HEAD = ENTERPRISE_COLUMNS.map((c) => c.header);

function trainingSetup() {
  const L = testLedger();
  const c = L.ctx();
  const ent = createEnterprise(c, { uscc: withCheckChar('91140525MA0T00001'), name: '泽州县金鼎铸造有限公司', region_code: '140525', scale: 'above' });
  const inst = training.createInstitution(c, { name: '泽州县职业技能培训学校', uscc: withCheckChar('52140525MA0T00003') });
  const rule = training.listRuleSets(c, { plan_type: 'apprentice' }).find((r) => r.code === '示例-福建-学徒')!;
  const plan = training.createPlan(c, {
    enterprise_id: ent.id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-01-01', occupation_name: '铸造工',
    target_level: 'L4', planned_count: 50, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id,
    declared_date: '2026-01-02', doc_no: '泽工信培申〔2026〕1号',
  });
  return { ...L, c, plan };
}
const ROSTER_HEAD = ['姓名', '身份证号', '手机号', '劳动合同起', '劳动合同止(无固定期限留空)', '社保已核验(是/否)', '社保核验日期', '出勤次数', '出勤学时'];
const trainee = (n: number, idNo: CellIn) => [`学员${n}`, idNo, '13900000000', '2026-01-01', '2027-12-31', '是', '2026-01-10', 10, 40];

describe('numeric cells whose digits Excel changed', () => {
  // 140525199001011032 typed into a numeric cell is kept as 140525199001011040, whose check digit still passes.
  const typed = '140525199001011032';
  const stored = 140525199001011032;

  it('the stored value is a valid ID number: nothing but the cell type tells it is wrong', () => {
    expect(String(stored)).toBe('140525199001011040');
    expect(checkIdNo(String(stored), '2026-03-01').ok).toBe(true);
    expect(String(stored)).not.toBe(typed);
  });

  it('training roster: the row is refused naming the cell and how to fix it; nothing is written', async () => {
    const { c, db, plan } = trainingSetup();
    const good = syntheticIdNo('140525', '1985-03-15', 901);
    const bytes = await book([{ name: '学员名册', rows: [ROSTER_HEAD, trainee(1, good), trainee(2, good.slice(0, 17) + '0'), trainee(3, stored)] }]);
    const e = await rejected(importRoster(c, plan.id, { fileName: '名册.xlsx', bytes }));
    expect(e.code).toBe('IMPORT_REJECTED');
    const cell = errorsOf(e).find((x) => x.row === 4)!;
    expect(cell.column).toBe('居民身份证号');
    expect(cell.message).toContain('单元格 B4');
    expect(cell.message).toContain('140525199001011040');
    expect(cell.message).toContain('请把该列设置为「文本」格式后重新输入');
    expect(db.prepare('SELECT count(*) FROM trainee').pluck().get()).toBe(0);
  });

  it('training roster: an ID number of 15 digits in a numeric cell is refused too (a code column)', async () => {
    const { c, plan } = trainingSetup();
    const bytes = await book([{ name: '学员名册', rows: [ROSTER_HEAD, trainee(1, 140525850315901)] }]);
    const e = await rejected(importRoster(c, plan.id, { fileName: '名册.xlsx', bytes }));
    expect(errorsOf(e)).toEqual([{ row: 2, column: '居民身份证号', message: expect.stringContaining('单元格 B2 是数字 140525850315901，代码不能按数字保存') }]);
  });

  it('enterprise list: a USCC in a numeric cell, and any other cell over 15 digits, are refused naming the cell', async () => {
    const L = testLedger();
    const bytes = await book([{
      name: '企业名录',
      rows: [ENTERPRISE_HEAD, enterpriseRow(1), enterpriseRow(2, { uscc: 911405251234567890 }), enterpriseRow(3, { contact_phone: 1234567890123456789 })],
    }]);
    for (const threads of ['0', '1']) {
      process.env.LEDGER_IMPORT_THREADS = threads;
      try {
        const e = await rejected(importEnterprises(L.ctx(CLERK), { fileName: '企业名录.xlsx', bytes }));
        expect(errorsOf(e)).toEqual([
          { row: 3, column: '统一社会信用代码', message: expect.stringMatching(/^单元格 A3 是数字 911405251234568000，超过 Excel 能保存的 15 位有效数字.*请把该列设置为「文本」格式后重新输入$/) },
          { row: 4, column: '联系电话', message: expect.stringContaining('单元格 J4 是数字') },
        ]);
        expect(e.message).toContain('第 3 行「统一社会信用代码」：单元格 A3');
      } finally {
        delete process.env.LEDGER_IMPORT_THREADS;
      }
    }
    expect(L.db.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(0);
  });

  it('enterprise list: region codes and phone numbers typed as numbers still import (they are exact)', async () => {
    const L = testLedger();
    const bytes = await book([{ name: '企业名录', rows: [ENTERPRISE_HEAD, enterpriseRow(1, { region_code: 140525, contact_phone: 13935612345 })] }]);
    const r = await importEnterprises(L.ctx(CLERK), { fileName: '企业名录.xlsx', bytes });
    expect(r.created).toBe(1);
  });

  it('exhibition claims: a USCC in a numeric cell is refused naming the cell', async () => {
    const L = testLedger();
    const head = CLAIM_COLUMNS.slice(0, 19).map((c) => c.header);
    const row: CellIn[] = ['K1', 911405251234567, null, '展会', null, '2026-02-20', '否', 'A01', '9', '标准', '展位费', '30000', 'F001', '2026-01-15', '转账', 'V1', null, null, null];
    const bytes = await book([{ name: '参展补贴申请', rows: [head, row] }]);
    const e = await rejected(importClaims(L.ctx(CLERK), { fileName: '申请.xlsx', bytes }));
    expect(errorsOf(e)).toEqual([{ row: 2, column: '统一社会信用代码', message: expect.stringContaining('单元格 B2 是数字 911405251234567，代码不能按数字保存') }]);
  });

  it('the templates format their code columns as text (numFmt @)', async () => {
    const L = testLedger();
    const cases: Array<[Buffer, string, string[]]> = [
      [await enterpriseTemplate(L.ctx()), '企业名录', ['统一社会信用代码', '注册地行政区划代码', '国民经济行业分类代码', '联系电话']],
      [await rosterTemplate(), '学员名册', [ROSTER_COLUMNS[1]!.header, '手机号']],
      [await claimTemplate(), '参展补贴申请', ['申请编号', '统一社会信用代码', '发票号', '凭证号']],
    ];
    for (const [bytes, sheet, columns] of cases) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
      const ws = wb.getWorksheet(sheet)!;
      const heads = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? '').replace(/\*$/, ''));
      for (const h of columns) {
        const i = heads.indexOf(h);
        expect(i, `${sheet}「${h}」`).toBeGreaterThan(0);
        expect(ws.getColumn(i).numFmt, `${sheet}「${h}」`).toBe('@');
      }
    }
  });
});

describe('the sheet a person sees', () => {
  const names = (db: import('better-sqlite3').Database) => db.prepare('SELECT name FROM enterprise ORDER BY id').pluck().all();

  it('a hidden first sheet is passed over: the visible one is imported, and the result names it', async () => {
    for (const state of ['hidden', 'veryHidden'] as const) {
      for (const threads of ['0', '1']) {
        process.env.LEDGER_IMPORT_THREADS = threads;
        try {
          const L = testLedger();
          const bytes = await book([
            { name: '旧数据', state, rows: [ENTERPRISE_HEAD, enterpriseRow(1, { name: '隐藏表里的企业' })] },
            { name: 'Sheet2', rows: [ENTERPRISE_HEAD, enterpriseRow(2, { name: '看得见的企业' })] },
          ]);
          const r = await importEnterprises(L.ctx(CLERK), { fileName: '企业名录.xlsx', bytes });
          expect(r).toMatchObject({ sheet: 'Sheet2', created: 1 });
          expect(names(L.db)).toEqual(['看得见的企业']);
        } finally {
          delete process.env.LEDGER_IMPORT_THREADS;
        }
      }
    }
  });

  it('the template sheet is read by name when visible, wherever its tab is; hidden, it is passed over', async () => {
    const L = testLedger();
    const notes = { name: '说明', rows: [['请在「企业名录」表中填写']] };
    const r = await importEnterprises(L.ctx(CLERK), {
      fileName: 'a.xlsx', bytes: await book([notes, { name: '企业名录', rows: [ENTERPRISE_HEAD, enterpriseRow(1)] }]),
    });
    expect(r.sheet).toBe('企业名录');
    const e = await rejected(importEnterprises(L.ctx(CLERK), {
      fileName: 'b.xlsx', bytes: await book([notes, { name: '企业名录', state: 'hidden', rows: [ENTERPRISE_HEAD, enterpriseRow(2)] }]),
    }));
    // The visible sheet is the notes: its first row is no header row.
    expect(e.code).toBe('BAD_HEADERS');
    expect(names(L.db)).toHaveLength(1);
  });

  it('a workbook whose sheets are all hidden is refused, naming them', async () => {
    const L = testLedger();
    const bytes = await book([{ name: '企业名录', state: 'hidden', rows: [ENTERPRISE_HEAD, enterpriseRow(1)] }]);
    const e = await rejected(importEnterprises(L.ctx(CLERK), { fileName: '企业名录.xlsx', bytes }));
    expect([e.code, e.message]).toEqual(['EMPTY_WORKBOOK', '工作簿「企业名录.xlsx」的工作表（「企业名录」）都已隐藏；请在 Excel 或 WPS 中取消隐藏要导入的工作表后重新导入']);
  });

  it('training roster and exhibition claims read the visible sheet too', async () => {
    const { c, db, plan } = trainingSetup();
    const a = syntheticIdNo('140525', '1985-03-15', 901);
    const b = syntheticIdNo('140525', '1986-03-15', 902);
    const roster = await importRoster(c, plan.id, {
      fileName: '名册.xlsx',
      bytes: await book([{ name: '上次', state: 'hidden', rows: [ROSTER_HEAD, trainee(1, a)] }, { name: '学员名册', rows: [ROSTER_HEAD, trainee(2, b)] }]),
    });
    expect(roster).toMatchObject({ sheet: '学员名册', imported: 1 });
    expect(db.prepare('SELECT name FROM trainee').pluck().all()).toEqual(['学员2']);

    const head = CLAIM_COLUMNS.slice(0, 19).map((x) => x.header);
    const claims = await rejected(importClaims(c, {
      fileName: '申请.xlsx',
      bytes: await book([{ name: '隐藏', state: 'hidden', rows: [['无关']] }, { name: '参展补贴申请', rows: [head] }]),
    }));
    expect(claims.message).toBe('工作簿「申请.xlsx」的工作表「参展补贴申请」只有表头，没有数据行');
  });
});

// ------------------------------------------------------------------ compression bombs

/**
 * A real enterprise workbook (exceljs) with one part swapped for a bomb of about `mb` MB. `honest`: the directory
 * states the part's real inflated size (what zip tools write); otherwise it states the original part's size.
 */
async function bombBook(part: 'sharedStrings' | 'sheet', mb: number, honest: boolean): Promise<Buffer> {
  return bombWorkbook(await book([{ name: '企业名录', rows: [ENTERPRISE_HEAD, enterpriseRow(1), enterpriseRow(2)] }]), part, mb, honest);
}

describe('compression bombs', () => {
  it('the hand-made zip reads like the original when nothing is swapped (the test tools are sound)', async () => {
    const bytes = await bombBook('sharedStrings', 0, true);
    const L = testLedger();
    expect((await importEnterprises(L.ctx(CLERK), { fileName: 'ok.xlsx', bytes })).created).toBe(2);
  });

  for (const honest of [true, false]) {
    it(`a 500 MB shared-strings part (${honest ? 'stated in the directory' : 'hidden behind a small stated size'}) is refused early, writing nothing`, async () => {
      const bytes = await bombBook('sharedStrings', 500, honest);
      expect(bytes.length).toBeLessThan(2 * 1048576);
      const L = testLedger();
      for (const threads of ['0', '1']) {
        process.env.LEDGER_IMPORT_THREADS = threads;
        const rss0 = process.memoryUsage().rss;
        const t0 = performance.now();
        try {
          const e = await rejected(importEnterprises(L.ctx(CLERK), { fileName: '炸弹.xlsx', bytes }));
          expect(e.code).toBe('XLSX_INFLATE_LIMIT');
          // Cut off by whichever bound comes first: 64 MB for a part inflated whole, or 100 times its compressed size.
          expect(e.message).toMatch(/^工作簿「炸弹\.xlsx」中的「xl\/sharedStrings\.xml」解压后超过( 64 MB 的上限|压缩大小（.* MB）的 100 倍（\d+ MB），正常的工作簿不会如此)；文件可能是恶意构造的“压缩炸弹”或已损坏，未导入任何数据/);
        } finally {
          delete process.env.LEDGER_IMPORT_THREADS;
        }
        expect(performance.now() - t0).toBeLessThan(5000);
        expect(process.memoryUsage().rss - rss0).toBeLessThan(512 * 1048576);
      }
      expect(L.db.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(0);
    });
  }

  it('a worksheet that inflates past the limit is refused while it streams (training roster, exhibition claims too)', async () => {
    const bytes = await bombBook('sheet', 500, false);
    const L = testLedger();
    const t0 = performance.now();
    const e = await rejected(importEnterprises(L.ctx(CLERK), { fileName: '炸弹.xlsx', bytes }));
    expect([e.code, (e.details as { part: string }).part]).toEqual(['XLSX_INFLATE_LIMIT', 'xl/worksheets/sheet1.xml']);
    expect(e.message).toMatch(/解压后超过压缩大小（0\.\d MB）的 100 倍（\d+ MB），正常的工作簿不会如此/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const { c, plan } = trainingSetup();
    expect((await rejected(importRoster(c, plan.id, { fileName: '炸弹.xlsx', bytes: await bombBook('sharedStrings', 500, false) }))).code).toBe('XLSX_INFLATE_LIMIT');
    expect((await rejected(importClaims(c, { fileName: '炸弹.xlsx', bytes: await bombBook('sharedStrings', 500, true) }))).code).toBe('XLSX_INFLATE_LIMIT');
  });

  it('the absolute bound of a part inflated whole: shared strings stop at 64 MB whatever their ratio', async () => {
    const bytes = await bombBook('sharedStrings', 500, false);
    const rss0 = process.memoryUsage().rss;
    const e = await rejected(readSheet(bytes, '炸弹.xlsx', ENTERPRISE_COLUMNS, { limits: { ...INFLATE_LIMITS, maxRatio: 100_000 } }));
    expect(e.message).toContain('中的「xl/sharedStrings.xml」解压后超过 64 MB 的上限');
    expect(process.memoryUsage().rss - rss0).toBeLessThan(512 * 1048576);
  });

  it('the absolute bound: with the limits made small, an ordinary sheet over them is refused, under them read', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => enterpriseRow(i + 1));
    const bytes = await book([{ name: '企业名录', rows: [ENTERPRISE_HEAD, ...rows] }]);
    const small = { maxBytes: 64 * 1024, maxWholeBytes: 64 * 1024, maxRatio: 1000, floor: 0 };
    const e = await rejected(readSheet(bytes, '名录.xlsx', ENTERPRISE_COLUMNS, { limits: small }));
    expect(e.code).toBe('XLSX_INFLATE_LIMIT');
    expect(e.message).toContain('解压后超过 0.1 MB 的上限');
    const ok = await readSheet(bytes, '名录.xlsx', ENTERPRISE_COLUMNS, { limits: { ...small, maxBytes: 64 * 1048576, maxWholeBytes: 64 * 1048576 } });
    expect(ok.rows).toHaveLength(3000);
  });
});
