import type { Database } from 'better-sqlite3';
import type { EnterpriseRow, ListQuery, TierRow } from './schema.js';
import { originCondition } from '../ownership/origin.js';

type Filters = Required<Pick<ListQuery, 'status'>> & Omit<ListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'status'>;

const NOT_TOKEN = /[^\p{L}\p{N}]/gu;

/** Letters and digits only, lower case: what a search term and the indexed text are compared on. */
export function searchKey(text: string): string {
  return text.toLowerCase().replace(NOT_TOKEN, '');
}

/** A token no search can produce (search tokens are one or two characters): phrases cannot run across parts. */
const PART_BREAK = ' brk ';

const chars = (s: string) => Array.from(s).join(' ');
/** Overlapping pairs: letters and digits come from small alphabets, so single-character tokens would be too common. */
const pairs = (s: string) => {
  const c = Array.from(s);
  return c.length < 2 ? c.join('') : c.slice(1).map((x, i) => c[i]! + x).join(' ');
};

/**
 * The FTS5 index (migration 1) reads this column: the name one character per token and the pinyin initials as
 * overlapping pairs, so a phrase query is an exact substring search within each part. Codes are searched on
 * their own unique index (see CODE_LIKE); full pinyin stays out: initials already find 泽州铸造 from "zzzz".
 */
export function searchText(row: Pick<EnterpriseRow, 'name' | 'name_initials' | 'status'> & { uscc?: string }): string {
  const parts = [chars(searchKey(row.name)), pairs(searchKey(row.name_initials))].join(PART_BREAK);
  // The status as a token of its own lets the index count 「铸造」 among active enterprises by itself.
  return `${parts}${PART_BREAK}${STATUS_TOKEN[row.status]}`;
}

const STATUS_TOKEN = { active: 'ztactive', inactive: 'ztinactive' } as const;

/** Four or more letters and digits with at least three digits: a code fragment, not pinyin initials. */
const CODE_LIKE = /^(?=(?:.*\d){3})[0-9a-z]{4,18}$/;

/** A name fragment (single characters) or, from two characters on, an initials fragment (pairs). */
export function ftsPhrase(key: string): string {
  const single = `"${chars(key)}"`;
  return Array.from(key).length < 2 ? single : `(${single} OR "${pairs(key)}")`;
}

/** WHERE clause and parameters for the list filters; the search term goes against one precomputed column. */
export function whereFor(f: Filters, today: string): { sql: string; params: Record<string, unknown>; filters: string[]; fts: string | null } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.status !== 'all') {
    // With a tier filter the tier's few rows drive the query; the unary + keeps SQLite from walking all 200,000
    // entries of the status index and probing each against them instead.
    parts.push(f.tier_code ? '+e.status = @status' : 'e.status = @status');
    params.status = f.status;
  }
  if (f.region_code) {
    // A prefecture or province code selects everything beneath it.
    if (f.region_code.endsWith('0000')) {
      parts.push('e.region_code >= @rlo AND e.region_code < @rhi');
      params.rlo = f.region_code.slice(0, 2);
      params.rhi = `${f.region_code.slice(0, 2)}~`;
    } else if (f.region_code.endsWith('00')) {
      parts.push('e.region_code >= @rlo AND e.region_code < @rhi');
      params.rlo = f.region_code.slice(0, 4);
      params.rhi = `${f.region_code.slice(0, 4)}~`;
    } else {
      parts.push('e.region_code = @region');
      params.region = f.region_code;
    }
  }
  if (f.origin_office) {
    parts.push(originCondition('e.origin_office'));
    params.origin = f.origin_office;
  }
  if (f.industry_code) {
    parts.push('e.industry_code >= @ilo AND e.industry_code < @ihi');
    params.ilo = f.industry_code;
    params.ihi = `${f.industry_code}~`;
  }
  if (f.scale) {
    parts.push('e.scale = @scale');
    params.scale = f.scale;
  }
  if (f.tier_code) {
    // IN (...) starts from the tier's few rows (index enterprise_tier_code) instead of probing every enterprise.
    parts.push(`e.id IN (SELECT t.enterprise_id FROM enterprise_tier t WHERE t.tier_code = @tier
      AND t.revoked_at IS NULL AND (t.valid_to IS NULL OR t.valid_to >= @today))`);
    params.tier = f.tier_code;
    params.today = today;
  }
  const filters = parts.filter((p) => !p.endsWith('e.status = @status'));
  const key = f.q ? searchKey(f.q) : '';
  if (key && CODE_LIKE.test(key)) {
    // A fragment of a 统一社会信用代码: one pass over the code index (200,000 short keys) beats a token index
    // that every import would have to fill with 17 more tokens per row.
    parts.push('instr(e.uscc, @code) > 0');
    params.code = key.toUpperCase();
    return { sql: `WHERE ${parts.join(' AND ')}`, params, filters: [...filters, 'instr(e.uscc, @code) > 0'], fts: null };
  }
  if (key) {
    parts.push('e.id IN (SELECT rowid FROM enterprise_fts WHERE enterprise_fts MATCH @fts)');
    params.fts = ftsPhrase(key) + (f.status === 'all' ? '' : ` AND ${STATUS_TOKEN[f.status]}`);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params, filters, fts: key ? (params.fts as string) : null };
}

const SORT_SQL: Record<string, string> = {
  name: 'e.name_pinyin',
  uscc: 'e.uscc',
  region_code: 'e.region_code',
  updated_at: 'e.updated_at',
  created_at: 'e.id',
};

export interface ListedEnterprise extends EnterpriseRow {
  region_name: string | null;
  industry_name: string | null;
  tiers: string | null;
}

/** Below this many matches a search is read from the index hits and sorted; above it, read in list order. */
const NARROW = 3000;

export function listPage(
  db: Database,
  q: Required<Pick<ListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'status'>> & ListQuery,
  today: string,
): { rows: ListedEnterprise[]; total: number } {
  const w = whereFor(q, today);
  // With a search, start from the index hits (CROSS JOIN keeps that order): counting 45,000 hits of 「铸造」 is
  // then 45,000 rowid lookups, not a pass over every enterprise.
  const from = w.fts
    ? `enterprise_fts f CROSS JOIN enterprise e ON e.id = f.rowid WHERE ${['f.enterprise_fts MATCH @fts', ...w.filters].join(' AND ')}`
    : `enterprise e ${w.sql}`;
  // A search with no other filter is counted by the index alone (the status is one of its tokens).
  const countSql =
    w.fts && w.filters.length === 0 ? 'SELECT count(*) FROM enterprise_fts WHERE enterprise_fts MATCH @fts' : `SELECT count(*) FROM ${from}`;
  const total = db.prepare(countSql).pluck().get(w.params) as number;
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const narrow = total <= NARROW;
  // Few matches: fetch them through the filter's index and sort (unary + keeps SQLite from walking the
  // whole order index instead). Many matches: walk the order index and stop after one page.
  const order = narrow ? `+${SORT_SQL[q.sort]} ${dir}, +e.id ${dir}` : `${SORT_SQL[q.sort]} ${dir}, e.id ${dir}`;
  const pageFrom = w.fts && narrow ? from : `enterprise e ${w.sql}`;
  const rows = db
    .prepare(
      `SELECT e.*, r.name AS region_name, i.name AS industry_name,
        (SELECT group_concat(tt.name, '、') FROM enterprise_tier t JOIN tier_type tt ON tt.code = t.tier_code
          WHERE t.enterprise_id = e.id AND t.revoked_at IS NULL AND (t.valid_to IS NULL OR t.valid_to >= @today)) AS tiers
       FROM (SELECT e.* FROM ${pageFrom} ORDER BY ${order} LIMIT @limit OFFSET @offset) e
       LEFT JOIN region r ON r.code = e.region_code
       LEFT JOIN industry i ON i.code = e.industry_code
       ORDER BY ${order.replaceAll('+', '')}`,
    )
    .all({ ...w.params, today, limit: q.pageSize, offset: (q.page - 1) * q.pageSize }) as ListedEnterprise[];
  for (const r of rows) delete (r as Partial<{ search_text: string }>).search_text;
  return { rows, total };
}

/** All rows matching the filters (export); iterates so 200,000 rows do not sit in memory twice. */
export function iterateFiltered(db: Database, f: Filters, today: string): IterableIterator<EnterpriseRow> {
  const w = whereFor(f, today);
  return db.prepare(`SELECT e.* FROM enterprise e ${w.sql} ORDER BY e.region_code, e.name_pinyin`).iterate(w.params) as IterableIterator<EnterpriseRow>;
}

export function getById(db: Database, id: number): EnterpriseRow | undefined {
  return db.prepare('SELECT * FROM enterprise WHERE id = ?').get(id) as EnterpriseRow | undefined;
}

export function getByUscc(db: Database, uscc: string): EnterpriseRow | undefined {
  return db.prepare('SELECT * FROM enterprise WHERE uscc = ?').get(uscc) as EnterpriseRow | undefined;
}

export function tiersOf(db: Database, enterpriseId: number): TierRow[] {
  return db
    .prepare(
      `SELECT t.*, tt.name AS tier_name FROM enterprise_tier t JOIN tier_type tt ON tt.code = t.tier_code
       WHERE t.enterprise_id = ? ORDER BY t.valid_from DESC, t.id DESC`,
    )
    .all(enterpriseId) as TierRow[];
}

export const ENTERPRISE_COLUMNS = [
  'gid', 'uscc', 'uscc_override_reason', 'name', 'name_initials', 'name_pinyin', 'search_text', 'region_code', 'township',
  'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone', 'status', 'status_reason',
  'created_at', 'created_by', 'updated_at', 'updated_by',
] as const;

export function insertStatement(db: Database) {
  return db.prepare(
    `INSERT INTO enterprise(${ENTERPRISE_COLUMNS.join(', ')}) VALUES (${ENTERPRISE_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
}

/**
 * A new active enterprise with the exchange version given by the caller (bulk imports; see ownership/versions.ts), its
 * values by position in this order: a 50,000-row import binds them faster than named parameters.
 */
export const IMPORT_INSERT_COLUMNS = [
  'gid', 'uscc', 'uscc_override_reason', 'name', 'name_initials', 'name_pinyin', 'search_text', 'region_code', 'township',
  'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone', 'created_at', 'created_by', 'updated_at',
  'updated_by', 'row_version', 'origin_office',
] as const;

export function importInsertStatement(db: Database) {
  return db.prepare(
    `INSERT INTO enterprise(${IMPORT_INSERT_COLUMNS.join(', ')}, status, status_reason) VALUES (${IMPORT_INSERT_COLUMNS.map(() => '?').join(', ')}, 'active', NULL)`,
  );
}
