// Work as an office works (issue 14): a claim from entry to payment by three people — 录入员 enters and submits,
// 审核人 gives 初审 (and is refused 复审), the administrator gives 复审, 公示 and 批准, the 审核人 records the
// payment — then the 审核表 is exported to PDF from browser mode and its pages are read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loadDemoLedger, newPage, saveDownload, shot, SHOTS, startApp, type App } from './harness.js';
import { DEMO_PDF, DEMO_PNG } from '../../db/exhibitions/seed.js';

const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const FAIR = '2026山西(太原)职责分离演示装备制造博览会';

async function api<T>(page: Page, op: string, input: unknown): Promise<T> {
  const r = (await page.evaluate(async ([op, input]) => {
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
    const res = await fetch('./api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-county-ledger': '1', 'x-ledger-session': store.getItem('county-ledger-session') ?? '' },
      body: JSON.stringify({ op, input }),
    });
    return res.json();
  }, [op, input] as const)) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!r.ok) throw new Error(`${op}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function loginAs(page: Page, app: App, username: string, password: string): Promise<void> {
  await page.goto(app.url);
  const menu = page.getByTestId('user-menu');
  const login = page.getByRole('button', { name: '登录' });
  await menu.or(login).first().waitFor();
  if (await menu.isVisible()) {
    await menu.hover();
    await page.getByText('退出登录').click();
  }
  await login.waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await login.click();
  await page.getByTestId('user-menu').waitFor();
}

/** Opens a step's 审核意见 dialog from the claim header, writes the opinion, and confirms. */
async function give(page: Page, step: string, opinion: string): Promise<void> {
  await page.locator('.page-header').getByRole('button', { name: step }).click();
  const dialog = page.locator('.ant-modal').filter({ hasText: '审核意见' });
  await dialog.getByLabel('审核意见').fill(opinion);
  await dialog.getByRole('button', { name: /^(确定|确认.+)$/ }).click();
}

describe('a claim from entry to payment by three people, with separation of duties and the printed 审核表', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let claimUrl = '';
  let claimNo = '';
  let enterprise = '';
  const out = mkdtempSync(join(tmpdir(), 'ledger-office-'));

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ({ page, problems } = await newPage(browser));
    // Each step recalculates the enterprise's year and reloads the claim; on a busy two-core machine that can take long.
    page.setDefaultTimeout(30_000);
    await loadDemoLedger(page, app);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the 录入员 enters a claim with its materials and submits it; the review steps are shown with why not', async () => {
    await loginAs(page, app, 'luru', 'Luru12345');
    const fair = await api<{ id: number }>(page, 'exhibition:fairCreate', {
      name: FAIR, organiser: '山西省人民政府', organising_gov: '山西省人民政府', gov_level: 'provincial', scope: 'domestic', market_type: 'traditional',
      country: '中国', city: '太原', start_date: day(-8), end_date: day(-5),
    });
    const ents = await api<{ rows: Array<{ id: number; name: string }> }>(page, 'enterprise:list', { q: '铸造', pageSize: 1 });
    enterprise = ents.rows[0]!.name;
    const claim = await api<{ claim: { id: number; claim_no: string } }>(page, 'exhibition:claimCreate', {
      enterprise_id: ents.rows[0]!.id, fair_id: fair.id, claim_date: day(0), booths: [{ booth_no: 'T5-101', area_m2: '9', kind: 'standard' }],
      items: [{ item_type: 'booth_fee', amount_yuan: '12000', invoice_no: '24001188', invoice_date: day(-30), payment_method: 'transfer', voucher_no: '记-0088' }],
    });
    claimNo = claim.claim.claim_no;
    for (const m of ['application_form', 'authenticity_pledge', 'invoice', 'payment_proof', 'booth_contract', 'site_photos', 'catalogue_or_pass']) {
      const png = m === 'site_photos';
      await api(page, 'exhibition:attachmentAdd', { claim_id: claim.claim.id, material: m, fileName: `${m}.${png ? 'png' : 'pdf'}`, dataBase64: (png ? DEMO_PNG : DEMO_PDF).toString('base64') });
    }
    claimUrl = `${app.url}#/exhibitions/claims/${claim.claim.id}`;
    await page.goto(claimUrl);
    await page.locator('.page-header').getByRole('button', { name: '提交' }).click();
    await page.getByTestId('claim-status').getByText('已提交').waitFor();
    // A 录入员 sees 初审 but may not give it, and is told why.
    await expect(page.locator('.page-header').getByRole('button', { name: '通过初审' }).isDisabled()).resolves.toBe(true);
    await page.getByTestId('not-allowed').getByText(/不能通过初审：通过初审需要「审核人」或更高权限/).waitFor();
    await shot(page, 'office-01-clerk-submitted');
  });

  it('the 审核人 gives 初审 with an opinion, then is refused 复审 with the reason naming the person and step', async () => {
    await loginAs(page, app, 'shenhe', 'Shenhe12345');
    await page.goto(claimUrl);
    await give(page, '通过初审', '材料齐全，展位费发票与合同一致');
    await page.getByTestId('claim-status').getByText('初审').waitFor();
    // The screen shows 复审 not allowed for this person, with the office's rule.
    const refusal = page.getByTestId('not-allowed');
    await refusal.getByText(`不能通过复审：职责分离：「李晓燕」已初审申请 ${claimNo}，不能再复审它`).waitFor();
    await expect(page.locator('.page-header').getByRole('button', { name: '通过复审' }).isDisabled()).resolves.toBe(true);
    await shot(page, 'office-02-second-review-refused');
    // The service refuses it too, whatever the screen draws, and writes nothing.
    const id = Number(claimUrl.split('/').pop());
    const r = await page.evaluate(async (id) => {
      const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
      const res = await fetch('./api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-county-ledger': '1', 'x-ledger-session': store.getItem('county-ledger-session') ?? '' },
        body: JSON.stringify({ op: 'exhibition:transition', input: { claim_id: id, action: 'second_review' } }),
      });
      return (await res.json()) as { ok: boolean; error: { code: string; message: string } };
    }, id);
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('SEPARATION_OF_DUTIES');
    expect(r.error.message).toContain(`「李晓燕」已初审申请 ${claimNo}，不能再复审它`);
    await expect(page.getByTestId('claim-status').textContent()).resolves.toBe('初审');
  });

  it('the administrator gives 复审, publishes the 公示 and approves after confirming the amount', async () => {
    await loginAs(page, app, 'admin', 'Admin12345');
    await page.goto(claimUrl);
    await give(page, '通过复审', '同意，符合条例第三十六条');
    await page.getByTestId('claim-status').getByText('复审').waitFor();
    await page.goto(`${app.url}#/exhibitions/claims`);
    const row = page.getByTestId('claim-table').locator('tr').filter({ hasText: claimNo });
    await row.locator('input[type=checkbox]').check();
    await page.getByRole('button', { name: /公示所选/ }).click();
    const modal = page.locator('.ant-modal').filter({ hasText: '发布公示' });
    await modal.getByLabel('公示标题').fill('职责分离演示公示');
    await modal.getByLabel('公示开始日期').fill(day(-7));
    await modal.getByLabel('公示结束日期').fill(day(-1));
    await modal.getByRole('button', { name: '发布公示' }).click();
    await page.getByRole('heading', { name: '公示批次' }).waitFor();

    await page.goto(claimUrl);
    await page.locator('.page-header').getByRole('button', { name: '批准' }).click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '审核意见' });
    // 批准 cannot be undone: the dialog names the amount.
    await dialog.getByTestId('step-confirm').getByText(`批准申请 ${claimNo}，补贴金额 6,000.00 元。批准后金额锁定，不能撤回。`).waitFor();
    await dialog.getByLabel('审核意见').fill('公示期满无异议，同意补贴');
    await shot(page, 'office-03-approve-confirm');
    await dialog.getByRole('button', { name: '确认批准' }).click();
    await page.getByTestId('claim-status').getByText('已批准').waitFor();
  });

  it('the 审核人 records the payment after confirming the amount', async () => {
    await loginAs(page, app, 'shenhe', 'Shenhe12345');
    await page.goto(claimUrl);
    await page.locator('.page-header').getByRole('button', { name: '登记拨付' }).click();
    const modal = page.locator('.ant-modal').filter({ hasText: '拨付凭证号' });
    await modal.getByLabel('拨付凭证号').fill('国库-2026-2201');
    await modal.getByLabel('审核意见').fill('同意拨付');
    await modal.getByRole('button', { name: '登记拨付' }).click();
    await page.getByTestId('pay-confirm').getByText(/向「.+」拨付 6000\.00 元（凭证 国库-2026-2201）。登记拨付后不能撤销/).waitFor();
    await shot(page, 'office-04-pay-confirm');
    await page.getByRole('button', { name: '确认拨付' }).click();
    await page.getByTestId('claim-status').getByText('已拨付').waitFor();
    await shot(page, 'office-05-paid');
  });

  it('exports the 审核表 to PDF in browser mode: each step with its giver, opinion and date, and the signature lines', async () => {
    await page.locator('.page-header').getByRole('button', { name: '审核表' }).click();
    await page.getByTestId('signatures').waitFor();
    await shot(page, 'office-06-review-sheet');
    const { file, suggested } = await saveDownload(page, () => page.getByRole('button', { name: '导出 PDF' }).click(), join(out, 'review.pdf'));
    expect(suggested).toBe(`参展补贴审核表-${claimNo}.pdf`);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, '');
    for (const s of ['参展补贴申请审核表', '王志刚', '李晓燕', '张建国', '材料齐全，展位费发票与合同一致', '同意，符合条例第三十六条', '公示期满无异议，同意补贴', '同意拨付',
      '经办人', '审核人', '负责人', '日期', '单位（盖章）', enterprise.slice(0, 6)]) {
      expect(flat).toContain(s);
    }
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(flat).toContain(`第1页共${pages}页`);
    expect(flat).toContain(`第${pages}页共${pages}页`);
    // The steps table's header is repeated on the page it continues on, when it spans two.
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', String(pages), '-l', String(pages), file, join(SHOTS, 'office-07-review-pdf-last-page')]);
    expect(existsSync(join(SHOTS, `office-07-review-pdf-last-page-${pages}.png`)) || existsSync(join(SHOTS, `office-07-review-pdf-last-page-${String(pages).padStart(2, '0')}.png`))).toBe(true);
    expect(problems.filter((p) => !/Warning:/.test(p))).toEqual([]);
  });
});
