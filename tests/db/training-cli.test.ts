// The training commands as IT staff run them: import-roster, training-ledger and plan-settle on a demo ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { tempDir } from '../helpers.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';

const TSX = resolve('node_modules/.bin/tsx');
const tmp = tempDir('ledger-training-cli-');
const data = join(tmp.dir, 'ledger');
afterAll(() => tmp.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(TSX, ['db/cli.ts', '--data', data, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const json = args.includes('--json') ? (JSON.parse(r.stdout) as Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } }) : null;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

async function roster(rows: Array<[string, string]>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学员名册');
  ws.addRow(['姓名', '居民身份证号', '手机号', '劳动合同起', '劳动合同止(无固定期限留空)', '社保已核验(是/否)', '社保核验日期', '出勤次数', '出勤学时']);
  for (const [name, id] of rows) ws.addRow([name, id, '13900000000', '2020-01-01', null, '是', '2020-01-02', 0, 0]);
  const file = join(tmp.dir, `roster-${rows.length}-${rows[0]![1]}.xlsx`);
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

const year = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4);

describe('training command line', { timeout: 120_000 }, () => {
  beforeAll(() => {
    expect(cli('seed-demo', '--count', '20').code).toBe(0);
  });

  it('plan-settle prints the explained settlement, and --json gives the figures', () => {
    const human = cli('plan-settle', '--plan', '1');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/四级\/中级工 证书号 DEMO-\d{4}-HG-0001 5,000 元 \(规则 \d{4}-演示-学徒-中级\)/);
    expect(human.stdout).toContain('应得补贴合计');
    const j = cli('plan-settle', '--plan', '1', '--json');
    expect(j.json!.ok).toBe(true);
    const s = j.json!.settlement as { plan: { code: string }; lines: unknown[]; entitlement_fen: number };
    expect(s.plan.code).toMatch(/-学徒-0001$/);
    expect(s.lines).toHaveLength(8);
    expect(s.entitlement_fen).toBe(6 * 500_000 + 400_000);

    const bad = cli('plan-settle', '--plan', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--plan 应为正整数');
    const missing = cli('plan-settle', '--plan', '999', '--json');
    expect(missing.code).toBe(2);
    expect(missing.json!.error!.code).toBe('NOT_FOUND');
  });

  it('training-ledger writes the year’s 工作台账', async () => {
    const file = join(tmp.dir, '台账.xlsx');
    const r = cli('training-ledger', '--year', year, file, '--json');
    expect(r.code).toBe(0);
    expect(r.json!.count).toBeGreaterThanOrEqual(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(String(wb.worksheets[0]!.getRow(1).getCell(1).value)).toBe('计划编号');
    expect(wb.worksheets[0]!.rowCount).toBe((r.json!.count as number) + 1);
    expect(cli('training-ledger', '--year', '19', join(tmp.dir, 'x.xlsx')).code).toBe(2);
    expect(cli('training-ledger', '--year', year, join(tmp.dir, 'x.csv')).stderr).toContain('.xlsx');
  });

  it('import-roster is all-or-nothing: a bad ID number imports nothing and names the row; the fixed file imports', async () => {
    const good = [['冯国栋', syntheticIdNo('140525', '1990-05-06', 811)], ['董秀英', syntheticIdNo('140525', '1992-08-09', 812)]] as Array<[string, string]>;
    const broken = good.map(([n, id], i) => [n, i === 1 ? id.slice(0, 17) + (id[17] === '1' ? '2' : '1') : id] as [string, string]);
    const before = (cli('plan-settle', '--plan', '2', '--json').json!.settlement as { lines: unknown[] }).lines.length;
    const rej = cli('import-roster', '--plan', '2', await roster(broken));
    expect(rej.code).toBe(2);
    expect(rej.stderr).toContain('错误报告');
    expect(rej.stderr).toMatch(/\n3\t居民身份证号\t/);
    expect((cli('plan-settle', '--plan', '2', '--json').json!.settlement as { lines: unknown[] }).lines).toHaveLength(before);

    const ok = cli('import-roster', '--plan', '2', await roster(good), '--json');
    expect(ok.code).toBe(0);
    expect(ok.json!.imported).toBe(2);
    expect((cli('plan-settle', '--plan', '2', '--json').json!.settlement as { lines: unknown[] }).lines).toHaveLength(before + 2);
    expect(cli('import-roster', '--plan', '2', join(tmp.dir, 'none.xlsx')).code).toBe(2);
    expect(existsSync(join(tmp.dir, 'none.xlsx'))).toBe(false);
  });
});
