import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';

const code = (n: number) => withCheckChar(`91140525MA0${String(n).padStart(6, '0')}`);

async function workbook(rows: Array<Array<string | number | null>>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业名录');
  ws.addRow(['统一社会信用代码*', '企业名称*', '注册地行政区划代码*', '乡镇(街道)', '地址', '国民经济行业分类代码', '规模(规上/规下)*', '法定代表人', '联系人', '联系电话']);
  for (const r of rows) ws.addRow(r);
  const file = join(mkdtempSync(join(tmpdir(), 'ledger-xlsx-')), '企业名录.xlsx');
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

describe('foundation: setup, login, registry, Excel, search', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ({ page, problems } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('refuses a page without the start token', async () => {
    const bare = app.url.replace(/\?t=.*/, '');
    const other = await browser.newPage();
    await other.goto(bare);
    await expect(other.getByText('未授权').isVisible()).resolves.toBe(true);
    await other.close();
  });

  it('first-run setup creates the office and its administrator', async () => {
    await page.goto(app.url);
    await page.getByText('初始设置').waitFor();
    await shot(page, '01-setup');
    await page.getByLabel('行政区划代码').fill('140525');
    await page.getByText('山西省晋城市泽州县').waitFor();
    await expect(page.getByLabel('单位名称').inputValue()).resolves.toBe('泽州县工业和信息化局');
    await page.getByLabel('管理员用户名').fill('wangli');
    await page.getByLabel('管理员姓名').fill('王丽');
    await page.getByLabel('管理员密码').fill('short');
    await page.getByLabel('确认密码').fill('short');
    await page.getByRole('button', { name: '完成设置' }).click();
    await page.getByText('密码至少 8 位').waitFor();
    await shot(page, '02-setup-bad-password');
    await page.getByLabel('管理员密码').fill('Zezhou2026');
    await page.getByLabel('确认密码').fill('Zezhou2026');
    await page.getByRole('button', { name: '完成设置' }).click();
    await page.getByRole('heading', { name: '企业库' }).waitFor();
    await expect(page.getByText('泽州县工业和信息化局').first().isVisible()).resolves.toBe(true);
    await shot(page, '03-empty-registry');
  });

  it('logs out, refuses a wrong password, logs in', async () => {
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await page.getByLabel('用户名').fill('wangli');
    await page.getByLabel('密码').fill('wrong-password1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码错误').waitFor();
    await shot(page, '04-login-wrong-password');
    await page.getByLabel('密码').fill('Zezhou2026');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '企业库' }).waitFor();
  });

  it('refuses an enterprise with a bad check character, naming the expected one, then registers the good code', async () => {
    const good = code(101);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    await page.getByRole('button', { name: '新增企业' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#uscc').fill(bad.toLowerCase());
    await drawer.locator('#name').fill('泽州县金鼎铸造有限公司');
    await drawer.locator('#township').fill('巴公镇');
    await drawer.getByRole('button', { name: '保存' }).click();
    const err = page.getByTestId('form-error');
    await err.waitFor();
    await expect(err.innerText()).resolves.toContain(`第 18 位应为「${good[17]}」`);
    await shot(page, '05-enterprise-bad-code');
    await drawer.locator('#uscc').fill(good);
    await drawer.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('enterprise-table').getByText('泽州县金鼎铸造有限公司').waitFor();
    await shot(page, '06-enterprise-created');
  });

  it('imports nothing from a file with one bad row and names the row; the fixed file imports in full', async () => {
    const rows = (badRegion: string) => [
      [code(201), '山西晋城恒达耐火材料有限公司', '140525', '高都镇', null, '3089', '规上', '李强', '李强', '13903560001'],
      [code(202), '泽州县巴公装备制造有限公司', badRegion, '巴公镇', null, '3441', '规下', '张伟', '赵敏', '13903560002'],
      [code(203), '泽州县周村铸管有限公司', '140525', '周村镇', null, '3391', '规上', '刘洋', '刘洋', '13903560003'],
    ];
    const badFile = await workbook(rows('149999'));
    await page.getByRole('button', { name: '导入 Excel' }).click();
    await page.locator('input[type=file]').setInputFiles(badFile);
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-failure').waitFor();
    const table = page.getByTestId('import-errors');
    await expect(table.innerText()).resolves.toContain('149999');
    await expect(table.innerText()).resolves.toMatch(/\b3\b/);
    await shot(page, '07-import-bad-row');
    await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await expect(page.getByText('共 1 家').isVisible()).resolves.toBe(true);

    const goodFile = await workbook(rows('140525'));
    await page.getByRole('button', { name: '导入 Excel' }).click();
    await page.locator('input[type=file]').setInputFiles(goodFile);
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-done').waitFor();
    await expect(page.getByTestId('import-done').innerText()).resolves.toContain('导入完成（工作表「企业名录」）：共 3 行，新增 3 家');
    await shot(page, '08-import-done');
    await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await page.getByText('共 4 家').waitFor();
  });

  it('finds enterprises by pinyin initials and exports the filtered list', async () => {
    await page.getByLabel('搜索企业').fill('zzxzc');
    await page.getByText('共 1 家').waitFor();
    await expect(page.getByTestId('enterprise-table').innerText()).resolves.toContain('泽州县周村铸管有限公司');
    await shot(page, '09-search-pinyin');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    const file = await download;
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-dl-')), file.suggestedFilename());
    await file.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(String(ws.getRow(2).getCell(2).value)).toBe('泽州县周村铸管有限公司');
  });

  it('opens the detail page with the audit history, then logs out', async () => {
    await page.getByText('泽州县周村铸管有限公司').click();
    await page.getByText('变更记录（审计日志）').waitFor();
    await shot(page, '10-enterprise-detail');
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    expect(problems.filter((p) => !/Warning:/.test(p))).toEqual([]);
  });
});
