import type { Database } from 'better-sqlite3';

// Key change (issue 12): when an office's signing key is replaced, the old pin is retired, not deleted, so the
// packages it signed stay attributable (who was trusted, from when to when, and why it was replaced). Only rows
// with retired_at NULL are trusted for imports. trust_reason is the administrator's reason for a re-trust.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE exchange_peer ADD COLUMN trust_reason TEXT;
    ALTER TABLE exchange_peer ADD COLUMN retired_at TEXT;
    ALTER TABLE exchange_peer ADD COLUMN retired_by TEXT;
    ALTER TABLE exchange_peer ADD COLUMN retired_reason TEXT;
    ALTER TABLE exchange_peer ADD COLUMN replaced_by INTEGER REFERENCES exchange_peer(id);
  `);
}
