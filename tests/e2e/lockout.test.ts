import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';

const cli = (dataDir: string, ...args: string[]) =>
  execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'db/cli.ts', '--data', dataDir, ...args], { encoding: 'utf8' });

describe('a locked account: the login screen says so and whom to ask; an administrator unlocks it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-lockout-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the locked clerk even with the right password, shows the lock to the administrator, who unlocks it', async () => {
    cli(dataDir, 'seed-demo');
    // The account as five wrong passwords leave it (the steps themselves are timed in tests/db/auth-lockout.test.ts).
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    const at = new Date().toISOString();
    db.prepare(`UPDATE app_user SET failed_logins = 5, failed_since = ?, last_failed_at = ?, locked_at = ? WHERE username = 'luru'`).run(at, at, at);
    db.close();

    app = await startApp({ dataDir });
    browser = await launchBrowser();
    const { page } = await newPage(browser);
    const login = async (username: string, password: string) => {
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
    };
    await page.goto(app.url);
    await page.getByRole('button', { name: '登录' }).waitFor();
    await login('luru', 'Luru12345');
    await page.getByText(/账户「luru」已锁定：15 分钟内密码连续错误 5 次.*请联系管理员.*（admin）在「系统 → 用户管理」中解锁/).waitFor();
    await shot(page, 'lockout-01-login-locked');

    await login('admin', 'Admin12345');
    await page.goto(`${app.url}#/system/users`);
    const locked = page.getByTestId('locked-luru');
    await locked.getByText('已锁定').waitFor();
    await shot(page, 'lockout-02-users-locked');
    await locked.getByRole('button', { name: '解锁' }).click();
    await page.getByText('已解锁「').waitFor();
    await locked.waitFor({ state: 'detached' });

    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await login('luru', 'Luru12345');
    await page.getByTestId('user-menu').waitFor();
    await expect(page.getByText('已锁定').count()).resolves.toBe(0);
  });
});
