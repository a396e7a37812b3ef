// 上报单位 (origin_office) as a filter of the lists and reports of a consolidating office. A county's code selects
// the records it reported; a city's code (at a province) selects the city's own records and its counties', which
// reach the province inside the city's package. Region codes are province 2 + city 2 + county 2 digits.
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import { ownOrigin, SHIPPED_ORIGIN } from './versions.js';
import { AppError } from '../result.js';

export const originOfficeField = z.string().regex(/^\d{6}$/, '应为 6 位数字');

/** SQL condition on `col` for the named parameter; a NULL parameter selects every record (no filter). */
export function originCondition(col: string, param = 'origin'): string {
  const p = `@${param}`;
  return `(${p} IS NULL OR ${col} = ${p} OR (substr(${p}, 5, 2) = '00' AND substr(${p}, 3, 2) <> '00' AND substr(${col}, 1, 4) = substr(${p}, 1, 4)))`;
}

/** Whether a record of `origin` falls under the chosen office (the same rule as originCondition). */
export function originCovers(chosen: string, origin: string | null): boolean {
  if (!origin) return false;
  return origin === chosen || (chosen.endsWith('00') && !chosen.endsWith('0000') && origin.slice(0, 4) === chosen.slice(0, 4));
}

/** The office's short name (泽州县) for headings and file names; the code when neither the regions nor the peers know it. */
export function officeName(db: Database, code: string): string {
  return (
    (db.prepare('SELECT name FROM region WHERE code = ? ORDER BY valid_to IS NULL DESC LIMIT 1').pluck().get(code) as string | undefined) ??
    (db.prepare('SELECT name FROM exchange_peer WHERE office_code = ? ORDER BY id DESC LIMIT 1').pluck().get(code) as string | undefined) ??
    code
  );
}

/** The office itself as it signs (泽州县工业和信息化局, from its key when pinned), else its region's name. */
export function officeFullName(db: Database, code: string): string {
  return (db.prepare('SELECT name FROM exchange_peer WHERE office_code = ? ORDER BY id DESC LIMIT 1').pluck().get(code) as string | undefined) ?? officeName(db, code);
}

export interface OfficeRow {
  office_code: string;
  office_name: string;
  /** This ledger's own records (本级), not a lower office's. */
  own: boolean;
}

/**
 * Rows grouped by origin_office (`k`) as 按上报单位 rows: named, this ledger's own first (records without an
 * origin, written before migration 6, count as its own), then by code.
 */
export function byOrigin<T extends { k: string | null }>(db: Database, rows: T[]): Array<OfficeRow & Omit<T, 'k'>> {
  const own = ownOrigin(db);
  return rows
    .map(({ k, ...rest }) => ({ office_code: k ?? own, office_name: officeName(db, k ?? own), own: (k ?? own) === own, ...rest }))
    .sort((a, b) => (a.own !== b.own ? (a.own ? -1 : 1) : a.office_code.localeCompare(b.office_code)));
}

/**
 * Rule tables belong to the office that made them (origin_office). Another office's (下发 from above, or a lower
 * office's that came up in its report) are used here as they are: a revision made here would be a version the
 * owner never made, and the owner's next version would no longer import. Shipped samples (000000) are the same in
 * every office and stay revisable. Refuses before anything is written.
 */
export function requireOwnRules(db: Database, origin: string | null, what: string): void {
  if (origin === null || origin === SHIPPED_ORIGIN || origin === ownOrigin(db)) return;
  throw new AppError('READ_ONLY', `${what}是${officeFullName(db, origin)}（${origin}）制定的规则，本单位只能使用，不能修订（新增版本、修改或停用）。需要本地标准时，请以本单位的行政区划代码新建规则。`, { origin_office: origin });
}
