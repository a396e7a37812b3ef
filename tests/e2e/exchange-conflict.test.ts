// Field laptop (外勤) and conflicts (issue 7) in the real UI, two ledgers of 泽州县: the office ledger (demo) checks
// out one 专业镇 encrypted with a passphrase; the laptop, set up through the first-run form, is refused without the
// passphrase and with a wrong one (nothing written), then loads it with the right one after confirming the
// fingerprint. Both sides change the contact phone of the same two member enterprises; the laptop checks in; the
// office's dry run shows both versions field by field, the user takes the laptop's for all, then keeps the office's
// for one record; after the apply each enterprise shows the chosen value and the audit records both choices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadDemoLedger, saveDownload, setupOffice, shot, sideBySide, startApp, verifyPackage, type App } from './harness.js';

const files = mkdtempSync(join(tmpdir(), 'ledger-conflict-e2e-'));
const PASSPHRASE = '泽州外勤2026';
const TOWN = '泽州装备制造';
// Each side's new contact phone for the two enterprises edited on both.
const LAPTOP_PHONE = ['13935600001', '13935600002'];
const OFFICE_PHONE = ['0356-2220001', '0356-2220002'];

describe('exchange: field laptop check-out (encrypted) and check-in with conflicts', () => {
  let office: App;
  let laptop: App;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const problems: string[] = [];
  let checkout = '';
  let checkin = '';
  let officeFp = '';
  const edited: string[] = [];

  beforeAll(async () => {
    ({ apps: [office, laptop], pages: [a, b], browser } = await sideBySide([{}, {}], problems));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([office?.stop(), laptop?.stop()]);
  });

  /** Opens an enterprise's detail page by name from the list (searching it). */
  const openEnterprise = async (page: Page, app: App, name: string) => {
    await page.goto(`${app.url}#/enterprises`);
    await page.getByLabel('搜索企业').fill(name);
    const table = page.getByTestId('enterprise-table');
    await expect.poll(() => table.locator('.ant-table-row').count(), { timeout: 10_000 }).toBe(1);
    await table.getByText(name, { exact: true }).click();
    await page.getByRole('heading', { name }).waitFor();
  };
  /** Edits an enterprise's contact phone through the form and saves. */
  const editPhone = async (page: Page, app: App, name: string, phone: string) => {
    await openEnterprise(page, app, name);
    await page.getByRole('button', { name: '编辑' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#contact_phone').fill(phone);
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('.ant-descriptions-item', { hasText: '联系电话' }).getByText(phone).waitFor();
  };
  const phoneOf = async (page: Page, app: App, name: string) => {
    await openEnterprise(page, app, name);
    return (await page.locator('.ant-descriptions-item', { hasText: '联系电话' }).locator('.ant-descriptions-item-content').innerText()).trim();
  };

  it('office: checks out one 专业镇 for a field visit, encrypted with a passphrase', async () => {
    await loadDemoLedger(a, office);
    await a.goto(`${office.url}#/exchange/keys`);
    await a.getByRole('heading', { name: '本单位密钥' }).waitFor();
    officeFp = (await a.getByTestId('fingerprint').first().innerText()).trim();

    await a.goto(`${office.url}#/exchange/export`);
    await a.getByRole('heading', { name: '上报/导出' }).waitFor();
    await a.locator('.ant-radio-button-wrapper', { hasText: '外勤领出' }).click();
    await expect(a.getByLabel('接收单位代码').inputValue()).resolves.toBe('140525');
    await a.getByLabel('领出对象').click();
    await a.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: TOWN }).click();
    await a.getByText('用口令加密数据').click();
    const save = a.getByRole('button', { name: '导出并保存交换包' });
    await a.getByLabel('加密口令').fill('short');
    expect(await save.isDisabled()).toBe(true);
    await a.getByLabel('加密口令').fill(PASSPHRASE);
    await shot(a, 'exchange-conflict-01-checkout-encrypted');
    const r = await saveDownload(a, () => save.click(), join(files, 'checkout.cxpkg'));
    checkout = r.file;
    expect(r.suggested).toMatch(/-外勤领出-.*\.cxpkg$/);
    await a.getByTestId('export-done').waitFor();
  });

  it('laptop: set up as 泽州县; no passphrase or a wrong one is refused with nothing written; the right one loads', async () => {
    await setupOffice(b, laptop, { region: '140525', office: '泽州县工业和信息化局', user: 'waiqin', name: '外勤组', password: 'Waiqin2026' });
    await b.goto(`${laptop.url}#/exchange/import`);
    await b.getByRole('heading', { name: '装入数据包' }).waitFor();

    // Without the passphrase the signature and hashes still verify; the dry run asks for it.
    await verifyPackage(b, checkout);
    const card = b.getByTestId('verify-card');
    await card.waitFor();
    await expect(card.innerText()).resolves.toContain('已加密');
    await expect(card.innerText()).resolves.toContain('外勤领出');
    const pin = b.getByTestId('pin-alert');
    await expect(pin.innerText()).resolves.toContain(officeFp);
    await pin.getByText('已与对方核对，指纹一致，信任此密钥').click();
    await b.getByRole('button', { name: '试导入（不写入）' }).click();
    const error = b.getByTestId('import-error');
    await expect(error.innerText()).resolves.toContain('请输入发送单位告知的口令');

    // A wrong passphrase: named as such, nothing written.
    await b.getByLabel('解密口令').fill('泽州外勤2025');
    await b.getByRole('button', { name: '校验', exact: true }).click();
    await expect.poll(() => error.innerText(), { timeout: 10_000 }).toContain('解密口令不正确');
    await expect(error.innerText()).resolves.toContain('未写入任何数据');
    await expect(b.getByTestId('verify-card').count()).resolves.toBe(0);
    await shot(b, 'exchange-conflict-02-wrong-passphrase');
    await b.goto(`${laptop.url}#/enterprises`);
    await b.getByRole('heading', { name: '企业库' }).waitFor();
    await b.getByTestId('enterprise-table').locator('.ant-empty').waitFor();
    expect(await b.getByTestId('enterprise-table').locator('.ant-table-row').count()).toBe(0);

    // The right passphrase.
    await b.goto(`${laptop.url}#/exchange/import`);
    await b.getByLabel('解密口令').fill(PASSPHRASE);
    await verifyPackage(b, checkout);
    await b.getByTestId('verify-card').waitFor();
    await b.getByTestId('pin-alert').getByText('已与对方核对，指纹一致，信任此密钥').click();
    await b.getByRole('button', { name: '试导入（不写入）' }).click();
    await b.getByTestId('diff-card').waitFor();
    await expect(b.getByTestId('diff-table').innerText()).resolves.toContain('专业镇');
    await b.getByRole('button', { name: '确认导入' }).click();
    await b.getByTestId('import-done').waitFor();
    await shot(b, 'exchange-conflict-03-laptop-loaded');
  });

  it('laptop and office each change the contact phone of the same two member enterprises', async () => {
    await b.goto(`${laptop.url}#/enterprises`);
    const rows = b.getByTestId('enterprise-table').locator('.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 2; i++) edited.push((await rows.nth(i).locator('td').first().innerText()).trim());
    for (let i = 0; i < 2; i++) await editPhone(b, laptop, edited[i]!, LAPTOP_PHONE[i]!);
    for (let i = 0; i < 2; i++) await editPhone(a, office, edited[i]!, OFFICE_PHONE[i]!);
  });

  it('laptop: checks its changes back in', async () => {
    await b.goto(`${laptop.url}#/exchange/export`);
    await b.getByRole('heading', { name: '上报/导出' }).waitFor();
    await b.locator('.ant-radio-button-wrapper', { hasText: '外勤交回' }).click();
    await expect(b.getByLabel('接收单位代码').inputValue()).resolves.toBe('140525');
    const r = await saveDownload(b, () => b.getByRole('button', { name: '导出并保存交换包' }).click(), join(files, 'checkin.cxpkg'));
    checkin = r.file;
    expect(r.suggested).toMatch(/-外勤交回-.*\.cxpkg$/);
    await b.getByTestId('export-done').waitFor();
  });

  it('office: the dry run shows both conflicts side by side; all → laptop, then one kept; applied', async () => {
    await a.goto(`${office.url}#/exchange/import`);
    await a.getByRole('heading', { name: '装入数据包' }).waitFor();
    await verifyPackage(a, checkin);
    await a.getByTestId('verify-card').waitFor();
    await a.getByTestId('pin-alert').getByText('已与对方核对，指纹一致，信任此密钥').click();
    await a.getByRole('button', { name: '试导入（不写入）' }).click();
    await a.getByTestId('diff-card').waitFor();
    const conflicts = a.getByTestId('conflicts');
    await conflicts.waitFor();
    const records = conflicts.getByTestId('conflict-record');
    await expect.poll(() => records.count(), { timeout: 10_000 }).toBe(2);
    const apply = a.getByRole('button', { name: '确认导入' });
    expect(await apply.isDisabled()).toBe(true);
    await a.getByText('还有 2 条冲突记录未选择').waitFor();
    // Field by field: the contact phone row holds the office's value and the laptop's.
    for (let i = 0; i < 2; i++) {
      const rec = records.filter({ hasText: edited[i]! });
      const phone = rec.locator('tr', { hasText: '联系电话' });
      await expect(phone.locator('td').nth(1).innerText()).resolves.toBe(OFFICE_PHONE[i]);
      await expect(phone.locator('td').nth(2).innerText()).resolves.toBe(LAPTOP_PHONE[i]);
    }
    await shot(a, 'exchange-conflict-04-dry-run-conflicts');

    await conflicts.getByRole('button', { name: '全部采用对方' }).click();
    await expect.poll(() => a.getByText(/还有 \d+ 条冲突记录未选择/).count()).toBe(0);
    await records.filter({ hasText: edited[1]! }).getByText('保留本单位', { exact: true }).click();
    await shot(a, 'exchange-conflict-05-choices');
    await apply.click();
    await a.getByTestId('import-done').waitFor();
    await expect(a.getByTestId('import-done').innerText()).resolves.toContain('冲突 2');
  });

  it('office: each enterprise shows the chosen value, and the audit records both choices', async () => {
    expect(await phoneOf(a, office, edited[0]!)).toBe(LAPTOP_PHONE[0]);
    const history = a.locator('.ant-card', { hasText: '变更记录' });
    await expect(history.innerText()).resolves.toContain('处理数据冲突');
    await expect(history.innerText()).resolves.toContain('采用对方');
    await shot(a, 'exchange-conflict-06-enterprise-theirs');
    expect(await phoneOf(a, office, edited[1]!)).toBe(OFFICE_PHONE[1]);
    await expect(a.locator('.ant-card', { hasText: '变更记录' }).innerText()).resolves.toContain('保留本单位');

    await a.goto(`${office.url}#/system/audit`);
    await a.getByRole('heading', { name: '审计日志' }).waitFor();
    await a.locator('.ant-table-row').first().waitFor();
    const rows = a.locator('.ant-table-row', { hasText: '处理数据冲突' });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const text = (await rows.allInnerTexts()).join('\n');
    expect(text).toContain('采用对方');
    expect(text).toContain('保留本单位');
    expect(text).toContain('联系电话');
    await shot(a, 'exchange-conflict-07-audit-log');
    expect(problems).toEqual([]);
  });
});
