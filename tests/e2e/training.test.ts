// Enterprise training (issue 5) in the real UI: an apprenticeship plan from 申报 to 清算, a roster import that is
// refused for one bad ID number and then accepted, certificates and the explained settlement, a sanction that
// blocks a new plan, the 工作台账 export, the progress report as PDF, and a 录入员 who sees masked ID numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, shot, SHOTS, startApp, type App } from './harness.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';

const pad = (n: number) => String(n).padStart(2, '0');
// Dates as the server counts them (China Standard Time).
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const monthsFrom = (n: number) => {
  const m = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 + n;
  return `${Math.floor(m / 12)}-${pad((m % 12) + 1)}-01`;
};
const START = monthsFrom(-2);
const END = monthsFrom(10);

const PEOPLE = [
  { name: '韩立新', id: syntheticIdNo('140525', '1995-04-12', 701) },
  { name: '郭佳怡', id: syntheticIdNo('140525', '1998-11-03', 702) },
  { name: '罗春生', id: syntheticIdNo('140525', '1990-07-21', 703) },
];
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

async function roster(ids: string[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学员名册');
  ws.addRow(['姓名', '居民身份证号', '手机号', '劳动合同起', '劳动合同止(无固定期限留空)', '社保已核验(是/否)', '社保核验日期', '出勤次数', '出勤学时']);
  PEOPLE.forEach((p, i) => ws.addRow([p.name, ids[i], '1390356000' + i, START, monthsFrom(22), '是', START, 12, 48]));
  const file = join(mkdtempSync(join(tmpdir(), 'ledger-roster-')), '学员名册.xlsx');
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

async function pickDate(page: Page, scope: ReturnType<Page['locator']>, id: string, value: string) {
  const input = scope.locator(`#${id}`);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  await input.press('Escape');
}

describe('training: apprenticeship plan, roster, certificates, settlement, sanction, ledger', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let planUrl = '';
  let planCode = '';
  let enterprise = '';

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ({ page, problems } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const login = async (user: string, password: string) => {
    await page.getByLabel('用户名').fill(user);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '企业库' }).waitFor();
  };
  const dialog = (title: string) => page.locator('.ant-modal').filter({ hasText: title });
  const closeInfo = async () => {
    const info = page.locator('.ant-modal-confirm');
    await info.waitFor();
    // A click that lands while the dialog is still zooming in can be lost on a loaded machine: click again until it
    // is gone (a state, not a time).
    for (let i = 0; i < 5; i++) {
      await info.locator('.ant-btn-primary').click().catch(() => {});
      if (await info.waitFor({ state: 'detached', timeout: 5_000 }).then(() => true, () => false)) return;
    }
    await info.waitFor({ state: 'detached' });
  };
  const step = async (label: string, doc: string, expectInfo: boolean) => {
    await page.getByTestId('plan-steps').getByRole('button', { name: label }).click();
    const d = dialog(label);
    await d.locator('#doc_no').fill(doc);
    await d.getByRole('button', { name: '确认登记' }).click();
    if (expectInfo) await closeInfo();
    await d.waitFor({ state: 'hidden' });
  };

  it('loads the demo ledger and lists the demo plans', async () => {
    await page.goto(app.url);
    // The demo button sets up 泽州县 and logs in as its administrator.
    await page.getByRole('button', { name: '载入演示数据（泽州县）' }).click();
    await page.getByRole('heading', { name: '企业库' }).waitFor({ timeout: 60_000 });
    await page.goto(`${app.url}#/training/plans`);
    await page.getByRole('heading', { name: '培训计划' }).waitFor();
    await page.getByText(/共 \d+ 个计划/).waitFor();
    await shot(page, 'training-01-plan-list');
  });

  it('files an apprenticeship plan through the form', async () => {
    await page.getByRole('button', { name: '新建培训计划' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#enterprise_id').click();
    const opt = page.locator('.ant-select-dropdown:visible .ant-select-item-option').nth(3);
    await opt.waitFor();
    enterprise = (await opt.innerText()).replace(/（.*$/, '');
    await opt.click();
    await drawer.locator('#institution_id').click();
    await page.locator('.ant-select-dropdown:visible').getByText('泽州县演示职业技能培训学校').click();
    await drawer.locator('#occupation_code').fill('6-18-02-04');
    await drawer.locator('#occupation_name').fill('焊工');
    // One place more than the roster, for the trainee added and removed through the form below.
    await drawer.locator('#planned_count').fill('4');
    await pickDate(page, drawer, 'start_date', START);
    await pickDate(page, drawer, 'end_date', END);
    await drawer.locator('#doc_no').fill('泽工信培申〔2026〕21号');
    await shot(page, 'training-02-plan-form');
    await drawer.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: /培训计划 \d{4}-学徒-\d{4}/ }).waitFor();
    planCode = /(\d{4}-学徒-\d{4})/.exec(await page.getByRole('heading', { name: /培训计划/ }).innerText())![1]!;
    planUrl = page.url();
    expect(enterprise.length).toBeGreaterThan(3);
  });

  it('imports nothing from a roster with one bad ID number and names the row; the fixed file imports', async () => {
    await page.getByRole('button', { name: '导入名册' }).click();
    await page.locator('input[type=file]').setInputFiles(await roster([PEOPLE[0]!.id, wrongCheck(PEOPLE[1]!.id), PEOPLE[2]!.id]));
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-failure').waitFor();
    const errors = await page.getByTestId('import-errors').innerText();
    expect(errors).toMatch(/\b3\b/);
    expect(errors).toContain('居民身份证号');
    expect(errors).toContain(`应为「${PEOPLE[1]!.id[17]}」`);
    await shot(page, 'training-03-roster-bad-id');
    await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await expect(page.getByTestId('roster-table').innerText()).resolves.not.toContain(PEOPLE[0]!.name);

    await page.getByRole('button', { name: '导入名册' }).click();
    await page.locator('input[type=file]').setInputFiles(await roster(PEOPLE.map((p) => p.id)));
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-done').waitFor();
    await expect(page.getByTestId('import-done').innerText()).resolves.toContain('新增学员 3 人');
    await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
    await page.getByTestId('roster-table').getByText(PEOPLE[2]!.name).waitFor();
    // 管理员 sees the whole number.
    await expect(page.getByTestId('roster-table').innerText()).resolves.toContain(PEOPLE[0]!.id);
  });

  it('a bad ID typed into the form is refused on the field, naming the check character', async () => {
    await page.getByRole('button', { name: '添加学员' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#name').fill('测试人');
    await drawer.locator('#id_no').fill(wrongCheck(syntheticIdNo('140525', '1992-02-02', 704)));
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.locator('#id_no_help, .ant-form-item-explain-error').first().waitFor();
    await expect(drawer.locator('.ant-form-item-explain-error').first().innerText()).resolves.toMatch(/校验|应为/);
    await shot(page, 'training-04-trainee-bad-id');
    await drawer.getByRole('button', { name: '取消' }).click();
  });

  it('edits a trainee on the roster, and adds and removes one with the reason', async () => {
    const table = page.getByTestId('roster-table');
    await table.locator('tr', { hasText: PEOPLE[0]!.name }).getByRole('button', { name: '修改' }).click();
    let drawer = page.locator('.ant-drawer-open');
    await drawer.getByText(`修改学员：${PEOPLE[0]!.name}`).waitFor();
    await expect(drawer.locator('#id_no').isDisabled()).resolves.toBe(true);
    await drawer.locator('#phone').fill('13903560999');
    await drawer.locator('#hours_attended').fill('60');
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.waitFor({ state: 'hidden' });
    const row0 = table.locator('tr', { hasText: PEOPLE[0]!.name });
    await row0.getByText('13903560999').waitFor();
    await expect(row0.innerText()).resolves.toContain('60 学时');

    const extra = { name: '冯晓东', id: syntheticIdNo('140525', '1996-05-06', 705) };
    await page.getByRole('button', { name: '添加学员' }).click();
    drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#name').fill(extra.name);
    await drawer.locator('#id_no').fill(extra.id);
    await pickDate(page, drawer, 'contract_start', START);
    await pickDate(page, drawer, 'contract_end', monthsFrom(22));
    await drawer.getByRole('button', { name: '保存' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await table.getByText(extra.name).waitFor();
    await table.locator('tr', { hasText: extra.name }).getByRole('button', { name: '删除' }).click();
    const d = dialog(`删除学员：${extra.name}`);
    await d.getByRole('button', { name: '删除' }).click();
    await d.locator('.ant-form-item-explain-error').getByText('请填写删除原因').waitFor();
    await d.locator('#reason').fill('本人调岗，退出培训');
    await shot(page, 'training-04b-remove-trainee');
    await d.getByRole('button', { name: '删除' }).click();
    await d.waitFor({ state: 'hidden' });
    await table.getByText(extra.name).waitFor({ state: 'detached' });
    await expect(table.locator('tbody tr.ant-table-row').count()).resolves.toBe(3);
  });

  it('walks the plan to 预拨, records completions and certificates, and shows the explained settlement', async () => {
    await step('转为「备案」', '泽人社备〔2026〕21号', false);
    await step('转为「开班」', '泽工信开〔2026〕21号', false);
    await step('转为「预拨」', '泽财预〔2026〕21号', true);
    const table = page.getByTestId('roster-table');
    for (const [i, p] of PEOPLE.slice(0, 2).entries()) {
      await table.locator('tr', { hasText: p.name }).getByRole('button', { name: '证书' }).click();
      const d = dialog(`登记证书：${p.name}`);
      await d.locator('#cert_no').fill(`E2E-HG-000${i + 1}`);
      await d.locator('#issuer').fill('晋城市职业技能等级认定中心');
      await d.getByRole('button', { name: '保存' }).click();
      await d.waitFor({ state: 'hidden' });
      await table.getByText(`E2E-HG-000${i + 1}`).waitFor();
    }
    await table.locator('tr', { hasText: PEOPLE[2]!.name }).getByRole('button', { name: '结业结果' }).click();
    const o = dialog(`登记结业结果：${PEOPLE[2]!.name}`);
    await o.getByText('未结业', { exact: true }).click();
    await o.getByRole('button', { name: '保存' }).click();
    await o.waitFor({ state: 'hidden' });
    await table.locator('tr', { hasText: PEOPLE[2]!.name }).getByText('未结业').waitFor();
    await shot(page, 'training-05-roster-outcomes');
    await step('转为「结业」', '泽工信结〔2026〕21号', false);

    await page.getByRole('tab', { name: '资金与结算' }).click();
    const text = await page.getByTestId('settlement-text').innerText();
    expect(text).toMatch(new RegExp(`${PEOPLE[0]!.name} 四级/中级工 证书号 E2E-HG-0001 5,000 元 \\(规则 .+-中级\\)`));
    expect(text).toContain(`${PEOPLE[2]!.name} 未结业 0 元`);
    expect(text).toContain('应得补贴合计 10,000 元');
    expect(text).toContain('尚应拨付 10,000 − 7,500 = 2,500 元');
    await expect(page.getByTestId('money-table').innerText()).resolves.toContain('7,500.00');
    await shot(page, 'training-06-settlement');

    await step('转为「清算」', '泽财清〔2026〕21号', true);
    await page.getByRole('tab', { name: '资金与结算' }).click();
    await expect(page.getByTestId('money-table').innerText()).resolves.toContain('2,500.00');
    await page.getByRole('tab', { name: '流程记录' }).click();
    await expect(page.getByTestId('step-table').innerText()).resolves.toContain('泽财清〔2026〕21号');
    await shot(page, 'training-07-history');
  });

  it('records a sanction and a new plan for that enterprise is refused, naming it', async () => {
    await page.goto(`${app.url}#/sanctions`);
    await page.getByRole('button', { name: '登记处理措施' }).click();
    const d = dialog('登记处理措施');
    await d.locator('#enterprise_id').click();
    await d.locator('#enterprise_id').fill(enterprise);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await d.locator('#kind').click();
    await page.locator('.ant-select-dropdown:visible').getByText('取消申报资格').click();
    await d.locator('#doc_no').fill('泽工信处〔2026〕3号');
    await pickDate(page, d, 'start_date', today);
    await d.locator('#reason').fill('以虚假劳动合同申领学徒制补贴');
    await d.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('泽工信处〔2026〕3号').waitFor();

    await page.goto(`${app.url}#/training/plans`);
    await page.getByRole('button', { name: '新建培训计划' }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.locator('#enterprise_id').click();
    await drawer.locator('#enterprise_id').fill(enterprise);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await drawer.locator('#institution_id').click();
    await page.locator('.ant-select-dropdown:visible').getByText('泽州县演示职业技能培训学校').click();
    await drawer.locator('#occupation_code').fill('6-18-02-04');
    await drawer.locator('#occupation_name').fill('焊工');
    await drawer.locator('#planned_count').fill('2');
    await pickDate(page, drawer, 'start_date', START);
    await pickDate(page, drawer, 'end_date', END);
    await drawer.locator('#doc_no').fill('泽工信培申〔2026〕22号');
    await drawer.getByRole('button', { name: '保存' }).click();
    const err = page.getByTestId('plan-form-error');
    await err.waitFor();
    await expect(err.innerText()).resolves.toContain('处于处理期内');
    await expect(err.innerText()).resolves.toContain('泽工信处〔2026〕3号');
    // 管理员 may override with a reason.
    await drawer.locator('#override_reason').waitFor();
    await shot(page, 'training-08-plan-blocked-by-sanction');
    await drawer.getByRole('button', { name: '取消' }).click();
  });

  it('a 收回资金 sanction linked to the plan shows as a recovery line in its 资金流水, and the 清算表 prints', async () => {
    await page.goto(`${app.url}#/sanctions`);
    await page.getByRole('button', { name: '登记处理措施' }).click();
    const d = dialog('登记处理措施');
    await d.locator('#enterprise_id').click();
    await d.locator('#enterprise_id').fill(enterprise);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await d.locator('#kind').click();
    await page.locator('.ant-select-dropdown:visible').getByText('收回资金', { exact: true }).click();
    await d.locator('#amount').fill('2500');
    await d.locator('#source_kind').click();
    await page.locator('.ant-select-dropdown:visible').getByText('培训计划', { exact: true }).click();
    await d.locator('#source_id').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: planCode }).click();
    await d.locator('#doc_no').fill('泽工信罚〔2026〕4号');
    await pickDate(page, d, 'start_date', today);
    await d.locator('#reason').fill('学员签到册造假');
    await shot(page, 'training-08b-sanction-recover-funds');
    await d.getByRole('button', { name: /确\s*定|OK/ }).click();
    // 收回 cannot be undone: the amount is confirmed first.
    await page.locator('.ant-modal-confirm-title', { hasText: '确认收回 2,500.00 元？' }).waitFor();
    await page.getByRole('button', { name: '确认收回' }).click();
    await d.waitFor({ state: 'hidden' });
    await page.locator('tr', { hasText: '泽工信罚〔2026〕4号' }).getByText(`培训计划 ${planCode}`).waitFor();

    await page.goto(planUrl);
    await page.getByRole('tab', { name: '资金与结算' }).click();
    const money = page.getByTestId('money-table').locator('tr', { hasText: '泽工信罚〔2026〕4号' });
    await expect(money.innerText()).resolves.toMatch(/应退回|收回/);
    await expect(money.innerText()).resolves.toContain('2,500.00');
    await expect(money.innerText()).resolves.toContain('依据处理措施（收回资金，泽工信罚〔2026〕4号）收回 2,500 元');
    const text = await page.getByTestId('settlement-text').innerText();
    expect(text).toContain('其中依据处理措施收回 2,500 元，不再计发');
    expect(text).not.toContain('尚应拨付');
    await shot(page, 'training-08c-plan-recovery-line');

    await page.getByRole('button', { name: '打印清算表' }).click();
    await page.getByTestId('settlement-print').waitFor();
    await shot(page, 'training-08d-settlement-print');
    const pdf = join(SHOTS, 'training-settlement.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    const out = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    expect(out).toContain('培训补贴清算表');
    expect(out).toContain(planCode);
    expect(out).toContain(enterprise);
    for (const p of PEOPLE) expect(out).toContain(p.name);
    expect(out).toContain('E2E-HG-0001');
    expect(out).toContain('未结业');
    expect(out).toContain('应得补贴合计');
    expect(out).toContain('10,000.00'); // entitlement
    expect(out).toContain('7,500.00'); // advanced
    expect(out).toMatch(/应退回未到账\(元\)\s+2,500\.00/); // the sanction's order, not yet received
    expect(out).toContain('泽州县工业和信息化局');
    expect(out).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(out).not.toContain('打印');
    expect(out).not.toContain(PEOPLE[0]!.id);
  });

  it('exports the 工作台账 with the plan in it, and shows the dashboard', async () => {
    await page.goto(`${app.url}#/training/reports`);
    await page.getByTestId('training-dashboard').locator('.recharts-surface').first().waitFor();
    await shot(page, 'training-09-dashboard');
    await page.getByRole('tab', { name: '工作台账' }).click();
    await page.getByTestId('ledger-table').getByText(planCode).waitFor();
    await shot(page, 'training-10-ledger');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出工作台账' }).click();
    const file = await download;
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-dl-')), file.suggestedFilename());
    await file.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    const codes: string[] = [];
    ws.eachRow((r, n) => n > 1 && codes.push(String(r.getCell(1).value)));
    expect(codes).toContain(planCode);
    const row = ws.getRow(codes.indexOf(planCode) + 2);
    expect(Number(row.getCell(13).value)).toBe(3); // 名册人数
  });

  it('prints the apprenticeship progress report to PDF in the official layout', async () => {
    const year = today.slice(0, 4);
    await page.goto(`${app.url}#/training/progress/${year}/print`);
    await page.getByTestId('progress-print').waitFor();
    await shot(page, 'training-11-progress-print');
    const pdf = join(SHOTS, 'training-progress.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    expect(text).toContain(`${year}年企业新型学徒制培训进展情况`);
    expect(text).toContain('泽州县工业和信息化局');
    expect(text).toContain(planCode);
    expect(text).not.toContain('打印');
  });

  it('shows the rule tables; an administrator\'s bad new version is refused naming the field', async () => {
    await page.goto(`${app.url}#/training/rules`);
    await page.getByTestId('rule-table').getByText('示例-福建-学徒').waitFor();
    await page.getByTestId('rule-table').locator('tr', { hasText: '演示-学徒' }).first().click();
    await page.getByText('结业未取证（元/人）').first().waitFor();
    await shot(page, 'training-13-rules');
    await page.getByTestId('rule-table').locator('tr', { hasText: '演示-学徒' }).first().getByRole('button', { name: '新建版本' }).click();
    const d = dialog('新建补贴规则版本');
    await d.getByLabel('第 1 档取证金额').fill('-5000');
    await d.getByRole('button', { name: '保存' }).click();
    const err = page.getByTestId('rule-form-error');
    await err.waitFor();
    await expect(err.innerText()).resolves.toContain('「等级档次」金额不能为负数');
    await shot(page, 'training-14-rule-version-refused');
    await d.getByRole('button', { name: /取\s*消/ }).click();

    await page.goto(`${app.url}#/training/institutions`);
    await page.getByTestId('institution-table').getByText('泽州县演示职业技能培训学校').waitFor();
    await shot(page, 'training-15-institutions');
    await page.goto(`${app.url}#/training/courses`);
    await page.getByTestId('course-totals').locator('tbody tr').first().waitFor();
    await shot(page, 'training-16-courses');
  });

  it('a 录入员 sees masked ID numbers', async () => {
    await page.goto(app.url);
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await login('luru', 'Luru12345');
    await page.goto(planUrl);
    await page.getByTestId('roster-table').getByText(PEOPLE[0]!.name).waitFor();
    const roster = await page.getByTestId('roster-table').innerText();
    expect(roster).not.toContain(PEOPLE[0]!.id);
    expect(roster).toContain(`${PEOPLE[0]!.id.slice(0, 4)}**********${PEOPLE[0]!.id.slice(14)}`);
    await shot(page, 'training-12-clerk-masked');
    expect(problems.filter((p) => !/Warning:/.test(p))).toEqual([]);
  });
});
