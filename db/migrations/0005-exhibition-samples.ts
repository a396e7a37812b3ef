// Sample rule tables shipped with migration 5: the real rules of ../shared/domain.md §3, in the stored form
// (fen, basis points). Fixed gids, so that the same sample in two offices is the same record when exchanged.
// Part of a released migration: never edit; publish a corrected sample as a new version instead.

const ALL_MATERIALS = [
  'application_form', 'authenticity_pledge', 'invoice', 'payment_proof', 'booth_contract', 'site_photos', 'catalogue_or_pass',
];
const flat = (bp: number) => ({ traditional: bp, emerging: bp, belt_road: bp });
const common = {
  booth_cap_area_unit_m2: null,
  max_booths_per_fair: null,
  type_caps: [],
  fair_cap_fen: null,
  annual_cap_fen: null,
  cash_allowed: false,
  stacking_allowed: false,
  multiple_claims_per_fair: false,
  // Only 福清 published a deadline (apply within 30 days after the fair); used for every sample.
  deadline_days: 30,
  invoice_window_days: 365,
  large_exhibit_min: null,
  min_gov_level: 'county',
  required_materials: ALL_MATERIALS,
  agent_contract_when_agent: true,
};

export interface SampleRuleSet {
  set_gid: string;
  version_gid: string;
  name: string;
  region_code: string;
  year: number;
  source: string;
  rules: Record<string, unknown>;
}

export const SAMPLE_RULE_SETS: SampleRuleSet[] = [
  {
    set_gid: '01700000-0000-7000-8000-000000000101',
    version_gid: '01700000-0000-7000-8000-000000000201',
    name: '示例：北京 2020',
    region_code: '110000',
    year: 2020,
    source:
      '展位费及大型展品回运费（≥1 m³ 且 ≥1 t）；50%，新兴市场 70%；每 9 m² 展位 3 万元；回运费 ≤ 10 万；合计 ≤ 30 万（按年度上限处理）。https://www.beijing.gov.cn/zhengce/gfxwj/sj/202004/t20200410_1800033.html',
    rules: {
      ...common,
      eligible_types: ['booth_fee', 'large_exhibit_return'],
      ratio_bp: { domestic: { traditional: 5000, emerging: 7000, belt_road: 7000 }, overseas: { traditional: 5000, emerging: 7000, belt_road: 7000 } },
      booth_tiers: [{ from_booth: 1, factor_bp: 10000, cap_domestic_fen: 3_000_000, cap_overseas_fen: 3_000_000 }],
      booth_cap_area_unit_m2: 9,
      type_caps: [{ type: 'large_exhibit_return', cap_fen: 10_000_000 }],
      annual_cap_fen: 30_000_000,
      large_exhibit_min: { volume_m3: 1, weight_t: 1 },
    },
  },
  {
    set_gid: '01700000-0000-7000-8000-000000000102',
    version_gid: '01700000-0000-7000-8000-000000000202',
    name: '示例：黑龙江 2023',
    region_code: '230000',
    year: 2023,
    source:
      '标准展位费、展品运输费、国际交通（≤2 人经济舱）、住宿；70%；每展 ≤ 4 个展位，每展位 ≤ 5000 元，每展 ≤ 2 万元。https://sswt.hlj.gov.cn/sswt/c103658/202305/c00_31601393.shtml',
    rules: {
      ...common,
      eligible_types: ['booth_fee', 'transport', 'international_travel', 'accommodation'],
      ratio_bp: { domestic: flat(7000), overseas: flat(7000) },
      booth_tiers: [{ from_booth: 1, factor_bp: 10000, cap_domestic_fen: 500_000, cap_overseas_fen: 500_000 }],
      max_booths_per_fair: 4,
      fair_cap_fen: 2_000_000,
    },
  },
  {
    set_gid: '01700000-0000-7000-8000-000000000103',
    version_gid: '01700000-0000-7000-8000-000000000203',
    name: '示例：吉林 2022',
    region_code: '220000',
    year: 2022,
    source:
      '展位、运输、人员费用；前 2 个展位 100%，第 3 个起 50%；每展位 ≤ 5 万，每展 ≤ 15 万，每年 ≤ 60 万；运输每展 ≤ 1 万（每年 ≤ 5 万的运输年度上限本版未建模）。https://huizhan.retdata.com/',
    rules: {
      ...common,
      eligible_types: ['booth_fee', 'special_fit_out', 'transport', 'international_travel', 'accommodation'],
      ratio_bp: { domestic: flat(10000), overseas: flat(10000) },
      booth_tiers: [
        { from_booth: 1, factor_bp: 10000, cap_domestic_fen: 5_000_000, cap_overseas_fen: 5_000_000 },
        { from_booth: 3, factor_bp: 5000, cap_domestic_fen: 5_000_000, cap_overseas_fen: 5_000_000 },
      ],
      type_caps: [{ type: 'transport', cap_fen: 1_000_000 }],
      fair_cap_fen: 15_000_000,
      annual_cap_fen: 60_000_000,
    },
  },
  {
    set_gid: '01700000-0000-7000-8000-000000000104',
    version_gid: '01700000-0000-7000-8000-000000000204',
    name: '示例：常州',
    region_code: '320400',
    year: 2020,
    source: '展位费（场地、基本展台、桌椅、照明）及大型展品回运费；传统市场 ≤ 50%，新兴/一带一路 ≤ 70%；一个 9 m² 展位上限 2 万，每增加一个展位加 1 万。http://pxte.cn/news/20201030/75554.html',
    rules: {
      ...common,
      eligible_types: ['booth_fee', 'large_exhibit_return'],
      ratio_bp: { domestic: { traditional: 5000, emerging: 7000, belt_road: 7000 }, overseas: { traditional: 5000, emerging: 7000, belt_road: 7000 } },
      booth_tiers: [
        { from_booth: 1, factor_bp: 10000, cap_domestic_fen: 2_000_000, cap_overseas_fen: 2_000_000 },
        { from_booth: 2, factor_bp: 10000, cap_domestic_fen: 1_000_000, cap_overseas_fen: 1_000_000 },
      ],
    },
  },
  {
    set_gid: '01700000-0000-7000-8000-000000000105',
    version_gid: '01700000-0000-7000-8000-000000000205',
    name: '示例：未具名城市（境内1万/境外2万）',
    region_code: '000000',
    year: 2020,
    source: '展位费 ≤ 50%；境内每展位 ≤ 1 万，境外每展位 ≤ 2 万；每企业每年 ≤ 10 万（来源未指明城市）。https://www.chacewang.com/newsdetail/news368037.html',
    rules: {
      ...common,
      eligible_types: ['booth_fee'],
      ratio_bp: { domestic: flat(5000), overseas: flat(5000) },
      booth_tiers: [{ from_booth: 1, factor_bp: 10000, cap_domestic_fen: 1_000_000, cap_overseas_fen: 2_000_000 }],
      annual_cap_fen: 10_000_000,
    },
  },
];
