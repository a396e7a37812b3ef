import type { Database } from 'better-sqlite3';

// 运行监测 (issue 15): report forms (报表) as data. A form version has its indicators and check formulas (审核公式);
// an office fills a report per form and period; the figures are per enterprise (NULL enterprise: the office's 合计
// row) and indicator. A form belongs to the office that defined it (origin_office; 000000 for the shipped sample)
// and is read-only elsewhere; a report names the form version (form_id) it was filled against.
//
// Units, stated once: figures are exact scaled integers, value × 10^decimals of the indicator in the report's form
// version (`*_scaled`); tolerances are × 10^4 (`tolerance_e4`). Periods are text: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Hn',
// 'YYYY'. NULL always means "not filled", never zero. 同比 is not stored: it is derived on reading from the same
// period of last year, which may arrive later.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE monitor_form (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      origin_office TEXT NOT NULL CHECK (length(origin_office) = 6),
      code TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      name TEXT NOT NULL,
      period_type TEXT NOT NULL CHECK (period_type IN ('month','quarter','half','year')),
      -- the report is due by this day of the month after the period ends
      due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
      -- JSON {"scale":["above"],"lists":["monitor"],"industry":["C"]}: units whose scale is listed or who are on a list
      unit_rule TEXT NOT NULL CHECK (json_valid(unit_rule) AND json_type(unit_rule) = 'object'),
      needs_analysis INTEGER NOT NULL CHECK (needs_analysis IN (0,1)),
      -- the first period this version applies to
      effective_from TEXT NOT NULL,
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (origin_office, code, version)
    ) STRICT;

    CREATE TABLE monitor_indicator (
      id INTEGER PRIMARY KEY,
      form_id INTEGER NOT NULL REFERENCES monitor_form(id),
      seq INTEGER NOT NULL,
      code TEXT NOT NULL,
      name TEXT NOT NULL,
      unit TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('number','integer','text')),
      decimals INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 4),
      accumulates INTEGER NOT NULL CHECK (accumulates IN (0,1)),
      CHECK (type = 'number' OR decimals = 0),
      CHECK (type <> 'text' OR accumulates = 0),
      UNIQUE (form_id, code),
      UNIQUE (form_id, seq)
    ) STRICT;

    CREATE TABLE monitor_formula (
      id INTEGER PRIMARY KEY,
      form_id INTEGER NOT NULL REFERENCES monitor_form(id),
      seq INTEGER NOT NULL,
      code TEXT NOT NULL,
      expression TEXT NOT NULL,
      message TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('block','warn')),
      scope TEXT NOT NULL CHECK (scope IN ('row','period','unit')),
      tolerance_e4 INTEGER NOT NULL DEFAULT 0 CHECK (tolerance_e4 >= 0),
      UNIQUE (form_id, code),
      UNIQUE (form_id, seq)
    ) STRICT;

    -- 监测名单: enterprises reported on besides those the rule's scale selects, per named list.
    CREATE TABLE monitor_unit (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      list_code TEXT NOT NULL,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      from_period TEXT NOT NULL,
      to_period TEXT,
      reason TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (to_period IS NULL OR to_period >= from_period)
    ) STRICT;
    CREATE UNIQUE INDEX monitor_unit_current ON monitor_unit(list_code, enterprise_id) WHERE to_period IS NULL;

    CREATE TABLE monitor_report (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      office_code TEXT NOT NULL CHECK (length(office_code) = 6),
      form_id INTEGER NOT NULL REFERENCES monitor_form(id),
      -- the form's identity across versions, so one office has one report per form and period
      form_origin TEXT NOT NULL,
      form_code TEXT NOT NULL,
      period TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('draft','reviewed','submitted','received','returned')),
      analysis TEXT,
      reviewed_at TEXT,
      reviewed_by TEXT,
      submitted_at TEXT,
      submitted_by TEXT,
      returned_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      UNIQUE (office_code, form_origin, form_code, period)
    ) STRICT;

    CREATE TABLE monitor_value (
      id INTEGER PRIMARY KEY,
      report_id INTEGER NOT NULL REFERENCES monitor_report(id),
      -- NULL: the office's 合计 row
      enterprise_id INTEGER REFERENCES enterprise(id),
      indicator_code TEXT NOT NULL,
      month_scaled INTEGER,
      ytd_scaled INTEGER,
      -- 1: the unit filled its 累计; 0: computed as last period's 累计 plus this period's value
      ytd_entered INTEGER NOT NULL DEFAULT 0 CHECK (ytd_entered IN (0,1)),
      text_value TEXT,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX monitor_value_cell ON monitor_value(report_id, ifnull(enterprise_id, 0), indicator_code);
    CREATE INDEX monitor_value_enterprise ON monitor_value(enterprise_id);

    -- 出错说明: the written explanation a 提示 (warn) failure needs before the report can be reviewed.
    CREATE TABLE monitor_explanation (
      id INTEGER PRIMARY KEY,
      report_id INTEGER NOT NULL REFERENCES monitor_report(id),
      enterprise_id INTEGER REFERENCES enterprise(id),
      formula_code TEXT NOT NULL,
      text TEXT NOT NULL CHECK (length(trim(text)) > 0),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX monitor_explanation_cell ON monitor_explanation(report_id, ifnull(enterprise_id, 0), formula_code);
  `);

  // The shipped sample: 工业经济运行月报 (monthly industrial-economy report, 岳阳 model, due by the 8th).
  const at = '2026-01-01T00:00:00Z';
  const form = db
    .prepare(
      `INSERT INTO monitor_form(gid, origin_office, code, version, name, period_type, due_day, unit_rule, needs_analysis, effective_from, note, created_at, created_by)
       VALUES ('0194f7a0-0000-7000-8000-000000000016', '000000', 'GYJJYX', 1, '工业经济运行月报', 'month', 8, ?, 1, '2025-01', ?, ?, 'system')`,
    )
    .run(JSON.stringify({ scale: ['above'], lists: ['monitor'] }), '规上工业企业及监测名单企业按月填报，次月 8 日前报出；附运行分析。', at).lastInsertRowid;
  const ind = db.prepare(`INSERT INTO monitor_indicator(form_id, seq, code, name, unit, type, decimals, accumulates) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const indicators: Array<[string, string, string, string, number, number]> = [
    ['gyzcz', '工业总产值（当年价）', '万元', 'number', 1, 1],
    ['zyywsr', '主营业务收入', '万元', 'number', 1, 1],
    ['lrze', '利润总额', '万元', 'number', 1, 1],
    ['lsze', '利税总额', '万元', 'number', 1, 1],
    ['ydl', '工业用电量', '万千瓦时', 'number', 2, 1],
    ['cyry', '从业人员', '人', 'integer', 0, 0],
    ['cpcl', '主要产品产量', '吨', 'number', 2, 1],
    ['jgtz', '技改投资', '万元', 'number', 1, 1],
    ['cpmc', '主要产品名称', '', 'text', 0, 0],
  ];
  indicators.forEach(([code, name, unit, type, decimals, acc], i) => ind.run(form, i + 1, code, name, unit, type, decimals, acc));
  const fml = db.prepare(`INSERT INTO monitor_formula(form_id, seq, code, expression, message, severity, scope, tolerance_e4) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const formulas: Array<[string, string, string, string, string, number]> = [
    ['R01', 'lsze >= lrze', '利税总额应不小于利润总额', 'block', 'row', 0],
    ['R02', 'ytd(lsze) >= ytd(lrze)', '利税总额本年累计应不小于利润总额本年累计', 'block', 'row', 0],
    ['R03', 'ytd(gyzcz) >= gyzcz and ytd(zyywsr) >= zyywsr', '工业总产值、主营业务收入的本年累计应不小于当月', 'block', 'row', 0],
    ['R04', 'gyzcz >= 0 and zyywsr >= 0 and ydl >= 0 and jgtz >= 0 and cyry >= 0', '产值、收入、用电量、技改投资、从业人员不能为负数', 'block', 'row', 0],
    ['P01', 'ytd(gyzcz) = prev(ytd(gyzcz)) + gyzcz', '工业总产值本年累计应等于上月累计加本月', 'block', 'period', 1000],
    ['P02', 'abs(yoy(ytd(zyywsr))) <= 30', '主营业务收入累计同比增减超过 30%，请说明原因', 'warn', 'period', 0],
    ['P03', 'abs(yoy(gyzcz)) <= 50', '工业总产值当月同比增减超过 50%，请说明原因', 'warn', 'period', 0],
    ['U01', 'gyzcz >= sum(gyzcz)', '合计行的工业总产值应不小于所列企业之和', 'block', 'unit', 1000],
  ];
  formulas.forEach(([code, expr, msg, sev, scope, tol], i) => fml.run(form, i + 1, code, expr, msg, sev, scope, tol));
}
