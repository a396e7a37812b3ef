import type { Database } from 'better-sqlite3';
import { SAMPLE_RULE_SETS } from './0005-exhibition-samples.js';

// Exhibition subsidies (参展补贴, Shanxi 条例 art. 36): fairs, versioned rule tables, claims with booths, cost
// items, materials and attachments, workflow events, 公示 batches and the payment/recovery ledger.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE exhibition_fair (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      organiser TEXT NOT NULL,
      organising_gov TEXT,
      gov_level TEXT NOT NULL CHECK (gov_level IN ('national','provincial','city','county','none')),
      scope TEXT NOT NULL CHECK (scope IN ('domestic','overseas')),
      market_type TEXT NOT NULL CHECK (market_type IN ('traditional','emerging','belt_road')),
      country TEXT NOT NULL,
      city TEXT,
      venue TEXT,
      start_date TEXT NOT NULL,
      end_date TEXT NOT NULL,
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      CHECK (end_date >= start_date)
    ) STRICT;
    CREATE INDEX exhibition_fair_dates ON exhibition_fair(end_date);

    -- A rule table is a named family (region + year) with numbered versions; the rules themselves are a
    -- validated JSON document so that exchange packages carry them whole.
    CREATE TABLE exhibition_rule_set (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL UNIQUE,
      region_code TEXT NOT NULL,
      year INTEGER NOT NULL,
      is_sample INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0,1)),
      source TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;

    CREATE TABLE exhibition_rule_version (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      rule_set_id INTEGER NOT NULL REFERENCES exhibition_rule_set(id),
      version INTEGER NOT NULL CHECK (version >= 1),
      rules_json TEXT NOT NULL,
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (rule_set_id, version)
    ) STRICT;

    CREATE TABLE exhibition_publicity_batch (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      batch_no TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      start_date TEXT NOT NULL,
      end_date TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (end_date >= start_date)
    ) STRICT;

    CREATE TABLE exhibition_claim (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_no TEXT NOT NULL UNIQUE,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      fair_id INTEGER NOT NULL REFERENCES exhibition_fair(id),
      rule_set_id INTEGER NOT NULL REFERENCES exhibition_rule_set(id),
      subsidy_year INTEGER NOT NULL,
      claim_date TEXT NOT NULL,
      agent_used INTEGER NOT NULL DEFAULT 0 CHECK (agent_used IN (0,1)),
      status TEXT NOT NULL CHECK (status IN
        ('draft','submitted','first_review','second_review','publicity','approved','paid','returned','rejected')),
      calc_fen INTEGER NOT NULL DEFAULT 0 CHECK (calc_fen >= 0),
      calc_rule_version INTEGER,
      calc_json TEXT,
      applied_fen INTEGER CHECK (applied_fen IS NULL OR applied_fen >= 0),
      approved_fen INTEGER CHECK (approved_fen IS NULL OR approved_fen >= 0),
      submitted_on TEXT,
      approved_on TEXT,
      late_override_reason TEXT,
      return_comment TEXT,
      reject_reason TEXT,
      publicity_batch_id INTEGER REFERENCES exhibition_publicity_batch(id),
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exhibition_claim_ent_year ON exhibition_claim(enterprise_id, subsidy_year);
    CREATE INDEX exhibition_claim_status ON exhibition_claim(status);
    CREATE INDEX exhibition_claim_fair ON exhibition_claim(fair_id);
    CREATE INDEX exhibition_claim_rules ON exhibition_claim(rule_set_id, status);

    CREATE TABLE exhibition_booth (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_id INTEGER NOT NULL REFERENCES exhibition_claim(id),
      seq INTEGER NOT NULL CHECK (seq >= 1),
      booth_no TEXT NOT NULL,
      area_m2 REAL NOT NULL CHECK (area_m2 > 0),
      kind TEXT NOT NULL CHECK (kind IN ('standard','special')),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (claim_id, seq)
    ) STRICT;

    CREATE TABLE exhibition_item (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_id INTEGER NOT NULL REFERENCES exhibition_claim(id),
      seq INTEGER NOT NULL CHECK (seq >= 1),
      item_type TEXT NOT NULL CHECK (item_type IN ('booth_fee','special_fit_out','construction','registration','transport',
        'large_exhibit_return','international_travel','accommodation','advertising','catalogue')),
      booth_seq INTEGER,
      amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
      invoice_no TEXT NOT NULL,
      invoice_date TEXT NOT NULL,
      payment_method TEXT NOT NULL CHECK (payment_method IN ('transfer','cash','other')),
      voucher_no TEXT,
      volume_m3 REAL CHECK (volume_m3 IS NULL OR volume_m3 > 0),
      weight_t REAL CHECK (weight_t IS NULL OR weight_t > 0),
      other_subsidy_fen INTEGER NOT NULL DEFAULT 0 CHECK (other_subsidy_fen >= 0),
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (claim_id, seq)
    ) STRICT;
    CREATE INDEX exhibition_item_claim ON exhibition_item(claim_id);

    -- Attachment content lives beside the ledger in attachments/<sha256>; in-memory ledgers keep it here.
    CREATE TABLE exhibition_blob (
      sha256 TEXT PRIMARY KEY,
      data BLOB NOT NULL
    ) STRICT;

    CREATE TABLE exhibition_attachment (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_id INTEGER NOT NULL REFERENCES exhibition_claim(id),
      material TEXT NOT NULL,
      file_name TEXT NOT NULL,
      mime TEXT NOT NULL,
      size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
      sha256 TEXT NOT NULL,
      storage TEXT NOT NULL CHECK (storage IN ('file','db')),
      removed_at TEXT,
      removed_by TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exhibition_attachment_claim ON exhibition_attachment(claim_id);

    CREATE TABLE exhibition_claim_event (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_id INTEGER NOT NULL REFERENCES exhibition_claim(id),
      from_status TEXT,
      to_status TEXT NOT NULL,
      comment TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exhibition_claim_event_claim ON exhibition_claim_event(claim_id);

    -- Money out (payment) and back (recovery after a 收回资金 sanction); amounts are positive, kind says which way.
    CREATE TABLE exhibition_payment (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      claim_id INTEGER NOT NULL REFERENCES exhibition_claim(id),
      kind TEXT NOT NULL CHECK (kind IN ('payment','recovery')),
      entry_date TEXT NOT NULL,
      amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
      voucher_no TEXT,
      sanction_id INTEGER REFERENCES sanction(id),
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (kind <> 'recovery' OR sanction_id IS NOT NULL)
    ) STRICT;
    CREATE INDEX exhibition_payment_claim ON exhibition_payment(claim_id);
  `);

  const now = new Date().toISOString();
  const set = db.prepare(
    `INSERT INTO exhibition_rule_set(gid, name, region_code, year, is_sample, source, created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, ?, 'system')`,
  );
  const ver = db.prepare(
    `INSERT INTO exhibition_rule_version(gid, rule_set_id, version, rules_json, note, created_at, created_by) VALUES (?, ?, 1, ?, '随程序提供的示例', ?, 'system')`,
  );
  for (const s of SAMPLE_RULE_SETS) {
    const id = Number(set.run(s.set_gid, s.name, s.region_code, s.year, s.source, now).lastInsertRowid);
    ver.run(s.version_gid, id, JSON.stringify(s.rules), now);
  }
}
