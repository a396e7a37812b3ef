// SQL of 运行监测 (migration 14). Figures leave here as scaled integers; rules.ts turns them into values.
import type { Database } from 'better-sqlite3';
import type { IndicatorDef, PeriodType, ReportStatus } from './rules.js';
import type { Scope } from './formula.js';

export interface FormRow {
  id: number;
  gid: string;
  origin_office: string;
  code: string;
  version: number;
  name: string;
  period_type: PeriodType;
  due_day: number;
  unit_rule: string;
  needs_analysis: number;
  effective_from: string;
  note: string | null;
  created_at: string;
  created_by: string;
}

export interface FormulaRow {
  id: number;
  form_id: number;
  seq: number;
  code: string;
  expression: string;
  message: string;
  severity: 'block' | 'warn';
  scope: Scope;
  tolerance_e4: number;
}

export interface ReportRow {
  id: number;
  gid: string;
  office_code: string;
  form_id: number;
  form_origin: string;
  form_code: string;
  period: string;
  status: ReportStatus;
  analysis: string | null;
  reviewed_at: string | null;
  reviewed_by: string | null;
  submitted_at: string | null;
  submitted_by: string | null;
  returned_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface ValueRow {
  enterprise_id: number | null;
  indicator_code: string;
  month_scaled: number | null;
  ytd_scaled: number | null;
  ytd_entered: number;
  text_value: string | null;
}

export const getForm = (db: Database, id: number) => db.prepare('SELECT * FROM monitor_form WHERE id = ?').get(id) as FormRow | undefined;

export function listForms(db: Database): FormRow[] {
  return db.prepare('SELECT * FROM monitor_form ORDER BY origin_office, code, version').all() as FormRow[];
}

export function latestVersion(db: Database, origin: string, code: string): FormRow | undefined {
  return db.prepare('SELECT * FROM monitor_form WHERE origin_office = ? AND code = ? ORDER BY version DESC LIMIT 1').get(origin, code) as FormRow | undefined;
}

/** The version in force for a period: the newest whose effective_from is not after it. */
export function versionFor(db: Database, origin: string, code: string, period: string): FormRow | undefined {
  return db
    .prepare('SELECT * FROM monitor_form WHERE origin_office = ? AND code = ? AND effective_from <= ? ORDER BY version DESC LIMIT 1')
    .get(origin, code, period) as FormRow | undefined;
}

export function indicators(db: Database, formId: number): IndicatorDef[] {
  return (
    db.prepare('SELECT code, name, unit, type, decimals, accumulates FROM monitor_indicator WHERE form_id = ? ORDER BY seq').all(formId) as Array<
      Omit<IndicatorDef, 'accumulates'> & { accumulates: number }
    >
  ).map((r) => ({ ...r, accumulates: r.accumulates === 1 }));
}

export const formulas = (db: Database, formId: number) =>
  db.prepare('SELECT * FROM monitor_formula WHERE form_id = ? ORDER BY seq').all(formId) as FormulaRow[];

export function findReport(db: Database, office: string, origin: string, code: string, period: string): ReportRow | undefined {
  return db
    .prepare('SELECT * FROM monitor_report WHERE office_code = ? AND form_origin = ? AND form_code = ? AND period = ?')
    .get(office, origin, code, period) as ReportRow | undefined;
}

export const getReport = (db: Database, id: number) => db.prepare('SELECT * FROM monitor_report WHERE id = ?').get(id) as ReportRow | undefined;

export const values = (db: Database, reportId: number) =>
  db
    .prepare('SELECT enterprise_id, indicator_code, month_scaled, ytd_scaled, ytd_entered, text_value FROM monitor_value WHERE report_id = ?')
    .all(reportId) as ValueRow[];

export function explanations(db: Database, reportId: number): Array<{ enterprise_id: number | null; formula_code: string; text: string }> {
  return db.prepare('SELECT enterprise_id, formula_code, text FROM monitor_explanation WHERE report_id = ?').all(reportId) as Array<{
    enterprise_id: number | null;
    formula_code: string;
    text: string;
  }>;
}

export interface UnitRow {
  id: number;
  uscc: string;
  name: string;
  scale: 'above' | 'below';
  industry_code: string | null;
  status: 'active' | 'inactive';
}

export function activeEnterprises(db: Database): UnitRow[] {
  return db.prepare(`SELECT id, uscc, name, scale, industry_code, status FROM enterprise WHERE status = 'active' ORDER BY uscc`).all() as UnitRow[];
}

export function enterprisesById(db: Database, ids: number[]): UnitRow[] {
  if (ids.length === 0) return [];
  return db
    .prepare(`SELECT id, uscc, name, scale, industry_code, status FROM enterprise WHERE id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as UnitRow[];
}

/** Enterprises on a named list during any month of [first, last]. */
export function listedIn(db: Database, lists: string[], [first, last]: [string, string]): Set<number> {
  if (lists.length === 0) return new Set();
  const ids = db
    .prepare(
      `SELECT enterprise_id FROM monitor_unit WHERE list_code IN (SELECT value FROM json_each(?))
         AND from_period <= ? AND (to_period IS NULL OR to_period >= ?)`,
    )
    .pluck()
    .all(JSON.stringify(lists), last, first) as number[];
  return new Set(ids);
}
