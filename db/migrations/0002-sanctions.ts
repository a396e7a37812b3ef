import type { Database } from 'better-sqlite3';

// Sanctions (处理措施, Shanxi 条例 art. 41): shared by training plans and exhibition-subsidy claims.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE sanction (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      kind TEXT NOT NULL CHECK (kind IN ('recover_funds','cancel_benefits','bar_applications','credit_penalty')),
      amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen > 0),
      start_date TEXT NOT NULL,
      end_date TEXT,
      doc_no TEXT NOT NULL,
      reason TEXT NOT NULL,
      source_kind TEXT CHECK (source_kind IN ('training_plan','exhibition_claim')),
      source_id INTEGER,
      lifted_at TEXT,
      lifted_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (end_date IS NULL OR end_date >= start_date),
      CHECK (kind <> 'recover_funds' OR amount_fen IS NOT NULL),
      CHECK ((source_kind IS NULL) = (source_id IS NULL))
    ) STRICT;
    CREATE INDEX sanction_enterprise ON sanction(enterprise_id, start_date);
  `);
}
