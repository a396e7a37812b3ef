// Consolidation (issue 7 item 7) in the real UI, three ledgers: 泽州县 (the demo ledger) and 高平市 (set up through
// the first-run form, one enterprise entered through the form) each export their 年报 to 晋城市; the city, set up
// through the form, selects both files at once in 装入数据包 and consolidates them with a progress bar; then its lists
// filter by 上报单位, 分单位汇总 has a row per county and 报送情况 shows both as 已上报.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loadDemoLedger, newPage, saveDownload, setupOffice, shot, startApp, type App } from './harness.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';

// The export and 报送情况 screens open on last year's 年报.
const PERIOD = String(new Date().getFullYear() - 1);
const files = mkdtempSync(join(tmpdir(), 'ledger-consol-e2e-'));
const GAOPING_ENTERPRISE = '高平市丹河机械制造有限公司';

describe('consolidation: two counties report, the city loads both files at once', () => {
  let zezhou: App;
  let gaoping: App;
  let city: App;
  let browser: Browser;
  let z: Page;
  let g: Page;
  let c: Page;
  const problems: string[] = [];
  const reports: string[] = [];

  beforeAll(async () => {
    [zezhou, gaoping, city] = await Promise.all([startApp(), startApp(), startApp()]);
    browser = await launchBrowser();
    const pages = await Promise.all([newPage(browser), newPage(browser), newPage(browser)]);
    [z, g, c] = pages.map((p) => p.page) as [Page, Page, Page];
    for (const p of pages) p.page.on('pageerror', (e) => problems.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([zezhou?.stop(), gaoping?.stop(), city?.stop()]);
  });

  /** 审核公式, an 出错说明 for every failing check, then the 年报 to 140500 saved to a file. */
  const exportReport = async (page: Page, app: App, name: string) => {
    await page.goto(`${app.url}#/exchange/export`);
    await page.getByRole('heading', { name: '上报/导出' }).waitFor();
    await expect(page.getByLabel('接收单位代码').inputValue()).resolves.toBe('140500');
    await page.getByRole('button', { name: '运行审核公式' }).click();
    await page.getByTestId('checks-card').waitFor();
    const boxes = page.getByTestId('check-list').locator('textarea');
    const n = await boxes.count();
    for (let i = 0; i < n; i++) await boxes.nth(i).fill(`${PERIOD}年度数据待统计部门核定，核定后补报（第${i + 1}项）`);
    await shot(page, `consolidation-${name}-checks`);
    const { file } = await saveDownload(page, () => page.getByRole('button', { name: '导出并保存交换包' }).click(), join(files, `${name}.cxpkg`));
    await page.getByTestId('export-done').waitFor();
    await shot(page, `consolidation-${name}-exported`);
    reports.push(file);
    return n;
  };

  /** Picks an option of an antd Select found by its aria-label. */
  const choose = async (page: Page, label: string, option: string) => {
    await page.getByLabel(label, { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  };

  it('泽州县: loads the demo ledger, explains the failing checks and exports its 年报', async () => {
    await loadDemoLedger(z, zezhou);
    expect(await exportReport(z, zezhou, 'zezhou')).toBeGreaterThan(0);
  });

  it('高平市: first-run setup, one enterprise through the form, exports its 年报', async () => {
    await setupOffice(g, gaoping, { region: '140581', office: '高平市工业和信息化局', user: 'liqiang', name: '李强', password: 'Gaoping2026' });
    await g.getByRole('button', { name: '新增企业' }).click();
    const drawer = g.locator('.ant-drawer-open');
    await drawer.locator('#uscc').fill(withCheckChar('91140581MA0000301'));
    await drawer.locator('#name').fill(GAOPING_ENTERPRISE);
    await drawer.locator('#township').fill('河西镇');
    await drawer.getByRole('button', { name: '保存' }).click();
    await g.getByTestId('enterprise-table').getByText(GAOPING_ENTERPRISE).waitFor();
    await shot(g, 'consolidation-gaoping-enterprise');
    await exportReport(g, gaoping, 'gaoping');
  });

  it('晋城市: set up as 市级, selects both files at once and consolidates them', async () => {
    await setupOffice(c, city, { level: '市级', region: '140500', office: '晋城市工业和信息化局', user: 'zhaoming', name: '赵明', password: 'Jincheng2026' });
    await c.goto(`${city.url}#/exchange/import`);
    await c.getByRole('heading', { name: '装入数据包' }).waitFor();
    await c.locator('input[type=file]').setInputFiles(reports);
    await c.getByText('信任首次出现的发送单位密钥').click();
    await shot(c, 'consolidation-city-two-files');
    const progress = c.getByTestId('import-progress');
    await c.getByRole('button', { name: '汇总导入 2 个包' }).click();
    // The bar lasts as long as the job: long enough to see with the demo ledger's few thousand rows.
    await progress.waitFor({ timeout: 10_000 });
    await shot(c, 'consolidation-city-progress');
    const card = c.getByTestId('consolidate-card');
    await card.waitFor({ timeout: 60_000 });
    await expect(card.innerText()).resolves.toContain('成功 2 个，拒绝 0 个');
    for (const office of ['泽州县', '高平市']) await card.locator('tr', { hasText: office }).locator('.ant-tag', { hasText: '已导入' }).waitFor();
    await shot(c, 'consolidation-city-result');
  });

  it('晋城市: the enterprise list filtered by 上报单位 = 高平市 shows only its enterprise', async () => {
    await c.goto(`${city.url}#/enterprises`);
    const table = c.getByTestId('enterprise-table');
    await table.locator('.ant-table-row').first().waitFor();
    const before = await table.locator('.ant-table-row').count();
    expect(before).toBeGreaterThan(1);
    await choose(c, '上报单位', '高平市');
    await expect.poll(() => table.locator('.ant-table-row').count()).toBe(1);
    await expect(table.locator('.ant-table-row').first().innerText()).resolves.toContain(GAOPING_ENTERPRISE);
    await c.getByText('共 1 家').waitFor();
    await shot(c, 'consolidation-city-enterprises-gaoping');
  });

  it('晋城市: the plan list filters by 上报单位 too (only offices with plans are offered)', async () => {
    await c.goto(`${city.url}#/training/plans`);
    await c.getByLabel('上报单位', { exact: true }).click();
    const offered = c.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect.poll(() => offered.allInnerTexts()).toEqual([expect.stringContaining('泽州县')]);
    await offered.first().click();
    await c.getByRole('columnheader', { name: '上报单位' }).waitFor();
    await shot(c, 'consolidation-city-plans-zezhou');
  });

  it('晋城市: 分单位汇总 has a row for each county; 报送情况 shows both as 已上报', async () => {
    await c.goto(`${city.url}#/exchange/summary`);
    const summary = c.getByTestId('exchange-summary');
    for (const office of ['泽州县（140525）', '高平市（140581）']) await summary.getByText(office).waitFor();
    await expect(summary.locator('tr', { hasText: '高平市' }).locator('td').nth(1).innerText()).resolves.toBe('1');
    await shot(c, 'consolidation-city-summary');

    await c.goto(`${city.url}#/exchange/submissions`);
    const subs = c.getByTestId('submissions-table');
    for (const office of ['泽州县', '高平市']) await subs.locator('tr', { hasText: office }).getByText('已上报').waitFor();
    await shot(c, 'consolidation-city-submissions');
    expect(problems).toEqual([]);
  });
});
