import { z } from 'zod';
import { isoDateString, optionalText, requiredText } from '../validate.js';
import type { MemberRole, PlatformType, ProjectStatus, TownCategory, TownLevel, TownStatus, TransitionAction } from './rules.js';
import { ACTIONS } from './rules.js';

const id = z.number({ error: '应为编号' }).int().positive();
const level = z.enum(['county', 'city', 'province'], { error: '应为县级/市级/省级' });
const year = z.number({ error: '应为年份' }).int('应为整数年份').min(1990, '年份不能早于 1990').max(2100, '年份不正确');

export const TOWN_LABELS: Record<string, string> = {
  name: '专业镇名称',
  county_code: '所在县(市、区)代码',
  category: '类别',
  leading_industry: '主导产业',
  industry_codes: '主导产业行业代码',
  description: '简介',
  contact_name: '联系人',
  contact_phone: '联系电话',
};

export const townInput = z.object({
  name: requiredText(60),
  county_code: z.string().trim().regex(/^\d{6}$/, '应为 6 位数字'),
  category: z.enum(['manufacturing', 'agriculture', 'light_industry'], { error: '应为制造业、特优农业或特色轻工(工艺美术)' }),
  leading_industry: requiredText(40),
  industry_codes: z.array(z.string().trim().regex(/^\d{2,4}$/, '行业代码应为 2–4 位数字')).max(10, '不能超过 10 个').default([]),
  description: optionalText(2000),
  contact_name: optionalText(50),
  contact_phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{5,20}$/, '电话号码格式不正确')
    .nullish()
    .or(z.literal(''))
    .transform((s) => (s ? s : null)),
});
export type TownInput = z.input<typeof townInput>;

export const townUpdateInput = z.object({ id, data: townInput });

export const townListQuery = z.object({
  status: z
    .enum(['cultivating', 'applied', 'reviewing', 'publicizing', 'designated', 'rereview', 'warned', 'downgraded', 'revoked'], { error: '未知的状态' })
    .optional(),
  level: level.optional(),
  category: z.enum(['manufacturing', 'agriculture', 'light_industry'], { error: '应为制造业、特优农业或特色轻工(工艺美术)' }).optional(),
  region_code: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  /** 上报单位: the lower office a consolidated record came from (origin_office). */
  origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  q: z.string().trim().max(60, '不能超过 60 个字符').optional(),
});
export const TOWN_LIST_LABELS = { status: '状态', level: '级别', category: '类别', region_code: '地区', origin_office: '上报单位', q: '搜索' };
export type TownListQuery = z.input<typeof townListQuery>;

export const TRANSITION_LABELS: Record<string, string> = {
  town_id: '专业镇',
  action: '操作',
  date: '日期',
  doc_no: '文号',
  reason: '事由',
  level: '级别',
  publicity_start: '公示开始日期',
  publicity_end: '公示结束日期',
  designation: '认定信息',
  assessment_id: '考核结果',
};

export const designationInput = z
  .object({
    batch_no: optionalText(30),
    bodies: z.array(z.string().trim().min(1, '不能为空').max(60)).min(1, '至少一个认定机构').max(6, '不能超过 6 个'),
    plaque_date: isoDateString.nullish(),
    valid_from: isoDateString,
    /** Default: valid_from + the policy's validity years − 1 day. */
    valid_to: isoDateString.nullish(),
  })
  .refine((d) => !d.valid_to || d.valid_to >= d.valid_from, { message: '有效期止不能早于有效期起', path: ['valid_to'] });

export const transitionInput = z
  .object({
    town_id: id,
    action: z.enum(ACTIONS as [TransitionAction, ...TransitionAction[]], { error: '未知的操作' }),
    date: isoDateString,
    doc_no: optionalText(100),
    reason: requiredText(500),
    level: level.nullish(),
    publicity_start: isoDateString.nullish(),
    publicity_end: isoDateString.nullish(),
    designation: designationInput.nullish(),
    /** Set when a person applies what a saved 考核结果 proposed. */
    assessment_id: id.nullish(),
  })
  .refine((t) => !t.publicity_start || !t.publicity_end || t.publicity_end >= t.publicity_start, {
    message: '不能早于公示开始日期',
    path: ['publicity_end'],
  });
export type TransitionInput = z.input<typeof transitionInput>;

export const memberInput = z.object({
  town_id: id,
  enterprise_id: id,
  role: z.enum(['leader', 'chain_master', 'supporting', 'other'], { error: '应为龙头、链主、配套或其他' }),
  joined_on: isoDateString,
});
export const MEMBER_LABELS = { town_id: '专业镇', enterprise_id: '企业', role: '角色', joined_on: '加入日期', left_on: '退出日期', reason: '原因' };
export const memberLeaveInput = z.object({ id, left_on: isoDateString, reason: requiredText(200) });

export const platformInput = z.object({
  town_id: id,
  name: requiredText(100),
  type: z.enum(['rnd_design', 'testing', 'ecommerce_logistics', 'exhibition', 'other'], { error: '应为研发设计、检验检测、电商物流、会展交易或其他' }),
  operator: optionalText(100),
  level: z.enum(['national', 'provincial', 'city', 'county'], { error: '应为国家级/省级/市级/县级' }).nullish(),
  area_m2: z.number({ error: '应为数字' }).min(0, '不能为负数').nullish(),
  investment_wan: z.number({ error: '应为数字' }).min(0, '不能为负数').nullish(),
  established_on: isoDateString.nullish(),
});
export const PLATFORM_LABELS = {
  town_id: '专业镇', name: '平台名称', type: '平台类型', operator: '运营主体', level: '级别', area_m2: '面积(平方米)',
  investment_wan: '投资(万元)', established_on: '建成日期', platform_id: '平台', year: '年度', services: '服务次数',
};
export const platformYearInput = z.object({ platform_id: id, year, services: z.number({ error: '应为整数' }).int('应为整数').min(0, '不能为负数') });

export const projectInput = z.object({
  town_id: id,
  name: requiredText(100),
  investment_wan: z.number({ error: '应为数字' }).min(0, '不能为负数'),
  start_date: isoDateString,
  status: z.enum(['planned', 'building', 'completed', 'suspended'], { error: '应为谋划、在建、竣工或停缓建' }),
  note: optionalText(500),
});
export const PROJECT_LABELS = { town_id: '专业镇', name: '项目名称', investment_wan: '总投资(万元)', start_date: '开工日期', status: '状态', note: '备注' };
export const projectStatusInput = z.object({ id, status: projectInput.shape.status, note: optionalText(500) });

export const indicatorsInput = z.object({
  town_id: id,
  year,
  /** Indicator code → value (numbers for figures, text for 市场占有率); absent or null = not reported. */
  values: z.record(z.string(), z.unknown(), { error: '应为「指标编码: 数值」的列表' }),
  note: optionalText(500),
});
export type IndicatorsInput = z.input<typeof indicatorsInput>;

export const planInput = z
  .object({
    town_id: id,
    title: requiredText(100),
    doc_no: optionalText(100),
    start_year: year,
    end_year: year,
    targets: z.array(z.object({ indicator: z.string().min(1, '必填'), year, target: z.number({ error: '应为数字' }).min(0, '不能为负数') })).min(1, '至少一个目标'),
  })
  .refine((p) => p.end_year >= p.start_year, { message: '结束年度不能早于起始年度', path: ['end_year'] });
export const PLAN_LABELS = { town_id: '专业镇', title: '方案名称', doc_no: '文号', start_year: '起始年度', end_year: '结束年度', targets: '目标' };

export const eventInput = z
  .object({
    town_id: id.nullish(),
    enterprise_id: id.nullish(),
    kind: z.enum(['safety_accident', 'quality_accident', 'environment_accident', 'data_security', 'tax_evasion', 'serious_dishonesty', 'violation'], {
      error: '事件类型不正确',
    }),
    severity: z.enum(['general', 'larger', 'major', 'extraordinary'], { error: '严重程度应为 一般/较大/重大/特别重大' }).nullish(),
    date: isoDateString,
    doc_no: optionalText(100),
    description: requiredText(500),
  })
  .refine((e) => !e.town_id !== !e.enterprise_id, { message: '须且只能指定专业镇或企业之一', path: ['town_id'] });
export const EVENT_LABELS = { town_id: '专业镇', enterprise_id: '企业', kind: '事件类型', severity: '严重程度', date: '发生日期', doc_no: '文号', description: '情况说明' };

export const ruleSetInput = z.object({
  /** Omit to start a new rule set; give an existing code to add its next version. */
  code: z.string().trim().regex(/^[a-z0-9-]{2,40}$/, '应为 2–40 位小写字母、数字或连字符'),
  name: requiredText(100),
  purpose: z.enum(['designation', 'rereview', 'annual'], { error: '应为认定、复核或年度考核' }),
  region_code: z.string().trim().regex(/^(\d{6})?$/, '应为 6 位数字或留空（全国）').default(''),
  level: level.nullish(),
  effective_from: isoDateString,
  source: optionalText(500),
  definition: z.unknown(),
});
export const RULE_SET_LABELS = { code: '规则编码', name: '规则名称', purpose: '用途', region_code: '适用地区', level: '适用级别', effective_from: '生效日期', source: '依据', definition: '规则内容' };

export const evaluateInput = z.object({ townId: id, year, ruleSetId: id });
export const EVALUATE_LABELS = { townId: '专业镇', year: '年度', ruleSetId: '规则' };
export const decideProposalInput = z
  .object({
    assessment_id: id,
    decision: z.enum(['apply', 'dismiss'], { error: '应为执行或不执行' }),
    date: isoDateString,
    doc_no: optionalText(100),
    reason: requiredText(500),
    /** For a proposed 降级: the level after it. */
    level: level.nullish(),
    designation: designationInput.nullish(),
  });
export const DECIDE_LABELS = { assessment_id: '考核结果', decision: '决定', date: '日期', doc_no: '文号', reason: '事由', level: '级别', designation: '认定信息' };

export const dashboardQuery = z.object({
  region_code: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  year: year.optional(),
  /** 上报单位: only the towns a lower office reported (a city's code takes its counties' too). */
  origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
});
export const DASHBOARD_LABELS = { region_code: '地区', year: '年度', origin_office: '上报单位' };

// ---------------------------------------------------------------- rows

export interface TownRow {
  id: number;
  gid: string;
  name: string;
  county_code: string;
  category: TownCategory;
  leading_industry: string;
  industry_codes: string;
  description: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  status: TownStatus;
  status_since: string;
  level: TownLevel | null;
  /** The office the record was written at (migration 6); a consolidating city filters on it (上报单位). */
  origin_office: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface DesignationRow {
  id: number;
  gid: string;
  town_id: number;
  level: TownLevel;
  kind: 'initial' | 'renewal' | 'downgrade';
  batch_no: string | null;
  doc_no: string;
  bodies: string[];
  publicity_start: string | null;
  publicity_end: string | null;
  plaque_date: string | null;
  valid_from: string;
  valid_to: string;
  ended_on: string | null;
  end_reason: string | null;
  created_at: string;
  created_by: string;
}

export interface TransitionRow {
  id: number;
  gid: string;
  town_id: number;
  action: TransitionAction;
  from_status: TownStatus;
  to_status: TownStatus;
  date: string;
  doc_no: string | null;
  reason: string;
  level: TownLevel | null;
  publicity_start: string | null;
  publicity_end: string | null;
  designation_id: number | null;
  assessment_id: number | null;
  actor: string;
  actor_name: string;
  created_at: string;
  created_by: string;
}

export interface MemberRow {
  id: number;
  gid: string;
  town_id: number;
  enterprise_id: number;
  enterprise_name: string;
  uscc: string;
  scale: 'above' | 'below';
  role: MemberRole;
  joined_on: string;
  left_on: string | null;
  left_reason: string | null;
}

export interface PlatformRow {
  id: number;
  gid: string;
  town_id: number;
  name: string;
  type: PlatformType;
  operator: string | null;
  level: 'national' | 'provincial' | 'city' | 'county' | null;
  area_m2: number | null;
  investment_wan: number | null;
  established_on: string | null;
  services: Array<{ year: number; services: number }>;
}

export interface ProjectRow {
  id: number;
  gid: string;
  town_id: number;
  name: string;
  investment_wan: number;
  start_date: string;
  status: ProjectStatus;
  note: string | null;
}

export interface RuleSetRow {
  id: number;
  gid: string;
  code: string;
  version: number;
  name: string;
  purpose: 'designation' | 'rereview' | 'annual';
  region_code: string;
  level: TownLevel | null;
  effective_from: string;
  source: string | null;
  definition: string;
  created_at: string;
  created_by: string;
}
