import type { Database } from 'better-sqlite3';

// One company reported by two offices (issue 7, 汇总): county A registered it, county B recorded it too (it
// trained B's workers), each under its own gid but with the same 统一社会信用代码. A receiver keeps one registry
// entry per USCC and records the other office's gid here, so B's plans, claims and later updates that name that gid
// keep resolving to the surviving entry. Local to the receiving ledger: never exchanged (references leave this
// ledger as the surviving gid). The foreign key also keeps a merged entry from being deleted under the aliases.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE enterprise_alias (
      id INTEGER PRIMARY KEY,
      -- The enterprise gid as the other office knows it.
      gid TEXT NOT NULL UNIQUE,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      -- The office whose record that gid is (the record's origin), and the office whose package brought it.
      origin_office TEXT NOT NULL,
      sender_code TEXT NOT NULL,
      uscc TEXT NOT NULL,
      package_id TEXT NOT NULL,
      merged_at TEXT NOT NULL,
      merged_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX enterprise_alias_enterprise ON enterprise_alias(enterprise_id);
  `);
}
