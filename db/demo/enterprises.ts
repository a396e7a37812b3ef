// Demo enterprises: a realistic 泽州县 registry (泽州铸造 is a 省级专业镇: about 200 firms, 38 规上, 5 小巨人,
// 20 省级专精特新, see shared/domain.md §1.2). Names, codes and people are synthetic; every code passes GB 32100.
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { audit } from '../audit/audit.js';
import { USCC_CHARSET, withCheckChar } from '../enterprises/uscc.js';
import { pinyinKeys } from '../enterprises/pinyin.js';
import { checkEnterprise, loadLookups } from '../enterprises/rules.js';
import { enterpriseInput, type EnterpriseInput, type TierLevel } from '../enterprises/schema.js';
import * as q from '../enterprises/queries.js';
import { seededRng, type Rng } from './random.js';

export const ZEZHOU = '140525';

/** Townships (乡镇) of 泽州县. */
export const ZEZHOU_TOWNSHIPS = [
  '巴公镇', '北义城镇', '高都镇', '大东沟镇', '周村镇', '下村镇', '南村镇', '柳树口镇', '晋庙铺镇', '金村镇',
  '南岭乡', '李寨乡', '大阳镇', '川底乡', '山河镇', '犁川镇', '北石店镇',
] as const;

const VILLAGES = [
  '东村', '西村', '南庄村', '北庄村', '前进村', '河东村', '河西村', '东沟村', '西沟村', '后庄村', '大张村', '上村',
  '下河村', '柳树村', '新庄村', '龙门村', '郭家庄村', '李家河村', '三家店村', '北头村',
];
/** Industrial parks, by the township they lie in. */
const PARKS: Record<string, string> = { 巴公镇: '装备制造工业园区', 周村镇: '铸造产业园', 大东沟镇: '工业园区', 北石店镇: '工业园区' };

/** Trade names (字号) as they appear on 晋城 business licences. */
const TRADE_NAMES = [
  '金鼎', '恒达', '鑫源', '华鑫', '晋泰', '宏远', '天泽', '瑞丰', '润通', '兴旺', '永兴', '福昌', '宏达', '泰和', '通达',
  '金盛', '隆昌', '富康', '长城', '太行', '丹河', '珏山', '凤凰', '晋韵', '兰花', '丰源', '宏图', '利民', '华阳', '万通',
  '鼎盛', '金诚', '晨光', '正阳', '博远', '信达', '同创', '联合', '嘉禾', '新星', '恒昌', '宇通', '盛鑫', '晋钢', '富兴',
  '金石', '东方', '兴达', '中晋', '泽宇', '海德', '宝利', '安泰', '昌盛', '汇丰', '锦程', '天佑', '鑫达', '国强', '铭鼎',
  '华晋', '泓泰', '金象', '鸿鑫', '卓越', '德邦', '润丰', '巨鼎', '金鹰', '三晋',
];

interface IndustryPlan {
  code: string;
  words: readonly string[];
  weight: number;
  /** Share of 规上 enterprises in this industry. */
  above: number;
}

// Every code here exists in db/codes/industry-data.ts (checked by the lookup when seeding).
const INDUSTRIES: readonly IndustryPlan[] = [
  { code: '3391', words: ['铸造', '铸业', '铸管', '精密铸造', '机械铸造', '铸件'], weight: 46, above: 0.22 },
  { code: '3393', words: ['锻造', '锻压'], weight: 4, above: 0.15 },
  { code: '3089', words: ['耐火材料', '耐材'], weight: 7, above: 0.2 },
  { code: '3441', words: ['泵业', '水泵'], weight: 4, above: 0.2 },
  { code: '3443', words: ['阀门', '阀业'], weight: 4, above: 0.15 },
  { code: '3484', words: ['机械制造', '机械加工', '机械'], weight: 8, above: 0.1 },
  { code: '3670', words: ['汽车配件', '汽配'], weight: 3, above: 0.15 },
  { code: '3511', words: ['矿山机械', '矿山设备'], weight: 3, above: 0.15 },
  { code: '3311', words: ['钢结构', '钢构'], weight: 3, above: 0.1 },
  { code: '3360', words: ['热处理', '表面处理'], weight: 2, above: 0.05 },
  { code: '3140', words: ['铁合金'], weight: 2, above: 0.3 },
  { code: '06', words: ['煤业', '煤矿'], weight: 5, above: 0.6 },
  { code: '3021', words: ['建材', '水泥制品'], weight: 3, above: 0.1 },
  { code: '2929', words: ['塑业', '塑料制品'], weight: 2, above: 0.05 },
  { code: '1431', words: ['食品', '面业'], weight: 2, above: 0.05 },
  { code: '1512', words: ['酒业', '酿酒'], weight: 1, above: 0.1 },
  { code: '2439', words: ['工艺品', '铁艺'], weight: 1, above: 0 },
];

const SURNAMES = [
  '王', '李', '张', '郭', '赵', '牛', '靳', '焦', '常', '原', '秦', '申', '崔', '陈', '刘', '杨', '冯', '田', '吉', '晋',
  '卫', '司', '成', '裴', '程', '段', '贾', '霍', '范', '宋',
];
const GIVEN = [
  '建国', '国强', '志刚', '海军', '俊峰', '红兵', '卫东', '晋平', '泽民', '文斌', '小平', '永胜', '丽萍', '秀英', '晓燕',
  '建军', '明', '伟', '军', '刚', '磊', '涛', '鹏', '敏', '芳', '静', '强', '勇', '晋龙', '鹏飞', '鑫', '宇', '浩', '丽', '霞',
];

export interface DemoTier {
  tier_code: string;
  level: TierLevel;
  granted_by: string;
  doc_no: string;
  valid_from: string;
  valid_to: string | null;
}

export interface DemoRegion {
  code: string;
  name: string;
  fullName: string;
  cityName: string | null;
}

const person = (rng: Rng) => rng.pick(SURNAMES) + rng.pick(GIVEN);

function mobile(rng: Rng): string {
  const prefix = rng.pick(['134', '135', '136', '137', '138', '139', '150', '151', '152', '155', '158', '159', '183', '187', '189', '133', '153', '180', '181', '199']);
  return prefix + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

/** 18-character GB 32100 code: 9 (工商) 1 (企业) + county + 9-character body (组织机构代码 position) + check character. */
export function demoUscc(rng: Rng, regionCode: string): string {
  let body = '';
  if (rng.chance(0.7)) {
    // Codes issued since 2015 start their body with MA.
    body = 'MA0';
    for (let i = 0; i < 6; i++) body += USCC_CHARSET[rng.int(0, 30)];
  } else {
    for (let i = 0; i < 8; i++) body += String(rng.int(0, 9));
    body += USCC_CHARSET[rng.int(0, 30)];
  }
  return withCheckChar(`91${regionCode}${body}`);
}

export function demoName(rng: Rng, region: DemoRegion, trade: string, word: string, township: string | null): string {
  const county = region.name;
  const city = region.cityName;
  const cityShort = city?.replace(/市$/, '') ?? null;
  const forms: Array<[string, number]> = [
    [`${county}${trade}${word}有限公司`, 40],
    [`山西${cityShort ?? ''}${trade}${word}有限公司`, 20],
    [`${city ?? county}${trade}${word}有限公司`, 15],
    [`山西${trade}${word}股份有限公司`, 5],
    [`${cityShort ?? county}${trade}${word}有限责任公司`, 10],
    [`${county}${township ?? ''}${trade}${word}厂`, 10],
  ];
  return rng.weighted(forms);
}

export interface DemoEnterprise {
  input: EnterpriseInput & { industry_code: string };
  tiers: DemoTier[];
}

/** Codes or names already used (a Set; the benchmark passes one that remembers nothing, as names may repeat there). */
export interface Taken {
  has(value: string): boolean;
  add(value: string): unknown;
}

/** One plausible enterprise (without tiers). `taken` holds codes and names already used. */
export function demoEnterprise(rng: Rng, region: DemoRegion, taken: { codes: Taken; names: Taken }): DemoEnterprise {
  const ind = rng.weighted(INDUSTRIES.map((i) => [i, i.weight] as const));
  const township = region.code === ZEZHOU ? rng.pick(ZEZHOU_TOWNSHIPS) : null;
  let name = '';
  for (let tries = 0; tries < 50; tries++) {
    name = demoName(rng, region, rng.pick(TRADE_NAMES), rng.pick(ind.words), township);
    if (!taken.names.has(name)) break;
  }
  if (taken.names.has(name)) {
    // Rare: every combination tried is taken; a branch number (分厂) keeps names unique as registries require.
    const m = /(有限责任公司|股份有限公司|有限公司|厂)$/.exec(name);
    const stem = m ? name.slice(0, -m[1]!.length) : name;
    for (let k = 2; taken.names.has(name); k++) name = `${stem}第${k}${m?.[1] ?? '厂'}`;
  }
  taken.names.add(name);
  let uscc = demoUscc(rng, region.code);
  while (taken.codes.has(uscc)) uscc = demoUscc(rng, region.code);
  taken.codes.add(uscc);
  const legal = person(rng);
  const sameContact = rng.chance(0.35);
  const park = township ? PARKS[township] : undefined;
  const place = `${region.fullName}${township ?? ''}${park && rng.chance(0.5) ? park : rng.pick(VILLAGES)}`;
  return {
    input: {
      uscc,
      name,
      region_code: region.code,
      township,
      address: place,
      industry_code: ind.code,
      scale: rng.chance(ind.above) ? 'above' : 'below',
      legal_rep: legal,
      contact_name: sameContact ? legal : person(rng),
      contact_phone: rng.chance(0.85) ? mobile(rng) : `0356-${rng.int(2, 8)}${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    },
    tiers: [],
  };
}

const MANUFACTURING = (code: string) => /^(1[3-9]|[23]\d|4[0-3])/.test(code);

function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Tiers in the proportions of 泽州铸造 (5 小巨人 and 20 省级专精特新 per ~200 firms), with real granting bodies
 * and plausible document numbers. A 小巨人 always also holds the 省级专精特新 it grew from; some titles have
 * expired, so the history view has something to show.
 */
export function assignDemoTiers(rng: Rng, list: DemoEnterprise[], today: string, region: DemoRegion): void {
  const year = Number(today.slice(0, 4));
  const scaled = (per300: number) => Math.max(1, Math.round((list.length * per300) / 300));
  const day = () => `${pad(rng.int(1, 28))}`;
  /** A grant in one of the last `span` years, never in the future, valid `years` years. */
  const grant = (span: number, years: number | null, month: number) => {
    let y = year - rng.int(1, span);
    const from = `${y}-${pad(month)}-${day()}`;
    if (from > today) y -= 1;
    const validFrom = `${y}-${pad(month)}-${from.slice(8)}`;
    return { y, valid_from: validFrom, valid_to: years === null ? null : `${y + years}-${pad(month)}-${from.slice(8)}` };
  };
  const manu = list.filter((e) => MANUFACTURING(e.input.industry_code));
  const aboveManu = shuffled(rng, manu.filter((e) => e.input.scale === 'above'));
  const belowManu = shuffled(rng, manu.filter((e) => e.input.scale === 'below'));
  const pool = [...aboveManu, ...belowManu];
  const cityName = region.cityName ?? '';

  const provincial = (e: DemoEnterprise, span = 3) => {
    const g = grant(span, 3, 11);
    e.tiers.push({
      tier_code: 'zjtx_sme', level: 'provincial', granted_by: '山西省工业和信息化厅',
      doc_no: `晋工信中小字〔${g.y}〕${rng.int(100, 260)}号`, valid_from: g.valid_from, valid_to: g.valid_to,
    });
  };
  // 专精特新"小巨人": national, 工信部 batches are announced in July.
  const giants = aboveManu.slice(0, scaled(5));
  for (const e of giants) {
    provincial(e, 4);
    const g = grant(3, 3, 7);
    e.tiers.push({
      tier_code: 'little_giant', level: 'national', granted_by: '工业和信息化部',
      doc_no: `工信厅企业函〔${g.y}〕${rng.int(150, 300)}号`, valid_from: g.valid_from, valid_to: g.valid_to,
    });
  }
  for (const e of pool.slice(giants.length, scaled(20))) provincial(e);
  let at = scaled(20);
  for (const e of pool.slice(at, at + scaled(10))) {
    const g = grant(3, 3, 9);
    e.tiers.push({
      tier_code: 'zjtx_sme', level: 'city', granted_by: `${cityName}工业和信息化局`,
      doc_no: `${cityName.replace(/市$/, '')}市工信发〔${g.y}〕${rng.int(20, 120)}号`, valid_from: g.valid_from, valid_to: g.valid_to,
    });
  }
  at += scaled(10);
  // 创新型中小企业: 省工信厅 publishes the list, valid 3 years; some from the first batches have lapsed.
  for (const [i, e] of shuffled(rng, pool).slice(0, scaled(40)).entries()) {
    const g = grant(i % 8 === 0 ? 5 : 3, 3, 6);
    e.tiers.push({
      tier_code: 'innovative_sme', level: 'provincial', granted_by: '山西省工业和信息化厅',
      doc_no: `晋工信中小字〔${g.y}〕${rng.int(60, 200)}号`, valid_from: g.valid_from, valid_to: g.valid_to,
    });
  }
  // 高新技术企业: certificate number GR + year + province 14 + serial; valid 3 years.
  for (const e of shuffled(rng, pool).slice(0, scaled(30))) {
    const g = grant(3, 3, 12);
    e.tiers.push({
      tier_code: 'high_tech', level: 'national', granted_by: '山西省科学技术厅、山西省财政厅、国家税务总局山西省税务局',
      doc_no: `GR${g.y}14${String(rng.int(0, 9999)).padStart(6, '0')}`, valid_from: g.valid_from, valid_to: g.valid_to,
    });
  }
  // 科技型中小企业: entered in the register for one year at a time.
  for (const e of shuffled(rng, pool).slice(0, scaled(25))) {
    const y = year - rng.int(1, 2);
    e.tiers.push({
      tier_code: 'tech_sme', level: 'provincial', granted_by: '山西省科学技术厅',
      doc_no: `${y}14${region.code.slice(2)}${String(rng.int(1, 9999)).padStart(5, '0')}`,
      valid_from: `${y}-05-${day()}`, valid_to: `${y + 1}-05-31`,
    });
  }
  // 龙头企业: the county government names its leading enterprises.
  for (const e of aboveManu.slice(giants.length, giants.length + scaled(6))) {
    const g = grant(4, null, 3);
    e.tiers.push({
      tier_code: 'leading', level: 'county', granted_by: `${region.name}人民政府`,
      doc_no: `${region.name.slice(0, 2)}政发〔${g.y}〕${rng.int(5, 40)}号`, valid_from: g.valid_from, valid_to: null,
    });
  }
}

/** The counties demo enterprises go to: the office's county, or every current county of a city or province office. */
export function demoRegions(db: Database): DemoRegion[] {
  const office = db.prepare('SELECT level, region_code FROM office WHERE id = 1').get() as
    | { level: 'county' | 'city' | 'province'; region_code: string }
    | undefined;
  const rows = db
    .prepare(
      `SELECT r.code, r.name, r.full_name, p.name AS city_name FROM region r LEFT JOIN region p ON p.code = r.parent_code AND p.kind = 'prefecture'
       WHERE r.kind = 'county' AND r.valid_to IS NULL AND r.code LIKE ? ORDER BY r.code`,
    )
    .all(`${office ? office.region_code.slice(0, office.level === 'county' ? 6 : office.level === 'city' ? 4 : 2) : ZEZHOU}%`) as Array<{
    code: string;
    name: string;
    full_name: string;
    city_name: string | null;
  }>;
  return rows.map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, cityName: r.city_name }));
}

export interface SeedSummary {
  enterprises: number;
  tiers: number;
  seed: number;
}

/**
 * Adds `n` demo enterprises with tiers in one transaction and one audit entry. Deterministic: the seed is the
 * base seed plus the number of enterprises already registered, so seeding twice adds a second, different batch.
 */
export function seedDemoEnterprises(ctx: Ctx, n = 300, baseSeed = 20_140_525): SeedSummary {
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new AppError('VALIDATION', `「演示企业数量」应为 1 到 100000 的整数，当前为 ${n}`);
  const regions = demoRegions(ctx.db);
  if (!regions.length) throw new AppError('NOT_INITIALIZED', '尚未完成初始设置，无法添加演示企业');
  const existingCount = ctx.db.prepare('SELECT count(*) FROM enterprise').pluck().get() as number;
  const seed = baseSeed + existingCount;
  const rng = seededRng(seed);
  const taken = {
    codes: new Set(ctx.db.prepare('SELECT uscc FROM enterprise').pluck().all() as string[]),
    names: new Set(ctx.db.prepare('SELECT name FROM enterprise').pluck().all() as string[]),
  };
  const today = isoDate(ctx.clock.now());
  const byRegion = new Map<string, DemoEnterprise[]>();
  for (let i = 0; i < n; i++) {
    const region = regions[i % regions.length]!;
    const e = demoEnterprise(rng, region, taken);
    byRegion.set(region.code, [...(byRegion.get(region.code) ?? []), e]);
  }
  for (const [code, list] of byRegion) assignDemoTiers(rng, list, today, regions.find((r) => r.code === code)!);

  const lk = loadLookups(ctx.db);
  const insert = q.insertStatement(ctx.db);
  const tierInsert = ctx.db.prepare(
    `INSERT INTO enterprise_tier(gid, enterprise_id, tier_code, level, granted_by, doc_no, valid_from, valid_to, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = isoTimestamp(ctx.clock.now());
  let tiers = 0;
  const ids: number[] = [];
  ctx.db.transaction(() => {
    for (const list of byRegion.values()) {
      for (const e of list) {
        // The same checks as a form or an import: demo data must never hold what the user could not enter.
        const data = enterpriseInput.parse(e.input);
        const checked = checkEnterprise(data, lk, ctx.actor);
        if (checked.issues.length) {
          throw new AppError('DEMO_INVALID', `演示数据「${data.name}」未通过校验：${checked.issues[0]!.message}`, checked.issues);
        }
        const py = pinyinKeys(data.name);
        const row = {
          gid: uuidv7(ctx.clock), uscc: checked.uscc, uscc_override_reason: null, name: data.name, name_initials: py.initials,
          name_pinyin: py.full, region_code: data.region_code, township: data.township, address: data.address,
          industry_code: data.industry_code, scale: data.scale, legal_rep: data.legal_rep, contact_name: data.contact_name,
          contact_phone: data.contact_phone, status: 'active' as const, status_reason: null, created_at: now, created_by: ctx.actor.username,
          updated_at: now, updated_by: ctx.actor.username,
        };
        const id = Number(insert.run({ ...row, search_text: q.searchText(row) }).lastInsertRowid);
        ids.push(id);
        for (const t of e.tiers) {
          tierInsert.run(uuidv7(ctx.clock), id, t.tier_code, t.level, t.granted_by, t.doc_no, t.valid_from, t.valid_to, now, ctx.actor.username);
          tiers++;
        }
      }
    }
    audit(ctx, 'demo.seed_enterprises', 'enterprise', null, {
      enterprises: ids.length, tiers, seed, first_id: ids[0] ?? null, last_id: ids[ids.length - 1] ?? null,
    });
  })();
  return { enterprises: ids.length, tiers, seed };
}
