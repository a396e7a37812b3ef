import type { Database } from 'better-sqlite3';

// Login lockout (db/auth/users.ts): failed_logins already counted failures; now they count within a window that
// starts at the first failure (`failed_since`), later attempts wait a delay after the last one (`last_failed_at`),
// and repeated failures lock the account (`locked_at`) until an administrator unlocks it. Additive only.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE app_user ADD COLUMN failed_since TEXT;
    ALTER TABLE app_user ADD COLUMN last_failed_at TEXT;
    ALTER TABLE app_user ADD COLUMN locked_at TEXT;
  `);
}
