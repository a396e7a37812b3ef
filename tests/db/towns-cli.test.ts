// The 专业镇 commands of the command line, run in-process on a seeded demo ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { runCli } from '../../db/cli.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ledger-towns-cli-');
const data = join(tmp.dir, 'ledger');
const cli = (...args: string[]) => runCli(['--data', data, ...args]);

describe('专业镇 command line', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    expect((await cli('seed-demo', '--count', '20')).exitCode).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('town-evaluate prints every criterion, by rule-set code or id, and --json gives the same result', async () => {
    const text = await cli('town-evaluate', '--town', '2', '--year', '2024', '--rules', 'cn-cluster-2022');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('泽州装备制造 2024 年度评价');
    expect(text.stdout).toContain('近三年主导产业产值均 ≥ 40 亿元');
    expect(text.stdout).toMatch(/得分：[\d.]+\s+等级：/);

    const json = await cli('town-evaluate', '--town', '2', '--year', '2024', '--rules', '1', '--json');
    const out = JSON.parse(json.stdout) as { ok: boolean; score: number; criteria: Array<{ id: string; status: string }>; text?: string };
    expect(out.ok).toBe(true);
    expect(out.criteria.length).toBeGreaterThan(5);
    expect(out.text).toBeUndefined();
    expect(text.stdout).toContain(`得分：${out.score}`);
  });

  it('town-evaluate refuses an unknown rule set, a future year and a missing option with exit 2', async () => {
    const unknown = await cli('town-evaluate', '--town', '2', '--year', '2024', '--rules', 'no-such-rules');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('评价规则「no-such-rules」不存在');
    const future = await cli('town-evaluate', '--town', '2', '--year', '2099', '--rules', '1');
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toContain('尚未到来');
    const missing = await cli('town-evaluate', '--town', '2', '--rules', '1');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('缺少 --year');
  });

  it('export-towns writes the list; import-indicators is all-or-nothing', async () => {
    const file = join(tmp.dir, '专业镇.xlsx');
    const r = await cli('export-towns', file, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, count: 4 });
    expect(existsSync(file)).toBe(true);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets[0]!.rowCount).toBeGreaterThanOrEqual(5);
    // the list's filters, as options
    const county = await cli('export-towns', join(tmp.dir, '县级制造业.xlsx'), '--level', 'county', '--category', 'manufacturing', '--status', 'designated', '--json');
    expect(JSON.parse(county.stdout)).toMatchObject({ ok: true, count: 1 });
    const search = await cli('export-towns', join(tmp.dir, '山楂.xlsx'), '--search', '山楂', '--json');
    expect(JSON.parse(search.stdout)).toMatchObject({ ok: true, count: 1 });
    const wrong = await cli('export-towns', join(tmp.dir, 'x.xlsx'), '--level', 'town');
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toContain('「级别」应为县级/市级/省级');

    const sheet = async (rows: Array<Array<string | number>>) => {
      const out = new ExcelJS.Workbook();
      const ws = out.addWorksheet('年度指标');
      ws.addRow(['专业镇名称', '县(市、区)代码', '年度', '企业总数', '主导产业产值']);
      for (const r of rows) ws.addRow(r);
      const f = join(tmp.dir, `ind-${rows.length}.xlsx`);
      writeFileSync(f, Buffer.from(await out.xlsx.writeBuffer()));
      return f;
    };
    const bad = await cli('import-indicators', await sheet([['泽州山楂', '140525', 2023, 40, 9000], ['不存在的镇', '140525', 2023, 1, 1]]));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('错误报告');
    expect(bad.stderr).toContain('未登记为专业镇');
    const good = await cli('import-indicators', await sheet([['泽州山楂', '140525', 2023, 41]]), '--json');
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, total: 1, updated: 1 });
  });
});
