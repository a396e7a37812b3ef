import type { Database } from 'better-sqlite3';

// Exchange by files (数据交换, issue 7): the office's signing key, pinned keys of other offices, record origin
// and version on every exchanged table (columns origin_office, row_version: some tables already have a
// business `version`), the package log, report status, the last agreed version per record and
// peer (conflict detection), tombstones of deleted records, returned comments and 出错说明.
//
// Part of a released migration once shipped: never edit; the table list below is frozen here on purpose.
const EXCHANGED = [
  'enterprise', 'enterprise_tier', 'sanction',
  'town', 'town_designation', 'town_transition', 'town_member', 'town_platform', 'town_platform_year', 'town_project',
  'town_year', 'town_plan', 'town_plan_target', 'town_event', 'town_policy', 'town_rule_set', 'town_assessment',
  'training_institution', 'subsidy_rule_set', 'subsidy_rule_band', 'subsidy_rule_shortage', 'training_plan',
  'training_plan_step', 'trainee', 'training_certificate', 'training_money', 'entrepreneur_course', 'entrepreneur_attendee',
  'exhibition_fair', 'exhibition_rule_set', 'exhibition_rule_version', 'exhibition_publicity_batch', 'exhibition_claim',
  'exhibition_booth', 'exhibition_item', 'exhibition_attachment', 'exhibition_claim_event', 'exhibition_payment',
];
/** Rule tables published downwards (下发): read-only at a receiver when they came from another office. */
const RULE_TABLES = ['town_policy', 'town_rule_set', 'subsidy_rule_set', 'subsidy_rule_band', 'subsidy_rule_shortage', 'exhibition_rule_set', 'exhibition_rule_version'];
/** Shipped with the program (same gid in every office): origin '000000', never exchanged as data. */
export const SHIPPED_ORIGIN = '000000';

export function up(db: Database): void {
  db.exec(`
    -- The office's Ed25519 key pair. Trade-off: the private key lives in the ledger file (PKCS#8 PEM), so anyone
    -- holding the file can sign as the office; but the file already is the office's whole data, a restored backup
    -- keeps the office's identity, and no OS key store is available on every offline 统信UOS/麒麟/Windows PC.
    CREATE TABLE exchange_key (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      public_key TEXT NOT NULL,
      private_key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;

    -- Keys of other ledgers, pinned after a person compared the fingerprint. One key per other office; ledgers of
    -- this same office (field laptops) may pin several.
    CREATE TABLE exchange_peer (
      id INTEGER PRIMARY KEY,
      office_code TEXT NOT NULL,
      level TEXT NOT NULL CHECK (level IN ('county','city','province')),
      name TEXT NOT NULL,
      public_key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      pinned_at TEXT NOT NULL,
      pinned_by TEXT NOT NULL,
      UNIQUE (office_code, fingerprint)
    ) STRICT;

    -- Lamport clock of record versions, and the switch imports use so that written rows keep the sender's version.
    CREATE TABLE exchange_clock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      counter INTEGER NOT NULL,
      suppress INTEGER NOT NULL DEFAULT 0 CHECK (suppress IN (0,1))
    ) STRICT;
    INSERT INTO exchange_clock(id, counter, suppress) VALUES (1, 1, 0);

    CREATE TABLE exchange_package (
      id INTEGER PRIMARY KEY,
      direction TEXT NOT NULL CHECK (direction IN ('out','in')),
      package_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('report','receipt','return','rules','checkout','checkin','backup')),
      period TEXT,
      sender_code TEXT NOT NULL,
      sender_level TEXT NOT NULL,
      sender_name TEXT NOT NULL,
      sender_fingerprint TEXT NOT NULL,
      receiver_code TEXT NOT NULL,
      sequence INTEGER NOT NULL CHECK (sequence >= 1),
      manifest_sha256 TEXT NOT NULL,
      file_name TEXT,
      counts TEXT NOT NULL CHECK (json_valid(counts)),
      created_at TEXT NOT NULL,
      applied_at TEXT,
      applied_by TEXT,
      status TEXT NOT NULL CHECK (status IN ('exported','applied','forced')),
      UNIQUE (direction, sender_code, sender_fingerprint, receiver_code, sequence),
      UNIQUE (direction, package_id)
    ) STRICT;

    -- 草稿 → 已审核 → 已上报 → 已接收 / 已退回, for this office's own reports and for those of the offices below.
    CREATE TABLE report_status (
      office_code TEXT NOT NULL,
      period TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('draft','reviewed','reported','accepted','returned')),
      package_id TEXT,
      reported_at TEXT,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      note TEXT,
      PRIMARY KEY (office_code, period)
    ) STRICT;

    -- The content hash and version of each record last agreed with each peer: a record changed at both ends since
    -- then is a conflict.
    CREATE TABLE sync_base (
      gid TEXT NOT NULL,
      peer TEXT NOT NULL,
      version INTEGER NOT NULL,
      row_hash TEXT NOT NULL,
      PRIMARY KEY (gid, peer)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE exchange_tombstone (
      gid TEXT PRIMARY KEY,
      table_name TEXT NOT NULL,
      origin_office TEXT,
      version INTEGER NOT NULL
    ) STRICT;

    -- 退回 comments per record, kept on both sides.
    CREATE TABLE exchange_comment (
      id INTEGER PRIMARY KEY,
      package_id TEXT NOT NULL,
      direction TEXT NOT NULL CHECK (direction IN ('out','in')),
      office_code TEXT NOT NULL,
      period TEXT,
      table_name TEXT NOT NULL,
      gid TEXT NOT NULL,
      comment TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exchange_comment_gid ON exchange_comment(gid);

    -- 出错说明: a failing 审核公式 explained by the sender, shown to the receiver beside the figure.
    CREATE TABLE exchange_explanation (
      id INTEGER PRIMARY KEY,
      package_id TEXT NOT NULL,
      office_code TEXT NOT NULL,
      period TEXT NOT NULL,
      check_id TEXT NOT NULL,
      table_name TEXT,
      gid TEXT,
      field TEXT,
      message TEXT NOT NULL,
      explanation TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exchange_explanation_gid ON exchange_explanation(gid);
  `);

  // training_money is append-only by trigger; keep that for its data columns only, so version/origin can be set.
  const moneyCols = (db.prepare(`PRAGMA table_info(training_money)`).all() as Array<{ name: string }>).map((c) => c.name).filter((n) => n !== 'id');
  db.exec(`DROP TRIGGER training_money_no_update;
    CREATE TRIGGER training_money_no_update BEFORE UPDATE OF ${moneyCols.join(', ')} ON training_money
      BEGIN SELECT RAISE(ABORT, 'training_money is append-only'); END;`);

  const own = `(SELECT region_code FROM office WHERE id = 1)`;
  const suppressed = `(SELECT suppress FROM exchange_clock WHERE id = 1)`;
  for (const t of EXCHANGED) {
    db.exec(`
      ALTER TABLE ${t} ADD COLUMN origin_office TEXT;
      ALTER TABLE ${t} ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
      UPDATE ${t} SET row_version = 1, origin_office = CASE WHEN created_by = 'system' THEN '${SHIPPED_ORIGIN}' ELSE COALESCE(${own}, '${SHIPPED_ORIGIN}') END;
      CREATE TRIGGER xv_ins_${t} AFTER INSERT ON ${t} WHEN NEW.row_version = 0 BEGIN
        UPDATE exchange_clock SET counter = counter + 1 WHERE id = 1;
        UPDATE ${t} SET row_version = (SELECT counter FROM exchange_clock WHERE id = 1),
          origin_office = COALESCE(NEW.origin_office, ${own}, '${SHIPPED_ORIGIN}') WHERE id = NEW.id;
      END;
      CREATE TRIGGER xv_upd_${t} AFTER UPDATE ON ${t} WHEN NEW.row_version = OLD.row_version AND ${suppressed} = 0 BEGIN
        UPDATE exchange_clock SET counter = counter + 1 WHERE id = 1;
        UPDATE ${t} SET row_version = (SELECT counter FROM exchange_clock WHERE id = 1) WHERE id = NEW.id;
      END;
      CREATE TRIGGER xv_del_${t} AFTER DELETE ON ${t} WHEN ${suppressed} = 0 BEGIN
        UPDATE exchange_clock SET counter = counter + 1 WHERE id = 1;
        INSERT OR REPLACE INTO exchange_tombstone(gid, table_name, origin_office, version)
          VALUES (OLD.gid, '${t}', OLD.origin_office, (SELECT counter FROM exchange_clock WHERE id = 1));
      END;
    `);
  }
  for (const t of RULE_TABLES) {
    const cond = `${suppressed} = 0 AND OLD.origin_office IS NOT NULL AND OLD.origin_office <> '${SHIPPED_ORIGIN}' AND OLD.origin_office <> COALESCE(${own}, '')`;
    db.exec(`
      CREATE TRIGGER xv_ro_upd_${t} BEFORE UPDATE ON ${t} WHEN ${cond}
        BEGIN SELECT RAISE(ABORT, '上级下发的规则只读，本单位不能修改'); END;
      CREATE TRIGGER xv_ro_del_${t} BEFORE DELETE ON ${t} WHEN ${cond}
        BEGIN SELECT RAISE(ABORT, '上级下发的规则只读，本单位不能删除'); END;
    `);
  }
  const max = db.prepare(`SELECT max(version) FROM (${EXCHANGED.map((t) => `SELECT max(row_version) AS version FROM ${t}`).join(' UNION ALL ')})`).pluck().get() as number | null;
  db.prepare('UPDATE exchange_clock SET counter = max(counter, ?) WHERE id = 1').run(max ?? 1);
}
