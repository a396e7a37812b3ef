import { describe, expect, it } from 'vitest';
import { evaluate, formatEvaluation, validateDefinition, type RecordedEvent, type RuleDefinitionInput } from '../../db/towns/assessment.js';
import type { IndicatorDef } from '../../db/towns/rules.js';
import { AppError } from '../../db/result.js';

const DEFS: IndicatorDef[] = [
  { code: 'output_wan', name: '主导产业产值', unit: '万元', kind: 'wan' },
  { code: 'little_giants', name: '专精特新"小巨人"数', unit: '户', kind: 'count' },
  { code: 'single_champions', name: '制造业单项冠军数', unit: '户', kind: 'count' },
  { code: 'provincial_zjtx', name: '省级专精特新中小企业数', unit: '户', kind: 'count' },
  { code: 'high_tech', name: '高新技术企业数', unit: '户', kind: 'count' },
  { code: 'leading_share', name: '主导产业占比', unit: '%', kind: 'percent' },
  { code: 'market_share', name: '市场占有率', unit: '', kind: 'text' },
];
const DEF_MAP = new Map(DEFS.map((d) => [d.code, d]));

const grades = [
  { name: '优秀', min: 90 },
  { name: '良好', min: 75 },
  { name: '合格', min: 60 },
  { name: '不合格', min: 0, proposes: 'warn' as const },
];
const rules = (criteria: RuleDefinitionInput['criteria'], g = grades) => validateDefinition({ criteria, grades: g }, DEFS);

type Year = Record<string, number | string | null>;
const data = (years: Record<number, Year>, events: RecordedEvent[] = []) => ({ years: new Map(Object.entries(years).map(([y, v]) => [Number(y), v])), events });

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('rule evaluation', () => {
  const everyYear = rules([{ id: 'o', label: '近三年产值均 ≥ 40 亿元', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 400000, years: 3, weight: 10 }]);

  it('threshold over N years passes only when every year passes, and shows each figure used', () => {
    const ok = evaluate(everyYear, data({ 2022: { output_wan: 410000 }, 2023: { output_wan: 450000 }, 2024: { output_wan: 400000 } }), 2024, DEF_MAP);
    expect(ok.criteria[0]!.status).toBe('pass');
    expect(ok.criteria[0]!.figures.map((f) => [f.year, f.value])).toEqual([[2022, 410000], [2023, 450000], [2024, 400000]]);
    const bad = evaluate(everyYear, data({ 2022: { output_wan: 399999 }, 2023: { output_wan: 450000 }, 2024: { output_wan: 500000 } }), 2024, DEF_MAP);
    expect(bad.criteria[0]!.status).toBe('fail');
    expect(bad.criteria[0]!.detail).toContain('2022年 399999');
    expect(bad.passed).toBe(false);
  });

  it('a missing indicator is reported as missing, not as zero, and leaves grade and verdict open', () => {
    const r = evaluate(everyYear, data({ 2023: { output_wan: 450000 }, 2024: { output_wan: 500000 } }), 2024, DEF_MAP);
    expect(r.criteria[0]!.status).toBe('missing');
    expect(r.criteria[0]!.figures[0]).toMatchObject({ year: 2022, value: null });
    expect(r.missing).toEqual([{ indicator: 'output_wan', name: '主导产业产值', year: 2022 }]);
    expect(r.passed).toBeNull();
    expect(r.grade).toBeNull();
    expect(r.proposal).toBeNull();
    expect(r.criteria[0]!.detail).toContain('2022年 未填报');
    // a reported zero is a figure, and fails
    const zero = evaluate(everyYear, data({ 2022: { output_wan: 0 }, 2023: { output_wan: 450000 }, 2024: { output_wan: 500000 } }), 2024, DEF_MAP);
    expect(zero.criteria[0]!.status).toBe('fail');
    expect(zero.missing).toEqual([]);
  });

  it('average growth over N years is the compound annual rate between the window ends', () => {
    const g = rules([{ id: 'g', label: '年均增速 > 10%', kind: 'growth', indicator: 'output_wan', op: '>', value: 10, years: 3, weight: 10 }]);
    // 100 → 121 over two periods = exactly 10 %: not > 10
    const flat = evaluate(g, data({ 2022: { output_wan: 100 }, 2024: { output_wan: 121 } }), 2024, DEF_MAP);
    expect(flat.criteria[0]).toMatchObject({ status: 'fail', computed: 10 });
    const up = evaluate(g, data({ 2022: { output_wan: 100 }, 2024: { output_wan: 125 } }), 2024, DEF_MAP);
    expect(up.criteria[0]).toMatchObject({ status: 'pass', computed: 11.8 });
    const gap = evaluate(g, data({ 2024: { output_wan: 125 } }), 2024, DEF_MAP);
    expect(gap.criteria[0]).toMatchObject({ status: 'missing', computed: null });
    expect(gap.missing).toEqual([{ indicator: 'output_wan', name: '主导产业产值', year: 2022 }]);
  });

  it('tier alternatives: any one met passes; a met alternative makes the other one\'s gaps irrelevant', () => {
    const t = rules([
      {
        id: 't', label: '梯度', kind: 'tier', weight: 10,
        alternatives: [
          { label: '冠军或小巨人', indicators: ['single_champions', 'little_giants'], min: 1 },
          { label: '专精特新＋高企', indicators: ['provincial_zjtx', 'high_tech'], min: 10 },
        ],
      },
    ]);
    expect(evaluate(t, data({ 2024: { single_champions: 0, little_giants: 1 } }), 2024, DEF_MAP).criteria[0]!.status).toBe('pass');
    const second = evaluate(t, data({ 2024: { single_champions: 0, little_giants: 0, provincial_zjtx: 6, high_tech: 4 } }), 2024, DEF_MAP);
    expect(second.criteria[0]).toMatchObject({ status: 'pass', computed: 10 });
    const none = evaluate(t, data({ 2024: { single_champions: 0, little_giants: 0, provincial_zjtx: 6, high_tech: 3 } }), 2024, DEF_MAP);
    expect(none.criteria[0]!.status).toBe('fail');
    const open = evaluate(t, data({ 2024: { single_champions: 0, little_giants: 0, provincial_zjtx: 6 } }), 2024, DEF_MAP);
    expect(open.criteria[0]!.status).toBe('missing');
    expect(open.missing.map((m) => m.indicator)).toEqual(['high_tech']);
    const metWithGaps = evaluate(t, data({ 2024: { little_giants: 2 } }), 2024, DEF_MAP);
    expect(metWithGaps.missing).toEqual([]);
  });

  it('veto: an event of the listed kind and severity within the window fails the town whatever its score', () => {
    const v = rules([
      { id: 'o', label: '产值', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 1, weight: 10 },
      { id: 'v', label: '近3年无较大及以上安全事故', kind: 'veto', events: ['safety_accident'], min_severity: 'larger', years: 3 },
    ]);
    const y = { 2024: { output_wan: 10 } };
    const minor: RecordedEvent = { kind: 'safety_accident', severity: 'general', date: '2024-05-01', subject: 'town', description: '一般事故' };
    const old: RecordedEvent = { kind: 'safety_accident', severity: 'major', date: '2021-12-31', subject: 'town', description: '三年前' };
    const member: RecordedEvent = { kind: 'safety_accident', severity: 'larger', date: '2022-01-01', subject: '某铸造公司', description: '较大事故' };
    const clean = evaluate(v, data(y, [minor, old]), 2024, DEF_MAP);
    expect(clean).toMatchObject({ vetoed: false, passed: true, grade: '优秀', score: 100 });
    const hit = evaluate(v, data(y, [minor, old, member]), 2024, DEF_MAP);
    expect(hit.vetoed).toBe(true);
    expect(hit.passed).toBe(false);
    expect(hit.score).toBe(100);
    expect(hit.grade).toBe('不合格');
    expect(hit.proposal).toEqual({ action: 'warn', label: '警示' });
    expect(hit.criteria[1]!.detail).toContain('某铸造公司');
    const townOnly = rules([
      { id: 'o', label: '产值', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 1, weight: 10 },
      { id: 'v', label: '本镇', kind: 'veto', events: ['safety_accident'], years: 3, scope: 'town' },
    ]);
    expect(evaluate(townOnly, data(y, [member]), 2024, DEF_MAP).vetoed).toBe(false);
  });

  it('weighted score and grade bands, with the lowest band proposing 警示', () => {
    const w = rules([
      { id: 'a', label: 'A', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 100, weight: 60, required: false },
      { id: 'b', label: 'B', kind: 'threshold', indicator: 'leading_share', op: '>', value: 70, weight: 25, required: false },
      { id: 'c', label: 'C', kind: 'threshold', indicator: 'high_tech', op: '>=', value: 3, weight: 15, required: false },
    ]);
    const at = (o: number, l: number, h: number) => evaluate(w, data({ 2024: { output_wan: o, leading_share: l, high_tech: h } }), 2024, DEF_MAP);
    expect(at(100, 71, 3)).toMatchObject({ score: 100, grade: '优秀', proposal: null, passed: true });
    expect(at(100, 71, 2)).toMatchObject({ score: 85, grade: '良好' });
    expect(at(100, 70, 3)).toMatchObject({ score: 75, grade: '良好' });
    expect(at(100, 70, 2)).toMatchObject({ score: 60, grade: '合格' });
    expect(at(99, 71, 3)).toMatchObject({ score: 40, grade: '不合格', proposal: { action: 'warn' }, passed: true });
  });

  it('prints every criterion with its figures', () => {
    const r = evaluate(everyYear, data({ 2023: { output_wan: 450000 }, 2024: { output_wan: 500000 } }), 2024, DEF_MAP);
    const text = formatEvaluation({ town: '泽州铸造', ruleSet: '测试' }, r);
    expect(text).toContain('[？ 缺数据] 近三年产值均 ≥ 40 亿元');
    expect(text).toContain('缺少的数据：2022年主导产业产值');
    expect(text).toContain('资料不全，暂不评级');
  });
});

describe('rule set validation', () => {
  const ok = { id: 'o', label: '产值', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 1, weight: 10 } as const;
  it('refuses an unknown indicator naming the criterion and field', () => {
    const e = err(() => rules([ok, { ...ok, id: 'x', label: '利润', indicator: 'profit_wan' } as never]));
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toBe('第 2 条标准「利润」的「指标」未知指标「profit_wan」');
    expect((e.details as Array<{ field: string }>)[0]!.field).toBe('criteria.1.indicator');
  });
  it('refuses a text indicator, an unknown one inside a tier alternative, and a duplicate id', () => {
    expect(err(() => rules([{ ...ok, indicator: 'market_share' }])).message).toContain('文字指标');
    const e = err(() => rules([{ id: 't', label: '梯度', kind: 'tier', weight: 1, alternatives: [{ label: 'a', indicators: ['giants'], min: 1 }] }]));
    expect(e.message).toBe('第 1 条标准「梯度」的第 1 个备选条件的「指标」未知指标「giants」');
    expect(err(() => rules([ok, ok])).message).toContain('编号「o」重复');
  });
  it('refuses malformed criteria naming the field', () => {
    expect(err(() => rules([{ ...ok, op: '=>' } as never])).message).toContain('第 1 条标准「产值」的「比较符」');
    expect(err(() => rules([{ ...ok, value: '四十亿' } as never])).message).toContain('「数值」应为数字');
    expect(err(() => rules([{ ...ok, kind: 'ratio' } as never])).message).toContain('标准类型应为');
    expect(err(() => rules([{ ...ok, kind: 'growth', years: 1 } as never])).message).toContain('「年数」增速至少需要 2 年');
    expect(err(() => rules([{ id: 'v', label: '否决', kind: 'veto', events: ['fire'], years: 3 } as never])).message).toContain('「事件类型」');
  });
  it('refuses grade bands that leave scores without a grade or are out of order', () => {
    expect(err(() => rules([ok], [{ name: '合格', min: 60 }])).message).toContain('下限应为 0');
    expect(err(() => rules([ok], [{ name: '合格', min: 60 }, { name: '优秀', min: 90 }, { name: '差', min: 0 }])).message).toContain('从高到低');
    expect(err(() => rules([{ id: 'v', label: '否决', kind: 'veto', events: ['safety_accident'], years: 3 }])).message).toContain('权重合计应大于 0');
  });
});
