// Exhibition-subsidy rules (参展补贴规则): the rule-table schema with its consistency checks, and the pure
// calculation that explains itself. Nothing here touches the database, so it is unit-tested by hand-worked
// figures and benchmarked on 50,000 claims.
import { z } from 'zod';
import { fmtPercent, fmtYuan, fenToYuanText, optionalYuan, percent, positiveQuantity } from './money.js';

export const ITEM_TYPES = [
  'booth_fee', 'special_fit_out', 'construction', 'registration', 'transport', 'large_exhibit_return',
  'international_travel', 'accommodation', 'advertising', 'catalogue',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const ITEM_TYPE_LABEL: Record<ItemType, string> = {
  booth_fee: '展位费',
  special_fit_out: '特装费',
  construction: '搭建费',
  registration: '注册费',
  transport: '运输费',
  large_exhibit_return: '大型展品回运费',
  international_travel: '国际交通',
  accommodation: '住宿',
  advertising: '广告费',
  catalogue: '会刊费',
};
/** Costs that belong to a booth: tiered and capped per booth; the others are capped per item type. */
export const BOOTH_LINKED: ReadonlySet<ItemType> = new Set(['booth_fee', 'special_fit_out', 'construction']);

export const MATERIALS = [
  'application_form', 'authenticity_pledge', 'invoice', 'payment_proof', 'booth_contract', 'site_photos',
  'catalogue_or_pass', 'agent_contract',
] as const;
export type Material = (typeof MATERIALS)[number];
export const MATERIAL_LABEL: Record<Material, string> = {
  application_form: '申请表',
  authenticity_pledge: '申报材料真实性承诺书',
  invoice: '发票',
  payment_proof: '付款凭证',
  booth_contract: '展位合同',
  site_photos: '现场照片',
  catalogue_or_pass: '会刊或参展证',
  agent_contract: '代理合同及付款凭证',
};

export const GOV_LEVELS = ['national', 'provincial', 'city', 'county', 'none'] as const;
export type GovLevel = (typeof GOV_LEVELS)[number];
export const GOV_LEVEL_LABEL: Record<GovLevel, string> = {
  national: '国家级', provincial: '省级', city: '市级', county: '县级', none: '非政府组织',
};
const GOV_RANK: Record<GovLevel, number> = { national: 4, provincial: 3, city: 2, county: 1, none: 0 };

export type Scope = 'domestic' | 'overseas';
export const SCOPE_LABEL: Record<Scope, string> = { domestic: '境内', overseas: '境外' };
export const MARKET_TYPES = ['traditional', 'emerging', 'belt_road'] as const;
export type MarketType = (typeof MARKET_TYPES)[number];
export const MARKET_LABEL: Record<MarketType, string> = { traditional: '传统市场', emerging: '新兴市场', belt_road: '一带一路' };
export type PaymentMethod = 'transfer' | 'cash' | 'other';
export const PAYMENT_LABEL: Record<PaymentMethod, string> = { transfer: '银行转账', cash: '现金', other: '其他' };

// ---------------------------------------------------------------------------------------------------------
// The rule table as stored (fen, basis points) and as typed by an administrator (yuan, percent).

export interface BoothTier {
  from_booth: number;
  factor_bp: number;
  cap_domestic_fen: number | null;
  cap_overseas_fen: number | null;
}

export interface RuleTable {
  eligible_types: ItemType[];
  ratio_bp: Record<Scope, Record<MarketType, number>>;
  booth_tiers: BoothTier[];
  /** Booth caps apply per unit of this area (北京: 30000 元 per 9 m²); null: per booth. */
  booth_cap_area_unit_m2: number | null;
  max_booths_per_fair: number | null;
  /**
   * Caps per item type: per fair (cap_fen) and per enterprise per year across all its claims (annual_cap_fen,
   * 吉林: 运输费 ≤ 1 万 per fair and ≤ 5 万 per year). Versions stored before the annual column lack it: null.
   */
  type_caps: Array<{ type: ItemType; cap_fen: number | null; annual_cap_fen?: number | null }>;
  fair_cap_fen: number | null;
  annual_cap_fen: number | null;
  cash_allowed: boolean;
  stacking_allowed: boolean;
  multiple_claims_per_fair: boolean;
  deadline_days: number | null;
  invoice_window_days: number | null;
  large_exhibit_min: { volume_m3: number; weight_t: number } | null;
  min_gov_level: Exclude<GovLevel, 'none'>;
  required_materials: Material[];
  agent_contract_when_agent: boolean;
}

const ratioRow = z.object({ traditional: percent, emerging: percent, belt_road: percent });
const days = (label: string) => z.number({ error: `应为天数` }).int(`${label}应为整数天`).min(0, '不能为负数').max(3650, '不能超过 3650 天').nullable();

export const ruleTableInput = z
  .object({
    eligible_types: z.array(z.enum(ITEM_TYPES, { error: '未知的费用类型' })).min(1, '至少一种费用类型可获补贴'),
    ratio_pct: z.object({ domestic: ratioRow, overseas: ratioRow }),
    booth_tiers: z
      .array(
        z.object({
          from_booth: z.number().int('应为整数').min(1, '从第 1 个展位起'),
          factor_pct: percent,
          cap_domestic_yuan: optionalYuan,
          cap_overseas_yuan: optionalYuan,
        }),
      )
      .min(1, '至少一档（从第 1 个展位起）'),
    booth_cap_area_unit_m2: positiveQuantity('m²').nullable().default(null),
    max_booths_per_fair: z.number().int('应为整数').min(1, '至少 1 个').nullable().default(null),
    type_caps: z
      .array(z.object({ type: z.enum(ITEM_TYPES, { error: '未知的费用类型' }), cap_yuan: optionalYuan, annual_cap_yuan: optionalYuan.default(null) }))
      .default([]),
    fair_cap_yuan: optionalYuan,
    annual_cap_yuan: optionalYuan,
    cash_allowed: z.boolean().default(false),
    stacking_allowed: z.boolean().default(false),
    multiple_claims_per_fair: z.boolean().default(false),
    deadline_days: days('申报期限').default(30),
    invoice_window_days: days('发票最早日期').default(365),
    large_exhibit_min: z.object({ volume_m3: positiveQuantity('m³'), weight_t: positiveQuantity('t') }).nullable().default(null),
    min_gov_level: z.enum(['national', 'provincial', 'city', 'county'], { error: '应为县级、市级、省级或国家级' }).default('county'),
    required_materials: z.array(z.enum(MATERIALS, { error: '未知的材料' })).default([]),
    agent_contract_when_agent: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seenTypes = new Set<string>();
    r.eligible_types.forEach((t, i) => {
      if (seenTypes.has(t)) issue(['eligible_types', i], `「${ITEM_TYPE_LABEL[t]}」重复`);
      seenTypes.add(t);
    });
    r.booth_tiers.forEach((t, i) => {
      if (i === 0 && t.from_booth !== 1) issue(['booth_tiers', 0, 'from_booth'], '第一档须从第 1 个展位起');
      const prev = r.booth_tiers[i - 1];
      if (prev && t.from_booth <= prev.from_booth) {
        issue(['booth_tiers', i, 'from_booth'], `从第 ${t.from_booth} 个展位起与上一档（从第 ${prev.from_booth} 个起）重叠`);
      }
      if (r.max_booths_per_fair !== null && t.from_booth > r.max_booths_per_fair) {
        issue(['booth_tiers', i, 'from_booth'], `从第 ${t.from_booth} 个展位起，但每展最多补贴 ${r.max_booths_per_fair} 个展位，此档永远用不到`);
      }
      for (const [k, label] of [['cap_domestic_yuan', '境内'], ['cap_overseas_yuan', '境外']] as const) {
        const cap = t[k];
        if (cap !== null && r.fair_cap_yuan !== null && cap > r.fair_cap_yuan) {
          issue(['booth_tiers', i, k], `${label}每展位上限 ${fmtYuan(cap)} 元高于单展上限 ${fmtYuan(r.fair_cap_yuan)} 元，两者矛盾`);
        }
        if (cap === 0) issue(['booth_tiers', i, k], '上限为 0 等于不补贴，请改为从补贴范围中去掉或留空');
      }
    });
    const capTypes = new Set<string>();
    r.type_caps.forEach((c, i) => {
      if (capTypes.has(c.type)) issue(['type_caps', i, 'type'], `「${ITEM_TYPE_LABEL[c.type]}」的上限重复设置`);
      capTypes.add(c.type);
      if (!seenTypes.has(c.type)) issue(['type_caps', i, 'type'], `「${ITEM_TYPE_LABEL[c.type]}」不在补贴范围内，不能设上限`);
      if (BOOTH_LINKED.has(c.type)) issue(['type_caps', i, 'type'], `「${ITEM_TYPE_LABEL[c.type]}」属展位类费用，请用每展位上限`);
      if (c.cap_yuan === null && c.annual_cap_yuan === null) issue(['type_caps', i, 'cap_yuan'], '必填（每展上限或每年上限至少填一项）');
      else if (c.cap_yuan === 0) issue(['type_caps', i, 'cap_yuan'], '上限为 0 等于不补贴，请改为从补贴范围中去掉');
      else if (c.cap_yuan !== null && r.fair_cap_yuan !== null && c.cap_yuan > r.fair_cap_yuan) {
        issue(['type_caps', i, 'cap_yuan'], `「${ITEM_TYPE_LABEL[c.type]}」上限 ${fmtYuan(c.cap_yuan)} 元高于单展上限 ${fmtYuan(r.fair_cap_yuan)} 元，两者矛盾`);
      }
      const a = c.annual_cap_yuan;
      if (a === 0) issue(['type_caps', i, 'annual_cap_yuan'], '上限为 0 等于不补贴，请改为从补贴范围中去掉');
      else if (a !== null && c.cap_yuan !== null && c.cap_yuan > a) {
        issue(['type_caps', i, 'annual_cap_yuan'], `「${ITEM_TYPE_LABEL[c.type]}」每年上限 ${fmtYuan(a)} 元低于每展上限 ${fmtYuan(c.cap_yuan)} 元，两者矛盾`);
      } else if (a !== null && r.annual_cap_yuan !== null && a > r.annual_cap_yuan) {
        issue(['type_caps', i, 'annual_cap_yuan'], `「${ITEM_TYPE_LABEL[c.type]}」每年上限 ${fmtYuan(a)} 元高于企业年度上限 ${fmtYuan(r.annual_cap_yuan)} 元，两者矛盾`);
      }
    });
    if (r.fair_cap_yuan !== null && r.annual_cap_yuan !== null && r.fair_cap_yuan > r.annual_cap_yuan) {
      issue(['fair_cap_yuan'], `单展上限 ${fmtYuan(r.fair_cap_yuan)} 元高于企业年度上限 ${fmtYuan(r.annual_cap_yuan)} 元，两者矛盾`);
    }
    if (r.fair_cap_yuan === 0) issue(['fair_cap_yuan'], '上限为 0 等于不补贴');
    if (r.annual_cap_yuan === 0) issue(['annual_cap_yuan'], '上限为 0 等于不补贴');
    const mats = new Set<string>();
    r.required_materials.forEach((m, i) => {
      if (mats.has(m)) issue(['required_materials', i], `「${MATERIAL_LABEL[m]}」重复`);
      mats.add(m);
    });
  })
  .transform(
    (r): RuleTable => ({
      eligible_types: r.eligible_types,
      ratio_bp: r.ratio_pct,
      booth_tiers: r.booth_tiers.map((t) => ({
        from_booth: t.from_booth, factor_bp: t.factor_pct, cap_domestic_fen: t.cap_domestic_yuan, cap_overseas_fen: t.cap_overseas_yuan,
      })),
      booth_cap_area_unit_m2: r.booth_cap_area_unit_m2,
      max_booths_per_fair: r.max_booths_per_fair,
      // The annual column is written only when set, so tables without it store exactly what earlier versions stored.
      type_caps: r.type_caps.map((c) => ({ type: c.type, cap_fen: c.cap_yuan, ...(c.annual_cap_yuan !== null ? { annual_cap_fen: c.annual_cap_yuan } : {}) })),
      fair_cap_fen: r.fair_cap_yuan,
      annual_cap_fen: r.annual_cap_yuan,
      cash_allowed: r.cash_allowed,
      stacking_allowed: r.stacking_allowed,
      multiple_claims_per_fair: r.multiple_claims_per_fair,
      deadline_days: r.deadline_days,
      invoice_window_days: r.invoice_window_days,
      large_exhibit_min: r.large_exhibit_min,
      min_gov_level: r.min_gov_level,
      required_materials: r.required_materials,
      agent_contract_when_agent: r.agent_contract_when_agent,
    }),
  );
export type RuleTableInput = z.input<typeof ruleTableInput>;

export const RULE_LABELS: Record<string, string> = {
  eligible_types: '补贴费用类型', ratio_pct: '补贴比例', booth_tiers: '展位档次', booth_cap_area_unit_m2: '展位上限面积单位',
  max_booths_per_fair: '每展最多展位数', type_caps: '分项上限', fair_cap_yuan: '单展上限', annual_cap_yuan: '企业年度上限',
  cash_allowed: '是否接受现金', stacking_allowed: '是否允许叠加', multiple_claims_per_fair: '同一展会可多次申请',
  deadline_days: '展会结束后申报期限（天）', invoice_window_days: '发票最早可早于开展（天）', large_exhibit_min: '大型展品标准',
  min_gov_level: '组展政府最低级别', required_materials: '必备材料', agent_contract_when_agent: '代理参展须附代理合同',
};

/** The stored table back into the administrator's form (yuan and percent as text), for editing a new version. */
export function ruleTableToInput(r: RuleTable): RuleTableInput {
  const pct = (bp: number) => fenToYuanText(bp).replace(/\.00$/, '');
  const y = (f: number | null) => (f === null ? null : fenToYuanText(f));
  const row = (x: Record<MarketType, number>) => ({ traditional: pct(x.traditional), emerging: pct(x.emerging), belt_road: pct(x.belt_road) });
  return {
    eligible_types: [...r.eligible_types],
    ratio_pct: { domestic: row(r.ratio_bp.domestic), overseas: row(r.ratio_bp.overseas) },
    booth_tiers: r.booth_tiers.map((t) => ({
      from_booth: t.from_booth, factor_pct: pct(t.factor_bp), cap_domestic_yuan: y(t.cap_domestic_fen), cap_overseas_yuan: y(t.cap_overseas_fen),
    })),
    booth_cap_area_unit_m2: r.booth_cap_area_unit_m2,
    max_booths_per_fair: r.max_booths_per_fair,
    type_caps: r.type_caps.map((c) => ({ type: c.type, cap_yuan: y(c.cap_fen), annual_cap_yuan: y(c.annual_cap_fen ?? null) })),
    fair_cap_yuan: y(r.fair_cap_fen),
    annual_cap_yuan: y(r.annual_cap_fen),
    cash_allowed: r.cash_allowed,
    stacking_allowed: r.stacking_allowed,
    multiple_claims_per_fair: r.multiple_claims_per_fair,
    deadline_days: r.deadline_days,
    invoice_window_days: r.invoice_window_days,
    large_exhibit_min: r.large_exhibit_min,
    min_gov_level: r.min_gov_level,
    required_materials: [...r.required_materials],
    agent_contract_when_agent: r.agent_contract_when_agent,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Calendar helpers (ISO dates compare as text; day arithmetic through UTC).

export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The application deadline for a fair, or null when the rules set none. */
export function deadlineFor(rules: Pick<RuleTable, 'deadline_days'>, fairEnd: string): string | null {
  return rules.deadline_days === null ? null : addDays(fairEnd, rules.deadline_days);
}

/** A fair spanning two years counts in the year it ends (福清 rule). */
export const subsidyYearOf = (fairEnd: string) => Number(fairEnd.slice(0, 4));

export function fairEligibility(rules: Pick<RuleTable, 'min_gov_level'>, gov: GovLevel): { ok: boolean; reason: string } {
  if (GOV_RANK[gov] >= GOV_RANK[rules.min_gov_level]) {
    return { ok: true, reason: `展会由${GOV_LEVEL_LABEL[gov]}人民政府组织，符合条例第三十六条（${GOV_LEVEL_LABEL[rules.min_gov_level]}以上）` };
  }
  return {
    ok: false,
    reason: gov === 'none'
      ? `展会不是由县级以上人民政府组织参展，不符合条例第三十六条，不予补贴`
      : `展会由${GOV_LEVEL_LABEL[gov]}人民政府组织，本规则要求${GOV_LEVEL_LABEL[rules.min_gov_level]}以上，不予补贴`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The calculation.

export interface CalcFair {
  gov_level: GovLevel;
  scope: Scope;
  market_type: MarketType;
  start_date: string;
  end_date: string;
}
export interface CalcBooth {
  seq: number;
  booth_no: string;
  area_m2: number;
  kind: 'standard' | 'special';
}
export interface CalcItem {
  seq: number;
  item_type: ItemType;
  booth_seq: number | null;
  amount_fen: number;
  invoice_date: string;
  payment_method: PaymentMethod;
  volume_m3: number | null;
  weight_t: number | null;
  other_subsidy_fen: number;
}
export interface CalcInput {
  fair: CalcFair;
  claim_date: string;
  booths: CalcBooth[];
  items: CalcItem[];
  /** What the enterprise's other claims of the same year already take from the annual cap. */
  annual_consumed_fen: number;
  /** Per item type, what those claims already take from the type's annual cap (absent: nothing). */
  annual_type_consumed_fen?: Partial<Record<ItemType, number>>;
}

export interface ItemLine {
  seq: number;
  item_type: ItemType;
  label: string;
  amount_fen: number;
  eligible: boolean;
  /** Why not eligible, or how the subsidy was worked out. */
  reason: string;
  ratio_bp: number;
  factor_bp: number;
  subsidy_fen: number;
  booth_seq: number | null;
}
export interface BoothLine {
  seq: number;
  booth_no: string;
  area_m2: number;
  kind: 'standard' | 'special';
  counted: boolean;
  factor_bp: number;
  subtotal_fen: number;
  cap_fen: number | null;
  cut_fen: number;
  after_fen: number;
}
export interface CapHit {
  kind: 'booth' | 'item_type' | 'item_type_annual' | 'fair' | 'annual' | 'stacking';
  label: string;
  cap_fen: number;
  before_fen: number;
  cut_fen: number;
}
export interface CalcResult {
  fair_eligible: boolean;
  fair_reason: string;
  ratio_bp: number;
  ratio_reason: string;
  items: ItemLine[];
  booths: BoothLine[];
  /**
   * Per non-booth item type: the subsidy, the per-fair cap, then the type's annual cap across the enterprise's
   * claims of the year. after_fen is what this claim takes from that annual cap.
   */
  type_totals: Array<{
    type: ItemType; label: string; subtotal_fen: number; cap_fen: number | null; cut_fen: number;
    annual_cap_fen: number | null; annual_consumed_fen: number; annual_cut_fen: number; after_fen: number;
  }>;
  caps: CapHit[];
  total_cost_fen: number;
  eligible_cost_fen: number;
  /** Sum of item subsidies before any cap. */
  items_subsidy_fen: number;
  fair_total_before_cap_fen: number;
  fair_cap_fen: number | null;
  fair_total_fen: number;
  annual: { cap_fen: number | null; consumed_fen: number; remaining_before_fen: number | null; granted_fen: number; remaining_after_fen: number | null };
  result_fen: number;
  /** The explanation, one Chinese sentence per step, for the 审核表 and the command line. */
  lines: string[];
}

/** amount × a/10000 × b/10000, rounded down to the fen (subsidies never round up). */
function applyRates(amount: number, aBp: number, bBp: number): number {
  if (amount < 90_000_000) return Math.floor((amount * aBp * bBp) / 100_000_000);
  return Number((BigInt(amount) * BigInt(aBp) * BigInt(bBp)) / 100_000_000n);
}

function tierFor(rules: RuleTable, position: number): BoothTier {
  let t = rules.booth_tiers[0]!;
  for (const x of rules.booth_tiers) if (x.from_booth <= position) t = x;
  return t;
}

/** Lookups derived from a rule table once, not once per claim (recalculating 50,000 claims shares one table). */
const derivedCache = new WeakMap<
  RuleTable,
  { eligible: Set<ItemType>; typeCap: Map<ItemType, number>; typeAnnualCap: Map<ItemType, number>; earliest: Map<string, string> }
>();
function derived(rules: RuleTable) {
  let d = derivedCache.get(rules);
  if (!d) {
    const typeCap = new Map<ItemType, number>();
    const typeAnnualCap = new Map<ItemType, number>();
    for (const c of rules.type_caps) {
      if (c.cap_fen !== null) typeCap.set(c.type, c.cap_fen);
      if (c.annual_cap_fen != null) typeAnnualCap.set(c.type, c.annual_cap_fen);
    }
    d = { eligible: new Set(rules.eligible_types), typeCap, typeAnnualCap, earliest: new Map() };
    derivedCache.set(rules, d);
  }
  return d;
}

/**
 * The subsidy of one claim. With `explain` (the default) every step also gets its Chinese sentence; batch
 * recalculation, which stores only the amounts, leaves the sentences out and computes the same figures.
 */
export function calculateClaim(rules: RuleTable, input: CalcInput, opts: { explain?: boolean } = {}): CalcResult {
  const explain = opts.explain !== false;
  const { fair } = input;
  const lines: string[] = [];
  const elig = fairEligibility(rules, fair.gov_level);
  if (explain) lines.push(elig.reason);
  const ratio = rules.ratio_bp[fair.scope][fair.market_type];
  const ratioReason = explain ? `补贴比例：${SCOPE_LABEL[fair.scope]}·${MARKET_LABEL[fair.market_type]} ${fmtPercent(ratio)}` : '';
  if (explain) lines.push(ratioReason);
  const d = derived(rules);
  const eligibleTypes = d.eligible;
  let earliestInvoice: string | null = null;
  if (rules.invoice_window_days !== null) {
    earliestInvoice = d.earliest.get(fair.start_date) ?? null;
    if (earliestInvoice === null) d.earliest.set(fair.start_date, (earliestInvoice = addDays(fair.start_date, -rules.invoice_window_days)));
  }

  // Booths in the order entered: the tier and the max-booth count follow that order.
  const boothBySeq = new Map<number, { line: BoothLine; position: number }>();
  const booths: BoothLine[] = [];
  input.booths.forEach((b, i) => {
    const position = i + 1;
    const counted = rules.max_booths_per_fair === null || position <= rules.max_booths_per_fair;
    const tier = tierFor(rules, position);
    const capBase = fair.scope === 'domestic' ? tier.cap_domestic_fen : tier.cap_overseas_fen;
    const units = rules.booth_cap_area_unit_m2 === null ? 1 : Math.max(1, Math.floor(b.area_m2 / rules.booth_cap_area_unit_m2 + 1e-9));
    const line: BoothLine = {
      seq: b.seq, booth_no: b.booth_no, area_m2: b.area_m2, kind: b.kind, counted, factor_bp: tier.factor_bp,
      subtotal_fen: 0, cap_fen: capBase === null ? null : capBase * units, cut_fen: 0, after_fen: 0,
    };
    booths.push(line);
    boothBySeq.set(b.seq, { line, position });
  });

  const items: ItemLine[] = [];
  const typeSub = new Map<ItemType, number>();
  let totalCost = 0;
  let eligibleCost = 0;
  let itemsSubsidy = 0;
  const caps: CapHit[] = [];
  for (const it of input.items) {
    totalCost += it.amount_fen;
    const label = ITEM_TYPE_LABEL[it.item_type];
    const line: ItemLine = {
      seq: it.seq, item_type: it.item_type, label, amount_fen: it.amount_fen, eligible: false, reason: '', ratio_bp: ratio,
      factor_bp: 10000, subsidy_fen: 0, booth_seq: it.booth_seq,
    };
    items.push(line);
    const booth = BOOTH_LINKED.has(it.item_type) ? (it.booth_seq === null ? undefined : boothBySeq.get(it.booth_seq)) : undefined;
    let why: string | null = null;
    if (!elig.ok) why = '展会不符合补贴条件';
    else if (!eligibleTypes.has(it.item_type)) why = `本规则不补贴「${label}」`;
    else if (it.payment_method === 'cash' && !rules.cash_allowed) why = '现金支付，不予补贴（须银行转账）';
    else if (it.invoice_date > input.claim_date) why = `发票日期 ${it.invoice_date} 晚于申请日期 ${input.claim_date}`;
    else if (earliestInvoice !== null && it.invoice_date < earliestInvoice) {
      why = `发票日期 ${it.invoice_date} 早于开展前 ${rules.invoice_window_days} 天（${earliestInvoice}）`;
    } else if (it.other_subsidy_fen > 0 && !rules.stacking_allowed) {
      why = `同一费用已获其他补贴 ${fmtYuan(it.other_subsidy_fen)} 元，本规则不允许叠加`;
    } else if (it.item_type === 'large_exhibit_return' && rules.large_exhibit_min) {
      const m = rules.large_exhibit_min;
      if (it.volume_m3 === null || it.weight_t === null || it.volume_m3 < m.volume_m3 || it.weight_t < m.weight_t) {
        why = `回运展品须同时不小于 ${m.volume_m3} m³ 和 ${m.weight_t} t（登记为 ${it.volume_m3 ?? '未填'} m³、${it.weight_t ?? '未填'} t）`;
      }
    }
    if (why === null && BOOTH_LINKED.has(it.item_type)) {
      if (!booth) why = '未对应到本申请登记的展位';
      else if (!booth.line.counted) why = `展位 ${booth.line.booth_no} 是第 ${booth.position} 个展位，超出每展最多 ${rules.max_booths_per_fair} 个展位`;
    }
    if (why !== null) {
      line.reason = why;
      if (explain) lines.push(`第 ${it.seq} 项 ${label} ${fmtYuan(it.amount_fen)} 元：不予补贴，${why}`);
      continue;
    }
    line.eligible = true;
    eligibleCost += it.amount_fen;
    const factor = booth ? booth.line.factor_bp : 10000;
    line.factor_bp = factor;
    let sub = applyRates(it.amount_fen, ratio, factor);
    let reason = !explain ? '' : `× ${fmtPercent(ratio)}${booth && rules.booth_tiers.length > 1 ? ` × 第 ${booth.position} 个展位 ${fmtPercent(factor)}` : ''} = ${fmtYuan(sub)} 元`;
    if (rules.stacking_allowed && it.other_subsidy_fen > 0) {
      const room = Math.max(0, it.amount_fen - it.other_subsidy_fen);
      if (sub > room) {
        caps.push({ kind: 'stacking', label: `第 ${it.seq} 项与其他补贴叠加不超过实际费用`, cap_fen: room, before_fen: sub, cut_fen: sub - room });
        if (explain) reason += `；已获其他补贴 ${fmtYuan(it.other_subsidy_fen)} 元，叠加后不超过实际费用，核减 ${fmtYuan(sub - room)} 元`;
        sub = room;
      }
    }
    line.subsidy_fen = sub;
    line.reason = reason;
    itemsSubsidy += sub;
    if (explain) lines.push(`第 ${it.seq} 项 ${label} ${fmtYuan(it.amount_fen)} 元${booth ? `（展位 ${booth.line.booth_no}）` : ''}：${reason}`);
    if (booth) booth.line.subtotal_fen += sub;
    else typeSub.set(it.item_type, (typeSub.get(it.item_type) ?? 0) + sub);
  }

  let fairTotal = 0;
  for (const b of booths) {
    b.after_fen = b.subtotal_fen;
    if (b.cap_fen !== null && b.subtotal_fen > b.cap_fen) {
      b.cut_fen = b.subtotal_fen - b.cap_fen;
      b.after_fen = b.cap_fen;
      const label = `展位 ${b.booth_no}（${b.area_m2} m²）每展位上限`;
      caps.push({ kind: 'booth', label, cap_fen: b.cap_fen, before_fen: b.subtotal_fen, cut_fen: b.cut_fen });
      if (explain) lines.push(`展位 ${b.booth_no} 补贴 ${fmtYuan(b.subtotal_fen)} 元，超过每展位上限 ${fmtYuan(b.cap_fen)} 元，核减 ${fmtYuan(b.cut_fen)} 元`);
    }
    fairTotal += b.after_fen;
  }
  const typeCapOf = d.typeCap;
  const typeTotals: CalcResult['type_totals'] = [];
  for (const [type, subtotal] of typeSub) {
    const cap = typeCapOf.get(type) ?? null;
    const perFair = cap !== null && subtotal > cap ? cap : subtotal;
    const label = ITEM_TYPE_LABEL[type];
    if (perFair < subtotal) {
      caps.push({ kind: 'item_type', label: `「${label}」分项上限`, cap_fen: cap!, before_fen: subtotal, cut_fen: subtotal - perFair });
      if (explain) lines.push(`「${label}」补贴 ${fmtYuan(subtotal)} 元，超过分项上限 ${fmtYuan(cap!)} 元，核减 ${fmtYuan(subtotal - perFair)} 元`);
    }
    // The type's annual cap is shared by the enterprise's claims of the year: what the others took comes off first.
    const annualCap = d.typeAnnualCap.get(type) ?? null;
    const typeConsumed = input.annual_type_consumed_fen?.[type] ?? 0;
    let after = perFair;
    if (annualCap !== null) {
      const room = Math.max(0, annualCap - typeConsumed);
      if (after > room) {
        caps.push({ kind: 'item_type_annual', label: `「${label}」每年上限`, cap_fen: room, before_fen: perFair, cut_fen: perFair - room });
        after = room;
      }
      if (explain) lines.push(
        `「${label}」每年上限 ${fmtYuan(annualCap)} 元，本年其他申请已用 ${fmtYuan(typeConsumed)} 元，剩余 ${fmtYuan(room)} 元` +
          (after < perFair ? `，本申请 ${fmtYuan(perFair)} 元核减 ${fmtYuan(perFair - after)} 元` : '') +
          `；本申请计入 ${fmtYuan(after)} 元后剩余 ${fmtYuan(room - after)} 元`,
      );
    }
    typeTotals.push({
      type, label, subtotal_fen: subtotal, cap_fen: cap, cut_fen: subtotal - perFair,
      annual_cap_fen: annualCap, annual_consumed_fen: typeConsumed, annual_cut_fen: perFair - after, after_fen: after,
    });
    fairTotal += after;
  }

  const beforeFairCap = fairTotal;
  if (rules.fair_cap_fen !== null && fairTotal > rules.fair_cap_fen) {
    caps.push({ kind: 'fair', label: '单展上限', cap_fen: rules.fair_cap_fen, before_fen: fairTotal, cut_fen: fairTotal - rules.fair_cap_fen });
    if (explain) lines.push(`本展会合计 ${fmtYuan(fairTotal)} 元，超过单展上限 ${fmtYuan(rules.fair_cap_fen)} 元，核减 ${fmtYuan(fairTotal - rules.fair_cap_fen)} 元`);
    fairTotal = rules.fair_cap_fen;
  } else {
    if (explain) lines.push(`本展会合计 ${fmtYuan(fairTotal)} 元${rules.fair_cap_fen !== null ? `（单展上限 ${fmtYuan(rules.fair_cap_fen)} 元）` : ''}`);
  }

  const consumed = input.annual_consumed_fen;
  let result = fairTotal;
  let remainingBefore: number | null = null;
  let remainingAfter: number | null = null;
  if (rules.annual_cap_fen !== null) {
    remainingBefore = Math.max(0, rules.annual_cap_fen - consumed);
    if (result > remainingBefore) {
      caps.push({ kind: 'annual', label: '企业年度上限', cap_fen: remainingBefore, before_fen: result, cut_fen: result - remainingBefore });
      result = remainingBefore;
    }
    remainingAfter = remainingBefore - result;
    if (explain) lines.push(
      `企业年度上限 ${fmtYuan(rules.annual_cap_fen)} 元，本年其他申请已用 ${fmtYuan(consumed)} 元，剩余 ${fmtYuan(remainingBefore)} 元` +
        (result < fairTotal ? `，本申请核减 ${fmtYuan(fairTotal - result)} 元` : '') +
        `；本申请核定 ${fmtYuan(result)} 元后剩余 ${fmtYuan(remainingAfter)} 元`,
    );
  }
  if (explain) lines.push(`核定补贴金额：${fmtYuan(result)} 元`);
  return {
    fair_eligible: elig.ok,
    fair_reason: elig.reason,
    ratio_bp: ratio,
    ratio_reason: ratioReason,
    items,
    booths,
    type_totals: typeTotals,
    caps,
    total_cost_fen: totalCost,
    eligible_cost_fen: eligibleCost,
    items_subsidy_fen: itemsSubsidy,
    fair_total_before_cap_fen: beforeFairCap,
    fair_cap_fen: rules.fair_cap_fen,
    fair_total_fen: fairTotal,
    annual: { cap_fen: rules.annual_cap_fen, consumed_fen: consumed, remaining_before_fen: remainingBefore, granted_fen: result, remaining_after_fen: remainingAfter },
    result_fen: result,
    lines,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Many claims at once: the annual cap is shared by an enterprise's claims of one year, consumed in claim order.

export interface BatchClaim extends Omit<CalcInput, 'annual_consumed_fen' | 'annual_type_consumed_fen'> {
  id: number;
  rules: RuleTable;
  enterprise_id: number;
  subsidy_year: number;
  /** Claims that count against the annual cap (submitted onwards, not returned or rejected). */
  live: boolean;
  /** Approved or paid claims keep their frozen amount; they consume the cap but are not recalculated. */
  frozen_fen: number | null;
  /** What a frozen claim took from each type's annual cap (its stored type_totals' after_fen). */
  frozen_type_fen?: Partial<Record<ItemType, number>>;
}

/**
 * What a claim takes from each item type's annual cap: the type's subsidy after its per-fair and per-year caps.
 * The whole-claim caps (单展, 企业年度) that may cut the claim afterwards are not spread back over the types.
 */
export function typeConsumption(r: Pick<CalcResult, 'type_totals'>): Partial<Record<ItemType, number>> {
  const out: Partial<Record<ItemType, number>> = {};
  for (const t of r.type_totals) if (t.after_fen > 0) out[t.type] = (out[t.type] ?? 0) + t.after_fen;
  return out;
}

function addTypes(into: Map<string, Partial<Record<ItemType, number>>>, k: string, add: Partial<Record<ItemType, number>>) {
  let m = into.get(k);
  if (!m) into.set(k, (m = {}));
  for (const [t, v] of Object.entries(add) as Array<[ItemType, number]>) m[t] = (m[t] ?? 0) + v;
}

/** Calculates claims in id order, so each sees what the enterprise's earlier claims of the year consumed. */
export function calculateBatch(claims: BatchClaim[], opts: { explain?: boolean; only?: number } = {}): Map<number, CalcResult> {
  const sorted = [...claims].sort((a, b) => a.id - b.id);
  const consumed = new Map<string, number>();
  const typeConsumed = new Map<string, Partial<Record<ItemType, number>>>();
  // Frozen claims consume the cap whatever their position, because their amount can no longer move.
  for (const c of sorted) {
    if (c.frozen_fen !== null) {
      const k = `${c.enterprise_id}:${c.subsidy_year}`;
      consumed.set(k, (consumed.get(k) ?? 0) + c.frozen_fen);
      if (c.frozen_type_fen) addTypes(typeConsumed, k, c.frozen_type_fen);
    }
  }
  const out = new Map<number, CalcResult>();
  for (const c of sorted) {
    if (c.frozen_fen !== null) continue;
    // With `only`, the claims before it are worked out for what they consume, and only it is explained.
    if (opts.only !== undefined && c.id > opts.only) break;
    const k = `${c.enterprise_id}:${c.subsidy_year}`;
    const r = calculateClaim(
      c.rules,
      {
        fair: c.fair, claim_date: c.claim_date, booths: c.booths, items: c.items, annual_consumed_fen: consumed.get(k) ?? 0,
        annual_type_consumed_fen: typeConsumed.get(k),
      },
      { explain: opts.explain !== false && (opts.only === undefined || c.id === opts.only) },
    );
    out.set(c.id, r);
    if (c.live) {
      consumed.set(k, (consumed.get(k) ?? 0) + r.result_fen);
      if (r.type_totals.length) addTypes(typeConsumed, k, typeConsumption(r));
    }
  }
  return out;
}
