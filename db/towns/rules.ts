// Pure rules of the specialized-town (专业镇) area: the lifecycle state machine and the checks on yearly
// indicators. No database, no clock: callers pass what the rules need.
import type { Role } from '../context.js';

export type TownStatus =
  | 'cultivating'
  | 'applied'
  | 'reviewing'
  | 'publicizing'
  | 'designated'
  | 'rereview'
  | 'warned'
  | 'downgraded'
  | 'revoked';

export const STATUS_LABEL: Record<TownStatus, string> = {
  cultivating: '培育',
  applied: '申报',
  reviewing: '评审',
  publicizing: '公示',
  designated: '认定',
  rereview: '复核中',
  warned: '警示',
  downgraded: '降级',
  revoked: '撤销',
};

export type TownLevel = 'county' | 'city' | 'province';
export const LEVEL_LABEL: Record<TownLevel, string> = { county: '县级', city: '市级', province: '省级' };
const LEVEL_RANK: Record<TownLevel, number> = { county: 1, city: 2, province: 3 };

export type TransitionAction =
  | 'apply'
  | 'review'
  | 'publicize'
  | 'designate'
  | 'reject'
  | 'annual_pass'
  | 'warn'
  | 'start_rereview'
  | 'renew'
  | 'downgrade'
  | 'revoke';

/** What a transition must carry besides date, reason and who (which every transition records). */
export type Requirement = 'doc_no' | 'target_level' | 'publicity' | 'designation' | 'lower_level';

export interface TransitionDef {
  label: string;
  from: readonly TownStatus[];
  /** 'resume': back to the status the town had when it applied (a designated town applying higher stays designated). */
  to: TownStatus | 'resume';
  minRole: Role;
  requires: readonly Requirement[];
}

/**
 * The lifecycle (培育 → 申报 → 评审 → 公示 → 认定; 年度考核; 复核中; 警示, 降级, 撤销; renewal) as one table.
 * 撤销 has no way out: the record stays readable, it is never deleted or reused.
 */
export const TRANSITIONS: Readonly<Record<TransitionAction, TransitionDef>> = {
  apply: { label: '申报', from: ['cultivating', 'designated', 'downgraded'], to: 'applied', minRole: 'clerk', requires: ['target_level'] },
  review: { label: '进入评审', from: ['applied'], to: 'reviewing', minRole: 'clerk', requires: [] },
  publicize: { label: '公示', from: ['reviewing'], to: 'publicizing', minRole: 'reviewer', requires: ['publicity'] },
  designate: { label: '认定', from: ['publicizing'], to: 'designated', minRole: 'reviewer', requires: ['doc_no', 'designation'] },
  reject: { label: '未通过（退回）', from: ['applied', 'reviewing', 'publicizing'], to: 'resume', minRole: 'reviewer', requires: [] },
  annual_pass: { label: '年度考核合格', from: ['designated', 'warned', 'downgraded'], to: 'designated', minRole: 'reviewer', requires: [] },
  warn: { label: '警示', from: ['designated', 'rereview', 'downgraded'], to: 'warned', minRole: 'reviewer', requires: ['doc_no'] },
  start_rereview: { label: '启动复核', from: ['designated', 'warned', 'downgraded'], to: 'rereview', minRole: 'reviewer', requires: [] },
  renew: { label: '复核通过（续期）', from: ['rereview'], to: 'designated', minRole: 'reviewer', requires: ['doc_no', 'designation'] },
  downgrade: {
    label: '降级',
    from: ['designated', 'warned', 'rereview'],
    to: 'downgraded',
    minRole: 'reviewer',
    requires: ['doc_no', 'lower_level', 'designation'],
  },
  revoke: { label: '撤销', from: ['designated', 'warned', 'rereview', 'downgraded'], to: 'revoked', minRole: 'reviewer', requires: ['doc_no'] },
};

export const ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];

export function allowedActions(from: TownStatus): TransitionAction[] {
  return ACTIONS.filter((a) => TRANSITIONS[a].from.includes(from));
}

export interface TransitionFacts {
  /** Status recorded on the latest 申报 transition (where 'resume' goes back to). */
  statusBeforeApply: TownStatus | null;
  /** Level of the designation in force, if any. */
  currentLevel: TownLevel | null;
  /** Date of the latest transition: a new one may not be dated before it. */
  lastDate: string | null;
  today: string;
}

export interface TransitionRequest {
  action: TransitionAction;
  date: string;
  level?: TownLevel | null;
}

export type TransitionCheck = { ok: true; to: TownStatus } | { ok: false; field: string; message: string };

/** Is `action` allowed from `from`? The refusal names the allowed actions so the user knows what can be done. */
export function checkTransition(from: TownStatus, req: TransitionRequest, facts: TransitionFacts): TransitionCheck {
  const def = TRANSITIONS[req.action];
  if (!def.from.includes(from)) {
    const allowed = allowedActions(from).map((a) => `「${TRANSITIONS[a].label}」`);
    return {
      ok: false,
      field: 'action',
      message:
        `当前状态「${STATUS_LABEL[from]}」不能执行「${def.label}」；` +
        (allowed.length ? `可执行的操作：${allowed.join('、')}` : '该状态为终止状态，不能再变更'),
    };
  }
  if (req.date > facts.today) return { ok: false, field: 'date', message: `日期 ${req.date} 晚于今天（${facts.today}）` };
  if (facts.lastDate && req.date < facts.lastDate) {
    return { ok: false, field: 'date', message: `日期 ${req.date} 早于上一次状态变更的日期 ${facts.lastDate}` };
  }
  if (def.requires.includes('target_level')) {
    if (!req.level) return { ok: false, field: 'level', message: '申报须选择申报级别（县级/市级/省级）' };
    if (facts.currentLevel && LEVEL_RANK[req.level] <= LEVEL_RANK[facts.currentLevel]) {
      return {
        ok: false,
        field: 'level',
        message: `已是${LEVEL_LABEL[facts.currentLevel]}专业镇，申报级别应高于${LEVEL_LABEL[facts.currentLevel]}`,
      };
    }
  }
  if (def.requires.includes('lower_level')) {
    if (!facts.currentLevel) return { ok: false, field: 'level', message: '没有有效的认定，无法降级' };
    if (facts.currentLevel === 'county') return { ok: false, field: 'level', message: '县级专业镇没有更低的级别，应选择「撤销」' };
    if (!req.level || LEVEL_RANK[req.level] >= LEVEL_RANK[facts.currentLevel]) {
      return { ok: false, field: 'level', message: `降级后的级别应低于当前的${LEVEL_LABEL[facts.currentLevel]}` };
    }
  }
  const to = def.to === 'resume' ? (facts.statusBeforeApply ?? 'cultivating') : def.to;
  return { ok: true, to };
}

/** valid_to for a designation starting on `from` and lasting `years` (2023-01-01 + 3 → 2025-12-31). */
export function defaultValidTo(from: string, years: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y + years, m - 1, d));
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- yearly indicators

export type IndicatorKind = 'count' | 'wan' | 'percent' | 'area' | 'text';
export interface IndicatorDef {
  code: string;
  name: string;
  unit: string;
  kind: IndicatorKind;
}

export type IndicatorValues = Record<string, number | string | null>;

export interface IndicatorIssue {
  field: string;
  label: string;
  message: string;
}

/**
 * Checks one year's figures: numbers where numbers belong, no negatives, whole counts, shares within 0–100, and
 * 万元 figures that are `unitRatio` times or more last year's (a column filled in 元 instead of 万元).
 */
export function checkIndicatorValues(
  values: IndicatorValues,
  defs: readonly IndicatorDef[],
  previous: IndicatorValues | null,
  unitRatio: number,
): IndicatorIssue[] {
  const issues: IndicatorIssue[] = [];
  for (const d of defs) {
    const v = values[d.code];
    if (v === null || v === undefined) continue;
    const bad = (message: string) => issues.push({ field: d.code, label: d.name, message });
    if (d.kind === 'text') {
      if (typeof v !== 'string') bad('应为文字');
      else if (v.length > 200) bad('不能超过 200 个字符');
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      bad(`「${String(v)}」不是数字`);
      continue;
    }
    if (v < 0) {
      bad(`不能为负数（${v}）`);
      continue;
    }
    if (d.kind === 'count' && !Number.isInteger(v)) bad(`应为整数（${v}）`);
    if (d.kind === 'percent' && v > 100) bad(`占比应在 0–100 之间（${v}）`);
    if (d.kind === 'wan' && previous) {
      const p = previous[d.code];
      if (typeof p === 'number' && p > 0 && v >= p * unitRatio) {
        bad(`${v} 约为上年 ${p} 的 ${Math.round(v / p).toLocaleString('en-US')} 倍，疑似按“元”填报（应为“万元”）`);
      }
    }
  }
  return issues;
}

/** Stored precision: 万元, shares and areas to 2 decimals (float noise from Excel is dropped here). */
export function normalizeValue(kind: IndicatorKind, v: number): number {
  return kind === 'count' ? v : Math.round(v * 100) / 100;
}

/** 同比 in percent, one decimal; null where last year is missing or zero. */
export function yoy(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

export type MemberRole = 'leader' | 'chain_master' | 'supporting' | 'other';
export const MEMBER_ROLE_LABEL: Record<MemberRole, string> = { leader: '龙头', chain_master: '链主', supporting: '配套', other: '其他' };

export type TownCategory = 'manufacturing' | 'agriculture' | 'light_industry';
export const CATEGORY_LABEL: Record<TownCategory, string> = {
  manufacturing: '制造业',
  agriculture: '特优农业',
  light_industry: '特色轻工(工艺美术)',
};

export type PlatformType = 'rnd_design' | 'testing' | 'ecommerce_logistics' | 'exhibition' | 'other';
export const PLATFORM_TYPE_LABEL: Record<PlatformType, string> = {
  rnd_design: '研发设计',
  testing: '检验检测',
  ecommerce_logistics: '电商物流',
  exhibition: '会展交易',
  other: '其他',
};

export type ProjectStatus = 'planned' | 'building' | 'completed' | 'suspended';
export const PROJECT_STATUS_LABEL: Record<ProjectStatus, string> = { planned: '谋划', building: '在建', completed: '竣工', suspended: '停缓建' };
