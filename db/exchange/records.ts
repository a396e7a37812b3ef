// Every record that arrives in a package meets the checks its form and Excel import apply before anything is written
// (issue 12). A signature says who sent a file, not that its rows are sound: a county's PC can be infected, a file
// hand-edited and re-signed, an older release can emit bad rows. Three layers, built once per table:
//  1. the column's SQL type, bounded (no 1e300, no 12.5 fen, no object where text belongs, no version near 2^63);
//  2. what the column means, by its name (dates, timestamps, money, codes, 身份证号, hashes, JSON documents) and
//     by the schema's own CHECK lists (enums), so the refusal names the field instead of quoting SQLite;
//  3. the area's form schema for the records people type (enterprise, tier, trainee, certificate, rule documents).
// A refusal is an AppError BAD_RECORD naming the package part, the record and the field; nothing is written.
import type { Database } from 'better-sqlite3';
import { AppError } from '../result.js';
import { isoDateString } from '../validate.js';
import { checkUscc, normalizeCode } from '../enterprises/uscc.js';
import { checkEnterprise, loadLookups, type Lookups } from '../enterprises/rules.js';
import { acceptedAsIs } from '../enterprises/import-rows.js';
import { enterpriseInput, type EnterpriseData } from '../enterprises/schema.js';
import { checkIdNo, normalizeIdNo } from '../idcard/idcard.js';
import { validateDefinition } from '../towns/assessment.js';
import { indicatorDefs } from '../towns/queries.js';
import { ruleTableInput, ruleTableToInput, type RuleTable } from '../exhibitions/rules.js';
import { SYSTEM_ACTOR } from '../context.js';
import type { TableShape } from './tables.js';
import { fieldLabel } from './labels.js';
import type { OfficeRef } from './relations.js';

/** Record versions are Lamport counters of writes: far below 2^53 (JS) and SQLite's 2^63 in any real ledger. */
export const MAX_VERSION = 1e12;
/** Any other number: counts, areas, 万元 figures. */
const MAX_NUMBER = 1e15;
/** 100 亿元 in fen: more than any subsidy, small enough that sums of many stay exact. */
export const MAX_FEN = 1e12;
const MAX_TEXT = 10_000;
const MAX_JSON = 1_000_000;

export const GID_RE = /^[0-9A-Za-z][0-9A-Za-z_.:-]{7,63}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const OFFICE_RE = /^\d{6}$/;
/** ISO 8601 as the program writes it; also a bare date or SQLite's datetime() form, as seeded rules carry. */
const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?$/;
const PHONE_RE = /^[0-9+\-() ]{5,20}$/;
const DATE_COLUMN = /^(date|status_since|valid_from|valid_to|effective_from|publicity_start|publicity_end|contract_start|contract_end)$|_date$|_on$/;
const YEAR_COLUMN = /^(year|start_year|end_year|subsidy_year)$/;
/** Text a form marks 必填: blank is refused even where SQL would take ''. */
const REQUIRED_TEXT = new Set([
  'name', 'title', 'person_name', 'organiser', 'file_name', 'claim_no', 'batch_no', 'invoice_no', 'cert_no', 'booth_no',
  'occupation_code', 'occupation_name', 'issuer', 'leading_industry', 'doc_no', 'reason', 'explanation', 'description', 'label',
  'created_by', 'material', 'mime', 'country',
]);
const JSON_COLUMNS = new Set(['definition', 'rules_json', 'bodies', 'result', 'calc_json']);

const LABEL_KEYS = ['name', 'title', 'claim_no', 'code', 'cert_no', 'batch_no', 'doc_no', 'invoice_no', 'file_name', 'person_name'];
/** A record's name for messages; a hostile one is cut short. */
export function labelOf(o: Record<string, unknown>): string {
  let s: string | undefined;
  for (const k of LABEL_KEYS) if (typeof o[k] === 'string' && o[k]) { s = o[k] as string; break; }
  if (s === undefined) s = typeof o.year === 'number' ? String(o.year) : typeof o.gid === 'string' ? o.gid : '（无编号）';
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export interface RecordEnv {
  /** The package part the records come from (data/enterprise.ndjson), named in every refusal. */
  part: string;
  sender: OfficeRef;
  /** Today at the receiver: nobody in a roster is born after it. */
  today: string;
}

type Check = (v: unknown, rec: Record<string, unknown>) => string | null;

interface Column {
  name: string;
  required: boolean;
  /** Run on a value that is present (not null). */
  checks: Check[];
}

const describe = (v: unknown): string => {
  if (v === null) return '空值';
  if (Array.isArray(v)) return '数组';
  if (typeof v === 'object') return '对象';
  if (typeof v === 'boolean') return `布尔值 ${v}`;
  if (typeof v === 'number') return `数值 ${v}`;
  const s = String(v);
  return `「${s.length > 30 ? `${s.slice(0, 30)}…` : s}」`;
};

const integer = (min: number, max: number, what = ''): Check => (v) =>
  typeof v !== 'number' || !Number.isSafeInteger(v) ? `应为整数${what}，收到的是${describe(v)}` : v < min || v > max ? `${describe(v)}超出范围（${min}～${max}${what}）` : null;
const real: Check = (v) => (typeof v !== 'number' || !Number.isFinite(v) ? `应为数值，收到的是${describe(v)}` : Math.abs(v) > MAX_NUMBER ? `${describe(v)}超出范围` : null);
const text = (max: number): Check => (v) =>
  typeof v !== 'string' ? `应为文本，收到的是${describe(v)}` : v.length > max ? `过长（${v.length} 个字符，最多 ${max}）` : v.includes('\u0000') ? '含有不允许的控制字符' : null;
const nonBlank: Check = (v) => (typeof v === 'string' && v.trim() === '' ? '必填，不能为空' : null);
const date: Check = (v) => (typeof v === 'string' && !isoDateString.safeParse(v).success ? `${describe(v)}不是有效的日期（应为 YYYY-MM-DD）` : null);
const timestamp: Check = (v) => {
  if (typeof v !== 'string') return null;
  const m = TIMESTAMP_RE.exec(v);
  return !m || !isoDateString.safeParse(m[1]).success || Number.isNaN(Date.parse(v)) ? `${describe(v)}不是有效的时间（应为 ISO 8601，如 2026-03-01T08:00:00.000Z）` : null;
};
const oneOf = (values: string[]): Check => (v) => (typeof v === 'string' && !values.includes(v) ? `${describe(v)}不是允许的取值（${values.join('、')}）` : null);
const matches = (re: RegExp, what: string): Check => (v) => (typeof v === 'string' && !re.test(v) ? `${describe(v)}${what}` : null);
const jsonDoc = (then?: (doc: unknown) => string | null): Check => (v) => {
  if (typeof v !== 'string') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(v);
  } catch {
    return '不是有效的 JSON';
  }
  return then ? then(doc) : null;
};

/** Enum lists from the table's CHECK (col IN ('a','b')) clauses: the refusal can then name the field. */
function enumsOf(db: Database, table: string): Map<string, string[]> {
  const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE type = ? AND name = ?').pluck().get('table', table) as string | undefined) ?? '';
  const out = new Map<string, string[]>();
  for (const m of sql.matchAll(/CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)/g)) {
    const values = [...m[2]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!);
    if (values.length) out.set(m[1]!, values);
  }
  return out;
}

/** Codes a record may name in columns that point at local code lists (not exchanged tables). */
interface CodeLists {
  lookups: Lookups;
  tiers: Set<string>;
  indicators: Set<string>;
  townDefs: ReturnType<typeof indicatorDefs>;
}
const codeCache = new WeakMap<Database, CodeLists>();
function codeLists(db: Database): CodeLists {
  let c = codeCache.get(db);
  if (!c) {
    const townDefs = indicatorDefs(db);
    c = {
      lookups: loadLookups(db),
      tiers: new Set(db.prepare('SELECT code FROM tier_type').pluck().all() as string[]),
      indicators: new Set(townDefs.map((d) => d.code)),
      townDefs,
    };
    codeCache.set(db, c);
  }
  return c;
}

/** The sender's area: a county's records lie in the county, a city's in its counties. */
const withinSender = (sender: OfficeRef, code: string): boolean =>
  sender.level === 'province' ? code.slice(0, 2) === sender.office_code.slice(0, 2) : sender.level === 'city' ? code.slice(0, 4) === sender.office_code.slice(0, 4) : code === sender.office_code;

function exhibitionRules(doc: unknown): string | null {
  try {
    const r = ruleTableInput.safeParse(ruleTableToInput(doc as RuleTable));
    if (r.success) return null;
    const i = r.error.issues[0]!;
    return `不是有效的参展补贴规则表（${i.path.join('.')}：${i.message}）`;
  } catch {
    return '不是有效的参展补贴规则表';
  }
}

/**
 * The checker of one table's records for one package. It normalises the way forms do (full-width and lower-case
 * codes) by writing the normal form back into the record, and throws BAD_RECORD on the first problem.
 */
export interface RecordChecker {
  /** gid, origin, version and base: enough to decide whose the record is. */
  meta(rec: Record<string, unknown>): void;
  /** Every field, then the form's own checks; normalises codes in place. */
  full(rec: Record<string, unknown>): void;
}

export function recordChecker(db: Database, shape: TableShape, env: RecordEnv): RecordChecker {
  const table = shape.spec.name;
  const info = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; type: string; notnull: number }>;
  const typeOf = new Map(info.map((c) => [c.name, c.type.toUpperCase()]));
  const enums = enumsOf(db, table);
  const codes = codeLists(db);
  const columns: Column[] = [];
  for (const name of shape.columns) {
    const checks: Check[] = [];
    const ref = shape.refs.get(name);
    if (ref || name === 'gid') {
      checks.push((v) => (typeof v !== 'string' || !GID_RE.test(v) ? `${describe(v)}不是有效的记录编号（gid）` : null));
    } else {
      const t = typeOf.get(name) ?? 'TEXT';
      if (t === 'INTEGER') checks.push(/_fen$/.test(name) ? integer(0, MAX_FEN, ' 分') : /_bp$/.test(name) ? integer(0, 10_000) : YEAR_COLUMN.test(name) ? integer(1900, 2100) : integer(-MAX_NUMBER, MAX_NUMBER));
      else if (t === 'REAL') checks.push(real);
      else checks.push(text(JSON_COLUMNS.has(name) ? MAX_JSON : MAX_TEXT));
      if (REQUIRED_TEXT.has(name) && shape.notNull.has(name)) checks.push(nonBlank);
      if (DATE_COLUMN.test(name)) checks.push(date);
      if (/_at$/.test(name)) checks.push(timestamp);
      const e = enums.get(name);
      if (e) checks.push(oneOf(e));
      if (name === 'sha256') checks.push(matches(SHA256_RE, '不是 64 位小写十六进制的 SHA-256'));
      if (name === 'contact_phone' || name === 'phone') checks.push(matches(PHONE_RE, '不是有效的电话号码'));
      if (name === 'tier_code') checks.push((v) => (typeof v === 'string' && !codes.tiers.has(v) ? `${describe(v)}不是本程序认识的梯度类型` : null));
      if (name === 'indicator') checks.push((v) => (typeof v === 'string' && !codes.indicators.has(v) ? `${describe(v)}不是本程序认识的专业镇指标` : null));
      if (name === 'county_code') {
        checks.push((v) => {
          if (typeof v !== 'string') return null;
          const r = codes.lookups.regions.get(v);
          if (!r || r.kind !== 'county') return `${describe(v)}不是 GB/T 2260 中的县级行政区划代码`;
          return withinSender(env.sender, v) ? null : `「${v} ${r.name}」不在发送单位 ${env.sender.name} 的辖区内`;
        });
      }
      if (name === 'uscc' && table !== 'enterprise') {
        checks.push((v, rec) => {
          if (typeof v !== 'string') return null;
          const c = checkUscc(v);
          if (!c.ok) return c.message;
          rec[name] = c.code;
          return null;
        });
      }
      if (name === 'id_no') {
        checks.push((v, rec) => {
          if (typeof v !== 'string') return null;
          const c = checkIdNo(v, env.today);
          if (!c.ok) return c.message;
          if (c.convertedFrom15) return '居民身份证号应为 18 位';
          rec[name] = c.idNo;
          return null;
        });
      }
      if (JSON_COLUMNS.has(name)) {
        if (name === 'rules_json') checks.push(jsonDoc(exhibitionRules));
        else if (name === 'definition') {
          checks.push(jsonDoc((doc) => {
            try {
              validateDefinition(doc, codes.townDefs);
              return null;
            } catch (e) {
              return `不是有效的专业镇评价规则（${e instanceof AppError ? e.message : '格式不对'}）`;
            }
          }));
        } else if (name === 'bodies') checks.push(jsonDoc((doc) => (Array.isArray(doc) && doc.every((b) => typeof b === 'string' && b.length <= 200) ? null : '应为认定机构名称的列表')));
        else checks.push(jsonDoc());
      }
    }
    columns.push({ name, required: shape.notNull.has(name), checks });
  }
  const tableChecks = TABLE_CHECKS[table]?.(env, codes) ?? null;

  const fail = (rec: Record<string, unknown>, field: string, message: string): never => {
    throw new AppError('BAD_RECORD', `交换包文件「${env.part}」中${shape.spec.label}「${labelOf(rec)}」的「${fieldLabel(table, field)}」${message}。未写入任何数据。`, {
      part: env.part, table, gid: typeof rec.gid === 'string' ? rec.gid : null, field,
    });
  };
  /** What ownership is decided on: the record's id, origin and version. */
  const meta = (rec: Record<string, unknown>): void => {
    if (typeof rec.gid !== 'string' || !GID_RE.test(rec.gid)) fail(rec, 'gid', `${describe(rec.gid)}不是有效的记录编号（gid）`);
    const origin = rec._origin;
    if (typeof origin !== 'string' || !OFFICE_RE.test(origin)) fail(rec, '_origin', `（来源单位）${describe(origin)}不是 6 位行政区划代码`);
    const v = rec._v;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > MAX_VERSION) fail(rec, '_v', `（记录版本）${describe(v)}不是 1～${MAX_VERSION} 的整数`);
    const base = rec._base;
    if (base !== undefined && base !== null && (typeof base !== 'string' || !/^[0-9a-f]{32}$/.test(base))) fail(rec, '_base', `（上次一致的内容摘要）${describe(base)}格式不对`);
  };
  const full = (rec: Record<string, unknown>): void => {
    const fail_ = (field: string, message: string): never => fail(rec, field, message);
    meta(rec);
    for (const c of columns) {
      const value = rec[c.name];
      if (value === null || value === undefined) {
        rec[c.name] = null;
        if (c.required) fail_(c.name, '必填，不能为空');
        continue;
      }
      for (const check of c.checks) {
        const m = check(rec[c.name], rec);
        if (m) fail_(c.name, m);
      }
    }
    if (tableChecks) {
      const bad = tableChecks(rec);
      if (bad) fail_(bad.field, bad.message);
    }
  };
  return { meta, full };
}
type TableCheck = (env: RecordEnv, codes: CodeLists) => (rec: Record<string, unknown>) => { field: string; message: string } | null;

const ENTERPRISE_FORM_FIELDS = ['uscc', 'name', 'region_code', 'township', 'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone'] as const;

/** Checks a form makes across fields, or through the area's own schema. */
const TABLE_CHECKS: Record<string, TableCheck> = {
  // The enterprise form's schema and code-list checks, with the sender's area as "本单位辖区"; a check character a
  // reviewer accepted at the source (校验位例外说明) stands, and a region since retired still names a real place.
  enterprise: (env, codes) => {
    const lookups: Lookups = { ...codes.lookups, office: { level: env.sender.level, region_code: env.sender.office_code } };
    return (rec) => {
      const raw = Object.fromEntries(ENTERPRISE_FORM_FIELDS.map((k) => [k, rec[k]])) as Record<string, string | null>;
      raw.uscc = normalizeCode(String(raw.uscc));
      let data: EnterpriseData | null = acceptedAsIs(raw as never);
      if (!data) {
        const r = enterpriseInput.safeParse({ ...raw, override_reason: rec.uscc_override_reason });
        if (!r.success) {
          const i = r.error.issues[0]!;
          return { field: String(i.path[0] ?? 'name'), message: i.message };
        }
        data = r.data;
      }
      data.override_reason = typeof rec.uscc_override_reason === 'string' ? rec.uscc_override_reason : null;
      const checked = checkEnterprise(data, lookups, SYSTEM_ACTOR);
      const issue = checked.issues.find((i) => !(i.field === 'region_code' && /已于 .* 撤销/.test(i.message)));
      if (issue) return { field: issue.field, message: issue.message.replace(/^统一社会信用代码/, '') };
      for (const k of ENTERPRISE_FORM_FIELDS) rec[k] = data[k];
      rec.uscc = checked.uscc;
      return null;
    };
  },
  enterprise_tier: () => (rec) =>
    typeof rec.valid_to === 'string' && typeof rec.valid_from === 'string' && rec.valid_to < rec.valid_from ? { field: 'valid_to', message: '不能早于有效期起' } : null,
  // The roster form derives birth date and gender from the 身份证号; a record whose three disagree was not made by it.
  trainee: (env) => (rec) => {
    const c = typeof rec.id_no === 'string' ? checkIdNo(normalizeIdNo(rec.id_no), env.today) : null;
    if (!c || !c.ok) return null;
    if (rec.birth_date !== c.birthDate) return { field: 'birth_date', message: `与身份证号中的出生日期 ${c.birthDate} 不符` };
    if (rec.gender !== c.gender) return { field: 'gender', message: '与身份证号中的性别不符' };
    if (typeof rec.name === 'string' && rec.name.trim().length > 50) return { field: 'name', message: '不能超过 50 个字符' };
    return null;
  },
};
