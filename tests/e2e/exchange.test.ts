// Exchange by files (issue 7) in the real UI, two ledgers side by side: the county (demo ledger) runs 审核公式,
// explains each failure and exports its 年报; a city set up through the first-run form checks the signer's
// fingerprint and pins it, dry-runs and sees the diff, applies, sees 报送情况 and returns the report with a
// comment; the county loads the return (pinning the city's key) and sees 已退回 with the comment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadDemoLedger, saveDownload, setupOffice, shot, sideBySide, startApp, verifyPackage, type App } from './harness.js';

const PERIOD = String(new Date().getFullYear() - 1);
const files = mkdtempSync(join(tmpdir(), 'ledger-cxpkg-e2e-'));

describe('exchange: county report → city dry run, apply, 报送情况, 退回 → county', () => {
  let county: App;
  let city: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const problems: string[] = [];
  let countyFp = '';
  let reportFile = '';
  let returnFile = '';

  beforeAll(async () => {
    ({ apps: [county, city], pages: [a, b], browser } = await sideBySide([{}, {}], problems));
  });
  afterAll(async () => {
    await browser?.close();
    await county?.stop();
    await city?.stop();
  });

  const download = (page: Page, click: () => Promise<void>, name: string) => saveDownload(page, click, join(files, name));
  const loadPackage = async (page: Page, file: string) => {
    await verifyPackage(page, file);
    await page.getByTestId('verify-card').waitFor();
  };

  it('county: loads the demo ledger and shows its key', async () => {
    await loadDemoLedger(a, county);
    await a.goto(`${county.url}#/exchange/keys`);
    await a.getByRole('heading', { name: '本单位密钥' }).waitFor();
    countyFp = (await a.getByTestId('fingerprint').first().innerText()).trim();
    expect(countyFp).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    await shot(a, 'exchange-01-county-key');
  });

  it('county: 审核公式 fail, each is explained, the 年报 is exported', async () => {
    await a.goto(`${county.url}#/exchange/export`);
    await a.getByRole('heading', { name: '上报/导出' }).waitFor();
    await expect(a.getByLabel('接收单位代码').inputValue()).resolves.toBe('140500');
    await a.getByRole('button', { name: '运行审核公式' }).click();
    const list = a.getByTestId('check-list');
    await list.waitFor();
    const boxes = list.locator('textarea');
    const n = await boxes.count();
    expect(n).toBeGreaterThan(0);
    expect(await a.getByRole('button', { name: '导出并保存交换包' }).isDisabled()).toBe(true);
    await shot(a, 'exchange-02-county-checks-failing');
    for (let i = 0; i < n; i++) await boxes.nth(i).fill(`该镇${PERIOD}年度指标待统计部门核定，核定后补报（第${i + 1}项）`);
    await shot(a, 'exchange-03-county-checks-explained');
    const r = await download(a, () => a.getByRole('button', { name: '导出并保存交换包' }).click(), 'report.cxpkg');
    reportFile = r.file;
    expect(r.suggested).toBe(`泽州县140525-上报-${PERIOD}-至140500-第1号.cxpkg`);
    await a.getByTestId('export-done').waitFor();
    await a.getByTestId('checks-card').getByText('已上报').waitFor();
    await shot(a, 'exchange-04-county-exported');
  });

  it('city: first-run setup as 市级 140500', async () => {
    await setupOffice(b, city, { level: '市级', region: '140500', office: '晋城市工业和信息化局', user: 'zhaoming', name: '赵明', password: 'Jincheng2026' });
  });

  it('city: verifies, confirms the fingerprint, dry-runs, sees the diff and applies', async () => {
    await b.goto(`${city.url}#/exchange/import`);
    await b.getByRole('heading', { name: '装入数据包' }).waitFor();
    await loadPackage(b, reportFile);
    const pin = b.getByTestId('pin-alert');
    await pin.waitFor();
    await expect(pin.innerText()).resolves.toContain(countyFp);
    expect(await b.getByRole('button', { name: '试导入（不写入）' }).isDisabled()).toBe(true);
    await shot(b, 'exchange-05-city-verify-pin');
    await pin.getByText('已与对方核对，指纹一致，信任此密钥').click();
    await b.getByRole('button', { name: '试导入（不写入）' }).click();
    const diff = b.getByTestId('diff-card');
    await diff.waitFor();
    const table = await b.getByTestId('diff-table').innerText();
    expect(table).toMatch(/企业/);
    await expect(b.getByTestId('explanations').innerText()).resolves.toContain('待统计部门核定');
    await b.getByTestId('diff-table').locator('.ant-table-row-expand-icon').first().click();
    await shot(b, 'exchange-06-city-dry-run');
    await b.getByRole('button', { name: '确认导入' }).click();
    await b.getByTestId('import-done').waitFor();
    await shot(b, 'exchange-07-city-applied');

    // Loading the same file again changes nothing and says so.
    await b.getByRole('button', { name: '重新选择' }).click();
    await loadPackage(b, reportFile);
    await b.getByRole('button', { name: '试导入（不写入）' }).click();
    await expect(b.getByTestId('already-applied').innerText()).resolves.toContain('没有任何改动');
    await shot(b, 'exchange-08-city-reimport');
  });

  it("city: its own 年报's 审核公式 come with 泽州县's 出错说明 filled in", async () => {
    await b.goto(`${city.url}#/exchange/export`);
    await b.getByRole('heading', { name: '上报/导出' }).waitFor();
    await b.getByRole('button', { name: '运行审核公式' }).click();
    const list = b.getByTestId('check-list');
    await list.waitFor();
    await expect(list.locator('textarea').first().inputValue()).resolves.toContain('待统计部门核定');
    await list.getByText('出错说明由下级单位 140525 随上报包填写').first().waitFor();
    expect(await b.getByRole('button', { name: '导出并保存交换包' }).isDisabled()).toBe(false);
    await shot(b, 'exchange-08b-city-checks-explained-below');
  });

  it('city: 报送情况 shows 泽州县 reported; returns it with a comment; 催报单 prints', async () => {
    await b.goto(`${city.url}#/exchange/submissions`);
    const table = b.getByTestId('submissions-table');
    const row = table.locator('tr', { hasText: '泽州县' });
    await row.getByText('已上报').waitFor();
    await shot(b, 'exchange-09-city-submissions');
    await row.getByRole('button', { name: '退回' }).click();
    const modal = b.locator('.ant-modal').filter({ hasText: '退回 泽州县' });
    await modal.getByLabel('退回意见').fill('泽州铸造、泽州装备制造专业镇年度指标缺报，请补齐后重新上报');
    await shot(b, 'exchange-10-city-return-dialog');
    const r = await download(b, () => modal.getByRole('button', { name: '生成退回包并保存' }).click(), 'return.cxpkg');
    returnFile = r.file;
    await row.getByText('已退回').waitFor();
    await shot(b, 'exchange-11-city-returned');
    await b.getByRole('button', { name: '催报单' }).click();
    await b.getByTestId('chase-print').waitFor();
    await expect(b.getByTestId('chase-print').innerText()).resolves.toContain('泽州县');
    await shot(b, 'exchange-12-chase-print');
  });

  it('county: loads the return, pins the city key, sees 已退回 with the comment', async () => {
    await a.goto(`${county.url}#/exchange/import`);
    await a.getByRole('heading', { name: '装入数据包' }).waitFor();
    await loadPackage(a, returnFile);
    await a.getByTestId('pin-alert').getByText('已与对方核对，指纹一致，信任此密钥').click();
    await a.getByRole('button', { name: '试导入（不写入）' }).click();
    await a.getByTestId('diff-card').waitFor();
    await shot(a, 'exchange-13-county-return-dry-run');
    await a.getByRole('button', { name: '确认导入' }).click();
    await a.getByTestId('import-done').waitFor();
    await a.goto(`${county.url}#/exchange/submissions`);
    const own = a.getByTestId('own-status');
    await own.getByText('已退回').waitFor();
    await expect(a.getByTestId('return-comments').innerText()).resolves.toContain('请补齐后重新上报');
    await shot(a, 'exchange-14-county-returned');
    await a.goto(`${county.url}#/exchange/keys`);
    await a.getByTestId('peer-table').getByText('140500').waitFor();
    await shot(a, 'exchange-15-county-peers');
    await a.goto(`${county.url}#/exchange/packages`);
    await a.getByTestId('package-log').getByText('退回').first().waitFor();
    await shot(a, 'exchange-16-county-package-log');
    expect(problems).toEqual([]);
  });
});
