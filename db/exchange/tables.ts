// Which tables travel, in what order, and how a row becomes a package record: integer keys become the gid of
// the row they point to, keys are sorted, and the content hash covers the columns only (never origin/version).
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export type Area = 'enterprises' | 'sanctions' | 'towns' | 'training' | 'exhibitions';

export interface TableSpec {
  name: string;
  label: string;
  area: Area;
  /** Rule tables published downwards (下发). */
  rule?: boolean;
}

/** Parents before children; references that point forward (cycles) are nullable and fixed up after inserts. */
export const TABLES: readonly TableSpec[] = [
  { name: 'enterprise', label: '企业', area: 'enterprises' },
  { name: 'enterprise_tier', label: '企业梯度', area: 'enterprises' },
  { name: 'town_policy', label: '专业镇政策参数', area: 'towns', rule: true },
  { name: 'town_rule_set', label: '专业镇评价规则', area: 'towns', rule: true },
  { name: 'town', label: '专业镇', area: 'towns' },
  { name: 'town_designation', label: '专业镇认定', area: 'towns' },
  { name: 'town_transition', label: '专业镇状态变更', area: 'towns' },
  { name: 'town_member', label: '专业镇成员企业', area: 'towns' },
  { name: 'town_platform', label: '专业镇平台', area: 'towns' },
  { name: 'town_platform_year', label: '平台年度服务', area: 'towns' },
  { name: 'town_project', label: '专业镇项目', area: 'towns' },
  { name: 'town_year', label: '专业镇年度指标', area: 'towns' },
  { name: 'town_plan', label: '专业镇规划', area: 'towns' },
  { name: 'town_plan_target', label: '规划目标', area: 'towns' },
  { name: 'town_event', label: '否决事项', area: 'towns' },
  { name: 'town_assessment', label: '专业镇评价', area: 'towns' },
  { name: 'training_institution', label: '培训机构', area: 'training' },
  { name: 'subsidy_rule_set', label: '培训补贴标准', area: 'training', rule: true },
  { name: 'subsidy_rule_band', label: '补贴档次', area: 'training', rule: true },
  { name: 'subsidy_rule_shortage', label: '紧缺工种', area: 'training', rule: true },
  { name: 'training_plan', label: '培训计划', area: 'training' },
  { name: 'training_plan_step', label: '计划进度', area: 'training' },
  { name: 'trainee', label: '学员', area: 'training' },
  { name: 'training_certificate', label: '证书', area: 'training' },
  { name: 'entrepreneur_course', label: '企业家培训', area: 'training' },
  { name: 'entrepreneur_attendee', label: '企业家培训学员', area: 'training' },
  { name: 'exhibition_rule_set', label: '参展补贴规则', area: 'exhibitions', rule: true },
  { name: 'exhibition_rule_version', label: '参展补贴规则版本', area: 'exhibitions', rule: true },
  { name: 'exhibition_fair', label: '展会', area: 'exhibitions' },
  { name: 'exhibition_publicity_batch', label: '公示批次', area: 'exhibitions' },
  { name: 'exhibition_claim', label: '参展补贴申请', area: 'exhibitions' },
  { name: 'exhibition_booth', label: '展位', area: 'exhibitions' },
  { name: 'exhibition_item', label: '费用明细', area: 'exhibitions' },
  { name: 'exhibition_attachment', label: '申请材料', area: 'exhibitions' },
  { name: 'exhibition_claim_event', label: '申请流转', area: 'exhibitions' },
  // Sanctions point at a plan or a claim; money entries point at a sanction.
  { name: 'sanction', label: '处理措施', area: 'sanctions' },
  { name: 'training_money', label: '培训资金', area: 'training' },
  { name: 'exhibition_payment', label: '拨付与收回', area: 'exhibitions' },
];
export const TABLE_BY_NAME = new Map(TABLES.map((t) => [t.name, t]));
export const RULE_TABLES = TABLES.filter((t) => t.rule).map((t) => t.name);
export { SHIPPED_ORIGIN } from '../ownership/versions.js';

/** Local properties that never travel (where an attachment's bytes are kept depends on the receiving ledger). */
const LOCAL_COLUMNS: Record<string, string[]> = { exhibition_attachment: ['storage'] };

/** References the schema does not declare: polymorphic (sanction.source_id) and cyclic (town_transition). */
const EXTRA_REFS: Record<string, Ref[]> = {
  sanction: [{ column: 'source_id', table: null, byKind: { column: 'source_kind', tables: { training_plan: 'training_plan', exhibition_claim: 'exhibition_claim' } }, nullable: true }],
  town_transition: [{ column: 'assessment_id', table: 'town_assessment', nullable: true }],
};

export interface Ref {
  column: string;
  /** Referenced table; null when it depends on another column (byKind). */
  table: string | null;
  byKind?: { column: string; tables: Record<string, string> };
  nullable: boolean;
}

export interface TableShape {
  spec: TableSpec;
  /** Travelling columns, sorted (the record's key order). */
  columns: string[];
  refs: Map<string, Ref>;
  notNull: Set<string>;
  hasIsSample: boolean;
  /** SELECT of records in package form; append a WHERE on alias t. */
  selectSql: string;
  /** The same with `_base`: the hash last agreed with peer @peer. */
  exportSql: string;
}

const shapeCache = new WeakMap<Database, Map<string, TableShape>>();

export function tableShapes(db: Database): Map<string, TableShape> {
  const hit = shapeCache.get(db);
  if (hit) return hit;
  const out = new Map<string, TableShape>();
  for (const spec of TABLES) {
    const info = db.prepare(`PRAGMA table_info(${spec.name})`).all() as Array<{ name: string; notnull: number }>;
    const skip = new Set(['id', 'origin_office', 'row_version', ...(LOCAL_COLUMNS[spec.name] ?? [])]);
    const columns = info.map((c) => c.name).filter((n) => !skip.has(n)).sort();
    const notNull = new Set(info.filter((c) => c.notnull).map((c) => c.name));
    const refs = new Map<string, Ref>();
    for (const fk of db.prepare(`PRAGMA foreign_key_list(${spec.name})`).all() as Array<{ from: string; table: string }>) {
      if (TABLE_BY_NAME.has(fk.table)) refs.set(fk.from, { column: fk.from, table: fk.table, nullable: !notNull.has(fk.from) });
    }
    for (const r of EXTRA_REFS[spec.name] ?? []) refs.set(r.column, r);
    const expr = (c: string): string => {
      const r = refs.get(c);
      if (!r) return `t.${c}`;
      if (r.table) return `(SELECT r.gid FROM ${r.table} r WHERE r.id = t.${c})`;
      const cases = Object.entries(r.byKind!.tables).map(([k, tb]) => `WHEN '${k}' THEN (SELECT r.gid FROM ${tb} r WHERE r.id = t.${c})`);
      return `CASE t.${r.byKind!.column} ${cases.join(' ')} END`;
    };
    const list = `t.id AS _id, t.origin_office AS _origin, t.row_version AS _v, ${columns.map((c) => `${expr(c)} AS "${c}"`).join(', ')}`;
    const selectSql = `SELECT ${list} FROM ${spec.name} t`;
    const exportSql = `SELECT ${list}, (SELECT b.row_hash FROM sync_base b WHERE b.gid = t.gid AND b.peer = @peer) AS _base FROM ${spec.name} t`;
    out.set(spec.name, { spec, columns, refs, notNull, hasIsSample: columns.includes('is_sample'), selectSql, exportSql });
  }
  shapeCache.set(db, out);
  return out;
}

export type Value = string | number | null;
export type Content = Record<string, Value>;

/** The canonical text of a record's content: its columns in sorted order, as JSON. */
export function contentJson(shape: TableShape, row: Record<string, unknown>): string {
  let s = '{';
  shape.columns.forEach((c, i) => {
    const v = row[c];
    s += `${i ? ',' : ''}${JSON.stringify(c)}:${v === undefined ? 'null' : JSON.stringify(v)}`;
  });
  return `${s}}`;
}

/** 128 bits of SHA-256: enough to tell versions of one record apart, half the size in sync_base. */
export const contentHash = (json: string): string => createHash('sha256').update(json).digest('hex').slice(0, 32);

/** One NDJSON line: meta keys (underscore first, so still sorted) then the content. */
export function recordLine(meta: { base: string | null; origin: string; version: number }, content: string): string {
  return `{"_base":${JSON.stringify(meta.base)},"_origin":${JSON.stringify(meta.origin)},"_v":${meta.version},${content.slice(1)}\n`;
}
