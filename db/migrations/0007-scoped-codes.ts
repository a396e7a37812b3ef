import type { Database } from 'better-sqlite3';

// Human-facing codes scoped by origin office (issue 7, 汇总): plan codes, claim numbers, 公示 batch numbers,
// certificate numbers, institution codes and rule-set names were UNIQUE ledger-wide, so a city consolidating two
// counties that both numbered 2026-学徒-0001 refused the second with KEY_CLASH. Each becomes
// UNIQUE(origin_office, code). The constraints were inline, so each table is rebuilt the SQLite way (new table,
// copy, drop, rename), with foreign keys off for this migration (see `foreignKeys: false` in the index) and
// checked before commit; the indexes and the migration-6 triggers of each table are recreated verbatim.
//
// Part of a released migration once shipped: never edit.
const SCOPED: Array<{ table: string; drop: RegExp; keep: string; unique: string[] }> = [
  { table: 'training_plan', drop: /\bcode TEXT NOT NULL UNIQUE,/, keep: 'code TEXT NOT NULL,', unique: ['code'] },
  { table: 'training_certificate', drop: /\bcert_no TEXT NOT NULL UNIQUE,/, keep: 'cert_no TEXT NOT NULL,', unique: ['cert_no'] },
  { table: 'training_institution', drop: /\buscc TEXT NOT NULL UNIQUE,/, keep: 'uscc TEXT NOT NULL,', unique: ['uscc'] },
  { table: 'exhibition_claim', drop: /\bclaim_no TEXT NOT NULL UNIQUE,/, keep: 'claim_no TEXT NOT NULL,', unique: ['claim_no'] },
  { table: 'exhibition_publicity_batch', drop: /\bbatch_no TEXT NOT NULL UNIQUE,/, keep: 'batch_no TEXT NOT NULL,', unique: ['batch_no'] },
  { table: 'exhibition_rule_set', drop: /\bname TEXT NOT NULL UNIQUE,/, keep: 'name TEXT NOT NULL,', unique: ['name'] },
  { table: 'town_rule_set', drop: /,\s*UNIQUE \(code, version\)/, keep: '', unique: ['code', 'version'] },
];

export function up(db: Database): void {
  if (db.pragma('foreign_keys', { simple: true }) !== 0) throw new Error('migration 7 must run with foreign_keys off');
  for (const s of SCOPED) {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(s.table) as string;
    if (!s.drop.test(sql)) throw new Error(`migration 7: unexpected schema of ${s.table}`);
    const dependents = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`)
      .pluck()
      .all(s.table) as string[];
    const tmp = `${s.table}_m7`;
    const created = sql.replace(s.drop, s.keep).replace(new RegExp(`^CREATE TABLE "?${s.table}"?`), `CREATE TABLE ${tmp}`);
    const cols = (db.prepare(`PRAGMA table_info(${s.table})`).all() as Array<{ name: string }>).map((c) => c.name).join(', ');
    db.exec(created);
    db.exec(`INSERT INTO ${tmp}(${cols}) SELECT ${cols} FROM ${s.table};
      DROP TABLE ${s.table};
      ALTER TABLE ${tmp} RENAME TO ${s.table};`);
    for (const d of dependents) db.exec(d);
    db.exec(`CREATE UNIQUE INDEX ${s.table}_origin_${s.unique.join('_')} ON ${s.table}(origin_office, ${s.unique.join(', ')})`);
  }
  // The 上报单位 filter of a consolidated enterprise list (issue 7).
  db.exec('CREATE INDEX enterprise_origin ON enterprise(origin_office, status)');
  const broken = db.prepare('PRAGMA foreign_key_check').all();
  if (broken.length) throw new Error(`migration 7: foreign keys broken: ${JSON.stringify(broken.slice(0, 3))}`);
}
