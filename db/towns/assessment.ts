// Assessment rule sets (认定/复核/年度考核 标准) as data: their shape, their validation and the evaluation of
// one town-year against them. Pure: the service loads figures and events, this file judges them.
import { z } from 'zod';
import { AppError, type FieldIssue } from '../result.js';
import type { IndicatorDef, TransitionAction } from './rules.js';
import { TRANSITIONS } from './rules.js';

export type EventKind =
  | 'safety_accident'
  | 'quality_accident'
  | 'environment_accident'
  | 'data_security'
  | 'tax_evasion'
  | 'serious_dishonesty'
  | 'violation';
export const EVENT_KIND_LABEL: Record<EventKind, string> = {
  safety_accident: '安全事故',
  quality_accident: '质量事故',
  environment_accident: '环境事故',
  data_security: '网络/数据安全事件',
  tax_evasion: '偷税漏税',
  serious_dishonesty: '严重失信',
  violation: '违法违规',
};
export type Severity = 'general' | 'larger' | 'major' | 'extraordinary';
export const SEVERITY_LABEL: Record<Severity, string> = { general: '一般', larger: '较大', major: '重大', extraordinary: '特别重大' };
const SEVERITY_RANK: Record<Severity, number> = { general: 1, larger: 2, major: 3, extraordinary: 4 };

const EVENT_KINDS = Object.keys(EVENT_KIND_LABEL) as [EventKind, ...EventKind[]];
const SEVERITIES = Object.keys(SEVERITY_LABEL) as [Severity, ...Severity[]];
/** Lifecycle steps a grade may propose; a person decides whether to apply it. */
const PROPOSABLE = ['warn', 'downgrade', 'revoke', 'start_rereview'] as const;

const op = z.enum(['>=', '>', '<=', '<'], { error: '比较符应为 >=、>、<= 或 <' });
const common = {
  id: z.string({ error: '必填' }).trim().min(1, '必填').max(40, '不能超过 40 个字符'),
  label: z.string({ error: '必填' }).trim().min(1, '必填').max(200, '不能超过 200 个字符'),
};
const scored = {
  weight: z.number({ error: '应为数字' }).min(0, '不能为负数').max(1000, '不能超过 1000'),
  /** A required criterion must pass for the rule set to be met (认定); others only add to the score. */
  required: z.boolean({ error: '应为 是/否' }).default(true),
};

const criterionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      ...common,
      ...scored,
      kind: z.literal('threshold'),
      indicator: z.string({ error: '必填' }).min(1, '必填'),
      op,
      value: z.number({ error: '应为数字' }),
      /** 1: the assessed year only; N: every one of the last N years. */
      years: z.number({ error: '应为整数' }).int('应为整数').min(1, '至少 1 年').max(10, '不能超过 10 年').default(1),
    }),
    z.object({
      ...common,
      ...scored,
      kind: z.literal('growth'),
      indicator: z.string({ error: '必填' }).min(1, '必填'),
      op,
      /** Average annual growth in percent over the window of `years` years (years − 1 growth periods). */
      value: z.number({ error: '应为数字' }),
      years: z.number({ error: '应为整数' }).int('应为整数').min(2, '增速至少需要 2 年').max(10, '不能超过 10 年'),
    }),
    z.object({
      ...common,
      ...scored,
      kind: z.literal('tier'),
      /** Met when any one alternative is met; each alternative sums its indicators in the assessed year. */
      alternatives: z
        .array(
          z.object({
            label: z.string({ error: '必填' }).trim().min(1, '必填').max(200, '不能超过 200 个字符'),
            indicators: z.array(z.string({ error: '应为指标编码' }).min(1, '必填'), { error: '应为指标编码的列表' }).min(1, '至少一个指标'),
            min: z.number({ error: '应为数字' }).min(0, '不能为负数'),
          }),
          { error: '应为列表' },
        )
        .min(1, '至少一个备选条件'),
    }),
    z.object({
      ...common,
      kind: z.literal('veto'),
      events: z.array(z.enum(EVENT_KINDS, { error: '未知的事件类型' }), { error: '应为事件类型的列表' }).min(1, '至少一种事件'),
      /** Accidents below this severity do not veto; events without a severity (失信, 偷税) always count. */
      min_severity: z.enum(SEVERITIES, { error: '严重程度应为 一般/较大/重大/特别重大' }).nullish(),
      years: z.number({ error: '应为整数' }).int('应为整数').min(1, '至少 1 年').max(10, '不能超过 10 年'),
      scope: z.enum(['town', 'town_and_members'], { error: '范围应为 town 或 town_and_members' }).default('town_and_members'),
    }),
  ],
  { error: '标准类型应为 threshold（阈值）、growth（增速）、tier（梯度备选）或 veto（否决项）' },
);

export const ruleDefinitionSchema = z.object({
  criteria: z.array(criterionSchema, { error: '应为列表' }).min(1, '至少一条标准').max(200, '不能超过 200 条'),
  grades: z
    .array(
      z.object({
        name: z.string({ error: '必填' }).trim().min(1, '必填').max(20, '不能超过 20 个字符'),
        min: z.number({ error: '应为数字' }).min(0, '应在 0–100 之间').max(100, '应在 0–100 之间'),
        proposes: z.enum(PROPOSABLE, { error: '建议的状态变更应为 warn/downgrade/revoke/start_rereview' }).nullish(),
      }),
      { error: '应为列表' },
    )
    .min(1, '至少一个等级'),
}, { error: '应为包含 criteria（标准）与 grades（等级）的对象' });
export type RuleDefinition = z.output<typeof ruleDefinitionSchema>;
export type RuleDefinitionInput = z.input<typeof ruleDefinitionSchema>;
export type Criterion = RuleDefinition['criteria'][number];

const FIELD_LABEL: Record<string, string> = {
  id: '编号', label: '名称', kind: '类型', indicator: '指标', op: '比较符', value: '数值', years: '年数', weight: '权重',
  required: '是否必须', alternatives: '备选条件', indicators: '指标', min: '下限', events: '事件类型', min_severity: '严重程度',
  scope: '范围', name: '等级名称', proposes: '建议的状态变更',
};

/** '第 3 条标准「近三年产值」的「指标」' from a path like criteria.2.indicator. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  const [top, idx, ...rest] = path;
  const restLabel = rest.filter((p) => typeof p === 'string').map((p) => FIELD_LABEL[p as string] ?? String(p));
  const restIdx = rest.find((p) => typeof p === 'number');
  if (top === 'criteria' && typeof idx === 'number') {
    const label = (raw as { criteria?: Array<{ label?: unknown }> })?.criteria?.[idx]?.label;
    const name = typeof label === 'string' && label ? `「${label}」` : '';
    const alt = rest[0] === 'alternatives' && typeof restIdx === 'number' ? `第 ${restIdx + 1} 个备选条件的` : '';
    return `第 ${idx + 1} 条标准${name}的${alt}「${restLabel[restLabel.length - 1] ?? '内容'}」`;
  }
  if (top === 'grades' && typeof idx === 'number') return `第 ${idx + 1} 个等级的「${restLabel[0] ?? '内容'}」`;
  return top === 'criteria' ? '「标准」' : top === 'grades' ? '「等级」' : '「规则」';
}

/**
 * Parses and checks a rule set: shape, known numeric indicators, unique ids, sensible grade bands. Throws one
 * VALIDATION error naming every problem by its place in the rule set.
 */
export function validateDefinition(raw: unknown, defs: readonly IndicatorDef[]): RuleDefinition {
  const parsed = ruleDefinitionSchema.safeParse(raw);
  const issues: FieldIssue[] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      issues.push({ field: i.path.join('.'), label: describePath(i.path, raw), message: i.message });
    }
  } else {
    const def = parsed.data;
    const byCode = new Map(defs.map((d) => [d.code, d]));
    const checkIndicator = (code: string, path: PropertyKey[]) => {
      const d = byCode.get(code);
      if (!d) issues.push({ field: path.join('.'), label: describePath(path, raw), message: `未知指标「${code}」` });
      else if (d.kind === 'text') issues.push({ field: path.join('.'), label: describePath(path, raw), message: `「${d.name}」是文字指标，不能比较大小` });
    };
    const ids = new Set<string>();
    def.criteria.forEach((c, i) => {
      if (ids.has(c.id)) issues.push({ field: `criteria.${i}.id`, label: describePath(['criteria', i, 'id'], raw), message: `编号「${c.id}」重复` });
      ids.add(c.id);
      if (c.kind === 'threshold' || c.kind === 'growth') checkIndicator(c.indicator, ['criteria', i, 'indicator']);
      if (c.kind === 'tier') {
        c.alternatives.forEach((a, j) => a.indicators.forEach((code, k) => checkIndicator(code, ['criteria', i, 'alternatives', j, 'indicators', k])));
      }
    });
    const names = new Set<string>();
    def.grades.forEach((g, i) => {
      if (names.has(g.name)) issues.push({ field: `grades.${i}.name`, label: describePath(['grades', i, 'name'], raw), message: `等级「${g.name}」重复` });
      names.add(g.name);
      if (i > 0 && g.min >= def.grades[i - 1]!.min) {
        issues.push({ field: `grades.${i}.min`, label: describePath(['grades', i, 'min'], raw), message: '等级应按分数下限从高到低排列' });
      }
    });
    if (def.grades[def.grades.length - 1]!.min !== 0) {
      const i = def.grades.length - 1;
      issues.push({ field: `grades.${i}.min`, label: describePath(['grades', i, 'min'], raw), message: '最低等级的下限应为 0，使每个分数都有等级' });
    }
    const weight = def.criteria.reduce((s, c) => s + (c.kind === 'veto' ? 0 : c.weight), 0);
    if (weight <= 0) issues.push({ field: 'criteria', label: '「标准」', message: '计分标准的权重合计应大于 0' });
  }
  if (issues.length) {
    const f = issues[0]!;
    throw new AppError('VALIDATION', `${f.label}${f.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
  }
  return parsed.data!;
}

// ---------------------------------------------------------------- evaluation

export interface RecordedEvent {
  kind: EventKind;
  severity: Severity | null;
  date: string;
  /** 'town' or the member enterprise's name. */
  subject: string;
  description: string;
}

export interface TownYearData {
  /** Figures by year; a missing key or a null value is "not reported". */
  years: ReadonlyMap<number, Readonly<Record<string, number | string | null>>>;
  events: readonly RecordedEvent[];
}

export interface Figure {
  indicator: string;
  name: string;
  unit: string;
  year: number;
  value: number | null;
}

export interface CriterionResult {
  id: string;
  label: string;
  kind: Criterion['kind'];
  status: 'pass' | 'fail' | 'missing';
  required: boolean;
  weight: number;
  points: number;
  figures: Figure[];
  /** Growth rate in percent, the summed tier count, or the number of vetoing events. */
  computed: number | null;
  events?: RecordedEvent[];
  /** One line in Chinese that shows how the figures led to the status. */
  detail: string;
}

export interface EvaluationResult {
  year: number;
  criteria: CriterionResult[];
  /** Σ points / Σ weight × 100, one decimal. */
  score: number;
  /** null while a scored criterion lacks figures: a missing figure is never graded as zero. */
  grade: string | null;
  /** null: undetermined because figures are missing. */
  passed: boolean | null;
  vetoed: boolean;
  missing: Array<{ indicator: string; name: string; year: number }>;
  proposal: { action: TransitionAction; label: string } | null;
}

const cmp = (a: number, o: '>=' | '>' | '<=' | '<', b: number) => (o === '>=' ? a >= b : o === '>' ? a > b : o === '<=' ? a <= b : a < b);
// Plain digits: toLocaleString is slow enough to show in the 5,000-town benchmark.
const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** Evaluate one town for `year`. `defs` must hold every indicator the rule set names (validateDefinition ensures it). */
export function evaluate(
  def: RuleDefinition,
  data: TownYearData,
  year: number,
  defs: ReadonlyMap<string, IndicatorDef>,
  /** false: skip the explanatory text (batch runs over thousands of towns show only score and grade). */
  withDetail = true,
): EvaluationResult {
  const figure = (code: string, y: number): Figure => {
    const d = defs.get(code)!;
    const raw = data.years.get(y)?.[code];
    return { indicator: code, name: d.name, unit: d.unit, year: y, value: typeof raw === 'number' ? raw : null };
  };
  const criteria: CriterionResult[] = def.criteria.map((c) => {
    if (c.kind === 'veto') return evaluateVeto(c, data, year, withDetail);
    const result = (status: CriterionResult['status'], figures: Figure[], computed: number | null, detail: string): CriterionResult => ({
      id: c.id, label: c.label, kind: c.kind, status, required: c.required, weight: c.weight, points: status === 'pass' ? c.weight : 0, figures, computed, detail,
    });
    if (c.kind === 'threshold') {
      const figs: Figure[] = [];
      for (let y = year - c.years + 1; y <= year; y++) figs.push(figure(c.indicator, y));
      let lacking = false;
      let failing = false;
      for (const f of figs) {
        if (f.value === null) lacking = true;
        else if (!cmp(f.value, c.op, c.value)) failing = true;
      }
      const status = failing ? 'fail' : lacking ? 'missing' : 'pass';
      const detail = withDetail
        ? `${figs[0]!.name}（${figs[0]!.unit}）：${figs.map((f) => `${f.year}年 ${f.value === null ? '未填报' : fmt(f.value)}`).join('，')}；要求${c.years > 1 ? `近 ${c.years} 年每年` : ''} ${c.op} ${fmt(c.value)}`
        : '';
      return result(status, figs, null, detail);
    }
    if (c.kind === 'growth') {
      const first = figure(c.indicator, year - c.years + 1);
      const last = figure(c.indicator, year);
      const periods = c.years - 1;
      let computed: number | null = null;
      let status: CriterionResult['status'] = 'missing';
      let why = '';
      if (first.value !== null && last.value !== null) {
        if (first.value <= 0) why = `；基期 ${first.year} 年为 0，无法计算增速`;
        else {
          computed = Math.round((Math.pow(last.value / first.value, 1 / periods) - 1) * 1000) / 10;
          status = cmp(computed, c.op, c.value) ? 'pass' : 'fail';
        }
      }
      const v = (f: Figure) => (f.value === null ? '未填报' : fmt(f.value));
      const detail = withDetail
        ? `${first.name}：${first.year}年 ${v(first)} → ${last.year}年 ${v(last)}，年均增速 ${computed === null ? '无法计算' : `${computed}%`}；要求 ${c.op} ${c.value}%${why}`
        : '';
      return result(status, [first, last], computed, detail);
    }
    // tier: any alternative met
    const figs: Figure[] = [];
    let best: number | null = null;
    let met = false;
    let anyMissing = false;
    const parts: string[] = [];
    for (const a of c.alternatives) {
      const start = figs.length;
      let sum = 0;
      let complete = true;
      for (const code of a.indicators) {
        const f = figure(code, year);
        figs.push(f);
        if (f.value === null) complete = false;
        else sum += f.value;
      }
      if (sum >= a.min) met = true;
      else if (!complete) anyMissing = true;
      if (best === null || sum > best) best = sum;
      if (withDetail) {
        const shown = figs.slice(start).map((f) => `${f.name} ${f.value === null ? '未填报' : fmt(f.value)}`).join(' + ');
        parts.push(`${a.label}：${shown} = ${fmt(sum)}${complete ? '' : '（不全）'}，要求 ≥ ${fmt(a.min)}`);
      }
    }
    const status = met ? 'pass' : anyMissing ? 'missing' : 'fail';
    return result(status, figs, best, parts.join('；或 '));
  });

  // Only figures that kept a criterion from being decided count as missing (a met tier alternative needs no other).
  const missing = new Map<string, { indicator: string; name: string; year: number }>();
  for (const c of criteria) {
    if (c.status !== 'missing') continue;
    for (const f of c.figures) if (f.value === null) missing.set(`${f.indicator}:${f.year}`, { indicator: f.indicator, name: f.name, year: f.year });
  }
  const scoredCriteria = criteria.filter((c) => c.kind !== 'veto');
  const totalWeight = scoredCriteria.reduce((s, c) => s + c.weight, 0);
  const points = scoredCriteria.reduce((s, c) => s + c.points, 0);
  const score = totalWeight > 0 ? Math.round((points / totalWeight) * 1000) / 10 : 0;
  const vetoed = criteria.some((c) => c.kind === 'veto' && c.status === 'fail');
  const incomplete = scoredCriteria.some((c) => c.status === 'missing');
  const requiredFail = criteria.some((c) => c.required && c.status === 'fail');
  const requiredMissing = criteria.some((c) => c.required && c.status === 'missing');
  const passed = vetoed || requiredFail ? false : requiredMissing ? null : true;
  // A veto decides the grade on its own; otherwise a grade needs every scored figure.
  const band = vetoed ? def.grades[def.grades.length - 1]! : incomplete ? null : def.grades.find((g) => score >= g.min)!;
  const proposal = band?.proposes ? { action: band.proposes, label: TRANSITIONS[band.proposes].label } : null;
  return { year, criteria, score, grade: band?.name ?? null, passed, vetoed, missing: [...missing.values()], proposal };
}

function evaluateVeto(c: Extract<Criterion, { kind: 'veto' }>, data: TownYearData, year: number, withDetail: boolean): CriterionResult {
  const from = `${year - c.years + 1}-01-01`;
  const to = `${year}-12-31`;
  const hits = data.events.length === 0 ? [] : data.events.filter(
    (e) =>
      c.events.includes(e.kind) &&
      e.date >= from &&
      e.date <= to &&
      (c.scope === 'town_and_members' || e.subject === 'town') &&
      (!c.min_severity || e.severity === null || SEVERITY_RANK[e.severity] >= SEVERITY_RANK[c.min_severity]),
  );
  return {
    id: c.id, label: c.label, kind: 'veto', required: true, weight: 0, points: 0, figures: [], computed: hits.length, events: hits,
    status: hits.length ? 'fail' : 'pass',
    detail: !withDetail
      ? ''
      : hits.length
      ? `${from} 至 ${to} 有 ${hits.length} 起否决事件：${hits
          .map((e) => `${e.date} ${e.subject === 'town' ? '本镇' : e.subject} ${EVENT_KIND_LABEL[e.kind]}${e.severity ? `（${SEVERITY_LABEL[e.severity]}）` : ''}「${e.description}」`)
          .join('；')}`
      : `${from} 至 ${to} 无${c.min_severity ? `${SEVERITY_LABEL[c.min_severity]}及以上的` : ''}${c.events.map((k) => EVENT_KIND_LABEL[k]).join('、')}记录`,
  };
}

/** Plain-text report of an evaluation for the command line and printouts. */
export function formatEvaluation(head: { town: string; ruleSet: string }, r: EvaluationResult): string {
  const mark = { pass: '✔ 符合', fail: '✘ 不符合', missing: '？ 缺数据' } as const;
  const lines = [`${head.town} ${r.year} 年度评价 — ${head.ruleSet}`, ''];
  r.criteria.forEach((c, i) => {
    lines.push(`${i + 1}. [${mark[c.status]}] ${c.label}${c.kind === 'veto' ? '（否决项）' : `（权重 ${c.weight}${c.required ? '，必须' : ''}）`}`);
    lines.push(`   ${c.detail}`);
  });
  lines.push('');
  lines.push(`得分：${r.score}    等级：${r.grade ?? '资料不全，暂不评级'}    结论：${r.passed === null ? '缺数据，无法判定' : r.passed ? '符合' : '不符合'}${r.vetoed ? '（触发否决项）' : ''}`);
  if (r.missing.length) lines.push(`缺少的数据：${r.missing.map((m) => `${m.year}年${m.name}`).join('、')}`);
  if (r.proposal) lines.push(`建议的状态变更：${r.proposal.label}（须经审核人确认后执行）`);
  return lines.join('\n');
}
