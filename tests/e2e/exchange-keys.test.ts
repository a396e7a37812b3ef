// Key change (issue 12) in the real UI. 晋城市 sends 泽州县 (the demo ledger) rule packages; its first key is pinned as
// usual. Then 晋城 reinstalls: a new ledger, a new key. The package it signs is shown to 泽州's 审核人 as a red
// warning naming the new and old fingerprints and who trusted the old one when, with no way to import and a word to
// ask an administrator; the administrator compares the new fingerprint, gives a reason and re-trusts it, after which
// the package imports, the old key shows as 已停用 and the audit log has the re-trust. The city ledgers are made with
// the command line (the same services): only the receiving side's screens are under test here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../../db/cli.js';
import { loadDemoLedger, newPage, shot, sideBySide, verifyPackage, type App } from './harness.js';

const files = mkdtempSync(join(tmpdir(), 'ledger-keys-e2e-'));
const REASON = '晋城市工信局重装系统后更换了密钥，已电话核对';

/** A 晋城 ledger (command line) and the 下发规则 package it signs for 泽州; returns the file and its key's fingerprint. */
async function cityPackage(name: string): Promise<{ file: string; fingerprint: string }> {
  const dir = join(files, name);
  const init = await runCli(['--data', dir, 'init', '--level', 'city', '--region', '140500', '--name', '晋城市工业和信息化局', '--admin', 'admin', '--password', 'Admin12345']);
  expect(init.exitCode).toBe(0);
  const file = join(files, `${name}.cxpkg`);
  const r = await runCli(['--data', dir, 'export-package', '--kind', 'rules', '--to', '140525', file, '--json']);
  expect(r.exitCode).toBe(0);
  return { file, fingerprint: (JSON.parse(r.stdout) as { manifest: { sender: { fingerprint: string } } }).manifest.sender.fingerprint };
}
const spaced = (fp: string) => fp.split('-').join(' ');

describe('exchange: a changed signing key is stopped loudly and re-trusted by an administrator', () => {
  let county: App;
  let browser: Browser;
  let admin: Page;
  let reviewer: Page;
  const problems: string[] = [];
  let oldPkg: { file: string; fingerprint: string };
  let newPkg: { file: string; fingerprint: string };

  beforeAll(async () => {
    ({ apps: [county], pages: [admin], browser } = await sideBySide([{}], problems));
    oldPkg = await cityPackage('jincheng-old');
    newPkg = await cityPackage('jincheng-new');
    expect(newPkg.fingerprint).not.toBe(oldPkg.fingerprint);
  });
  afterAll(async () => {
    await browser?.close();
    await county?.stop();
  });

  const openImport = async (page: Page) => {
    await page.goto(`${county.url}#/exchange/import`);
    await page.getByRole('heading', { name: '装入数据包' }).waitFor();
  };

  it('administrator: pins 晋城\'s first key and imports its rules', async () => {
    await loadDemoLedger(admin, county);
    await openImport(admin);
    await verifyPackage(admin, oldPkg.file);
    await admin.getByTestId('verify-card').waitFor();
    await expect(admin.getByTestId('pin-alert').innerText()).resolves.toContain(spaced(oldPkg.fingerprint));
    await admin.getByTestId('pin-alert').getByText('已与对方核对，指纹一致，信任此密钥').click();
    await admin.getByRole('button', { name: '试导入（不写入）' }).click();
    await admin.getByTestId('diff-card').waitFor();
    await admin.getByRole('button', { name: '确认导入' }).click();
    await admin.getByTestId('import-done').waitFor();
  });

  it('审核人: the new key is a red warning with both fingerprints; nothing can be imported; ask an administrator', async () => {
    ({ page: reviewer } = await newPage(browser));
    reviewer.on('pageerror', (e) => problems.push(e.message));
    await reviewer.goto(county.url);
    await reviewer.getByLabel('用户名').fill('shenhe');
    await reviewer.getByLabel('密码').fill('Shenhe12345');
    await reviewer.getByRole('button', { name: '登录' }).click();
    await reviewer.getByRole('heading', { name: '企业库' }).waitFor();
    await openImport(reviewer);
    await verifyPackage(reviewer, newPkg.file);
    const card = reviewer.getByTestId('verify-card');
    await card.waitFor();
    const alert = reviewer.getByTestId('key-change-alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('警告：晋城市工业和信息化局（140500）的签名密钥已更换，已停止导入');
    expect(text).toContain(spaced(newPkg.fingerprint));
    expect(text).toContain(spaced(oldPkg.fingerprint));
    expect(text).toMatch(/（\d{4}-\d{2}-\d{2} \d{2}:\d{2} 由 admin 确认信任）/);
    expect(text).toContain('只有管理员可以在核对新指纹后重新信任此密钥：请联系管理员');
    // Red, not the first-contact yellow; no 首次 anywhere, and no way on.
    expect(await alert.getAttribute('class')).toContain('ant-alert-error');
    await expect(card.innerText()).resolves.toContain('密钥已更换');
    expect(await card.getByText('首次').count()).toBe(0);
    expect(await reviewer.getByTestId('pin-alert').count()).toBe(0);
    expect(await reviewer.getByRole('button', { name: '试导入（不写入）' }).isDisabled()).toBe(true);
    expect(await alert.getByRole('button', { name: '重新信任新密钥' }).count()).toBe(0);
    await shot(reviewer, 'exchange-keys-01-reviewer-key-changed');
  });

  it('administrator: a wrong fingerprint is refused; the right one with a reason re-trusts, then the package imports', async () => {
    await openImport(admin);
    await verifyPackage(admin, newPkg.file);
    const alert = admin.getByTestId('key-change-alert');
    await alert.waitFor();
    const retrust = alert.getByRole('button', { name: '重新信任新密钥' });
    expect(await retrust.isDisabled()).toBe(true);
    await admin.getByLabel('核对的新指纹').fill(spaced(oldPkg.fingerprint));
    await admin.getByLabel('重新信任的原因').fill(REASON);
    await retrust.click();
    await expect.poll(() => admin.getByTestId('retrust-error').innerText().catch(() => '')).toContain('不一致');
    await admin.getByLabel('核对的新指纹').fill(spaced(newPkg.fingerprint));
    await shot(admin, 'exchange-keys-02-admin-retrust');
    await retrust.click();
    await alert.waitFor({ state: 'detached' });
    const card = admin.getByTestId('verify-card');
    await card.getByText('已信任', { exact: true }).waitFor();
    await admin.getByRole('button', { name: '试导入（不写入）' }).click();
    await admin.getByTestId('diff-card').waitFor();
    await admin.getByRole('button', { name: '确认导入' }).click();
    await admin.getByTestId('import-done').waitFor();
  });

  it('the old key is kept as 已停用 with the reason, and the audit log has the re-trust', async () => {
    await admin.goto(`${county.url}#/exchange/keys`);
    const table = admin.getByTestId('peer-table');
    await table.waitFor();
    const rows = table.locator('.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    const old = rows.filter({ hasText: spaced(oldPkg.fingerprint) });
    await expect(old.innerText()).resolves.toContain('已停用');
    await expect(old.innerText()).resolves.toContain(REASON);
    await expect(old.getByRole('button', { name: '移除' }).count()).resolves.toBe(0);
    await expect(rows.filter({ hasText: spaced(newPkg.fingerprint) }).innerText()).resolves.toContain('信任中');
    await shot(admin, 'exchange-keys-03-keys-retired');

    await admin.goto(`${county.url}#/system/audit`);
    await admin.getByRole('heading', { name: '审计日志' }).waitFor();
    await admin.locator('.ant-table-row', { hasText: '重新信任对方密钥' }).first().waitFor();
    expect(problems).toEqual([]);
  });
});
