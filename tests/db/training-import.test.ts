import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testLedger, CLERK, REVIEWER } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';
import * as svc from '../../db/training/service.js';
import { exportRoster, importRoster, rosterTemplate, trainingLedger, apprenticeProgressExcel } from '../../db/training/excel.js';

const HEAD = ['姓名', '居民身份证号', '手机号', '劳动合同起', '劳动合同止(无固定期限留空)', '社保已核验(是/否)', '社保核验日期', '出勤次数', '出勤学时'];
const id = (n: number) => syntheticIdNo('140525', `19${80 + (n % 20)}-03-15`, 900 + n);

async function xlsx(rows: unknown[][], head = HEAD): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学员名册');
  ws.addRow(head);
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

function setup() {
  const L = testLedger();
  const c = L.ctx();
  const ent = createEnterprise(c, { uscc: withCheckChar('91140525MA0T00001'), name: '泽州县金鼎铸造有限公司', region_code: '140525', scale: 'above' });
  const inst = svc.createInstitution(c, { name: '泽州县职业技能培训学校', uscc: withCheckChar('52140525MA0T00003') });
  const rule = svc.listRuleSets(c, { plan_type: 'apprentice' }).find((r) => r.code === '示例-福建-学徒')!;
  const plan = svc.createPlan(c, {
    enterprise_id: ent.id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-01-01', occupation_name: '铸造工',
    target_level: 'L4', planned_count: 50, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id,
    declared_date: '2026-01-02', doc_no: '泽工信培申〔2026〕1号',
  });
  return { ...L, c, plan };
}

const row = (n: number, over: Record<number, unknown> = {}) => {
  const r: unknown[] = [`学员${n}`, id(n), '13900000000', '2026-01-01', '2027-12-31', '是', '2026-01-10', 10, 40];
  for (const [k, v] of Object.entries(over)) r[Number(k)] = v;
  return r;
};

describe('roster import', () => {
  it('imports nothing when one row has a bad ID number, naming the row and expected check character; then the fixed file', async () => {
    const { c, plan } = setup();
    const good = id(2);
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const e = await rejected(importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([row(1), row(2, { 1: bad }), row(3)]) }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.message).toContain('第 3 行「居民身份证号」');
    expect(e.message).toContain(`应为「${good[17]}」`);
    expect(svc.listTrainees(c, { plan_id: plan.id })).toHaveLength(0);
    const r = await importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([row(1), row(2), row(3)]) });
    expect(r).toMatchObject({ imported: 3, plan_code: plan.code });
    expect(c.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'training.roster.import'`).pluck().get()).toBe(1);
  });

  it('normalises spaces and a lower-case x, and refuses duplicates in the file and in the roster', async () => {
    const { c, plan } = setup();
    let n = 1;
    while (!id(n).endsWith('X')) n++;
    const spaced = ` ${id(n).slice(0, 6)} ${id(n).slice(6, 14)} ${id(n).slice(14).toLowerCase()} `;
    const r = await importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([row(n, { 1: spaced })]) });
    expect(r.imported).toBe(1);
    expect(svc.listTrainees(c, { plan_id: plan.id })[0]!.id_no).toBe(id(n));
    const e = await rejected(importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([row(100), row(101, { 1: id(100) }), row(n)]) }));
    const errors = (e.details as { errors: Array<{ row: number; column: string; message: string }> }).errors;
    expect(errors).toEqual([
      { row: 3, column: '居民身份证号', message: expect.stringContaining('与第 2 行是同一人') },
      { row: 4, column: '居民身份证号', message: expect.stringContaining('已在本计划名册中') },
    ]);
  });

  it('reports short contracts, bad dates, negative attendance and missing columns row by row', async () => {
    const { c, plan } = setup();
    const e = await rejected(importRoster(c, plan.id, {
      fileName: 'r.xlsx',
      bytes: await xlsx([row(1, { 4: '2026-06-30' }), row(2, { 3: '2026-02-30' }), row(3, { 7: -1 }), row(4, { 5: '也许' }), row(5, { 0: '' })]),
    }));
    const errors = (e.details as { errors: Array<{ row: number; column: string; message: string }> }).errors;
    expect(errors.map((x) => [x.row, x.column])).toEqual([
      [2, '劳动合同止(无固定期限留空)'], [3, '劳动合同起'], [4, '出勤次数'], [5, '社保已核验(是/否)'], [6, '姓名'],
    ]);
    expect(errors[0]!.message).toContain('至少 1 年');
    const missing = await rejected(importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([['张三']], ['姓名']) }));
    expect(missing.code).toBe('BAD_HEADERS');
    expect(missing.message).toContain('居民身份证号');
    expect(svc.listTrainees(c, { plan_id: plan.id })).toHaveLength(0);
  });

  it('refuses a roster larger than the plan', async () => {
    const { c, plan } = setup();
    const e = await rejected(importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx(Array.from({ length: 51 }, (_, i) => row(i))) }));
    expect(e.message).toContain('超过计划人数 50 人');
  });

  it('reads back its own template, exports masked for a 录入员, and writes the 工作台账 and progress report', async () => {
    const { c, ctx, plan } = setup();
    const tpl = new ExcelJS.Workbook();
    await tpl.xlsx.load((await rosterTemplate()) as unknown as ArrayBuffer);
    expect(tpl.worksheets[0]!.getRow(1).values).toContain('居民身份证号*');
    await importRoster(c, plan.id, { fileName: 'r.xlsx', bytes: await xlsx([row(1), row(2)]) });
    const read = async (b: Buffer) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(b as unknown as ArrayBuffer);
      return wb.worksheets[0]!;
    };
    const masked = await read((await exportRoster(ctx(CLERK), plan.id)).bytes);
    expect(String(masked.getRow(2).getCell(2).value)).toBe(`1405**********${id(1).slice(-4)}`);
    const full = await read((await exportRoster(ctx(REVIEWER), plan.id)).bytes);
    expect(String(full.getRow(2).getCell(2).value)).toBe(id(1));
    const ledger = await trainingLedger(c, 2026);
    expect(ledger.count).toBe(1);
    const ws = await read(ledger.bytes);
    expect(ws.getRow(2).getCell(1).value).toBe(plan.code);
    expect(ws.getRow(2).getCell(13).value).toBe(2);
    const prog = await read((await apprenticeProgressExcel(c, { year: 2026 })).bytes);
    expect(prog.getRow(3).getCell(1).value).toBe('合计');
  });
});
