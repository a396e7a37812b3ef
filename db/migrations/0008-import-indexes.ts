import type { Database } from 'better-sqlite3';

// enterprise(name) served no query (the list sorts on name_pinyin, searches go through enterprise_fts, and
// look-ups by name join through ids), yet every import paid for it: about a tenth of the write phase of a
// 50,000-row enterprise import.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec('DROP INDEX IF EXISTS enterprise_name');
}
