import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testLedger } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { writeWorkbook } from '../../db/excel/write.js';
import * as towns from '../../db/towns/service.js';
import * as ind from '../../db/towns/indicators.js';
import { exportIndicators, exportTowns, importIndicators } from '../../db/towns/excel.js';
import { seedDemoTowns } from '../../db/towns/seed.js';

const HEAD = ['专业镇名称', '县(市、区)代码', '年度', '企业总数(户)', '主导产业产值(万元)', '主导产业占比(%)', '市场占有率'];
const book = (rows: Array<Array<string | number | null>>) => writeWorkbook([{ name: '指标', columns: HEAD.map((header) => ({ header })), rows }]);

async function rejected(p: Promise<unknown>): Promise<AppError & { details: { errors: Array<{ row: number; column: string; message: string }> } }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e as never;
    throw e;
  }
  throw new Error('expected IMPORT_REJECTED');
}

function setup() {
  const l = testLedger();
  const t = towns.createTown(l.ctx(), { name: '泽州铸造', county_code: '140525', category: 'manufacturing', leading_industry: '铸造' });
  ind.saveIndicators(l.ctx(), { town_id: t.id, year: 2022, values: { output_wan: 700000, enterprises_total: 199 } });
  return { ...l, t };
}

describe('indicator import', () => {
  it('imports many rows at once, leaves blank cells as they were and audits each change', async () => {
    const { ctx, db, t } = setup();
    const bytes = await book([
      ['泽州铸造', '140525', 2023, 205, '750,000', 72.5, '30%以上'],
      ['泽州铸造', '140525', 2022, null, 700000, 71, null],
    ]);
    const r = await importIndicators(ctx(), { fileName: 'zb.xlsx', bytes });
    expect(r).toEqual({ sheet: '指标', total: 2, created: 1, updated: 1, unchanged: 0 });
    const table = ind.indicatorTable(ctx(), { town_id: t.id });
    expect(table.years.find((y) => y.year === 2022)!.cells).toMatchObject({ enterprises_total: { value: 199 }, leading_share: { value: 71 } });
    expect(table.years.find((y) => y.year === 2023)!.cells).toMatchObject({ output_wan: { value: 750000, yoy: 7.1 }, market_share: { value: '30%以上' } });
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action LIKE 'town.indicators_%'`).pluck().get()).toBe(2 + 1 + 1);
  });

  it('is all-or-nothing: each bad row is named with its column and reason, and nothing is written', async () => {
    const { ctx, db } = setup();
    const before = db.prepare('SELECT count(*) FROM town_year').pluck().get();
    const bytes = await book([
      ['泽州铸造', '140525', 2023, 205, 7_400_000_000, 72, null], // 元 where 万元 is expected
      ['泽州铸造', '140525', 2024, -3, 800000, 72, null],
      ['泽州铸造', '140525', 2025, 210, '八十亿', 72, null],
      ['泽州铸造', '140525', 2027, 210, 900000, 72, null],
      ['阳城陶瓷', '140522', 2024, 10, 100, 50, null],
      ['泽州铸造', '140525', 2024, 10, 100, 50, null],
      ['泽州铸造', '140525', 2021, 10, 100, 150, null],
    ]);
    const e = await rejected(importIndicators(ctx(), { fileName: 'bad.xlsx', bytes }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.message).toContain('未导入任何数据');
    const byRow = (row: number) => e.details.errors.filter((x) => x.row === row).map((x) => `${x.column}：${x.message}`);
    expect(byRow(2)).toEqual([expect.stringMatching(/^主导产业产值\(万元\)：.*疑似按“元”填报/)]);
    expect(byRow(3)).toEqual(['企业总数(户)：不能为负数（-3）']);
    expect(byRow(4)).toEqual(['主导产业产值(万元)：「八十亿」不是数字']);
    expect(byRow(5)).toEqual(['年度：2027 年尚未到来']);
    expect(byRow(6)).toEqual(['专业镇名称：「140522 阳城陶瓷」未登记为专业镇']);
    expect(byRow(7)).toEqual(['年度：与第 3 行重复（同一专业镇同一年度）']);
    expect(byRow(8)).toEqual(['主导产业占比(%)：占比应在 0–100 之间（150）']);
    expect(db.prepare('SELECT count(*) FROM town_year').pluck().get()).toBe(before);
  });

  it('checks the unit against last year in the same file, and refuses wrong headers and non-xlsx files', async () => {
    const { ctx } = setup();
    const e = await rejected(importIndicators(ctx(), {
      fileName: 'two.xlsx',
      bytes: await book([
        ['泽州铸造', '140525', 2023, 200, 760000, 70, null],
        ['泽州铸造', '140525', 2024, 200, 8_000_000_000, 70, null],
      ]),
    }));
    expect(e.details.errors).toEqual([expect.objectContaining({ row: 3, column: '主导产业产值(万元)' })]);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['名称', '年份']);
    const headers = await rejected(importIndicators(ctx(), { fileName: 'h.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) }));
    expect(headers.code).toBe('BAD_HEADERS');
    expect(headers.message).toContain('县(市、区)代码');
    expect((await rejected(importIndicators(ctx(), { fileName: 'a.csv', bytes: Buffer.from('a,b\n1,2') }))).code).toBe('NOT_XLSX');
  });

  it('an exported indicator table imports back unchanged; the town list exports with designations', async () => {
    const { ctx } = testLedger();
    seedDemoTowns(ctx());
    const out = await exportIndicators(ctx());
    expect(out.count).toBe(9);
    const back = await importIndicators(ctx(), { fileName: out.fileName, bytes: out.bytes });
    expect(back).toEqual({ sheet: '专业镇年度指标', total: 9, created: 0, updated: 0, unchanged: 9 });
    const list = await exportTowns(ctx());
    expect(list.count).toBe(4);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(list.bytes as never);
    const rows = wb.worksheets[0]!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    const zz = rows.find((r) => r[0] === '泽州铸造')!;
    expect(zz.slice(0, 8)).toEqual(['泽州铸造', '140525', '泽州县', '制造业', '铸造', '3391', '省级', '认定']);
    expect(zz[9]).toBe('第二批');
    expect(zz[11]).toBe('山西省人民政府');
  });

  it('the town list exports with every list filter: level, category, status, county and search, as the list shows them', async () => {
    const { ctx } = testLedger();
    seedDemoTowns(ctx());
    const names = async (f: Record<string, unknown>) => {
      const out = await exportTowns(ctx(), f);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(out.bytes as never);
      const got = wb.worksheets[0]!.getSheetValues().slice(2).map((r) => String((r as unknown[])[1])).sort();
      expect(out.count).toBe(got.length);
      // the file holds exactly what the list shows with the same filters
      expect(got).toEqual(towns.listTowns(ctx(), f).map((t) => t.name).sort());
      return got;
    };
    expect(await names({})).toHaveLength(4);
    expect(await names({ level: 'province' })).toEqual(['泽州铸造']);
    expect(await names({ level: 'county', category: 'manufacturing' })).toEqual(['泽州装备制造']);
    expect(await names({ category: 'agriculture' })).toEqual(['泽州山楂']);
    expect(await names({ status: 'cultivating' })).toEqual(['泽州手工制针']);
    expect(await names({ q: '铸造' })).toEqual(['泽州铸造']);
    expect(await names({ q: '山楂', region_code: '140525' })).toEqual(['泽州山楂']);
    expect(await names({ region_code: '140581' })).toEqual([]);
    expect(await names({ region_code: '140500', status: 'designated', level: 'county' })).toEqual(['泽州山楂', '泽州装备制造'].sort());
    const bad = await rejected(exportTowns(ctx(), { level: 'town' }));
    expect(bad.message).toBe('「级别」应为县级/市级/省级');
    expect((await rejected(exportTowns(ctx(), { status: 'lost' }))).message).toBe('「状态」未知的状态');
  });
});
