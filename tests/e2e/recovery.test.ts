import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeSync, closeSync, statSync, rmSync } from 'node:fs';
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
    await expect(page.getByText(/台账文件已损坏/).first().isVisible()).resolves.toBe(true);
    await page.getByText('最近的有效备份：ledger-2026-11-01.sqlite', { exact: false }).waitFor();
    await shot(page, 'recovery-01-corrupt');
    await page.getByRole('button', { name: '从此备份恢复' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await expect(page.getByText('泽州县工业和信息化局').isVisible()).resolves.toBe(true);
    await shot(page, 'recovery-02-restored');
  });
});
