// Who wrote a record and which version it is (origin_office, row_version, migration 6): used by every area, so it
// lives below them; the exchange (db/exchange/) builds on it, never the other way round.
import type { Database } from 'better-sqlite3';

/** Shipped with the program (same gid in every office): never exchanged as data, revisable by no one's rules. */
export const SHIPPED_ORIGIN = '000000';

/**
 * Bulk writers (imports of 50,000 rows) take a block of record versions at once and write row_version and
 * origin_office themselves, so the per-row AFTER INSERT trigger of migration 6 (two UPDATEs a row) stays idle.
 * Call inside the same transaction as the inserts.
 */
export function reserveVersions(db: Database, count: number): { first: number; origin: string } {
  const counter = db.prepare('SELECT counter FROM exchange_clock WHERE id = 1').pluck().get() as number;
  db.prepare('UPDATE exchange_clock SET counter = counter + ? WHERE id = 1').run(count);
  return { first: counter + 1, origin: ownOrigin(db) };
}

/**
 * The origin_office this ledger writes. Human-facing codes (plan codes, claim numbers, 公示 batch numbers, rule
 * names) are unique per origin office since migration 7, so numbering and duplicate checks look at own records only.
 */
export function ownOrigin(db: Database): string {
  return (db.prepare('SELECT region_code FROM office WHERE id = 1').pluck().get() as string | undefined) ?? SHIPPED_ORIGIN;
}
