// Consolidation (issue 7 item 7) in the real UI, three ledgers: 泽州县 (the demo ledger) and 高平市 (set up through
// the first-run form, one enterprise entered through the form) each export their 年报 to 晋城市; the city, set up
// through the form, selects both files at once in 装入数据包 and consolidates them with a progress bar; then its lists
// filter by 上报单位, 分单位汇总 has a row per county and 报送情况 shows both as 已上报. 高平 also files plans, claims
// (the demo seeders, written into its ledger file while its app is stopped) and one town, so that every domain
// report of the city (专业镇总览 and 名单, 培训报表, 参展补贴概览 and 公示批次) can be narrowed to one county.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadDemoLedger, saveDownload, setupOffice, shot, sideBySide, startApp, verifyPackage, type App } from './harness.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { openLedger } from '../../db/connection.js';
import { LEDGER_FILE } from '../../db/host.js';
import { systemClock } from '../../db/clock.js';
import { DEMO_SEEDERS } from '../../db/demo/seed.js';
import { gaopingTown } from '../db/exchange-helpers.js';

// The export and 报送情况 screens open on last year's 年报.
const PERIOD = String(new Date().getFullYear() - 1);
const files = mkdtempSync(join(tmpdir(), 'ledger-consol-e2e-'));
const GAOPING_ENTERPRISE = '高平市丹河机械制造有限公司';
const gaopingData = mkdtempSync(join(tmpdir(), 'ledger-gaoping-e2e-'));

/** 高平's plans and claims (the training and exhibition demo seeders) and its town, as 李强 (admin), into its ledger file. */
function seedGaoping(): { enterprises: number } {
  const db = openLedger({ file: join(gaopingData, LEDGER_FILE) });
  try {
    const u = db.prepare(`SELECT id, display_name FROM app_user WHERE username = 'liqiang'`).get() as { id: number; display_name: string };
    const ctx = { db, clock: systemClock, dataDir: gaopingData, actor: { userId: u.id, username: 'liqiang', displayName: u.display_name, role: 'admin' as const } };
    for (const s of DEMO_SEEDERS.filter((x) => x.area === '企业培训' || x.area === '参展补贴')) s.seed(ctx, { enterprises: 0 });
    gaopingTown(ctx);
    return { enterprises: db.prepare(`SELECT count(*) FROM enterprise WHERE status = 'active'`).pluck().get() as number };
  } finally {
    db.close();
  }
}

/** Picks an option of an antd Select found by its aria-label. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

/** Chooses 上报单位 泽州县 over a table listing both counties: fewer rows, at least one; their texts. */
async function narrowToZezhou(page: Page, table: Locator): Promise<string[]> {
  const rows = table.locator('tr.ant-table-row');
  await rows.first().waitFor();
  const both = await rows.count();
  await choose(page, '上报单位', '泽州县');
  await expect.poll(() => rows.count()).toBeLessThan(both);
  const texts = await rows.allInnerTexts();
  expect(texts.length).toBeGreaterThan(0);
  return texts;
}

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
  let gaopingEnterprises = 1;

  beforeAll(async () => {
    ({ apps: [zezhou, gaoping, city], pages: [z, g, c], browser } = await sideBySide([{}, { dataDir: gaopingData }, {}], problems));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([zezhou?.stop(), gaoping?.stop(), city?.stop()]);
    rmSync(gaopingData, { recursive: true, force: true });
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
    // Plans, claims and a town: written into the ledger file with the app stopped, then the app runs on it again.
    await gaoping.stop();
    gaopingEnterprises = seedGaoping().enterprises;
    gaoping = await startApp({ dataDir: gaopingData });
    await g.goto(gaoping.url);
    // The restarted app does not know the old session: its login page.
    await g.getByRole('button', { name: '登录' }).waitFor();
    await g.getByLabel('用户名').fill('liqiang');
    await g.getByLabel('密码').fill('Gaoping2026');
    await g.getByRole('button', { name: '登录' }).click();
    await g.getByRole('heading', { name: '企业库' }).waitFor();
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

  it('晋城市: the enterprise list filtered by 上报单位 = 高平市 shows only its enterprises', async () => {
    await c.goto(`${city.url}#/enterprises`);
    const table = c.getByTestId('enterprise-table');
    await table.locator('.ant-table-row').first().waitFor();
    const before = await table.locator('.ant-table-row').count();
    expect(before).toBeGreaterThan(1);
    await choose(c, '上报单位', '高平市');
    await c.getByText(`共 ${gaopingEnterprises} 家`).waitFor();
    expect(gaopingEnterprises).toBeLessThan(before);
    await c.getByLabel('搜索企业').fill('丹河');
    await expect.poll(() => table.locator('.ant-table-row').count()).toBe(1);
    await expect(table.locator('.ant-table-row').first().innerText()).resolves.toContain(GAOPING_ENTERPRISE);
    await shot(c, 'consolidation-city-enterprises-gaoping');
  });

  it('晋城市: the plan list filters by 上报单位 too (the offices with plans are offered)', async () => {
    await c.goto(`${city.url}#/training/plans`);
    await c.getByLabel('上报单位', { exact: true }).click();
    const offered = c.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect.poll(() => offered.allInnerTexts()).toEqual([expect.stringContaining('泽州县'), expect.stringContaining('高平市')]);
    await offered.first().click();
    await c.getByRole('columnheader', { name: '上报单位' }).waitFor();
    await shot(c, 'consolidation-city-plans-zezhou');
  });

  /** The value of the Statistic card titled `title`, as shown. */
  const statistic = (page: Page, title: string) => page.locator('.ant-card', { has: page.locator('.ant-statistic-title', { hasText: title }) }).locator('.ant-statistic-content-value').innerText();
  /** A 按上报单位汇总 table's figure column `col` (1 = first figure) for the row of `office`. */
  const officeCell = (page: Page, testId: string, office: string, col: number) => page.getByTestId(testId).locator('tr', { hasText: office }).locator('td').nth(col).innerText();

  it('晋城市: 专业镇总览 and 公示与认定名单 narrowed to 高平市', async () => {
    await c.goto(`${city.url}#/towns/overview`);
    await c.getByRole('heading', { name: '专业镇总览' }).waitFor();
    await c.getByTestId('town-by-office').locator('tr', { hasText: '高平市' }).waitFor();
    const all = Number(await statistic(c, '专业镇总数'));
    const zz = Number(await officeCell(c, 'town-by-office', '泽州县', 1));
    expect(await officeCell(c, 'town-by-office', '高平市', 1)).toBe('1');
    expect(all).toBe(zz + 1);
    await shot(c, 'consolidation-city-towns-overview');
    await choose(c, '上报单位', '高平市');
    await c.getByRole('heading', { name: '专业镇总览（高平市）' }).waitFor();
    await expect.poll(() => statistic(c, '专业镇总数')).toBe('1');
    await expect(c.getByTestId('town-by-office').locator('tbody tr.ant-table-row').count()).resolves.toBe(1);
    await shot(c, 'consolidation-city-towns-overview-gaoping');

    await c.goto(`${city.url}#/towns/batches`);
    const batches = c.getByTestId('town-batch-table');
    const shared = batches.locator('tr', { hasText: '公示名单（2024-05-08 至 2024-05-14）' });
    await expect.poll(() => shared.locator('td').nth(5).innerText()).toBe('2');
    await choose(c, '上报单位', '高平市');
    await expect.poll(() => batches.locator('tr.ant-table-row').count()).toBe(2);
    await expect(shared.locator('td').nth(5).innerText()).resolves.toBe('1');
    await batches.getByText('高工信发〔2024〕演示1号').first().waitFor();
    await shot(c, 'consolidation-city-town-batches-gaoping');
    await shared.getByRole('button', { name: /打印/ }).click();
    const doc = c.getByTestId('print-doc');
    await doc.getByText('上报单位：高平市').waitFor();
    await expect(doc.locator('tbody tr').count()).resolves.toBe(1);
    await expect(doc.innerText()).resolves.toContain('高平丝麻纺织');
    await expect(doc.innerText()).resolves.not.toContain('泽州山楂');
    await expect(doc.innerText()).resolves.toContain('向高平市工业和信息化局反映');
    await shot(c, 'consolidation-city-town-publicity-gaoping');
  });

  it('晋城市: 培训报表 (统计图表, 学徒制进展 and its print) narrowed to 泽州县', async () => {
    await c.goto(`${city.url}#/training/reports`);
    await c.getByTestId('training-by-office').locator('tr', { hasText: '高平市' }).waitFor();
    const trainees = Number(await statistic(c, '学员'));
    const zzTrainees = Number(await officeCell(c, 'training-by-office', '泽州县', 2));
    const gpTrainees = Number(await officeCell(c, 'training-by-office', '高平市', 2));
    expect(gpTrainees).toBeGreaterThan(0);
    expect(trainees).toBe(zzTrainees + gpTrainees);
    await shot(c, 'consolidation-city-training-dashboard');

    // One choice for the page: the progress report, then the charts, then the print follow it.
    await c.getByRole('tab', { name: '学徒制进展报告' }).click();
    const progress = c.getByTestId('progress-table');
    const zzRows = (await narrowToZezhou(c, progress)).length;
    await shot(c, 'consolidation-city-training-progress-zezhou');

    await c.getByRole('tab', { name: '统计图表' }).click();
    await expect.poll(() => statistic(c, '学员')).toBe(String(zzTrainees));
    await expect(c.getByTestId('training-by-office').locator('tbody tr.ant-table-row').count()).resolves.toBe(1);
    await shot(c, 'consolidation-city-training-dashboard-zezhou');

    await c.getByRole('tab', { name: '学徒制进展报告' }).click();
    await progress.locator('tr.ant-table-row').first().waitFor();
    await c.getByRole('button', { name: /打印/ }).click();
    const print = c.getByTestId('progress-print');
    await print.getByRole('heading', { name: /泽州县企业新型学徒制培训进展情况/ }).waitFor();
    await expect(print.innerText()).resolves.toContain('上报单位：泽州县');
    // The plans and the 合计 row.
    await expect(print.locator('tbody tr').count()).resolves.toBe(zzRows + 1);
    await shot(c, 'consolidation-city-training-progress-print-zezhou');
  });

  it('晋城市: 参展补贴概览 and 公示批次 narrowed to 泽州县', async () => {
    await c.goto(`${city.url}#/exhibitions`);
    await c.getByTestId('exhibition-by-office').locator('tr', { hasText: '高平市' }).waitFor();
    const zzApplied = await officeCell(c, 'exhibition-by-office', '泽州县', 2);
    const gpApplied = await officeCell(c, 'exhibition-by-office', '高平市', 2);
    const allApplied = await statistic(c, '申报核定（元）');
    const yuan = (t: string) => Math.round(Number(t.replace(/,/g, '')) * 100);
    expect(yuan(allApplied)).toBe(yuan(zzApplied) + yuan(gpApplied));
    expect(yuan(gpApplied)).toBeGreaterThan(0);
    await shot(c, 'consolidation-city-exhibitions-dashboard');
    await choose(c, '上报单位', '泽州县');
    await c.getByRole('heading', { name: '参展补贴概览（泽州县）' }).waitFor();
    await expect.poll(() => statistic(c, '申报核定（元）')).toBe(zzApplied);
    await shot(c, 'consolidation-city-exhibitions-dashboard-zezhou');

    await c.goto(`${city.url}#/exhibitions/batches`);
    const table = c.getByTestId('batch-table');
    const rows = await narrowToZezhou(c, table);
    expect(rows.every((r) => r.includes('泽州县'))).toBe(true);
    await shot(c, 'consolidation-city-exhibition-batches-zezhou');
    await table.locator('tr.ant-table-row').first().getByRole('button', { name: '公示名单' }).click();
    await c.getByText('上报单位：泽州县').waitFor();
    await expect(c.locator('.print-doc').innerText()).resolves.toContain('向泽州县工业和信息化局反映');
    await shot(c, 'consolidation-city-exhibition-publicity-zezhou');
  });

  it('晋城市: 分单位汇总 has a row for each county; 报送情况 shows both as 已上报', async () => {
    await c.goto(`${city.url}#/exchange/summary`);
    const summary = c.getByTestId('exchange-summary');
    for (const office of ['泽州县（140525）', '高平市（140581）']) await summary.getByText(office).waitFor();
    await expect(summary.locator('tr', { hasText: '高平市' }).locator('td').nth(1).innerText()).resolves.toBe(String(gaopingEnterprises));
    await shot(c, 'consolidation-city-summary');

    await c.goto(`${city.url}#/exchange/submissions`);
    const subs = c.getByTestId('submissions-table');
    for (const office of ['泽州县', '高平市']) await subs.locator('tr', { hasText: office }).getByText('已上报').waitFor();
    await shot(c, 'consolidation-city-submissions');
    expect(problems).toEqual([]);
  });
});
