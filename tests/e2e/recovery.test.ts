import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync, closeSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';

const cli = (dataDir: string, ...args: string[]) =>
  execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'db/cli.ts', '--data', dataDir, ...args], { encoding: 'utf8' });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const attachments = (dataDir: string) => (existsSync(join(dataDir, 'attachments')) ? readdirSync(join(dataDir, 'attachments')).sort() : []);

describe('a corrupt ledger file: the app offers the latest good backup and restores it, attachments too', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-corrupt-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the cause, restores from the backup, and the office is back with its claims\' evidence', async () => {
    cli(dataDir, 'seed-demo');
    mkdirSync(join(dataDir, 'backups'));
    cli(dataDir, 'backup', join(dataDir, 'backups', 'ledger-2026-11-01.cxbak'));
    const saved = attachments(dataDir);
    expect(saved.length).toBe(2);
    // The disk failed: the ledger's pages are garbage and the attachments folder is gone.
    rmSync(join(dataDir, 'attachments'), { recursive: true });
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
    await page.getByText('最近的有效备份：ledger-2026-11-01.cxbak', { exact: false }).waitFor();
    await page.getByText(/ledger-2026-11-01\.cxbak · 含附件 2 份/).waitFor();
    await shot(page, 'recovery-01-corrupt');
    await page.getByRole('button', { name: '从此备份恢复' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText(/已从备份恢复。备份含附件 2 份，已补回 2 份/).waitFor();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await expect(page.getByText('泽州县工业和信息化局').isVisible()).resolves.toBe(true);
    await shot(page, 'recovery-02-restored');
    expect(attachments(dataDir)).toEqual(saved);
    for (const n of saved) expect(sha(readFileSync(join(dataDir, 'attachments', n)))).toBe(n);
  });
});

async function login(page: Page, url: string) {
  await page.goto(url);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill('Admin12345');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '企业库' }).waitFor({ timeout: 30_000 });
}

describe('the backup screen and the audit page\'s anchors', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-anchor-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('backs up with the attachments, shows the chain head, and an anchor catches a re-hashed rewrite', async () => {
    cli(dataDir, 'seed-demo');
    app = await startApp({ dataDir });
    browser = await launchBrowser();
    const { page, problems } = await newPage(browser);
    await login(page, app.url);

    await page.goto(`${app.url}#/system/backup`);
    await page.getByRole('heading', { name: '备份与恢复' }).waitFor();
    // The daily backup made on opening is already there, with both demo attachments.
    await page.getByRole('cell', { name: '数据库与附件 2 份' }).first().waitFor();
    await page.getByRole('button', { name: '立即备份' }).click();
    await page.getByText(/已备份：manual-.*\.cxbak（含附件 2 份）/).waitFor();
    await page.getByRole('cell', { name: /^manual-.*\.cxbak$/ }).waitFor();
    await shot(page, 'backup-01-archives');
    const manual = readdirSync(join(dataDir, 'backups')).find((n) => n.startsWith('manual-'))!;

    await page.goto(`${app.url}#/system/audit`);
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    const headText = await page.getByTestId('audit-head').textContent();
    const m = /第 (\d+) 条 · ([0-9a-f]{64})/.exec(headText ?? '');
    expect(m).not.toBeNull();
    const [count, hash] = [Number(m![1]), m![2]!];
    await page.getByLabel('锚点条数').fill(String(count));
    await page.getByLabel('锚点哈希').fill(hash);
    await page.getByRole('button', { name: '与锚点比对' }).click();
    await page.getByTestId('audit-verify').getByText(`日志链完整，且与锚点一致：第 ${count} 条仍是锚点记录的哈希`).waitFor();
    await shot(page, 'audit-01-anchor-ok');
    await app.stop();

    // The forger: edits entry 3 and re-hashes every entry after it, and the head.
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    db.exec('DROP TRIGGER audit_log_no_update');
    const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= 3 ORDER BY seq').all() as Array<Record<string, string | number | null>>;
    let prev = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').pluck().get() as string;
    for (const e of rows) {
      const detail = e.seq === 3 ? '{"note":"改写"}' : (e.detail as string);
      const h = sha(Buffer.from([prev, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', detail].join('\u001f'), 'utf8'));
      db.prepare('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(detail, prev, h, e.seq);
      prev = h;
    }
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'audit_head'`).run(`${rows.at(-1)!.seq}:${prev}`);
    db.close();

    app = await startApp({ dataDir });
    await login(page, app.url);
    await page.goto(`${app.url}#/system/audit`);
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    await page.getByRole('button', { name: '校验日志链' }).click();
    await page.getByTestId('audit-verify').getByText(/^日志链完整：共 \d+ 条/).waitFor();
    await page.locator('[data-testid=audit-anchor] input[type=file]').setInputFiles(join(dataDir, 'backups', manual));
    await page.getByTestId('audit-verify').getByText(/日志链被破坏：第 \d+ 条记录的哈希与锚点不符/).waitFor();
    await page.getByTestId('audit-verify').getByText(`对照：备份 ${manual}`, { exact: false }).waitFor();
    await shot(page, 'audit-02-anchor-broken');
    expect(problems).toEqual([]);
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
    cli(dataDir, 'backup', join(dataDir, 'backups', 'ledger-2026-11-01.cxbak'));
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
    await page.getByText('最近的有效备份：ledger-2026-11-01.cxbak', { exact: false }).waitFor();
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
