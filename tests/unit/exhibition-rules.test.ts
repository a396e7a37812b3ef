// Every rule of the exhibition-subsidy calculation, with amounts worked out by hand in integer fen.
import { describe, expect, it } from 'vitest';
import {
  calculateBatch, calculateClaim, deadlineFor, ruleTableInput, ruleTableToInput, type BatchClaim, type CalcInput, type CalcItem,
  type RuleTable, type RuleTableInput,
} from '../../db/exhibitions/rules.js';
import { parseYuan } from '../../db/exhibitions/money.js';
import { SAMPLE_RULE_SETS } from '../../db/migrations/0005-exhibition-samples.js';

const base: RuleTableInput = {
  eligible_types: ['booth_fee', 'special_fit_out', 'transport', 'large_exhibit_return'],
  ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '80', belt_road: '80' } },
  booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: null, cap_overseas_yuan: null }],
  fair_cap_yuan: null,
  annual_cap_yuan: null,
};
const rules = (over: Partial<RuleTableInput> = {}): RuleTable => ruleTableInput.parse({ ...base, ...over });

const fair = (over: Partial<CalcInput['fair']> = {}): CalcInput['fair'] => ({
  gov_level: 'provincial', scope: 'domestic', market_type: 'traditional', start_date: '2026-01-10', end_date: '2026-01-14', ...over,
});
let seq = 0;
const item = (type: CalcItem['item_type'], yuan: number, over: Partial<CalcItem> = {}): CalcItem => ({
  seq: ++seq, item_type: type, booth_seq: type === 'booth_fee' || type === 'special_fit_out' || type === 'construction' ? 1 : null,
  amount_fen: Math.round(yuan * 100), invoice_date: '2026-01-05', payment_method: 'transfer', volume_m3: null, weight_t: null,
  other_subsidy_fen: 0, ...over,
});
const booth = (s: number, area = 9) => ({ seq: s, booth_no: `A${s}`, area_m2: area, kind: 'standard' as const });
const input = (items: CalcItem[], over: Partial<CalcInput> = {}): CalcInput => ({
  fair: fair(), claim_date: '2026-02-01', booths: [booth(1)], items, annual_consumed_fen: 0, ...over,
});

describe('eligibility of items', () => {
  it('excludes types outside the table (注册费, 搭建费) and says why', () => {
    const r = calculateClaim(rules(), input([item('booth_fee', 10000), item('registration', 2000), item('construction', 3000)]));
    expect(r.result_fen).toBe(500_000); // 1,000,000 × 50 %
    expect(r.total_cost_fen).toBe(1_500_000);
    expect(r.eligible_cost_fen).toBe(1_000_000);
    expect(r.items.map((i) => i.eligible)).toEqual([true, false, false]);
    expect(r.items[1]!.reason).toBe('本规则不补贴「注册费」');
    expect(r.items[2]!.reason).toBe('本规则不补贴「搭建费」');
    expect(r.lines.some((l) => l.includes('注册费') && l.includes('不予补贴'))).toBe(true);
  });

  it('refuses cash-paid items unless the table accepts cash', () => {
    const items = [item('booth_fee', 10000), item('transport', 4000, { payment_method: 'cash' })];
    const r = calculateClaim(rules(), input(items));
    expect(r.result_fen).toBe(500_000);
    expect(r.items[1]!.reason).toContain('现金支付');
    expect(calculateClaim(rules({ cash_allowed: true }), input(items)).result_fen).toBe(700_000); // + 400,000 × 50 %
  });

  it('refuses everything at a fair not organised by a government at county level or above (条例 art. 36)', () => {
    const r = calculateClaim(rules(), input([item('booth_fee', 10000)], { fair: fair({ gov_level: 'none' }) }));
    expect(r.fair_eligible).toBe(false);
    expect(r.result_fen).toBe(0);
    expect(r.fair_reason).toContain('第三十六条');
    const cityOnly = rules({ min_gov_level: 'city' });
    expect(calculateClaim(cityOnly, input([item('booth_fee', 10000)], { fair: fair({ gov_level: 'county' }) })).result_fen).toBe(0);
  });

  it('requires 大型展品 to reach both volume and weight', () => {
    const r0 = rules({ large_exhibit_min: { volume_m3: 1, weight_t: 1 } });
    const small = calculateClaim(r0, input([item('large_exhibit_return', 8000, { volume_m3: 0.8, weight_t: 2 })]));
    expect(small.result_fen).toBe(0);
    expect(small.items[0]!.reason).toContain('1 m³');
    const big = calculateClaim(r0, input([item('large_exhibit_return', 8000, { volume_m3: 2, weight_t: 1.5 })]));
    expect(big.result_fen).toBe(400_000);
  });

  it('refuses invoices dated after the claim or long before the fair', () => {
    const r = calculateClaim(rules(), input([item('booth_fee', 1000, { invoice_date: '2026-02-02' }), item('transport', 1000, { invoice_date: '2024-12-31' })]));
    expect(r.result_fen).toBe(0);
    expect(r.items[0]!.reason).toContain('晚于申请日期');
    expect(r.items[1]!.reason).toContain('早于开展前 365 天');
  });
});

describe('ratio by market and scope', () => {
  it.each([
    ['domestic', 'traditional', 500_000],
    ['domestic', 'emerging', 700_000],
    ['domestic', 'belt_road', 700_000],
    ['overseas', 'traditional', 600_000],
    ['overseas', 'belt_road', 800_000],
  ] as const)('%s / %s', (scope, market, expected) => {
    const r = calculateClaim(rules(), input([item('booth_fee', 10000)], { fair: fair({ scope, market_type: market }) }));
    expect(r.result_fen).toBe(expected);
  });

  it('rounds down to the fen, never up', () => {
    // 33,333 fen × 70 % = 23,333.1 fen
    const r = calculateClaim(rules(), input([item('booth_fee', 333.33)], { fair: fair({ market_type: 'emerging' }) }));
    expect(r.result_fen).toBe(23_333);
  });
});

describe('caps, each alone', () => {
  it('per booth, domestic and overseas, and per unit of area', () => {
    const r0 = rules({ booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: '3000', cap_overseas_yuan: '6000' }] });
    const d = calculateClaim(r0, input([item('booth_fee', 10000)]));
    expect(d.result_fen).toBe(300_000); // 500,000 capped at 300,000
    expect(d.caps).toEqual([{ kind: 'booth', label: '展位 A1（9 m²）每展位上限', cap_fen: 300_000, before_fen: 500_000, cut_fen: 200_000 }]);
    const o = calculateClaim(r0, input([item('booth_fee', 10000)], { fair: fair({ scope: 'overseas' }) }));
    expect(o.result_fen).toBe(600_000); // 600,000 equals the cap: nothing cut
    expect(o.caps).toEqual([]);
    const perArea = rules({ booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: '3000' }], booth_cap_area_unit_m2: 9 });
    const big = calculateClaim(perArea, input([item('booth_fee', 20000)], { booths: [booth(1, 18)] }));
    expect(big.result_fen).toBe(600_000); // 1,000,000 capped at 2 × 300,000
  });

  it('per item type', () => {
    const r = calculateClaim(rules({ type_caps: [{ type: 'transport', cap_yuan: '1000' }] }), input([item('transport', 5000)]));
    expect(r.result_fen).toBe(100_000); // 250,000 capped at 100,000
    expect(r.caps[0]).toMatchObject({ kind: 'item_type', cut_fen: 150_000 });
  });

  it('per fair', () => {
    const r = calculateClaim(rules({ fair_cap_yuan: '4000' }), input([item('booth_fee', 10000), item('transport', 2000)]));
    expect(r.fair_total_before_cap_fen).toBe(600_000);
    expect(r.result_fen).toBe(400_000);
    expect(r.caps[0]).toMatchObject({ kind: 'fair', cut_fen: 200_000 });
  });

  it('per enterprise per year, given what other claims consumed', () => {
    const r = calculateClaim(rules({ annual_cap_yuan: '10000' }), input([item('booth_fee', 10000)], { annual_consumed_fen: 800_000 }));
    expect(r.result_fen).toBe(200_000);
    expect(r.annual).toEqual({ cap_fen: 1_000_000, consumed_fen: 800_000, remaining_before_fen: 200_000, granted_fen: 200_000, remaining_after_fen: 0 });
    expect(r.lines.some((l) => l.includes('已用 8,000.00 元') && l.includes('剩余 2,000.00 元'))).toBe(true);
  });
});

describe('booth-count tiers and maximum booths', () => {
  it('first two booths at 100 %, from the third at 50 %', () => {
    const r0 = rules({
      ratio_pct: { domestic: { traditional: '100', emerging: '100', belt_road: '100' }, overseas: { traditional: '100', emerging: '100', belt_road: '100' } },
      booth_tiers: [{ from_booth: 1, factor_pct: '100' }, { from_booth: 3, factor_pct: '50' }],
    });
    const items = [1, 2, 3].map((b) => item('booth_fee', 10000, { booth_seq: b }));
    const r = calculateClaim(r0, input(items, { booths: [booth(1), booth(2), booth(3)] }));
    expect(r.booths.map((b) => b.after_fen)).toEqual([1_000_000, 1_000_000, 500_000]);
    expect(r.result_fen).toBe(2_500_000);
    expect(r.items[2]!.reason).toContain('第 3 个展位 50%');
  });

  it('booths beyond the maximum per fair get nothing', () => {
    const r0 = rules({ max_booths_per_fair: 4 });
    const items = [1, 2, 3, 4, 5].map((b) => item('booth_fee', 1000, { booth_seq: b }));
    const r = calculateClaim(r0, input(items, { booths: [1, 2, 3, 4, 5].map((s) => booth(s)) }));
    expect(r.result_fen).toBe(200_000); // 4 × 50,000
    expect(r.items[4]!.reason).toContain('超出每展最多 4 个展位');
  });
});

describe('stacking with other subsidies', () => {
  it('refuses an item already subsidised when stacking is not allowed', () => {
    const r = calculateClaim(rules(), input([item('booth_fee', 10000, { other_subsidy_fen: 100_000 })]));
    expect(r.result_fen).toBe(0);
    expect(r.items[0]!.reason).toContain('不允许叠加');
  });
  it('when allowed, keeps the sum within the actual cost', () => {
    const r = calculateClaim(rules({ stacking_allowed: true }), input([item('booth_fee', 10000, { other_subsidy_fen: 800_000 })]));
    expect(r.result_fen).toBe(200_000); // 500,000, but only 1,000,000 − 800,000 is left
    expect(r.caps[0]).toMatchObject({ kind: 'stacking', cut_fen: 300_000 });
  });
});

describe('all caps together (吉林-like table)', () => {
  it('booth cap, item-type cap, fair cap and annual cap each bite, in that order', () => {
    const r0 = rules({
      eligible_types: ['booth_fee', 'transport'],
      ratio_pct: { domestic: { traditional: '100', emerging: '100', belt_road: '100' }, overseas: { traditional: '100', emerging: '100', belt_road: '100' } },
      booth_tiers: [
        { from_booth: 1, factor_pct: '100', cap_domestic_yuan: '50000', cap_overseas_yuan: '50000' },
        { from_booth: 3, factor_pct: '50', cap_domestic_yuan: '50000', cap_overseas_yuan: '50000' },
      ],
      type_caps: [{ type: 'transport', cap_yuan: '10000' }],
      fair_cap_yuan: '150000',
      annual_cap_yuan: '600000',
    });
    const items = [
      item('booth_fee', 60000, { booth_seq: 1 }), // 6,000,000 → booth cap 5,000,000
      item('booth_fee', 50000, { booth_seq: 2 }), // 5,000,000
      item('booth_fee', 40000, { booth_seq: 3 }), // × 50 % = 2,000,000
      item('booth_fee', 50000, { booth_seq: 4 }), // × 50 % = 2,500,000
      item('transport', 15000), //                  1,500,000 → type cap 1,000,000
    ];
    const r = calculateClaim(r0, input(items, { booths: [1, 2, 3, 4].map((s) => booth(s)), annual_consumed_fen: 50_000_000 }));
    expect(r.items_subsidy_fen).toBe(17_000_000);
    expect(r.caps.map((c) => [c.kind, c.cut_fen])).toEqual([
      ['booth', 1_000_000],
      ['item_type', 500_000],
      ['fair', 500_000], // 15,500,000 → 15,000,000
      ['annual', 5_000_000], // 60,000,000 − 50,000,000 left: 10,000,000
    ]);
    expect(r.fair_total_fen).toBe(15_000_000);
    expect(r.result_fen).toBe(10_000_000);
    expect(r.lines.at(-1)).toBe('核定补贴金额：100,000.00 元');
  });
});

describe('annual cap across claims', () => {
  const r0 = rules({ annual_cap_yuan: '10000' });
  const claim = (id: number, over: Partial<BatchClaim> = {}): BatchClaim => ({
    id, rules: r0, enterprise_id: 7, subsidy_year: 2026, live: true, frozen_fen: null, ...input([item('booth_fee', 10000)]), ...over,
  });
  it('is consumed in claim order; other enterprises and drafts do not consume it', () => {
    const out = calculateBatch([claim(3), claim(1), claim(2, { live: false }), claim(4, { enterprise_id: 8 }), claim(5)]);
    expect(out.get(1)!.result_fen).toBe(500_000);
    expect(out.get(2)!.result_fen).toBe(500_000); // a draft sees 500,000 consumed, consumes nothing itself
    expect(out.get(3)!.result_fen).toBe(500_000);
    expect(out.get(5)!.result_fen).toBe(0);
    expect(out.get(5)!.caps[0]).toMatchObject({ kind: 'annual', cut_fen: 500_000 });
    expect(out.get(4)!.result_fen).toBe(500_000);
  });
  it('approved claims consume first, whatever their position', () => {
    const out = calculateBatch([claim(1), claim(2), claim(3, { frozen_fen: 300_000 })]);
    expect(out.has(3)).toBe(false);
    expect(out.get(1)!.result_fen).toBe(500_000);
    expect(out.get(2)!.result_fen).toBe(200_000);
  });
});

describe('per-year cap on an item type across claims (吉林: 运输费 ≤ 1 万 per fair, ≤ 5 万 per year)', () => {
  // 50 % domestic; transport capped at 10,000 元 per fair and 25,000 元 per year across the enterprise's claims.
  const r0 = rules({ type_caps: [{ type: 'transport', cap_yuan: '10000', annual_cap_yuan: '25000' }] });
  const claim = (id: number, items: CalcItem[], over: Partial<BatchClaim> = {}): BatchClaim => ({
    id, rules: r0, enterprise_id: 7, subsidy_year: 2026, live: true, frozen_fen: null, ...input(items), ...over,
  });

  it('takes the per-fair cap first, then what the earlier claims of the year left, and explains both', () => {
    const out = calculateBatch([
      claim(1, [item('booth_fee', 10000), item('transport', 30000)]), // 500,000 + (1,500,000 → fair cap 1,000,000)
      claim(2, [item('transport', 16000.5)]), //                         1,600,050 × 50 % = 800,025, room 1,500,000
      claim(3, [item('transport', 20000)]), //                           1,000,000, room 2,500,000 − 1,800,025 = 699,975
      claim(4, [item('transport', 2000)], { live: false }), //           a draft: 100,000, room 0
      claim(5, [item('transport', 2000)], { enterprise_id: 8 }), //      another enterprise: its own cap
    ], { explain: true });
    const c1 = out.get(1)!;
    expect(c1.result_fen).toBe(1_500_000);
    expect(c1.caps.map((c) => [c.kind, c.cut_fen])).toEqual([['item_type', 500_000]]);
    expect(c1.type_totals[0]).toMatchObject({
      type: 'transport', subtotal_fen: 1_500_000, cap_fen: 1_000_000, cut_fen: 500_000, annual_cap_fen: 2_500_000, annual_consumed_fen: 0,
      annual_cut_fen: 0, after_fen: 1_000_000,
    });
    expect(out.get(2)!.result_fen).toBe(800_025);
    expect(out.get(2)!.type_totals[0]).toMatchObject({ annual_consumed_fen: 1_000_000, after_fen: 800_025 });
    const c3 = out.get(3)!;
    expect(c3.result_fen).toBe(699_975);
    expect(c3.caps).toEqual([{ kind: 'item_type_annual', label: '「运输费」每年上限', cap_fen: 699_975, before_fen: 1_000_000, cut_fen: 300_025 }]);
    expect(c3.lines).toContain('「运输费」每年上限 25,000.00 元，本年其他申请已用 18,000.25 元，剩余 6,999.75 元，本申请 10,000.00 元核减 3,000.25 元；本申请计入 6,999.75 元后剩余 0.00 元');
    expect(out.get(4)!.result_fen).toBe(0);
    expect(out.get(4)!.caps[0]).toMatchObject({ kind: 'item_type_annual', cap_fen: 0, cut_fen: 100_000 });
    expect(out.get(5)!.result_fen).toBe(100_000);
  });

  it('approved claims consume the type cap with their stored share, whatever their position', () => {
    const out = calculateBatch([
      claim(1, [item('transport', 20000)]), // 1,000,000, room 2,500,000 − 2,000,000 = 500,000
      claim(2, [item('transport', 30000)], { frozen_fen: 2_000_000, frozen_type_fen: { transport: 2_000_000 } }),
    ]);
    expect(out.get(1)!.result_fen).toBe(500_000);
    expect(out.get(1)!.caps[0]).toMatchObject({ kind: 'item_type_annual', cut_fen: 500_000 });
  });

  it('a single claim given the consumption directly; booth costs are not touched by a type cap', () => {
    const r = calculateClaim(r0, input([item('booth_fee', 10000), item('transport', 5000)], { annual_type_consumed_fen: { transport: 2_400_001 } }));
    expect(r.result_fen).toBe(500_000 + 99_999); // transport 250,000 → room 99,999
  });

  it('an annual cap alone is enough; contradictions are named', () => {
    const only = rules({ type_caps: [{ type: 'transport', cap_yuan: null, annual_cap_yuan: '100' }] });
    expect(calculateClaim(only, input([item('transport', 1000)])).result_fen).toBe(10_000);
    const problem = (over: Partial<RuleTableInput>) => {
      const res = ruleTableInput.safeParse({ ...base, ...over });
      return res.success ? [] : res.error.issues.map((i) => i.message);
    };
    expect(problem({ type_caps: [{ type: 'transport', cap_yuan: null, annual_cap_yuan: null }] })[0]).toContain('必填');
    expect(problem({ type_caps: [{ type: 'transport', cap_yuan: '200', annual_cap_yuan: '100' }] })[0]).toContain('两者矛盾');
    expect(problem({ annual_cap_yuan: '50', type_caps: [{ type: 'transport', cap_yuan: null, annual_cap_yuan: '100' }] })[0]).toContain('高于企业年度上限');
    expect(ruleTableInput.parse(ruleTableToInput(r0))).toEqual(r0);
  });
});

describe('deadline and recalculation', () => {
  it('the deadline is the fair end plus the table\'s days', () => {
    expect(deadlineFor(rules(), '2026-01-31')).toBe('2026-03-02');
    expect(deadlineFor(rules({ deadline_days: null }), '2026-01-31')).toBeNull();
  });
  it('the same claim under a revised table gives the new amount', () => {
    const c = input([item('booth_fee', 10000)]);
    expect(calculateClaim(rules(), c).result_fen).toBe(500_000);
    const revised = rules({ ratio_pct: { ...base.ratio_pct, domestic: { traditional: '60', emerging: '70', belt_road: '70' } } });
    expect(calculateClaim(revised, c).result_fen).toBe(600_000);
  });
});

describe('rule tables: contradictions refused naming the field', () => {
  const problem = (over: Partial<RuleTableInput>) => {
    const r = ruleTableInput.safeParse({ ...base, ...over });
    if (r.success) throw new Error('expected a problem');
    return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('overlapping booth tiers', () => {
    expect(problem({ booth_tiers: [{ from_booth: 1, factor_pct: '100' }, { from_booth: 1, factor_pct: '50' }] })[0]).toMatch(/^booth_tiers\.1\.from_booth: .*重叠/);
    expect(problem({ booth_tiers: [{ from_booth: 2, factor_pct: '100' }] })[0]).toContain('第 1 个展位');
  });
  it('caps that contradict each other', () => {
    expect(problem({ fair_cap_yuan: '200000', annual_cap_yuan: '100000' })[0]).toMatch(/^fair_cap_yuan: 单展上限 200,000.00 元高于企业年度上限/);
    expect(problem({ fair_cap_yuan: '1000', booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: '5000' }] })[0]).toMatch(/^booth_tiers\.0\.cap_domestic_yuan/);
    expect(problem({ type_caps: [{ type: 'transport', cap_yuan: '1' }, { type: 'transport', cap_yuan: '2' }] })[0]).toContain('重复');
    expect(problem({ type_caps: [{ type: 'accommodation', cap_yuan: '1' }] })[0]).toContain('不在补贴范围内');
    expect(problem({ type_caps: [{ type: 'booth_fee', cap_yuan: '1' }] })[0]).toContain('每展位上限');
    expect(problem({ max_booths_per_fair: 2, booth_tiers: [{ from_booth: 1, factor_pct: '100' }, { from_booth: 3, factor_pct: '50' }] })[0]).toContain('永远用不到');
  });
  it('bad money and percentages', () => {
    expect(problem({ fair_cap_yuan: '1000.005' })[0]).toBe('fair_cap_yuan: 「1000.005」最多两位小数（到分）');
    expect(problem({ annual_cap_yuan: '-5' })[0]).toBe('annual_cap_yuan: 不能为负数');
    expect(problem({ ratio_pct: { ...base.ratio_pct, overseas: { traditional: '101', emerging: '80', belt_road: '80' } } })[0]).toBe('ratio_pct.overseas.traditional: 不能超过 100%');
  });
});

describe('money parsing', () => {
  it('parses yuan exactly from the text', () => {
    expect(parseYuan('0.29')).toEqual({ ok: true, fen: 29 });
    expect(parseYuan('1,234.5')).toEqual({ ok: true, fen: 123_450 });
    expect(parseYuan('￥80000元')).toEqual({ ok: true, fen: 8_000_000 });
    expect(parseYuan(19.99)).toEqual({ ok: true, fen: 1999 });
    expect(parseYuan('1.005')).toMatchObject({ ok: false, message: expect.stringContaining('两位小数') });
    expect(parseYuan(0.1 + 0.2)).toMatchObject({ ok: false });
    expect(parseYuan('-3')).toMatchObject({ ok: false, message: '不能为负数' });
    expect(parseYuan('十元')).toMatchObject({ ok: false, message: expect.stringContaining('不是有效金额') });
  });
});

describe('shipped samples (domain.md §3)', () => {
  it.each(SAMPLE_RULE_SETS.map((s) => [s.name, s] as const))('%s is a valid table and survives the edit form', (_n, s) => {
    const parsed = ruleTableInput.parse(ruleTableToInput(s.rules as unknown as RuleTable));
    expect(parsed).toEqual(s.rules);
  });
  it('示例：北京 2020: an 18 m² booth at an emerging-market fair, 70 % capped at 30,000 元 per 9 m²', () => {
    const bj = SAMPLE_RULE_SETS.find((s) => s.name === '示例：北京 2020')!.rules as unknown as RuleTable;
    const r = calculateClaim(bj, input([item('booth_fee', 100000), item('construction', 20000)], {
      fair: fair({ scope: 'overseas', market_type: 'emerging' }), booths: [booth(1, 18)],
    }));
    expect(r.result_fen).toBe(6_000_000); // 7,000,000 capped at 2 × 3,000,000; 搭建费 excluded
  });
  it('示例：常州: 2万 for the first booth, 1万 for each further one', () => {
    const cz = SAMPLE_RULE_SETS.find((s) => s.name === '示例：常州')!.rules as unknown as RuleTable;
    const items = [1, 2, 3].map((b) => item('booth_fee', 50000, { booth_seq: b }));
    const r = calculateClaim(cz, input(items, { booths: [booth(1), booth(2), booth(3)] }));
    expect(r.result_fen).toBe(2_000_000 + 1_000_000 + 1_000_000);
  });
});
