import type { Database } from 'better-sqlite3';
import type { EnterpriseRow, ListQuery, TierRow } from './schema.js';

type Filters = Required<Pick<ListQuery, 'status'>> & Omit<ListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'status'>;

const TOKEN = /[\p{L}\p{N}]/u;

/** Letters and digits only, lower case: what a search term and the indexed text are compared on. */
export function searchKey(text: string): string {
  return Array.from(text.toLowerCase()).filter((c) => TOKEN.test(c)).join('');
}

/**
 * Name, code, pinyin initials and full pinyin, one character per token (the FTS5 index in migration 1 reads
 * this column). Parts are separated by ' | ' so the verification in whereFor() cannot match across them.
 */
export function searchText(row: Pick<EnterpriseRow, 'name' | 'uscc' | 'name_initials' | 'name_pinyin'>): string {
  return [row.name, row.uscc, row.name_initials, row.name_pinyin].map((p) => Array.from(searchKey(p)).join(' ')).join(' | ');
}

/** WHERE clause and parameters for the list filters; the search term goes against one precomputed column. */
export function whereFor(f: Filters, today: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.status !== 'all') {
    parts.push('e.status = @status');
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
  const key = f.q ? searchKey(f.q) : '';
  if (key) {
    // The phrase query finds rows whose tokens appear in order; instr() on the candidates then rules out a
    // phrase that ran across two parts (end of the name + start of the code).
    parts.push(`e.id IN (SELECT rowid FROM enterprise_fts WHERE enterprise_fts MATCH @fts)
      AND instr(replace(e.search_text, ' ', ''), @q) > 0`);
    params.fts = `"${Array.from(key).join(' ')}"`;
    params.q = key;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
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

export function listPage(
  db: Database,
  q: Required<Pick<ListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'status'>> & ListQuery,
  today: string,
): { rows: ListedEnterprise[]; total: number } {
  const w = whereFor(q, today);
  const total = db.prepare(`SELECT count(*) FROM enterprise e ${w.sql}`).pluck().get(w.params) as number;
  const order = `${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'ASC' : 'DESC'}, e.id ${q.order === 'asc' ? 'ASC' : 'DESC'}`;
  const rows = db
    .prepare(
      `SELECT e.*, r.name AS region_name, i.name AS industry_name,
        (SELECT group_concat(tt.name, '、') FROM enterprise_tier t JOIN tier_type tt ON tt.code = t.tier_code
          WHERE t.enterprise_id = e.id AND t.revoked_at IS NULL AND (t.valid_to IS NULL OR t.valid_to >= @today)) AS tiers
       FROM (SELECT e.* FROM enterprise e ${w.sql} ORDER BY ${order} LIMIT @limit OFFSET @offset) e
       LEFT JOIN region r ON r.code = e.region_code
       LEFT JOIN industry i ON i.code = e.industry_code
       ORDER BY ${order}`,
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
