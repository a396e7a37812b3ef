// The exhibition commands of the command line, as IT staff run them: claim-calc, export-claims, import-claims.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { tempDir } from '../helpers.js';

const TSX = resolve('node_modules/.bin/tsx');
const tmp = tempDir('ledger-cli-exh-');
afterAll(() => tmp.cleanup());

function cli(dataDir: string, ...args: string[]) {
  const r = spawnSync(TSX, ['db/cli.ts', '--data', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const json = args.includes('--json') ? (JSON.parse(r.stdout) as Record<string, any>) : {};
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

describe('exhibition commands', { timeout: 120_000 }, () => {
  const d = join(tmp.dir, 'demo');

  it('claim-calc prints the explained calculation, and JSON with --json', () => {
    expect(cli(d, 'seed-demo', '--count', '30').code).toBe(0);
    const human = cli(d, 'claim-calc', '--claim', '1');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/申请 \S+（规则：/);
    expect(human.stdout).toContain('补贴比例');
    expect(human.stdout).toMatch(/核定补贴 [\d,]+\.\d\d 元/);
    const j = cli(d, 'claim-calc', '--claim', '1', '--json');
    expect(j.code).toBe(0);
    expect(j.json.ok).toBe(true);
    expect(typeof j.json.calc.result_fen).toBe('number');
    expect(Array.isArray(j.json.calc.items)).toBe(true);
    expect(j.json.calc.lines.length).toBeGreaterThan(2);

    const bad = cli(d, 'claim-calc', '--claim', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--claim 应为申请 ID');
    const missing = cli(d, 'claim-calc', '--claim', '99999', '--json');
    expect(missing.code).toBe(2);
    expect(missing.json.error.code).toBe('NOT_FOUND');
  });

  it('export-claims writes the year, import-claims reads it back all-or-nothing', async () => {
    const file = join(tmp.dir, 'claims.xlsx');
    const year = String((cli(d, 'claim-calc', '--claim', '1', '--json').json.calc as { claim_no: string }).claim_no.match(/\d{4}/)![0]);
    const ex = cli(d, 'export-claims', '--year', year, file, '--json');
    expect(ex.code).toBe(0);
    expect(ex.json.count).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(true);
    expect(cli(d, 'export-claims', '--year', '19', file).stderr).toContain('--year 应为');

    // A file with one bad amount is refused whole, naming the row and column.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? '').replace(/\*$/, ''));
    const amountCol = header.indexOf('金额(元)');
    expect(amountCol).toBeGreaterThan(0);
    // Import only creates claims, and this rule table allows one live claim per enterprise and fair: the rows
    // of a rejected claim, under a fresh 申请编号, are what an enterprise may file again.
    const keyCol = header.indexOf('申请编号');
    const statusCol = header.indexOf('状态');
    const again = new ExcelJS.Workbook();
    const ws2 = again.addWorksheet(ws.name);
    ws2.addRow((ws.getRow(1).values as unknown[]).slice(1));
    ws.eachRow((row, n) => {
      if (n === 1 || String(row.getCell(statusCol).value) !== '驳回') return;
      const values = [...(row.values as unknown[])];
      values[keyCol] = `再报-${String(values[keyCol])}`;
      ws2.addRow(values.slice(1));
    });
    const againRows = ws2.rowCount - 1;
    expect(againRows).toBeGreaterThan(0);
    const goodFile = join(tmp.dir, 'good.xlsx');
    await again.xlsx.writeFile(goodFile);
    ws2.getRow(2).getCell(amountCol).value = '12.345';
    const badFile = join(tmp.dir, 'bad.xlsx');
    await again.xlsx.writeFile(badFile);
    const before = cli(d, 'export-claims', '--year', year, join(tmp.dir, 'before.xlsx'), '--json').json.count as number;
    const bad = cli(d, 'import-claims', badFile);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('导入未执行');
    expect(bad.stderr).toMatch(/2\t金额\(元\)\t/);
    expect(cli(d, 'export-claims', '--year', year, join(tmp.dir, 'after-bad.xlsx'), '--json').json.count).toBe(before);

    const ok = cli(d, 'import-claims', goodFile, '--json');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.json.items).toBe(againRows);
    expect(cli(d, 'export-claims', '--year', year, join(tmp.dir, 'after.xlsx'), '--json').json.count).toBe(before + (ok.json.claims as number));
  });
});
