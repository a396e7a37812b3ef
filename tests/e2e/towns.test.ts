// 专业镇 end to end: a new town from 培育 to 认定 with a 公示 period, two years of indicators with 同比, an
// evaluation against the default rule set, the 公示名单 as PDF, and a forbidden step refused by the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, shot, startApp, type App } from './harness.js';

const TOWN = '泽州测试五金';
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const D = { apply: daysAgo(60), review: daysAgo(45), pubStart: daysAgo(30), pubEnd: daysAgo(24), designate: daysAgo(10) };
const LAST = new Date().getFullYear() - 1;

describe('专业镇: lifecycle, indicators, evaluation, documents', () => {
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

  /** Types a date into an antd DatePicker in the open dialog and confirms it. */
  async function date(label: string, value: string) {
    const input = page.locator('.ant-modal').getByLabel(label, { exact: true });
    await input.click();
    await input.fill(value);
    await input.press('Enter');
    await expect(input.inputValue()).resolves.toBe(value);
  }

  async function step(button: string, fill: () => Promise<void>) {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.locator('.ant-modal-title', { hasText: button }).waitFor();
    await fill();
    await page.locator('.ant-modal').getByRole('button', { name: /确\s*定/ }).click();
    await Promise.race([page.locator('.ant-modal').waitFor({ state: 'hidden' }), page.getByTestId('transition-error').waitFor()]);
    if (await page.getByTestId('transition-error').isVisible()) {
      await shot(page, `towns-failed-${button}`);
      throw new Error(`「${button}」被拒绝：${await page.getByTestId('transition-error').textContent()}`);
    }
  }

  it('loads the demo ledger and shows the overview and the list', async () => {
    await page.goto(app.url);
    // The demo button sets up 泽州县 and logs in as its administrator.
    await page.getByRole('button', { name: '载入演示数据（泽州县）' }).click();
    await page.getByRole('heading', { name: '企业库' }).waitFor({ timeout: 60_000 });
    await page.goto(`${app.url}#/towns/overview`);
    await page.getByRole('heading', { name: '专业镇总览' }).waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await shot(page, 'towns-01-overview');
    await page.getByRole('menuitem', { name: '专业镇名录' }).click();
    await page.getByRole('heading', { name: '专业镇名录' }).waitFor();
    await page.getByText('泽州铸造').first().waitFor();
    await shot(page, 'towns-02-list');
  });

  it('creates a town', async () => {
    await page.getByRole('button', { name: '新增专业镇' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByLabel('专业镇名称', { exact: true }).fill(TOWN);
    await drawer.getByLabel('主导产业', { exact: true }).fill('五金制品');
    await drawer.getByLabel('简介').fill('县域五金制品产业集群，以小五金、紧固件为主。');
    await shot(page, 'towns-03-new-town');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('heading', { name: TOWN }).waitFor();
    await shot(page, 'towns-04-profile');
  });

  it('takes it from 培育 to 认定 with a 公示 period', async () => {
    await page.getByRole('tab', { name: '生命周期' }).click();
    await expect(page.getByTestId('town-status').textContent()).resolves.toBe('培育');
    await step('申报', async () => {
      await date('日期', D.apply);
    });
    await step('进入评审', async () => {
      await date('日期', D.review);
    });
    await step('公示', async () => {
      await date('日期', D.pubStart);
      await page.locator('.ant-modal').getByLabel('文号').fill('泽工信公示〔2026〕7号');
      await date('公示开始日期', D.pubStart);
      await date('公示结束日期', D.pubEnd);
      await shot(page, 'towns-05-publicize-form');
    });
    await expect(page.getByTestId('town-status').textContent()).resolves.toBe('公示');
    await step('认定', async () => {
      await date('日期', D.designate);
      await page.locator('.ant-modal').getByLabel('文号').fill('泽工信发〔2026〕21号');
      await page.locator('.ant-modal').getByLabel('批次').fill('第三批');
      await date('有效期起', D.designate);
      await shot(page, 'towns-06-designate-form');
    });
    await expect(page.getByTestId('town-status').textContent()).resolves.toBe('认定');
    await page.getByText('泽工信发〔2026〕21号').first().waitFor();
    await shot(page, 'towns-07-lifecycle');
  });

  it('refuses a forbidden transition with the server message', async () => {
    await page.getByRole('button', { name: /其他操作/ }).hover();
    await page.getByRole('menuitem', { name: '进入评审' }).click();
    await page.locator('.ant-modal').getByRole('button', { name: /确\s*定/ }).click();
    const err = page.getByTestId('transition-error');
    await err.waitFor();
    await expect(err.textContent()).resolves.toContain('当前状态「认定」不能执行「进入评审」');
    await expect(err.textContent()).resolves.toContain('可执行的操作');
    await shot(page, 'towns-08-refused');
    await page.locator('.ant-modal').getByRole('button', { name: /取\s*消/ }).click();
    await expect(page.getByTestId('town-status').textContent()).resolves.toBe('认定');
  });

  it('enters two years of indicators and shows 同比', async () => {
    await page.getByRole('tab', { name: '年度指标' }).click();
    const year = page.getByLabel('填报年度');
    await year.fill(String(LAST - 1));
    await year.press('Tab');
    await page.getByText(`${LAST - 1} 年`).first().waitFor();
    const fig = (name: string) => page.getByTestId('indicator-entry').getByLabel(name, { exact: true });
    // Enter moves down the column, as in a spreadsheet.
    await fig('企业总数').fill('120');
    await fig('企业总数').press('Enter');
    await expect(fig('规上企业数').evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await fig('规上企业数').fill('20');
    await fig('主导产业产值').fill('500000');
    await fig('中小企业产值占比').fill('80');
    await fig('主导产业占比').fill('75');
    await fig('占地面积').fill('30');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText(`已保存 ${LAST - 1} 年指标`).waitFor();

    await year.fill(String(LAST));
    await year.press('Tab');
    await page.getByRole('button', { name: '复制上期' }).click();
    await page.getByText(`已复制 ${LAST - 1} 年的数据`).waitFor();
    await expect(fig('企业总数').inputValue()).resolves.toBe('120');
    await fig('主导产业产值').fill('600000');
    await fig('企业总数').fill('132');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText(`已保存 ${LAST} 年指标`).waitFor();
    const history = page.getByTestId('indicator-history');
    await history.getByText('(+20.0%)').waitFor();
    await history.getByText('(+10.0%)').waitFor();
    await shot(page, 'towns-09-indicators');
  });

  it('evaluates against the default rule set', async () => {
    await page.getByRole('tab', { name: '考核' }).click();
    await page.getByLabel('考核年度').fill(String(LAST));
    await page.getByRole('button', { name: '评价' }).click();
    const ev = page.getByTestId('evaluation');
    await ev.waitFor();
    await expect(ev.textContent()).resolves.toContain('国家标准');
    await expect(ev.textContent()).resolves.toContain('近三年主导产业产值均 ≥ 40 亿元');
    // Only two years are on file: the third is reported as missing, not as zero.
    await expect(ev.textContent()).resolves.toContain('缺数据');
    await expect(ev.textContent()).resolves.toContain('缺少数据');
    await shot(page, 'towns-10-evaluation');
    await page.getByRole('button', { name: '保存为考核结果' }).click();
    await page.getByText('已保存考核结果').first().waitFor();
  });

  it('records a veto event on the town; re-evaluating fails the veto criterion naming the event', async () => {
    await page.getByRole('tab', { name: '否决事件' }).click();
    await page.getByText('无否决事件记录').waitFor();
    await page.getByRole('button', { name: '登记否决事件' }).click();
    const modal = page.locator('.ant-modal');
    await modal.locator('.ant-modal-title', { hasText: '登记否决事件' }).waitFor();
    const pick = async (label: string, option: string) => {
      await modal.getByLabel(label, { exact: true }).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
    };
    await pick('事件类型', '安全事故');
    await pick('严重程度', '较大');
    await date('发生日期', `${LAST}-06-18`);
    await modal.getByLabel(/^文号/).fill('泽应急〔' + LAST + '〕12号');
    await modal.getByLabel('情况说明').fill('压铸车间较大安全事故，3 人受伤');
    await shot(page, 'towns-10b-event-form');
    await modal.getByRole('button', { name: /登\s*记/ }).click();
    await modal.waitFor({ state: 'hidden' });
    const list = page.getByTestId('town-events');
    await list.getByText('压铸车间较大安全事故，3 人受伤').waitFor();
    await expect(list.textContent()).resolves.toContain('本镇');
    await shot(page, 'towns-10c-events');

    await page.getByRole('tab', { name: '考核' }).click();
    await page.getByLabel('考核年度').fill(String(LAST));
    await page.getByRole('button', { name: '评价' }).click();
    const ev = page.getByTestId('evaluation');
    await ev.getByText('触发否决项').waitFor();
    const veto = ev.locator('tr', { hasText: '未发生较大及以上安全、质量、环境事故' });
    await expect(veto.textContent()).resolves.toContain('不符合');
    await expect(veto.textContent()).resolves.toContain(`${LAST}-06-18 本镇 安全事故（较大）「压铸车间较大安全事故，3 人受伤」`);
    await expect(ev.textContent()).resolves.toContain('不合格');
    await shot(page, 'towns-10d-vetoed');
  });

  it('prints the 公示名单 to PDF', async () => {
    await page.getByRole('menuitem', { name: '公示与认定名单' }).click();
    await page.getByRole('heading', { name: '公示与认定名单' }).waitFor();
    await shot(page, 'towns-11-batches');
    const row = page.locator('tr', { hasText: `公示名单（${D.pubStart} 至 ${D.pubEnd}）` });
    await row.getByRole('button', { name: /打印/ }).click();
    await page.getByTestId('print-doc').waitFor();
    await page.getByText(TOWN).waitFor();
    await shot(page, 'towns-12-publicity-print');
    const pdf = join(mkdtempSync(join(tmpdir(), 'ledger-pdf-')), '公示名单.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('县级专业镇拟认定名单公示');
    expect(text).toContain('泽工信公示〔2026〕7号');
    expect(text).toContain(TOWN);
    expect(text).toContain('五金制品');
    expect(text).toContain('泽州县工业和信息化局');
    expect(text).not.toContain('返回');

    await page.getByRole('button', { name: '返回' }).click();
    await page.locator('tr', { hasText: '泽工信发〔2026〕21号' }).getByRole('button', { name: /打印/ }).click();
    await page.getByTestId('print-doc').waitFor();
    await expect(page.getByTestId('print-doc').textContent()).resolves.toContain('县级专业镇认定名单');
    await shot(page, 'towns-13-designation-print');
  });

  it('shows the rule sets and the town profile print', async () => {
    await page.goto(`${app.url}#/towns/rules`);
    await page.getByRole('heading', { name: '评价规则' }).waitFor();
    await page.getByText('国家标准：中小企业特色产业集群').first().click();
    await page.getByText('等级').first().waitFor();
    await shot(page, 'towns-14-rules');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '另存新版本' }).first().click();
    const def = page.getByLabel(/规则内容/);
    await def.fill('{"criteria":[{"id":"x","label":"测试","kind":"threshold","indicator":"no_such","op":">=","value":1,"weight":10}],"grades":[{"name":"合格","min":60}]}');
    await page.getByRole('button', { name: '校验' }).click();
    await expect(page.getByTestId('ruleset-error').textContent()).resolves.toContain('未知指标「no_such」');
    await shot(page, 'towns-15-rules-invalid');
    await page.keyboard.press('Escape');

    await page.goto(`${app.url}#/towns`);
    await page.getByText(TOWN).click();
    await page.getByRole('button', { name: '打印档案' }).click();
    await page.getByTestId('print-doc').waitFor();
    await expect(page.getByTestId('print-doc').textContent()).resolves.toContain(`${TOWN}专业镇档案`);
    await shot(page, 'towns-16-profile-print');
    expect(problems).toEqual([]);
  });
});
