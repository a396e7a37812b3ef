import type { Database } from 'better-sqlite3';

// Enterprise training (企业培训): institutions, subsidy rule tables, plans with their lifecycle, rosters,
// certificates, the append-only money ledger, entrepreneur courses.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE training_institution (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      uscc TEXT NOT NULL UNIQUE,
      qualification TEXT,
      contact_name TEXT,
      contact_phone TEXT,
      address TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;

    -- Subsidy rules are data (补贴标准): one versioned set per region, year and plan type. A revision is a new
    -- version; plans keep pointing at the version they were filed under.
    CREATE TABLE subsidy_rule_set (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      code TEXT NOT NULL,
      name TEXT NOT NULL,
      region_code TEXT NOT NULL,
      year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      plan_type TEXT NOT NULL CHECK (plan_type IN ('apprentice','skills','entrepreneur','pre_job')),
      version INTEGER NOT NULL CHECK (version >= 1),
      max_advance_bp INTEGER NOT NULL CHECK (max_advance_bp BETWEEN 0 AND 10000),
      shortage_bonus_bp INTEGER NOT NULL DEFAULT 0 CHECK (shortage_bonus_bp BETWEEN 0 AND 10000),
      shortage_min_level TEXT CHECK (shortage_min_level IN ('L5','L4','L3','L2','L1')),
      claim_window_months INTEGER CHECK (claim_window_months IS NULL OR claim_window_months BETWEEN 1 AND 120),
      require_social_insurance INTEGER NOT NULL DEFAULT 0 CHECK (require_social_insurance IN (0,1)),
      is_sample INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0,1)),
      source TEXT,
      note TEXT,
      status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','superseded','retired')),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (region_code, year, plan_type, version)
    ) STRICT;

    -- Amount per person for a band of levels, by outcome. Graded levels L5 (五级) .. L1 (一级); 'special'
    -- (专项职业能力) stands alone.
    CREATE TABLE subsidy_rule_band (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      rule_set_id INTEGER NOT NULL REFERENCES subsidy_rule_set(id),
      level_from TEXT NOT NULL CHECK (level_from IN ('L5','L4','L3','L2','L1','special')),
      level_to TEXT NOT NULL CHECK (level_to IN ('L5','L4','L3','L2','L1','special')),
      label TEXT NOT NULL,
      certified_fen INTEGER NOT NULL CHECK (certified_fen >= 0),
      completed_fen INTEGER NOT NULL CHECK (completed_fen >= 0),
      not_completed_fen INTEGER NOT NULL CHECK (not_completed_fen >= 0),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX subsidy_rule_band_set ON subsidy_rule_band(rule_set_id);

    -- Listed 紧缺 occupations that earn the bonus.
    CREATE TABLE subsidy_rule_shortage (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      rule_set_id INTEGER NOT NULL REFERENCES subsidy_rule_set(id),
      occupation_code TEXT NOT NULL,
      occupation_name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (rule_set_id, occupation_code)
    ) STRICT;

    CREATE TABLE training_plan (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      code TEXT NOT NULL UNIQUE,
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      institution_id INTEGER REFERENCES training_institution(id),
      plan_type TEXT NOT NULL CHECK (plan_type IN ('apprentice','skills','entrepreneur','pre_job')),
      occupation_code TEXT NOT NULL,
      occupation_name TEXT NOT NULL,
      target_level TEXT NOT NULL CHECK (target_level IN ('L5','L4','L3','L2','L1','special')),
      planned_count INTEGER NOT NULL CHECK (planned_count > 0),
      start_date TEXT NOT NULL,
      end_date TEXT NOT NULL,
      rule_set_id INTEGER NOT NULL REFERENCES subsidy_rule_set(id),
      status TEXT NOT NULL CHECK (status IN ('declared','filed','opened','advanced','completed','settled','closed','terminated')),
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      CHECK (end_date >= start_date)
    ) STRICT;
    CREATE INDEX training_plan_ent ON training_plan(enterprise_id);
    CREATE INDEX training_plan_start ON training_plan(start_date, plan_type);

    -- Every lifecycle step: dated, with its document number (文号) and who recorded it.
    CREATE TABLE training_plan_step (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      plan_id INTEGER NOT NULL REFERENCES training_plan(id),
      from_status TEXT,
      to_status TEXT NOT NULL,
      step_date TEXT NOT NULL,
      doc_no TEXT NOT NULL,
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX training_plan_step_plan ON training_plan_step(plan_id, id);

    CREATE TABLE trainee (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      plan_id INTEGER NOT NULL REFERENCES training_plan(id),
      name TEXT NOT NULL,
      id_no TEXT NOT NULL CHECK (length(id_no) = 18),
      birth_date TEXT NOT NULL,
      gender TEXT NOT NULL CHECK (gender IN ('M','F')),
      phone TEXT,
      contract_start TEXT,
      contract_end TEXT,
      social_insurance_verified INTEGER NOT NULL DEFAULT 0 CHECK (social_insurance_verified IN (0,1)),
      social_insurance_date TEXT,
      sessions_attended INTEGER NOT NULL DEFAULT 0 CHECK (sessions_attended >= 0),
      hours_attended INTEGER NOT NULL DEFAULT 0 CHECK (hours_attended >= 0),
      outcome TEXT NOT NULL DEFAULT 'in_training' CHECK (outcome IN ('in_training','completed','not_completed')),
      outcome_date TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      UNIQUE (plan_id, id_no),
      CHECK (contract_end IS NULL OR contract_start IS NOT NULL AND contract_end >= contract_start),
      CHECK (social_insurance_verified = 1 OR social_insurance_date IS NULL)
    ) STRICT;
    CREATE INDEX trainee_id_no ON trainee(id_no);

    CREATE TABLE training_certificate (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      trainee_id INTEGER NOT NULL UNIQUE REFERENCES trainee(id),
      plan_id INTEGER NOT NULL REFERENCES training_plan(id),
      id_no TEXT NOT NULL,
      occupation_code TEXT NOT NULL,
      occupation_name TEXT NOT NULL,
      level TEXT NOT NULL CHECK (level IN ('L5','L4','L3','L2','L1','special')),
      cert_no TEXT NOT NULL UNIQUE,
      issuer TEXT NOT NULL,
      issue_date TEXT NOT NULL,
      -- The earlier certificate of the same person, occupation and level, when this one is a second claim.
      duplicate_of INTEGER REFERENCES training_certificate(id),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    -- The one-subsidy rule (one per person per occupation per level) is one index probe per certificate.
    CREATE INDEX training_certificate_person ON training_certificate(id_no, occupation_code, level, id);
    CREATE INDEX training_certificate_plan ON training_certificate(plan_id);

    -- Money moves only by appending: 预拨 (advance), 结算拨付 (settlement), 应退回 (recovery ordered),
    -- 退回到账 (recovery received). Totals are always sums, never stored.
    CREATE TABLE training_money (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      plan_id INTEGER NOT NULL REFERENCES training_plan(id),
      kind TEXT NOT NULL CHECK (kind IN ('advance','settlement','recovery_order','recovery_received')),
      amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
      entry_date TEXT NOT NULL,
      doc_no TEXT,
      explanation TEXT NOT NULL,
      sanction_id INTEGER REFERENCES sanction(id),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX training_money_plan ON training_money(plan_id, kind);
    CREATE INDEX training_money_date ON training_money(entry_date);
    CREATE TRIGGER training_money_no_update BEFORE UPDATE ON training_money
      BEGIN SELECT RAISE(ABORT, 'training_money is append-only'); END;
    CREATE TRIGGER training_money_no_delete BEFORE DELETE ON training_money
      BEGIN SELECT RAISE(ABORT, 'training_money is append-only'); END;

    -- 企业家培训 courses (Shanxi 条例 art. 14) and who attended from which enterprise.
    CREATE TABLE entrepreneur_course (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      organiser TEXT NOT NULL,
      start_date TEXT NOT NULL,
      end_date TEXT NOT NULL,
      hours INTEGER NOT NULL CHECK (hours > 0),
      location TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (end_date >= start_date)
    ) STRICT;
    CREATE INDEX entrepreneur_course_start ON entrepreneur_course(start_date);

    CREATE TABLE entrepreneur_attendee (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      course_id INTEGER NOT NULL REFERENCES entrepreneur_course(id),
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      person_name TEXT NOT NULL,
      position TEXT,
      hours_attended INTEGER NOT NULL CHECK (hours_attended >= 0),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (course_id, enterprise_id, person_name)
    ) STRICT;
    CREATE INDEX entrepreneur_attendee_ent ON entrepreneur_attendee(enterprise_id);
  `);
  seedSampleRuleSets(db);
}

// The domain.md §2 examples, clearly named 示例 so nobody mistakes them for this county's rules. Kept inline (not
// imported) so this released migration never changes; fixed gids so every office holds the same sample records.
type Band = [from: string, to: string, label: string, certifiedYuan: number, completedYuan: number];
interface Sample {
  n: number;
  code: string;
  name: string;
  region_code: string;
  year: number;
  plan_type: string;
  max_advance_bp: number;
  shortage_bonus_bp: number;
  shortage_min_level: string | null;
  claim_window_months: number | null;
  require_social_insurance: number;
  source: string;
  note: string;
  bands: Band[];
}
const SAMPLES: Sample[] = [
  {
    n: 1, code: '示例-深圳罗湖-学徒', name: '示例：深圳罗湖 学徒制', region_code: '440303', year: 2026, plan_type: 'apprentice',
    max_advance_bp: 5000, shortage_bonus_bp: 3000, shortage_min_level: 'L3', claim_window_months: null, require_social_insurance: 1,
    source: 'https://www.lg.gov.cn/zwfw/zdfw/jiuye/cyfw/cjwt/content/post_9450788.html',
    note: '金额为深圳标准；预拨 50% 取自备案问答（pxte.cn），紧缺工种加 30%（高级工及以上）取自广东规定；原文未注明年份，年份为示例。',
    bands: [['L4', 'L4', '中级', 5500, 0], ['L3', 'L3', '高级', 7000, 0], ['L2', 'L2', '技师', 8500, 0]],
  },
  {
    n: 2, code: '示例-福建-学徒', name: '示例：福建 学徒制（闽人社文〔2019〕220号）', region_code: '350000', year: 2019, plan_type: 'apprentice',
    max_advance_bp: 5000, shortage_bonus_bp: 0, shortage_min_level: null, claim_window_months: null, require_social_insurance: 0,
    source: 'https://www.chacewang.com/newsdetail/news797840.html',
    note: '中级工班 5000 元、高级工班 6000 元；预拨不超过 50%，未完成计划的名额收回预拨资金。',
    bands: [['L4', 'L4', '中级', 5000, 0], ['L3', 'L3', '高级', 6000, 0]],
  },
  {
    n: 3, code: '示例-武汉-学徒', name: '示例：武汉 学徒制', region_code: '420100', year: 2026, plan_type: 'apprentice',
    max_advance_bp: 5000, shortage_bonus_bp: 0, shortage_min_level: null, claim_window_months: null, require_social_insurance: 0,
    source: '聚合网站转载，无稳定网址（domain.md §2.1，可信度低）',
    note: '取得中级证 5000、高级证 6000，结业未取证 4000，未结业不补贴并收回预拨；预拨比例原文未注明，按通行的 50% 示例。',
    bands: [['L4', 'L4', '中级', 5000, 4000], ['L3', 'L3', '高级', 6000, 4000]],
  },
  {
    n: 4, code: '示例-厦门-技能提升', name: '示例：厦门 培训补贴', region_code: '350200', year: 2026, plan_type: 'skills',
    max_advance_bp: 0, shortage_bonus_bp: 2000, shortage_min_level: null, claim_window_months: null, require_social_insurance: 0,
    source: 'http://mngood.com/xmjzz/xmhk/23425.html',
    note: '五级 700、四级 1000、三级 1500、二级 2000、一级 3000；急需紧缺职业加 20%（重点工种加 30% 未建模）；按证书补贴，不预拨。',
    bands: [['L5', 'L5', '初级', 700, 0], ['L4', 'L4', '中级', 1000, 0], ['L3', 'L3', '高级', 1500, 0], ['L2', 'L2', '技师', 2000, 0],
      ['L1', 'L1', '高级技师', 3000, 0]],
  },
  {
    n: 5, code: '示例-国家指导-技能提升', name: '示例：国家指导 技能提升补贴', region_code: '000000', year: 2026, plan_type: 'skills',
    max_advance_bp: 0, shortage_bonus_bp: 0, shortage_min_level: null, claim_window_months: 12, require_social_insurance: 1,
    source: 'http://wap.manyoumao.com/ask/383878.html ; http://www.btfans.org/?show=1718',
    note: '参保职工初级不超过 1000、中级 1500、高级 2000，同一职业同一等级只补贴一次；申领期限 12 个月取自广东规定。',
    bands: [['L5', 'L5', '初级', 1000, 0], ['L4', 'L4', '中级', 1500, 0], ['L3', 'L3', '高级', 2000, 0]],
  },
];

function seedSampleRuleSets(db: Database): void {
  const at = '2026-01-01T00:00:00.000Z';
  const gid = (kind: number, n: number) => `01940000-0000-7000-8004-${String(kind * 1000 + n).padStart(12, '0')}`;
  const set = db.prepare(
    `INSERT INTO subsidy_rule_set(gid, code, name, region_code, year, plan_type, version, max_advance_bp, shortage_bonus_bp,
       shortage_min_level, claim_window_months, require_social_insurance, is_sample, source, note, status, created_at, created_by)
     VALUES (@gid, @code, @name, @region_code, @year, @plan_type, 1, @max_advance_bp, @shortage_bonus_bp, @shortage_min_level,
       @claim_window_months, @require_social_insurance, 1, @source, @note, 'active', '${at}', 'system')`,
  );
  const band = db.prepare(
    `INSERT INTO subsidy_rule_band(gid, rule_set_id, level_from, level_to, label, certified_fen, completed_fen, not_completed_fen,
       created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '${at}', 'system')`,
  );
  for (const s of SAMPLES) {
    const { bands, n, ...head } = s;
    const id = Number(set.run({ ...head, gid: gid(1, n) }).lastInsertRowid);
    bands.forEach((b, i) => band.run(gid(2, n * 10 + i), id, b[0], b[1], b[2], b[3] * 100, b[4] * 100));
  }
}
