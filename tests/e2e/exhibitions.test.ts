// 参展补贴 end to end: register a fair, file a claim with a cash item and an excluded item, attach materials,
// read the explained amount, review, publish, approve, see a sanction block payment, pay, print both documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const MATERIALS = ['application_form', 'authenticity_pledge', 'invoice', 'payment_proof', 'booth_contract', 'site_photos', 'catalogue_or_pass'];

// The ledger's calendar is China Standard Time (db/clock.ts).
const day = (n: number) => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);
const FAIR = '2026中国(太原)国际能源产业博览会（测试）';

/** Calls an op as the logged-in user, the way the UI does (for the sanction set-up and its lifting). */
/** Gives a step from the claim's header: its 审核意见 dialog (同意 by default), confirmed. */
async function give(page: Page, step: string): Promise<void> {
  await page.locator('.page-header').getByRole('button', { name: step }).click();
  const dialog = page.locator('.ant-modal').filter({ hasText: '审核意见' });
  await dialog.getByRole('button', { name: /^(确定|确认.+)$/ }).click();
}

async function api<T>(page: Page, op: string, input: unknown): Promise<T> {
  const r = (await page.evaluate(async ([op, input]) => {
    const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
    const res = await fetch('./api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-county-ledger': '1', 'x-ledger-session': store.getItem('county-ledger-session') ?? '' },
      body: JSON.stringify({ op, input }),
    });
    return res.json();
  }, [op, input] as const)) as { ok: boolean; value?: unknown; error?: unknown };
  if (!r.ok) throw new Error(`${op}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function pick(page: Page, select: Locator, text: string, type = false): Promise<void> {
  await select.click();
  if (type) await page.keyboard.type(text);
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: text }).first().click();
}

function pdfText(file: string): string {
  // Table cells wrap long names over lines, so compare without whitespace.
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

describe('exhibition subsidies: fair, claim, explained amount, review, 公示, payment, documents', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let claimUrl = '';
  let enterprise = '';
  let enterpriseId = 0;
  let uscc = '';
  const out = mkdtempSync(join(tmpdir(), 'ledger-exh-pdf-'));

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ({ page, problems } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('loads the demo ledger and shows the overview with charts', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: '载入演示数据（泽州县）' }).click();
    // The demo button sets up 泽州县 and logs in as its administrator.
    await page.getByRole('heading', { name: '企业库' }).waitFor({ timeout: 60_000 });
    // This test plays a one-person office: the administrator turns 职责分离 off with a reason (office-review.test.ts
    // runs the three-person office).
    await page.goto(`${app.url}#/system/office`);
    await page.getByRole('switch', { name: '职责分离' }).click();
    await page.getByLabel('关闭原因').fill('演示：一人办理全部环节');
    await page.getByRole('button', { name: '关闭职责分离' }).click();
    await page.getByText('已关闭职责分离，原因已记入审计日志').waitFor();
    await page.goto(`${app.url}#/exhibitions`);
    await page.getByRole('heading', { name: '参展补贴概览' }).waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await shot(page, 'exh-01-overview');
  });

  it('registers a fair; a fair without a county-level organiser is flagged', async () => {
    await page.goto(`${app.url}#/exhibitions/fairs`);
    await page.getByRole('button', { name: '登记展会' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByLabel('展会名称').fill(FAIR);
    await drawer.getByLabel('主办单位').fill('山西省人民政府');
    await drawer.getByText('非政府组织').click();
    await drawer.getByText('不符合条例第三十六条，其申请不予补贴').waitFor();
    await drawer.getByText('省级', { exact: true }).click();
    await drawer.getByLabel('组织参展的人民政府').fill('山西省人民政府');
    await drawer.getByLabel('城市').fill('太原');
    await drawer.getByLabel('开始日期').fill(day(-8));
    await drawer.getByLabel('结束日期').fill(day(-10));
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.getByText('结束日期不能早于开始日期').first().waitFor();
    await shot(page, 'exh-02-fair-bad-dates');
    await drawer.getByLabel('结束日期').fill(day(-5));
    await drawer.getByRole('button', { name: '保存' }).click();
    await page.getByText(`已登记展会：${FAIR}`).waitFor();
    const row = page.getByTestId('fair-table').locator('tr').filter({ hasText: FAIR });
    await expect(row.getByText('符合').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('fair-table').locator('tr').filter({ hasText: '中国国际铸造博览会' }).getByText('不符合').isVisible()).resolves.toBe(true);
    await shot(page, 'exh-03-fairs');
  });

  it('files a claim with a cash item and an excluded item and sees every reason', async () => {
    // An enterprise with no sanction in force, so the workflow can go through.
    const sanctioned = new Set((await api<Array<{ enterprise_id: number }>>(page, 'sanction:list', {})).map((s) => s.enterprise_id));
    const list = await api<{ rows: Array<{ id: number; name: string; uscc: string }> }>(page, 'enterprise:list', { pageSize: 50, sort: 'name', order: 'asc' });
    const e = list.rows.find((r) => !sanctioned.has(r.id))!;
    enterprise = e.name;
    enterpriseId = e.id;
    uscc = e.uscc;

    await page.goto(`${app.url}#/exhibitions/claims`);
    await page.getByRole('button', { name: '新建申请' }).click();
    const drawer = page.locator('.ant-drawer');
    await pick(page, drawer.locator('.ant-select').first(), enterprise, true);
    await pick(page, drawer.getByLabel('展会'), FAIR.slice(0, 12), true);
    await drawer.getByLabel('展位1展位号').fill('T1-08');
    await drawer.getByLabel('展位1面积').fill('9');
    // Row 1 by keyboard: Enter moves along the row like Excel.
    await pick(page, drawer.getByLabel('第1行展位'), 'T1-08');
    await drawer.getByLabel('第1行金额').fill('12000');
    await page.keyboard.press('Enter');
    await page.keyboard.type('FP-2026-0001');
    await page.keyboard.press('Enter');
    await page.keyboard.type(day(-20));
    await expect(drawer.getByLabel('第1行发票日期').inputValue()).resolves.toBe(day(-20));
    await drawer.getByLabel('第1行凭证号').fill('记-101');

    await drawer.getByRole('button', { name: '添加费用行' }).click();
    await pick(page, drawer.getByLabel('第2行费用类型'), '运输费');
    await drawer.getByLabel('第2行金额').fill('3000.50');
    await drawer.getByLabel('第2行发票号').fill('FP-2026-0002');
    await drawer.getByLabel('第2行发票日期').fill(day(-9));
    await pick(page, drawer.getByLabel('第2行支付方式'), '现金');

    await drawer.getByRole('button', { name: '添加费用行' }).click();
    await pick(page, drawer.getByLabel('第3行费用类型'), '注册费');
    await drawer.getByLabel('第3行金额').fill('800.123');
    await drawer.getByLabel('第3行发票号').fill('FP-2026-0003');
    await drawer.getByLabel('第3行发票日期').fill(day(-9));
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.getByText('金额（元），最多两位小数').waitFor();
    await shot(page, 'exh-04-claim-form-bad-amount');
    await drawer.getByLabel('第3行金额').fill('800');
    await drawer.getByRole('button', { name: '保存' }).click();

    await page.getByTestId('calc').waitFor();
    claimUrl = page.url();
    const calc = page.getByTestId('calc');
    // 12,000 × 50% = 6,000 (domestic, traditional market); cash and 注册费 get nothing.
    await expect(page.getByTestId('calc-result').textContent()).resolves.toContain('6,000.00');
    const items = await page.getByTestId('calc-items').innerText();
    expect(items).toMatch(/12,000\.00 × 50%.* = 6,000\.00 元/);
    expect(items).toContain('现金支付，不予补贴（须银行转账）');
    expect(items).toContain('本规则不补贴「注册费」');
    const lines = await page.getByTestId('calc-lines').innerText();
    expect(lines).toContain('展会由省级人民政府组织，符合条例第三十六条');
    expect(lines).toContain('补贴比例：境内·传统市场 50%');
    expect(lines).toMatch(/企业年度上限 200,000.00 元，本年其他申请已用 [\d,]+\.\d\d 元/);
    expect(lines).toContain('核定补贴金额：6,000.00 元');
    await expect(calc.getByText('费用合计（元）').isVisible()).resolves.toBe(true);
    await expect(calc.getByText('15,800.50').isVisible()).resolves.toBe(true);
    await shot(page, 'exh-05-claim-calculation');
  });

  it('refuses a text file as material, attaches PDFs and images with their SHA-256, then passes 初审 and 复审', async () => {
    const inputs = page.getByTestId('materials').locator('input[type=file]');
    // 初审 is refused while materials are missing.
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByTestId('claim-status').getByText('已提交').waitFor();
    await give(page, '通过初审');
    await page.getByTestId('action-error').getByText(/缺少必备材料：申请表、/).waitFor();
    await shot(page, 'exh-06-materials-missing');

    await inputs.first().setInputFiles({ name: '申请表.txt', mimeType: 'text/plain', buffer: Buffer.from('not a scan') });
    await page.getByText(/不是 PDF 或图片/).first().waitFor();
    for (let i = 0; i < MATERIALS.length; i++) {
      const photo = MATERIALS[i] === 'site_photos';
      await inputs.nth(i).setInputFiles({ name: photo ? '展位现场.png' : `${MATERIALS[i]}.pdf`, mimeType: photo ? 'image/png' : 'application/pdf', buffer: photo ? PNG : PDF });
      await page.getByText(photo ? '展位现场.png' : `${MATERIALS[i]}.pdf`).first().waitFor();
    }
    await page.getByText('必备材料齐全').waitFor();
    await expect(page.getByTestId('materials').getByText(/SHA-256 [0-9a-f]{16}…/).first().isVisible()).resolves.toBe(true);
    await shot(page, 'exh-07-materials');

    await give(page, '通过初审');
    await page.getByTestId('claim-status').getByText('初审').waitFor();
    await give(page, '通过复审');
    await page.getByTestId('claim-status').getByText('复审').waitFor();
  });

  it('publishes the 公示 batch and prints the 公示名单 to PDF', async () => {
    await page.goto(`${app.url}#/exhibitions/claims`);
    const row = page.getByTestId('claim-table').locator('tr').filter({ hasText: FAIR.slice(0, 12) });
    await row.locator('input[type=checkbox]').check();
    await page.getByRole('button', { name: /公示所选/ }).click();
    const modal = page.locator('.ant-modal').filter({ hasText: '发布公示' });
    await modal.getByLabel('公示标题').fill('2026年度第二批参展补贴拟补助企业名单公示');
    await modal.getByLabel('批次号（留空自动编号，如 GS2026-01）').fill('GS2026-E2E');
    // The 公示 period has run its course, so the claim can be approved today.
    await modal.getByLabel('公示开始日期').fill(day(-7));
    await modal.getByLabel('公示结束日期').fill(day(-1));
    await modal.getByRole('button', { name: '发布公示' }).click();
    await page.getByRole('heading', { name: '公示批次' }).waitFor();
    await page.getByTestId('batch-table').locator('tr').filter({ hasText: 'GS2026-E2E' }).getByRole('button', { name: '公示名单' }).click();
    await page.locator('.print-doc h1').waitFor();
    await shot(page, 'exh-08-publicity-print');
    const file = join(out, 'publicity.pdf');
    await page.pdf({ path: file, format: 'A4' });
    const text = pdfText(file);
    expect(text).toContain('2026年度第二批参展补贴拟补助企业名单公示');
    expect(text).toContain('GS2026-E2E');
    // A long name wraps inside its cell, and pdftotext interleaves the cells; the code is on one line.
    expect(text).toContain(uscc);
    expect(text).toContain(enterprise.slice(0, 4));
    expect(text).toContain('6,000.00');
    expect(text).toContain('公示期');
    expect(text).toContain('泽州县工业和信息化局');
  });

  it('approves, sees a sanction block the payment with the server message, then pays after it is lifted', async () => {
    await page.goto(claimUrl);
    await give(page, '批准');
    await page.getByTestId('claim-status').getByText('已批准').waitFor();

    const s = await api<{ id: number }>(page, 'sanction:create', {
      enterprise_id: enterpriseId, kind: 'credit_penalty', start_date: day(0), end_date: day(365), doc_no: '泽工信罚〔2026〕9号',
      reason: '另案查实提供虚假材料，列入失信名单',
    });
    const payButton = page.locator('.page-header').getByRole('button', { name: '登记拨付' });
    await payButton.click();
    const modal = page.locator('.ant-modal').filter({ hasText: '登记拨付' });
    await expect(modal.getByLabel('拨付金额（元）').inputValue()).resolves.toBe('6000.00');
    await modal.getByLabel('拨付凭证号').fill('国库-2026-1188');
    await modal.getByRole('button', { name: '登记拨付' }).click();
    await page.getByRole('button', { name: '确认拨付' }).click();
    await page.waitForTimeout(500);
    await shot(page, 'exh-09-sanction-blocks-payment');
    await modal.getByTestId('pay-error').getByText(/处于处理期内，不能拨付参展补贴/).waitFor();
    await expect(modal.getByTestId('pay-error').textContent()).resolves.toContain('泽工信罚〔2026〕9号');
    // The administrator is offered the audited 例外说明; this test takes the other way out and lifts the sanction.
    await modal.getByLabel(/例外说明/).waitFor();
    await shot(page, 'exh-09-sanction-blocks-payment');
    await modal.getByRole('button', { name: '取消' }).click();
    await modal.waitFor({ state: 'hidden' });

    await api(page, 'sanction:lift', { id: s.id, reason: '经复核撤销' });
    await payButton.click();
    await modal.getByLabel('拨付凭证号').fill('国库-2026-1188');
    await modal.getByRole('button', { name: '登记拨付' }).click();
    await page.getByRole('button', { name: '确认拨付' }).click();
    await page.getByTestId('claim-status').getByText('已拨付').waitFor();
    await shot(page, 'exh-10-paid');
  });

  it('prints the 审核表 with its explanation to PDF', async () => {
    await page.getByRole('button', { name: '审核表' }).click();
    await page.locator('.print-doc h1').waitFor();
    await shot(page, 'exh-11-review-sheet');
    const file = join(out, 'review.pdf');
    await page.pdf({ path: file, format: 'A4' });
    const text = pdfText(file);
    expect(text).toContain('参展补贴申请审核表');
    expect(text).toContain(enterprise);
    expect(text).toContain(FAIR.slice(0, 12));
    expect(text).toContain('现金支付，不予补贴');
    expect(text).toContain('本规则不补贴「注册费」');
    expect(text).toContain('6,000.00');
    expect(text).toContain('核定补贴金额：6,000.00元');
    expect(text).toContain('初审');
    expect(text).toContain('复审');
  });

  it('shows the rule table and a revision with the before and after of unapproved claims', async () => {
    await page.goto(`${app.url}#/exhibitions/rules`);
    await page.getByTestId('rule-view').waitFor();
    await shot(page, 'exh-12-rules');
    await page.getByRole('button', { name: '修订（生成新版本）' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByLabel('修订说明（如：依据某文件调整单展上限）').fill('单展上限调整为 5 万元');
    await drawer.getByLabel('单展上限（元）').fill('500000');
    await drawer.getByRole('button', { name: '保存新版本并重算' }).click();
    await drawer.getByTestId('rule-error').getByText(/单展上限 500,000.00 元高于企业年度上限/).waitFor();
    await shot(page, 'exh-13-rule-contradiction');
    await drawer.getByLabel('单展上限（元）').fill('30000');
    await drawer.getByRole('button', { name: '保存新版本并重算' }).click();
    await drawer.getByTestId('rule-error').getByText(/境外每展位上限 40,000.00 元高于单展上限 30,000.00 元/).waitFor();
    await drawer.getByText('单展上限 500,000.00 元高于企业年度上限').waitFor({ state: 'detached' });
    await drawer.getByLabel('单展上限（元）').fill('50000');
    await drawer.getByRole('button', { name: '保存新版本并重算' }).click();
    await page.getByTestId('recalc-changes').waitFor();
    await page.getByText(/已修订为第 2 版/).waitFor();
    await shot(page, 'exh-14-revision-before-after');
    await page.getByRole('button', { name: '知道了' }).click();
    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
  });
});
