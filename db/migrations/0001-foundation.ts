import type { Database } from 'better-sqlite3';

// Foundation: office settings, users, append-only audit chain, code lists, enterprises and tiers.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE office (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      level TEXT NOT NULL CHECK (level IN ('county','city','province')),
      region_code TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE app_user (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin','reviewer','clerk')),
      password_hash TEXT NOT NULL,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
      failed_logins INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      entity TEXT NOT NULL,
      entity_id TEXT,
      detail TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_entity ON audit_log(entity, entity_id);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

    -- GB/T 2260. Retired codes stay (valid_to set) so old records still show a name.
    CREATE TABLE region (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      full_name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('province','prefecture','county')),
      parent_code TEXT,
      valid_to TEXT
    ) STRICT;
    CREATE INDEX region_parent ON region(parent_code);

    -- GB/T 4754-2017
    CREATE TABLE industry (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('section','division','group','class')),
      parent_code TEXT
    ) STRICT;

    CREATE TABLE tier_type (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      sort INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE enterprise (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      uscc TEXT NOT NULL UNIQUE,
      uscc_override_reason TEXT,
      name TEXT NOT NULL,
      name_initials TEXT NOT NULL,
      name_pinyin TEXT NOT NULL,
      search_text TEXT NOT NULL,
      region_code TEXT NOT NULL,
      township TEXT,
      address TEXT,
      industry_code TEXT,
      scale TEXT NOT NULL CHECK (scale IN ('above','below')),
      legal_rep TEXT,
      contact_name TEXT,
      contact_phone TEXT,
      status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
      status_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX enterprise_region ON enterprise(region_code, status);
    CREATE INDEX enterprise_industry ON enterprise(industry_code);
    CREATE INDEX enterprise_name ON enterprise(name);
    -- The list's default orders, so a page of 20 is read from the index, not sorted out of 200,000 rows.
    CREATE INDEX enterprise_status_updated ON enterprise(status, updated_at, id);
    CREATE INDEX enterprise_status_pinyin ON enterprise(status, name_pinyin, id);

    -- search_text holds name, code, initials and pinyin one character per token, so an FTS5 phrase query is a
    -- substring search of any length (铸造, zzzz, a fragment of a code) answered from the index.
    CREATE VIRTUAL TABLE enterprise_fts USING fts5(search_text, content='enterprise', content_rowid='id');
    CREATE TRIGGER enterprise_fts_insert AFTER INSERT ON enterprise BEGIN
      INSERT INTO enterprise_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END;
    CREATE TRIGGER enterprise_fts_delete AFTER DELETE ON enterprise BEGIN
      INSERT INTO enterprise_fts(enterprise_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END;
    CREATE TRIGGER enterprise_fts_update AFTER UPDATE OF search_text ON enterprise BEGIN
      INSERT INTO enterprise_fts(enterprise_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
      INSERT INTO enterprise_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END;

    CREATE TABLE enterprise_tier (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      tier_code TEXT NOT NULL REFERENCES tier_type(code),
      level TEXT NOT NULL CHECK (level IN ('national','provincial','city','county')),
      granted_by TEXT,
      doc_no TEXT,
      valid_from TEXT NOT NULL,
      valid_to TEXT,
      revoked_at TEXT,
      revoked_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (valid_to IS NULL OR valid_to >= valid_from)
    ) STRICT;
    CREATE INDEX enterprise_tier_ent ON enterprise_tier(enterprise_id);
    CREATE INDEX enterprise_tier_code ON enterprise_tier(tier_code, valid_to);
  `);

  const tiers: Array<[string, string]> = [
    ['innovative_sme', '创新型中小企业'],
    ['zjtx_sme', '专精特新中小企业'],
    ['little_giant', '专精特新"小巨人"'],
    ['single_champion', '制造业单项冠军'],
    ['high_tech', '高新技术企业'],
    ['tech_sme', '科技型中小企业'],
    ['pilot', '领航型企业'],
    ['chain_leader', '链主企业'],
    ['leading', '龙头企业'],
  ];
  const ins = db.prepare('INSERT INTO tier_type(code, name, sort) VALUES (?, ?, ?)');
  tiers.forEach(([c, n], i) => ins.run(c, n, i + 1));
}
