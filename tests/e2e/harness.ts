import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'test-output', 'e2e');

export interface App {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real browser-mode entry (electron/web-main.ts) on a fresh data folder and waits for its address. */
export async function startApp(opts: { dataDir?: string; args?: string[] } = {}): Promise<App> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const proc = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'electron/web-main.ts', '--data', dataDir, '--no-open', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1' },
  });
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`app did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?t=\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        ok(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => fail(new Error(`app exited (${code}):\n${out}`)));
  });
  return {
    url,
    dataDir,
    proc,
    stop: async () => {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function newPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

/**
 * Apps side by side (a county and its city, an office and its field laptop), one browser page each, every page's
 * uncaught errors gathered in `problems`.
 */
export async function sideBySide<T extends Array<{ dataDir?: string }>>(
  specs: [...T],
  problems: string[],
): Promise<{ apps: { [K in keyof T]: App }; pages: { [K in keyof T]: Page }; browser: Browser }> {
  const apps = await Promise.all(specs.map((s) => startApp(s)));
  const browser = await launchBrowser();
  const pages = (await Promise.all(specs.map(() => newPage(browser)))).map((p) => p.page);
  for (const p of pages) p.on('pageerror', (e) => problems.push(e.message));
  return { apps: apps as { [K in keyof T]: App }, pages: pages as { [K in keyof T]: Page }, browser };
}

/** Picks an exchange package on the 数据交换 page and asks for its check (校验). */
export async function verifyPackage(page: Page, file: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByRole('button', { name: '校验', exact: true }).click();
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Opens a fresh ledger and loads the demo county (泽州县), logging in if the app asks. */
export async function loadDemoLedger(page: Page, app: App): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('button', { name: '载入演示数据（泽州县）' }).click();
  const loggedIn = page.getByRole('heading', { name: '企业库' });
  const login = page.getByRole('button', { name: '登录' });
  await loggedIn.or(login).waitFor({ timeout: 60_000 });
  if (await login.isVisible()) {
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('Admin12345');
    await login.click();
    await loggedIn.waitFor();
  }
}

/** First-run setup through the form; `level` is the radio to pick (县级 is preselected). */
export async function setupOffice(page: Page, app: App, o: { level?: string; region: string; office: string; user: string; name: string; password: string }): Promise<void> {
  await page.goto(app.url);
  await page.getByText('初始设置').waitFor();
  if (o.level) await page.locator('.ant-radio-button-wrapper', { hasText: o.level }).click();
  await page.getByLabel('行政区划代码').fill(o.region);
  await expect.poll(() => page.getByLabel('单位名称').inputValue()).toBe(o.office);
  await page.getByLabel('管理员用户名').fill(o.user);
  await page.getByLabel('管理员姓名').fill(o.name);
  await page.getByLabel('管理员密码').fill(o.password);
  await page.getByLabel('确认密码').fill(o.password);
  await page.getByRole('button', { name: '完成设置' }).click();
  await page.getByRole('heading', { name: '企业库' }).waitFor();
}

/** Clicks something that downloads a file and saves it as `file`. */
export async function saveDownload(page: Page, click: () => Promise<void>, file: string): Promise<{ file: string; suggested: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  await d.saveAs(file);
  return { file, suggested: d.suggestedFilename() };
}
