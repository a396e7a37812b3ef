// 运行监测 on a real ledger: the shipped 工业经济运行月报 filled for a county's units, 累计/同比 and the check
// formulas against figures worked by hand, the workflow, form versions and read-only forms, and Excel.
import { describe, expect, it } from 'vitest';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { AppError } from '../../db/result.js';
import * as forms from '../../db/monitor/forms.js';
import * as units from '../../db/monitor/units.js';
import * as reports from '../../db/monitor/reports.js';
import * as excel from '../../db/monitor/excel.js';
import { readSheet } from '../../db/excel/read.js';
import { writeWorkbook } from '../../db/excel/write.js';
import { ADMIN, CLERK, REVIEWER, testLedger } from '../helpers.js';
import { operations } from '../../db/api.js';

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}
async function errAsync(f: () => Promise<unknown>): Promise<AppError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

const uscc = (n: number) => withCheckChar(`91140525MA0MN${String(n).padStart(4, '0')}`);

function setup() {
  const l = testLedger();
  const mk = (n: number, name: string, scale: 'above' | 'below') =>
    createEnterprise(l.ctx(ADMIN), { uscc: uscc(n), name, region_code: '140525', scale, industry_code: '3391' }).id;
  const A = mk(1, '泽州县金鼎铸造有限公司', 'above');
  const B = mk(2, '晋城市晋钢制造有限公司', 'above');
  const C = mk(3, '泽州县小微监测企业', 'below');
  const D = mk(4, '泽州县不在名单企业', 'below');
  units.addToList(l.ctx(CLERK), { enterprise_id: C, from_period: '2026-01', reason: '县重点监测企业' });
  const FORM = 1; // the shipped sample of migration 14
  const count = (t: string) => l.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return { ...l, A, B, C, D, FORM, count };
}

const JAN = {
  A: { gyzcz: 100, zyywsr: 90, lrze: 10, lsze: 12, ydl: 50, cyry: 200, cpcl: 300, jgtz: 5, cpmc: '铸件' },
  B: { gyzcz: 200, zyywsr: 180, lrze: 20, lsze: 25, ydl: 80, cyry: 300, cpcl: 500, jgtz: 0, cpmc: '钢材' },
  C: { gyzcz: 30, zyywsr: 28, lrze: 3, lsze: 4, ydl: 10, cyry: 50, cpcl: 40, jgtz: 0 },
};

describe('运行监测: filling the monthly report', () => {
  it('selects 规上 and listed units, computes 累计 and 同比, and runs the formulas against hand-worked figures', () => {
    const s = setup();
    const v0 = reports.getReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-02' });
    expect(v0.units.map((u) => u.enterprise_id)).toEqual([s.A, s.B, s.C]);
    expect(v0.due_date).toBe('2026-03-08');
    expect(v0.report).toBeNull();
    expect(v0.allowed.map((a) => a.action)).toEqual(['save']);

    // Last year's February for A only, with its 累计 filled (no January 2025 to compute from).
    reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2025-02', rows: [{ enterprise_id: s.A, values: { gyzcz: 80, zyywsr: 85 }, ytd: { gyzcz: 150, zyywsr: 160 } }] });
    reports.saveReport(s.ctx(CLERK), {
      form_id: s.FORM, period: '2026-01',
      rows: [{ enterprise_id: s.A, values: JAN.A }, { enterprise_id: s.B, values: JAN.B }, { enterprise_id: s.C, values: JAN.C }],
    });
    const v = reports.saveReport(s.ctx(CLERK), {
      form_id: s.FORM, period: '2026-02',
      rows: [
        { enterprise_id: s.A, values: { gyzcz: 130, zyywsr: 95, lrze: 15, lsze: 14, ydl: 55.25, cyry: 201, cpcl: 310, jgtz: 2, cpmc: '铸件' } },
        { enterprise_id: s.B, values: { gyzcz: 210, zyywsr: 190, lrze: 22, lsze: 26, ydl: 81, cyry: 300, cpcl: 520, jgtz: 0 }, ytd: { gyzcz: 400 } },
        { enterprise_id: s.C, values: { gyzcz: 31, zyywsr: 29, lrze: 3, lsze: 4, ydl: 10, cyry: 50, cpcl: 41, jgtz: 0 } },
        { enterprise_id: null, values: { gyzcz: 300 } },
      ],
    });
    const a = v.units.find((u) => u.enterprise_id === s.A)!.cells;
    // 累计 = January + February; 同比 against 2025-02: (130−80)/80 = 62.5 %, (230−150)/150 = 53.33 %, (185−160)/160 = 15.63 %.
    expect(a.gyzcz).toEqual({ month: 130, ytd: 230, ytd_entered: false, yoy: 62.5, yoy_ytd: 53.33, text: null });
    expect(a.zyywsr).toMatchObject({ month: 95, ytd: 185, yoy_ytd: 15.63 });
    expect(a.ydl).toMatchObject({ month: 55.25, ytd: 105.25, yoy: null });
    expect(a.cyry).toMatchObject({ month: 201, ytd: null, yoy: null });
    expect(a.cpmc).toMatchObject({ text: '铸件', month: null });
    const b = v.units.find((u) => u.enterprise_id === s.B)!.cells;
    expect(b.gyzcz).toMatchObject({ month: 210, ytd: 400, ytd_entered: true });
    expect(b.lrze).toMatchObject({ ytd: 42 });
    // Figures are stored as scaled integers (1 decimal: ×10; 2 decimals: ×100).
    expect(s.db.prepare(`SELECT month_scaled, ytd_scaled FROM monitor_value WHERE enterprise_id = ? AND indicator_code = 'ydl' AND report_id = 3`).get(s.A)).toEqual({ month_scaled: 5525, ytd_scaled: 10525 });

    // Expected failures: A 利税 14 < 利润 15 (R01, 强制); B 累计 400 ≠ 200 + 210 (P01, 强制); A 当月同比 62.5 % > 50 % (P03, 提示);
    // 合计 300 < 130 + 210 + 31 = 371 (U01, 强制). B and C have no last year: their 同比 formulas are skipped, not failed.
    const got = v.check.failures.map((f) => [f.formula_code, f.enterprise_id, f.severity, f.left, f.right]);
    expect(got.sort()).toEqual(
      [
        ['R01', s.A, 'block', 14, 15],
        ['P01', s.B, 'block', 400, 410],
        ['P03', s.A, 'warn', 62.5, 50],
        ['U01', null, 'block', 300, 371],
      ].sort(),
    );
    expect(v.check.blocking).toBe(3);
    expect(v.check.unexplained).toBe(1);
    expect(v.check.passes).toBe(false);
    expect(v.check.failures.find((f) => f.formula_code === 'R01')!.refs).toEqual(['lsze', 'lrze']);
  });

  it('recomputes the later months of the year when an earlier month changes', () => {
    const s = setup();
    const save = (period: string, gyzcz: number) => reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period, rows: [{ enterprise_id: s.A, values: { gyzcz } }] });
    save('2026-01', 100);
    expect(save('2026-02', 130).units[0]!.cells.gyzcz!.ytd).toBe(230);
    save('2026-01', 110);
    expect(reports.getReport(s.ctx(), { form_id: s.FORM, period: '2026-02' }).units[0]!.cells.gyzcz!.ytd).toBe(240);
  });

  it('refuses bad cells naming the enterprise and indicator, and writes nothing', () => {
    const s = setup();
    const before = { values: s.count('monitor_value'), reports: s.count('monitor_report'), audit: s.count('audit_log') };
    const e = err(() =>
      reports.saveReport(s.ctx(CLERK), {
        form_id: s.FORM, period: '2026-02',
        rows: [
          { enterprise_id: s.A, values: { gyzcz: 12.35, cyry: 1.5, foo: 1 }, ytd: { cyry: 3 } },
          { enterprise_id: s.D, values: { gyzcz: 1 } },
          { enterprise_id: s.A, values: {} },
        ],
      }),
    );
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/^「泽州县金鼎铸造有限公司「工业总产值（当年价）」」最多 1 位小数（单位：万元）（另有 5 处问题），未保存任何数据$/);
    expect((e.details as Array<{ field: string; label: string; message: string }>).map((i) => [i.field, i.message])).toEqual([
      ['rows.0.values.gyzcz', '最多 1 位小数（单位：万元）'],
      ['rows.0.values.cyry', '应为整数（人）'],
      ['rows.0.values.foo', '不是本报表的指标'],
      ['rows.0.ytd.cyry', '该指标不累计，不能填累计值'],
      ['rows.1.enterprise_id', '不是本报表本期的填报单位（非规上、不在监测名单或已停用）'],
      ['rows.2.enterprise_id', '与第 1 行重复'],
    ]);
    expect(err(() => reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-04', rows: [] })).message).toMatch(/2026年4月尚未开始/);
    expect(err(() => reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2024-12', rows: [] })).code).toBe('NOT_IN_FORCE');
    expect(err(() => reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-2', rows: [] })).message).toMatch(/月报应为 YYYY-MM/);
    expect({ values: s.count('monitor_value'), reports: s.count('monitor_report'), audit: s.count('audit_log') }).toEqual(before);
  });

  it('goes 填报 → 审核 → 上报 only when the checks pass, with explanations for 提示 failures and the analysis', () => {
    const s = setup();
    reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2025-02', rows: [{ enterprise_id: s.A, values: { gyzcz: 80 } }] });
    reports.saveReport(s.ctx(CLERK), {
      form_id: s.FORM, period: '2026-01',
      rows: [{ enterprise_id: s.A, values: JAN.A }, { enterprise_id: s.B, values: JAN.B }, { enterprise_id: s.C, values: JAN.C }],
    });
    const febRows = (lsze: number) => [
      { enterprise_id: s.A, values: { ...JAN.A, gyzcz: 130, lrze: 15, lsze } },
      { enterprise_id: s.B, values: JAN.B },
    ];
    let v = reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-02', rows: febRows(14) });
    const id = v.report!.id;
    expect(v.allowed.map((a) => a.action)).toEqual(['save']);
    expect(reports.getReport(s.ctx(REVIEWER), { form_id: s.FORM, period: '2026-02' }).allowed.map((a) => a.action)).toEqual(['save', 'review']);

    const refused = err(() => reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'review' }));
    expect(refused.code).toBe('CHECK_FAILED');
    const problems = (refused.details as { problems: string[] }).problems;
    expect(problems).toContain('「泽州县金鼎铸造有限公司」R01：利税总额应不小于利润总额（14 对 15）');
    expect(problems).toContain('「泽州县金鼎铸造有限公司」P03：工业总产值当月同比增减超过 50%，请说明原因（62.5 对 50），需要填写出错说明');
    expect(problems).toContain('1 家企业未填报：泽州县小微监测企业');
    expect(problems).toContain('未填写运行分析');
    expect(s.db.prepare('SELECT status FROM monitor_report WHERE id = ?').pluck().get(id)).toBe('draft');

    // A 强制 failure cannot be explained away; a one-word explanation is not one.
    expect(err(() => reports.explain(s.ctx(CLERK), { report_id: id, items: [{ enterprise_id: s.A, formula_code: 'R01', text: '数据无误，确认' }] })).message).toMatch(/强制性审核，不能以说明代替/);
    expect(err(() => reports.explain(s.ctx(CLERK), { report_id: id, items: [{ enterprise_id: s.A, formula_code: 'P03', text: '无' }] })).message).toMatch(/至少写 4 个字/);

    v = reports.saveReport(s.ctx(CLERK), {
      form_id: s.FORM, period: '2026-02', analysis: '2月全县规上工业总产值同比增长，铸造行业订单回升。',
      rows: [...febRows(16), { enterprise_id: s.C, values: JAN.C }],
    });
    v = reports.explain(s.ctx(CLERK), { report_id: id, items: [{ enterprise_id: s.A, formula_code: 'P03', text: '新生产线2025年底投产，产量翻番' }] });
    expect(v.check.failures.map((f) => [f.formula_code, f.explanation])).toEqual([['P03', '新生产线2025年底投产，产量翻番']]);
    expect(v.check.passes).toBe(true);

    expect(err(() => reports.transition(s.ctx(CLERK), { report_id: id, action: 'review' })).code).toBe('FORBIDDEN');
    v = reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'review' });
    expect(v.report!.status_label).toBe('审核');
    expect(v.allowed.map((a) => a.action)).toEqual(['reopen', 'submit']);
    expect(reports.getReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-02' }).allowed).toEqual([]);
    const writes = s.count('audit_log');
    expect(err(() => reports.saveReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-02', rows: [{ enterprise_id: s.A, values: {} }] })).code).toBe('INVALID_TRANSITION');
    expect(err(() => reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'receive' })).message).toMatch(/不能「接收」；当前可以：撤销审核、上报/);
    expect(s.count('audit_log')).toBe(writes);

    v = reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'submit' });
    expect(v.report).toMatchObject({ status: 'submitted', late: false, submitted_by: 'shenhe' });
    expect(v.allowed).toEqual([]);
  });

  it('lets the office above receive or return a lower office’s report, never its own', () => {
    const s = setup();
    s.db.prepare(`INSERT INTO monitor_report(gid, office_code, form_id, form_origin, form_code, period, status, created_at, created_by, updated_at, updated_by)
      VALUES ('r-low', '140581', 1, '000000', 'GYJJYX', '2026-02', 'submitted', 't', 'x', 't', 'x')`).run();
    const id = s.db.prepare(`SELECT id FROM monitor_report WHERE gid = 'r-low'`).pluck().get() as number;
    const low = reports.getReport(s.ctx(REVIEWER), { form_id: s.FORM, period: '2026-02', office_code: '140581' });
    expect(low.own).toBe(false);
    expect(low.allowed.map((a) => a.action)).toEqual(['receive', 'return']);
    expect(err(() => reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'return' })).message).toMatch(/退回原因/);
    const v = reports.transition(s.ctx(REVIEWER), { report_id: id, action: 'return', reason: '利税数据有误，请核实' });
    expect(v.report).toMatchObject({ status: 'returned', returned_reason: '利税数据有误，请核实' });
    expect(v.allowed).toEqual([]);
  });
});

describe('运行监测: forms as data', () => {
  const ZYZ = {
    code: 'ZYZ-Y', name: '专业镇年度指标', period_type: 'year', due_day: 28, unit_rule: { scale: ['above'] }, effective_from: '2025',
    indicators: [
      { code: 'yysr', name: '营业收入', unit: '万元', type: 'number', decimals: 2, accumulates: true },
      { code: 'qys', name: '企业数', unit: '家', type: 'integer' },
    ],
    formulas: [{ code: 'F1', expression: 'yysr >= 0', message: '营业收入不能为负', severity: 'block', scope: 'row' }],
  };

  it('defines a form and names every bad indicator and formula, writing nothing on refusal', () => {
    const s = setup();
    expect(err(() => forms.defineForm(s.ctx(CLERK), ZYZ)).code).toBe('FORBIDDEN');
    const before = s.count('monitor_form');
    const e = err(() =>
      forms.defineForm(s.ctx(ADMIN), {
        ...ZYZ,
        indicators: [...ZYZ.indicators, { code: 'qys', name: '重复', type: 'integer', decimals: 1 }],
        formulas: [...ZYZ.formulas, { code: 'F2', expression: 'yysr >= lirun', message: 'x', severity: 'warn', scope: 'row' }, { code: 'F1', expression: 'sum(yysr) > 0', message: 'y', severity: 'warn', scope: 'row' }],
      }),
    );
    expect((e.details as Array<{ label: string; message: string }>).map((i) => `${i.label}：${i.message}`)).toEqual([
      '第 3 个指标（qys）：与第 2 个指标的代码重复',
      '第 3 个指标（qys）：只有数值指标可以有小数位',
      expect.stringMatching(/^第 2 条审核公式（F2）：第 9 个字符处：未知指标「lirun」/),
      '第 3 条审核公式（F1）：与第 1 条公式的编号重复',
      '第 3 条审核公式（F1）：第 1 个字符处：sum() 只能用在跨单位公式中',
    ]);
    expect(s.count('monitor_form')).toBe(before);

    const f = forms.defineForm(s.ctx(ADMIN), ZYZ);
    expect(f).toMatchObject({ origin_office: '140525', version: 1, editable: true, period_type_label: '年报' });
    expect(err(() => forms.defineForm(s.ctx(ADMIN), ZYZ)).code).toBe('DUPLICATE');
    const f2 = forms.defineForm(s.ctx(ADMIN), { ...ZYZ, base_form_id: f.id, effective_from: '2026', indicators: [...ZYZ.indicators, { code: 'zlsl', name: '专利数', unit: '件', type: 'integer' }] });
    expect(f2.version).toBe(2);
    // A report names the version it was filled against: 2025 uses version 1, 2026 version 2.
    expect(reports.getReport(s.ctx(), { form_id: f.id, period: '2025' }).form.version).toBe(1);
    expect(reports.getReport(s.ctx(), { form_id: f.id, period: '2026' }).form.indicators.map((d) => d.code)).toEqual(['yysr', 'qys', 'zlsl']);
  });

  it('uses a form sent down from the province as it is: a new version is refused and nothing is written', () => {
    const s = setup();
    s.db.prepare(`INSERT INTO monitor_form(gid, origin_office, code, version, name, period_type, due_day, unit_rule, needs_analysis, effective_from, created_at, created_by)
      VALUES ('f-prov', '140000', 'SX-GYJJ', 1, '山西省工业经济运行月报', 'month', 5, '{"scale":["above"]}', 0, '2025-01', 't', 'x')`).run();
    const prov = s.db.prepare(`SELECT id FROM monitor_form WHERE gid = 'f-prov'`).pluck().get() as number;
    s.db.prepare(`INSERT INTO monitor_indicator(form_id, seq, code, name, unit, type, decimals, accumulates) VALUES (?, 1, 'gyzcz', '工业总产值', '万元', 'number', 1, 1)`).run(prov);
    const before = { forms: s.count('monitor_form'), audit: s.count('audit_log') };
    const e = err(() =>
      forms.defineForm(s.ctx(ADMIN), {
        base_form_id: prov, code: 'SX-GYJJ', name: '改', period_type: 'month', due_day: 8, unit_rule: { scale: ['above'] }, effective_from: '2026-01',
        indicators: [{ code: 'gyzcz', name: '工业总产值', unit: '万元', type: 'number', decimals: 1, accumulates: true }],
      }),
    );
    expect(e.code).toBe('READ_ONLY');
    expect(e.message).toMatch(/140000.*只能使用，不能修订/);
    expect({ forms: s.count('monitor_form'), audit: s.count('audit_log') }).toEqual(before);
    expect(forms.listForms(s.ctx()).find((f) => f.code === 'SX-GYJJ')).toMatchObject({ editable: false });
    // It can still be filled here.
    const v = reports.saveReport(s.ctx(CLERK), { form_id: prov, period: '2026-01', rows: [{ enterprise_id: s.A, values: { gyzcz: 1.5 } }] });
    expect(v.units[0]!.cells.gyzcz).toMatchObject({ month: 1.5, ytd: 1.5 });
  });

  it('keeps listed units for the months they were listed', () => {
    const s = setup();
    units.removeFromList(s.ctx(CLERK), { enterprise_id: s.C, to_period: '2026-01' });
    expect(reports.getReport(s.ctx(), { form_id: s.FORM, period: '2026-01' }).units.map((u) => u.enterprise_id)).toEqual([s.A, s.B, s.C]);
    expect(reports.getReport(s.ctx(), { form_id: s.FORM, period: '2026-02' }).units.map((u) => u.enterprise_id)).toEqual([s.A, s.B]);
    expect(err(() => units.addToList(s.ctx(CLERK), { enterprise_id: s.D, from_period: '2026-13', reason: 'x' })).message).toMatch(/起始月份/);
  });
});

describe('运行监测: Excel', () => {
  it('writes a template with the units and text code columns, and imports all-or-nothing with a row-by-row report', async () => {
    const s = setup();
    const t = await excel.reportTemplate(s.ctx(CLERK), { form_id: s.FORM, period: '2026-01' });
    expect(t.fileName).toBe('工业经济运行月报-2026-01.xlsx');
    const cols = excel.reportColumns(forms.formDetail(s, s.db.prepare('SELECT * FROM monitor_form WHERE id = 1').get() as never).indicators);
    const { rows } = await readSheet(t.bytes, t.fileName, cols);
    expect(rows.map((r) => [r.values.uscc, r.values.name])).toEqual([
      [uscc(1), '泽州县金鼎铸造有限公司'],
      [uscc(2), '晋城市晋钢制造有限公司'],
      [uscc(3), '泽州县小微监测企业'],
      ['合计', '（本单位合计，可不填）'],
    ]);
    expect(cols.map((c) => c.header).slice(0, 5)).toEqual(['统一社会信用代码', '企业名称', '工业总产值（当年价）（万元）', '工业总产值（当年价）本年累计（万元）', '主营业务收入（万元）']);

    const book = (data: Array<Array<string | number | null>>) =>
      writeWorkbook([{ name: 'x', columns: [{ header: '统一社会信用代码' }, { header: '工业总产值（当年价）（万元）', kind: 'number' }, { header: '利润总额（万元）', kind: 'number' }, { header: '从业人员（人）', kind: 'number' }], rows: data }]);
    const bad = await book([
      [uscc(1), 100, 10, 200],
      [uscc(4), 5, 1, 3],
      [uscc(2), '12.34', 2, 1.5],
      [null, 1, 1, 1],
    ]);
    const before = s.count('monitor_value');
    const e = await errAsync(() => excel.importReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-01' }, { fileName: 'x.xlsx', bytes: bad }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect((e.details as { errors: unknown[] }).errors).toEqual([
      { row: 3, column: '统一社会信用代码', message: `「${uscc(4)}」不是本报表2026年1月的填报单位（未登记、非规上且不在监测名单，或已停用）` },
      { row: 4, column: '工业总产值（当年价）（万元）', message: '最多 1 位小数（单位：万元）' },
      { row: 4, column: '从业人员（人）', message: '应为整数（人）' },
      { row: 5, column: '统一社会信用代码', message: '必填' },
    ]);
    expect(s.count('monitor_value')).toBe(before);

    const good = await book([
      [uscc(1), 100, 10, 200],
      [uscc(2), '1,200.5', -3, 300],
    ]);
    const sum = await excel.importReport(s.ctx(CLERK), { form_id: s.FORM, period: '2026-01' }, { fileName: 'ok.xlsx', bytes: good });
    expect(sum).toMatchObject({ rows: 2, blocking: 0 });
    const v = reports.getReport(s.ctx(), { form_id: s.FORM, period: '2026-01' });
    expect(v.units.map((u) => [u.cells.gyzcz!.month, u.cells.gyzcz!.ytd, u.cells.lrze!.month, u.cells.cyry!.month])).toEqual([
      [100, 100, 10, 200],
      [1200.5, 1200.5, -3, 300],
      [null, null, null, null],
    ]);
  });
});

describe('运行监测: the contract', () => {
  it('registers the operations with their roles and serves the shipped form through them', async () => {
    const s = setup();
    expect(operations['monitor:defineForm'].access).toBe('admin');
    expect(operations['monitor:save'].access).toBe('clerk');
    expect(operations['monitor:import'].job).toBe(true);
    const list = await operations['monitor:forms'].run({ ...s.ctx(CLERK), progress: () => {} }, undefined as never);
    expect(list.map((f) => [f.code, f.version, f.origin_name, f.indicators.length, f.formulas.length])).toEqual([['GYJJYX', 1, '系统示例', 9, 8]]);
  });
});
