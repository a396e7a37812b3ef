import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, writeSync, closeSync, statSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';

const cli = (dataDir: string, ...args: string[]) =>
  execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'db/cli.ts', '--data', dataDir, ...args], { encoding: 'utf8' });

describe('a corrupt ledger file: the app offers the latest good backup and restores it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-corrupt-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the cause, restores from the backup, and the office is back', async () => {
    cli(dataDir, 'init', '--level', 'county', '--region', '140525', '--name', '泽州县工业和信息化局', '--admin', 'admin', '--password', 'Admin12345');
    mkdirSync(join(dataDir, 'backups'));
    cli(dataDir, 'backup', join(dataDir, 'backups', 'ledger-2026-11-01.sqlite'));
    // Scribble over the middle of the file, past the header: SQLite still recognises it, the pages are garbage.
    const file = join(dataDir, 'ledger.sqlite');
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(Math.max(8192, statSync(file).size - 4096), 0x5a);
    writeSync(fd, junk, 0, junk.length, 4096);
    closeSync(fd);

    app = await startApp({ dataDir });
    browser = await launchBrowser();
    const { page } = await newPage(browser);
    await page.goto(app.url);
    await page.getByText('无法打开台账文件').waitFor();
    await expect(page.getByText(/台账文件「.*ledger\.sqlite」已损坏/).first().isVisible()).resolves.toBe(true);
    await page.getByText('最近的有效备份：ledger-2026-11-01.sqlite', { exact: false }).waitFor();
    await shot(page, 'recovery-01-corrupt');
    await page.getByRole('button', { name: '从此备份恢复' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await expect(page.getByText('泽州县工业和信息化局').isVisible()).resolves.toBe(true);
    await shot(page, 'recovery-02-restored');
  });
});

describe('another program\'s SQLite file in place of the ledger: refused like a damaged one, never converted', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-foreign-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the file, offers the backup, and restores it; the foreign file is kept', async () => {
    cli(dataDir, 'init', '--level', 'county', '--region', '140525', '--name', '泽州县工业和信息化局', '--admin', 'admin', '--password', 'Admin12345');
    mkdirSync(join(dataDir, 'backups'));
    cli(dataDir, 'backup', join(dataDir, 'backups', 'ledger-2026-11-01.sqlite'));
    const file = join(dataDir, 'ledger.sqlite');
    rmSync(file);
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE 记账(日期 TEXT, 金额 INTEGER); INSERT INTO 记账 VALUES ('2026-01-01', 5);");
    foreign.close();

    app = await startApp({ dataDir });
    browser = await launchBrowser();
    const { page } = await newPage(browser);
    await page.goto(app.url);
    await page.getByText('无法打开台账文件').waitFor();
    await page.getByText(/文件「.*ledger\.sqlite」不是县域产业台账的数据文件/).first().waitFor();
    await page.getByText('最近的有效备份：ledger-2026-11-01.sqlite', { exact: false }).waitFor();
    await shot(page, 'recovery-03-foreign');
    await page.getByRole('button', { name: '从此备份恢复' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    const kept = readdirSync(join(dataDir, 'backups')).find((n) => n.startsWith('before-restore-'))!;
    const db = new Database(join(dataDir, 'backups', kept), { readonly: true });
    expect(db.prepare('SELECT 金额 FROM 记账').pluck().get()).toBe(5);
    db.close();
  });
});
