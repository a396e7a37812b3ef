import type { Database } from 'better-sqlite3';

// Specialized towns (专业镇, Shanxi 条例 art. 11): one record per town across levels, designations, the
// lifecycle log, members, platforms, projects, yearly indicators, plans, veto events and assessment rule sets.
//
// Units, stated once: figures in 万元 are REAL rounded to 2 decimals (the unit the towns report in; a fen integer
// would overflow nothing but would force every import to multiply); percentages are REAL 0–100 with 2 decimals;
// counts are INTEGER; area in km² is REAL. NULL always means "not reported", never zero.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE town (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      county_code TEXT NOT NULL,
      category TEXT NOT NULL CHECK (category IN ('manufacturing','agriculture','light_industry')),
      leading_industry TEXT NOT NULL,
      -- GB/T 4754 codes of the leading industry, comma separated
      industry_codes TEXT NOT NULL DEFAULT '',
      description TEXT,
      contact_name TEXT,
      contact_phone TEXT,
      status TEXT NOT NULL CHECK (status IN ('cultivating','applied','reviewing','publicizing','designated','rereview','warned','downgraded','revoked')),
      status_since TEXT NOT NULL,
      -- level of the designation in force; NULL while only cultivated
      level TEXT CHECK (level IN ('county','city','province')),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      UNIQUE (county_code, name)
    ) STRICT;
    CREATE INDEX town_status ON town(status, level, category);

    CREATE TABLE town_designation (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      level TEXT NOT NULL CHECK (level IN ('county','city','province')),
      kind TEXT NOT NULL CHECK (kind IN ('initial','renewal','downgrade')),
      batch_no TEXT,
      doc_no TEXT NOT NULL,
      -- JSON array of designating bodies, e.g. ["市工信局","市农业农村局","市文旅局"]
      bodies TEXT NOT NULL CHECK (json_valid(bodies) AND json_type(bodies) = 'array'),
      publicity_start TEXT,
      publicity_end TEXT,
      plaque_date TEXT,
      valid_from TEXT NOT NULL,
      valid_to TEXT NOT NULL,
      ended_on TEXT,
      end_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (valid_to >= valid_from),
      CHECK (publicity_end IS NULL OR publicity_start IS NULL OR publicity_end >= publicity_start)
    ) STRICT;
    CREATE INDEX town_designation_town ON town_designation(town_id, valid_from);
    CREATE INDEX town_designation_valid_to ON town_designation(valid_to) WHERE ended_on IS NULL;

    CREATE TABLE town_transition (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      action TEXT NOT NULL,
      from_status TEXT NOT NULL,
      to_status TEXT NOT NULL,
      date TEXT NOT NULL,
      doc_no TEXT,
      reason TEXT NOT NULL,
      level TEXT CHECK (level IN ('county','city','province')),
      publicity_start TEXT,
      publicity_end TEXT,
      designation_id INTEGER REFERENCES town_designation(id),
      assessment_id INTEGER,
      actor TEXT NOT NULL,
      actor_name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX town_transition_town ON town_transition(town_id, id);

    CREATE TABLE town_member (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
      role TEXT NOT NULL CHECK (role IN ('leader','chain_master','supporting','other')),
      joined_on TEXT NOT NULL,
      left_on TEXT,
      left_reason TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (left_on IS NULL OR left_on >= joined_on)
    ) STRICT;
    CREATE UNIQUE INDEX town_member_current ON town_member(town_id, enterprise_id) WHERE left_on IS NULL;
    CREATE INDEX town_member_enterprise ON town_member(enterprise_id);

    CREATE TABLE town_platform (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      name TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('rnd_design','testing','ecommerce_logistics','exhibition','other')),
      operator TEXT,
      level TEXT CHECK (level IN ('national','provincial','city','county')),
      area_m2 REAL CHECK (area_m2 IS NULL OR area_m2 >= 0),
      investment_wan REAL CHECK (investment_wan IS NULL OR investment_wan >= 0),
      established_on TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX town_platform_town ON town_platform(town_id);

    CREATE TABLE town_platform_year (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      platform_id INTEGER NOT NULL REFERENCES town_platform(id),
      year INTEGER NOT NULL,
      services INTEGER NOT NULL CHECK (services >= 0),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (platform_id, year)
    ) STRICT;

    CREATE TABLE town_project (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      name TEXT NOT NULL,
      investment_wan REAL NOT NULL CHECK (investment_wan >= 0),
      start_date TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('planned','building','completed','suspended')),
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX town_project_town ON town_project(town_id);

    -- Catalogue of the yearly indicators: names, units and kinds that rule sets, forms and Excel refer to.
    -- Each code is a column of town_year; a new indicator needs a migration adding both.
    CREATE TABLE town_indicator_def (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      unit TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('count','wan','percent','area','text')),
      sort INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE town_year (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
      enterprises_total INTEGER CHECK (enterprises_total >= 0),
      above_scale INTEGER CHECK (above_scale >= 0),
      little_giants INTEGER CHECK (little_giants >= 0),
      single_champions INTEGER CHECK (single_champions >= 0),
      provincial_zjtx INTEGER CHECK (provincial_zjtx >= 0),
      innovative_smes INTEGER CHECK (innovative_smes >= 0),
      high_tech INTEGER CHECK (high_tech >= 0),
      output_wan REAL CHECK (output_wan >= 0),
      revenue_wan REAL CHECK (revenue_wan >= 0),
      employees INTEGER CHECK (employees >= 0),
      rnd_wan REAL CHECK (rnd_wan >= 0),
      sme_output_share REAL CHECK (sme_output_share BETWEEN 0 AND 100),
      leading_share REAL CHECK (leading_share BETWEEN 0 AND 100),
      iip_adoption REAL CHECK (iip_adoption BETWEEN 0 AND 100),
      area_km2 REAL CHECK (area_km2 >= 0),
      national_platforms INTEGER CHECK (national_platforms >= 0),
      provincial_platforms INTEGER CHECK (provincial_platforms >= 0),
      market_share TEXT,
      note TEXT,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      UNIQUE (town_id, year)
    ) STRICT;
    CREATE INDEX town_year_year ON town_year(year);

    CREATE TABLE town_plan (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      title TEXT NOT NULL,
      doc_no TEXT,
      start_year INTEGER NOT NULL,
      end_year INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK (end_year >= start_year)
    ) STRICT;

    CREATE TABLE town_plan_target (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      plan_id INTEGER NOT NULL REFERENCES town_plan(id),
      indicator TEXT NOT NULL REFERENCES town_indicator_def(code),
      year INTEGER NOT NULL,
      target REAL NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (plan_id, indicator, year)
    ) STRICT;

    -- Events that veto clauses look at (安全/质量/环境事故, 严重失信 ...), on a town or on an enterprise.
    CREATE TABLE town_event (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER REFERENCES town(id),
      enterprise_id INTEGER REFERENCES enterprise(id),
      kind TEXT NOT NULL CHECK (kind IN ('safety_accident','quality_accident','environment_accident','data_security','tax_evasion','serious_dishonesty','violation')),
      severity TEXT CHECK (severity IN ('general','larger','major','extraordinary')),
      date TEXT NOT NULL,
      doc_no TEXT,
      description TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      CHECK ((town_id IS NULL) <> (enterprise_id IS NULL))
    ) STRICT;
    CREATE INDEX town_event_town ON town_event(town_id, date);
    CREATE INDEX town_event_enterprise ON town_event(enterprise_id, date);

    -- Policy figures that are not criteria: validity of a designation, the 复核 notice window, the unit check.
    CREATE TABLE town_policy (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      -- '' = everywhere; otherwise a province/prefecture/county code prefix scope
      region_code TEXT NOT NULL,
      effective_from TEXT NOT NULL,
      validity_years INTEGER NOT NULL CHECK (validity_years BETWEEN 1 AND 20),
      rereview_notice_days INTEGER NOT NULL CHECK (rereview_notice_days BETWEEN 1 AND 730),
      unit_check_ratio REAL NOT NULL CHECK (unit_check_ratio > 1),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;

    -- Assessment rule sets (认定/复核/年度考核 标准), versioned: a change is a new row with version + 1.
    CREATE TABLE town_rule_set (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      code TEXT NOT NULL,
      version INTEGER NOT NULL,
      name TEXT NOT NULL,
      purpose TEXT NOT NULL CHECK (purpose IN ('designation','rereview','annual')),
      region_code TEXT NOT NULL,
      level TEXT CHECK (level IN ('county','city','province')),
      effective_from TEXT NOT NULL,
      source TEXT,
      definition TEXT NOT NULL CHECK (json_valid(definition)),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (code, version)
    ) STRICT;

    CREATE TABLE town_assessment (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL UNIQUE,
      town_id INTEGER NOT NULL REFERENCES town(id),
      year INTEGER NOT NULL,
      rule_set_id INTEGER NOT NULL REFERENCES town_rule_set(id),
      score REAL NOT NULL,
      grade TEXT,
      passed INTEGER CHECK (passed IN (0,1)),
      result TEXT NOT NULL CHECK (json_valid(result)),
      proposed_action TEXT,
      proposal_status TEXT CHECK (proposal_status IN ('pending','applied','dismissed')),
      proposal_decided_by TEXT,
      proposal_decided_at TEXT,
      proposal_note TEXT,
      transition_id INTEGER REFERENCES town_transition(id),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      UNIQUE (town_id, year, rule_set_id),
      CHECK ((proposed_action IS NULL) = (proposal_status IS NULL))
    ) STRICT;
  `);

  const defs: Array<[string, string, string, string]> = [
    ['enterprises_total', '企业总数', '户', 'count'],
    ['above_scale', '规上企业数', '户', 'count'],
    ['little_giants', '专精特新"小巨人"数', '户', 'count'],
    ['single_champions', '制造业单项冠军数', '户', 'count'],
    ['provincial_zjtx', '省级专精特新中小企业数', '户', 'count'],
    ['innovative_smes', '创新型中小企业数', '户', 'count'],
    ['high_tech', '高新技术企业数', '户', 'count'],
    ['output_wan', '主导产业产值', '万元', 'wan'],
    ['revenue_wan', '营业收入', '万元', 'wan'],
    ['employees', '从业人员', '人', 'count'],
    ['rnd_wan', '研发投入', '万元', 'wan'],
    ['sme_output_share', '中小企业产值占比', '%', 'percent'],
    ['leading_share', '主导产业占比', '%', 'percent'],
    ['iip_adoption', '工业互联网平台应用普及率', '%', 'percent'],
    ['area_km2', '占地面积', '平方公里', 'area'],
    ['national_platforms', '国家级创新平台数', '个', 'count'],
    ['provincial_platforms', '省级创新平台数', '个', 'count'],
    ['market_share', '市场占有率', '', 'text'],
  ];
  const ins = db.prepare('INSERT INTO town_indicator_def(code, name, unit, kind, sort) VALUES (?, ?, ?, ?, ?)');
  defs.forEach(([c, n, u, k], i) => ins.run(c, n, u, k, i + 1));

  // Shipped defaults. Fixed gids: every office holds the same default record, so exchange files recognise it.
  const at = '2026-01-01T00:00:00.000Z';
  db.prepare(
    `INSERT INTO town_policy(gid, name, region_code, effective_from, validity_years, rereview_notice_days, unit_check_ratio, created_at, created_by)
     VALUES (?, ?, '', '2022-01-01', 3, 90, 1000, ?, 'system')`,
  ).run('01940000-0000-7000-8000-000000000301', '国家标准：中小企业特色产业集群（工信部企业〔2022〕119号）默认：认定有效期三年，到期前 90 天提示复核', at);

  const vetoes = (years: number) => [
    { id: 'veto-accident', label: `近${years}年未发生较大及以上安全、质量、环境事故`, kind: 'veto', events: ['safety_accident', 'quality_accident', 'environment_accident'], min_severity: 'larger', years, scope: 'town_and_members' },
    { id: 'veto-data', label: `近${years}年未发生重大及以上网络安全和数据安全事件`, kind: 'veto', events: ['data_security'], min_severity: 'major', years, scope: 'town_and_members' },
    { id: 'veto-credit', label: `近${years}年无偷税漏税、违法违规、严重失信行为`, kind: 'veto', events: ['tax_evasion', 'violation', 'serious_dishonesty'], years, scope: 'town_and_members' },
  ];
  // Grade bands are not published for Shanxi (domain.md §1.4); these are an editable example.
  const grades = [
    { name: '优秀', min: 90 },
    { name: '良好', min: 75 },
    { name: '合格', min: 60 },
    { name: '不合格', min: 0, proposes: 'warn' },
  ];
  const national = {
    criteria: [
      { id: 'area', label: '集群占地面积 ≤ 100 平方公里', kind: 'threshold', indicator: 'area_km2', op: '<=', value: 100, years: 1, weight: 5, required: true },
      { id: 'output', label: '近三年主导产业产值均 ≥ 40 亿元', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 400000, years: 3, weight: 20, required: true },
      { id: 'sme-share', label: '中小企业产值占比 ≥ 70%', kind: 'threshold', indicator: 'sme_output_share', op: '>=', value: 70, years: 1, weight: 15, required: true },
      { id: 'leading-share', label: '主导产业占集群总产值 > 70%', kind: 'threshold', indicator: 'leading_share', op: '>', value: 70, years: 1, weight: 15, required: true },
      { id: 'growth', label: '近三年产值年均增速 > 10%', kind: 'growth', indicator: 'output_wan', op: '>', value: 10, years: 3, weight: 15, required: true },
      {
        id: 'tiers', label: '优质企业梯度：≥1 家单项冠军或"小巨人"，或 ≥10 家专精特新/创新型中小企业/高新技术企业', kind: 'tier', weight: 15, required: true,
        alternatives: [
          { label: '单项冠军＋"小巨人"', indicators: ['single_champions', 'little_giants'], min: 1 },
          { label: '专精特新＋创新型中小企业＋高新技术企业', indicators: ['provincial_zjtx', 'innovative_smes', 'high_tech'], min: 10 },
        ],
      },
      ...vetoes(3),
    ],
    grades,
  };
  const yunnan = {
    criteria: [
      { id: 'output', label: '近三年主导产业产值均 ≥ 10 亿元', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 100000, years: 3, weight: 20, required: true },
      { id: 'sme-share', label: '中小企业产值占比 ≥ 50%', kind: 'threshold', indicator: 'sme_output_share', op: '>=', value: 50, years: 1, weight: 15, required: true },
      { id: 'leading-share', label: '主导产业占比 > 60%', kind: 'threshold', indicator: 'leading_share', op: '>', value: 60, years: 1, weight: 15, required: true },
      { id: 'growth', label: '近三年产值年均增速 > 3%', kind: 'growth', indicator: 'output_wan', op: '>', value: 3, years: 3, weight: 15, required: true },
      {
        id: 'tiers', label: '优质企业梯度：≥1 家单项冠军或"小巨人"，或 ≥3 家专精特新/创新型中小企业/高新技术企业', kind: 'tier', weight: 15, required: true,
        alternatives: [
          { label: '单项冠军＋"小巨人"', indicators: ['single_champions', 'little_giants'], min: 1 },
          { label: '专精特新＋创新型中小企业＋高新技术企业', indicators: ['provincial_zjtx', 'innovative_smes', 'high_tech'], min: 3 },
        ],
      },
      { id: 'rnd-growth', label: '研发经费年均增长 > 5%', kind: 'growth', indicator: 'rnd_wan', op: '>', value: 5, years: 3, weight: 10, required: true },
      { id: 'iip', label: '工业互联网平台应用普及率 ≥ 10%', kind: 'threshold', indicator: 'iip_adoption', op: '>=', value: 10, years: 1, weight: 10, required: true },
      ...vetoes(3),
    ],
    grades,
  };
  const rs = db.prepare(
    `INSERT INTO town_rule_set(gid, code, version, name, purpose, region_code, level, effective_from, source, definition, created_at, created_by)
     VALUES (?, ?, 1, ?, 'designation', ?, NULL, ?, ?, ?, ?, 'system')`,
  );
  rs.run('01940000-0000-7000-8000-000000000302', 'cn-cluster-2022', '国家标准：中小企业特色产业集群（工信部企业〔2022〕119号）默认', '', '2022-01-01',
    '工信部企业〔2022〕119号《促进中小企业特色产业集群发展暂行办法》及认定标准（转载：https://m.zgkjsz.com/page/2022/1205/12407090.shtml）；等级分档为示例', JSON.stringify(national), at);
  rs.run('01940000-0000-7000-8000-000000000303', 'yn-cluster', '省级示例：云南（中小企业特色产业集群认定标准）', '530000', '2022-01-01',
    '云南省中小企业特色产业集群认定标准（转载：http://yncx.com.cn/newsdetail_ynszxqytscyjqrdbz.htm）；等级分档为示例', JSON.stringify(yunnan), at);
}
