import { z } from 'zod';
import { isoDateString, optionalText, requiredText } from '../validate.js';

export const PLAN_TYPES = ['apprentice', 'skills', 'entrepreneur', 'pre_job'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];
export const PLAN_TYPE_LABEL: Record<PlanType, string> = {
  apprentice: '企业新型学徒制',
  skills: '技能提升/职业技能培训',
  entrepreneur: '企业家培训',
  pre_job: '岗前培训',
};
/** Short names used in plan codes and rule references (2026-学徒-0001). */
export const PLAN_TYPE_SHORT: Record<PlanType, string> = { apprentice: '学徒', skills: '技能', entrepreneur: '企业家', pre_job: '岗前' };

export const LEVELS = ['L5', 'L4', 'L3', 'L2', 'L1', 'special'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_LABEL: Record<Level, string> = {
  L5: '五级/初级工',
  L4: '四级/中级工',
  L3: '三级/高级工',
  L2: '二级/技师',
  L1: '一级/高级技师',
  special: '专项职业能力',
};
/** Order of the graded levels (五级 lowest); 专项职业能力 is outside the scale. */
export const LEVEL_RANK: Record<Level, number | null> = { L5: 1, L4: 2, L3: 3, L2: 4, L1: 5, special: null };
const LEVEL_ALIASES: Record<string, Level> = {
  L5: 'L5', 五级: 'L5', 初级: 'L5', 初级工: 'L5', '五级/初级工': 'L5',
  L4: 'L4', 四级: 'L4', 中级: 'L4', 中级工: 'L4', '四级/中级工': 'L4',
  L3: 'L3', 三级: 'L3', 高级: 'L3', 高级工: 'L3', '三级/高级工': 'L3',
  L2: 'L2', 二级: 'L2', 技师: 'L2', '二级/技师': 'L2',
  L1: 'L1', 一级: 'L1', 高级技师: 'L1', '一级/高级技师': 'L1',
  special: 'special', 专项: 'special', 专项职业能力: 'special',
};
export const levelFrom = (s: string): Level | undefined => LEVEL_ALIASES[s.trim()];

export const STATUSES = ['declared', 'filed', 'opened', 'advanced', 'completed', 'settled', 'closed', 'terminated'] as const;
export type PlanStatus = (typeof STATUSES)[number];
export const STATUS_LABEL: Record<PlanStatus, string> = {
  declared: '申报',
  filed: '备案',
  opened: '开班',
  advanced: '预拨',
  completed: '结业',
  settled: '清算',
  closed: '关闭',
  terminated: '终止',
};

export type Outcome = 'in_training' | 'completed' | 'not_completed';
export const OUTCOME_LABEL: Record<Outcome, string> = { in_training: '在训', completed: '结业', not_completed: '未结业' };

export type MoneyKind = 'advance' | 'settlement' | 'recovery_order' | 'recovery_received';
export const MONEY_KIND_LABEL: Record<MoneyKind, string> = {
  advance: '预拨',
  settlement: '结算拨付',
  recovery_order: '应退回（收回）',
  recovery_received: '退回到账',
};

/**
 * Yuan as typed (text or number) with at most two decimals → integer fen, by parsing the digits, never by
 * multiplying a float (0.29 * 100 = 28.999…).
 */
export function yuanToFen(v: string | number): number | string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim().replace(/[,，\s]/g, '').replace(/元$/, '');
  if (/e/i.test(s)) return '金额格式不正确';
  if (s.startsWith('-')) return '金额不能为负数';
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return /^\d+\.\d{3,}$/.test(s) ? '金额最多保留两位小数' : '金额应为数字（元）';
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
export const yuan = z.union([z.string(), z.number()]).transform((v, c) => {
  const r = yuanToFen(v);
  if (typeof r === 'string') {
    c.addIssue({ code: 'custom', message: r });
    return z.NEVER;
  }
  return r;
});

/** Percent with at most two decimals (30, '12.5') → basis points (万分比): integer arithmetic downstream. */
export const percent = z.union([z.string(), z.number()]).transform((v, c) => {
  const r = yuanToFen(v);
  if (typeof r === 'string' || r > 10000) {
    c.addIssue({ code: 'custom', message: typeof r === 'string' ? r.replace('金额', '比例') : '比例不能超过 100%' });
    return z.NEVER;
  }
  return r;
});

const levelEnum = z.enum(LEVELS, { error: '等级应为 五级/四级/三级/二级/一级/专项职业能力' });
const planTypeEnum = z.enum(PLAN_TYPES, { error: '培训类型应为 企业新型学徒制/技能提升/企业家培训/岗前培训' });
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,20}$/, '电话号码格式不正确')
  .nullish()
  .or(z.literal(''))
  .transform((s) => (s ? s : null));

export const institutionInput = z.object({
  name: requiredText(100),
  uscc: z.string().min(1, '必填'),
  qualification: optionalText(200),
  contact_name: optionalText(50),
  contact_phone: phone,
  address: optionalText(200),
});
export const INSTITUTION_LABELS = { name: '机构名称', uscc: '统一社会信用代码', qualification: '办学资质', contact_name: '联系人', contact_phone: '联系电话', address: '地址' };

export const bandInput = z.object({
  level_from: levelEnum,
  level_to: levelEnum,
  label: optionalText(20),
  certified: yuan,
  completed: yuan.default(0),
  not_completed: yuan.default(0),
});
export const ruleSetInput = z.object({
  code: requiredText(60),
  name: requiredText(100),
  region_code: z.string().trim().regex(/^\d{6}$/, '应为 6 位行政区划代码'),
  year: z.number().int().min(2000, '年份不正确').max(2100, '年份不正确'),
  plan_type: planTypeEnum,
  max_advance_percent: percent,
  shortage_bonus_percent: percent.default(0),
  shortage_min_level: levelEnum.nullish(),
  claim_window_months: z.number().int('应为整数').min(1, '至少 1 个月').max(120, '不能超过 120 个月').nullish(),
  require_social_insurance: z.boolean().default(false),
  source: optionalText(500),
  note: optionalText(500),
  bands: z.array(bandInput).min(1, '至少需要一个等级档次'),
  shortage_occupations: z.array(z.object({ code: requiredText(20), name: requiredText(50) })).default([]),
});
export const RULE_SET_LABELS = {
  code: '规则编号', name: '规则名称', region_code: '适用地区', year: '年度', plan_type: '培训类型', max_advance_percent: '最高预拨比例',
  shortage_bonus_percent: '紧缺职业加成', shortage_min_level: '加成起始等级', claim_window_months: '申领期限(月)', bands: '等级档次',
  shortage_occupations: '紧缺职业目录',
};

export const planInput = z
  .object({
    enterprise_id: z.number().int().positive('请选择企业'),
    institution_id: z.number().int().positive().nullish(),
    plan_type: planTypeEnum,
    occupation_code: requiredText(20),
    occupation_name: requiredText(50),
    target_level: levelEnum,
    planned_count: z.number().int('应为整数').min(1, '至少 1 人').max(100_000, '人数过大'),
    start_date: isoDateString,
    end_date: isoDateString,
    rule_set_id: z.number().int().positive('请选择补贴规则'),
    declared_date: isoDateString,
    doc_no: requiredText(100),
    note: optionalText(500),
    override_reason: optionalText(200),
  })
  .refine((p) => p.end_date >= p.start_date, { message: '结束日期不能早于开始日期', path: ['end_date'] });
export const PLAN_LABELS = {
  enterprise_id: '企业', institution_id: '培训机构', plan_type: '培训类型', occupation_code: '职业(工种)代码', occupation_name: '职业(工种)名称',
  target_level: '目标等级', planned_count: '计划人数', start_date: '开始日期', end_date: '结束日期', rule_set_id: '补贴规则',
  declared_date: '申报日期', doc_no: '申报文号', note: '备注', override_reason: '例外说明',
};

export const transitionInput = z.object({
  plan_id: z.number().int().positive(),
  to: z.enum(STATUSES, { error: '目标状态不正确' }),
  date: isoDateString,
  doc_no: requiredText(100),
  note: optionalText(500),
  /** 预拨: the amount in yuan; empty means the whole advance the plan may receive. */
  amount: yuan.nullish(),
  override_reason: optionalText(200),
});
export const TRANSITION_LABELS = { to: '目标状态', date: '日期', doc_no: '文号', note: '说明', amount: '金额', override_reason: '例外说明' };

export const traineeInput = z.object({
  name: requiredText(50),
  id_no: z.string().min(1, '必填'),
  phone: phone,
  contract_start: isoDateString.nullish(),
  contract_end: isoDateString.nullish(),
  social_insurance_verified: z.boolean().default(false),
  social_insurance_date: isoDateString.nullish(),
  sessions_attended: z.number().int('应为整数').min(0, '不能为负数').default(0),
  hours_attended: z.number().int('应为整数').min(0, '不能为负数').default(0),
});
export type TraineeData = z.output<typeof traineeInput>;
export const TRAINEE_LABELS = {
  name: '姓名', id_no: '居民身份证号', phone: '手机号', contract_start: '劳动合同起', contract_end: '劳动合同止',
  social_insurance_verified: '社保已核验', social_insurance_date: '社保核验日期', sessions_attended: '出勤次数', hours_attended: '出勤学时',
};

export const traineeUpdateInput = z.object({
  id: z.number().int().positive(),
  phone: phone.optional(),
  contract_start: isoDateString.nullish(),
  contract_end: isoDateString.nullish(),
  social_insurance_verified: z.boolean().optional(),
  social_insurance_date: isoDateString.nullish(),
  sessions_attended: z.number().int('应为整数').min(0, '不能为负数').optional(),
  hours_attended: z.number().int('应为整数').min(0, '不能为负数').optional(),
  outcome: z.enum(['in_training', 'completed', 'not_completed']).optional(),
  outcome_date: isoDateString.nullish(),
});

export const certificateInput = z.object({
  trainee_id: z.number().int().positive(),
  level: levelEnum,
  cert_no: requiredText(60),
  issuer: requiredText(100),
  issue_date: isoDateString,
});
export const CERT_LABELS = { trainee_id: '学员', level: '证书等级', cert_no: '证书编号', issuer: '发证机构', issue_date: '发证日期' };

export const moneyInput = z.object({
  plan_id: z.number().int().positive(),
  kind: z.literal('recovery_received'),
  amount: yuan,
  date: isoDateString,
  doc_no: requiredText(100),
  note: optionalText(300),
});

export const courseInput = z
  .object({
    title: requiredText(100),
    organiser: requiredText(100),
    start_date: isoDateString,
    end_date: isoDateString,
    hours: z.number().int('应为整数').min(1, '至少 1 学时').max(2000, '学时过大'),
    location: optionalText(100),
  })
  .refine((c) => c.end_date >= c.start_date, { message: '结束日期不能早于开始日期', path: ['end_date'] });
export const COURSE_LABELS = { title: '课程名称', organiser: '主办单位', start_date: '开始日期', end_date: '结束日期', hours: '学时', location: '地点' };

export const attendeeInput = z.object({
  course_id: z.number().int().positive(),
  enterprise_id: z.number().int().positive('请选择企业'),
  person_name: requiredText(50),
  position: optionalText(50),
  hours_attended: z.number().int('应为整数').min(0, '不能为负数'),
});
export const ATTENDEE_LABELS = { enterprise_id: '企业', person_name: '姓名', position: '职务', hours_attended: '参训学时' };

export const ledgerQuery = z
  .object({
    year: z.number().int().min(2000).max(2100).optional(),
    from: isoDateString.optional(),
    to: isoDateString.optional(),
    plan_type: planTypeEnum.optional(),
    /** 上报单位: plans a lower office reported (a city's code takes its counties' too). */
    origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  })
  .refine((q) => q.year !== undefined || (q.from && q.to), { message: '请给出年度或起止日期', path: ['year'] });
export type LedgerQuery = z.input<typeof ledgerQuery>;

// ---- rows ----
export interface InstitutionRow {
  id: number; gid: string; name: string; uscc: string; qualification: string | null; contact_name: string | null;
  contact_phone: string | null; address: string | null; created_at: string; created_by: string; updated_at: string; updated_by: string;
}
export interface RuleSetRow {
  id: number; gid: string; code: string; name: string; region_code: string; year: number; plan_type: PlanType; version: number;
  max_advance_bp: number; shortage_bonus_bp: number; shortage_min_level: Level | null; claim_window_months: number | null;
  require_social_insurance: 0 | 1; is_sample: 0 | 1; source: string | null; note: string | null;
  status: 'active' | 'superseded' | 'retired'; created_at: string; created_by: string;
  /** The office that made the table (migration 6); another office's is read-only here. */
  origin_office: string | null;
}
export interface BandRow {
  id: number; gid: string; rule_set_id: number; level_from: Level; level_to: Level; label: string;
  certified_fen: number; completed_fen: number; not_completed_fen: number;
}
export interface PlanRow {
  id: number; gid: string; code: string; enterprise_id: number; institution_id: number | null; plan_type: PlanType;
  occupation_code: string; occupation_name: string; target_level: Level; planned_count: number; start_date: string; end_date: string;
  rule_set_id: number; status: PlanStatus; note: string | null; created_at: string; created_by: string; updated_at: string; updated_by: string;
  /** 上报单位: the office the plan was written at (migration 6). */
  origin_office: string | null;
}
export interface StepRow {
  id: number; gid: string; plan_id: number; from_status: PlanStatus | null; to_status: PlanStatus; step_date: string; doc_no: string;
  note: string | null; created_at: string; created_by: string;
}
export interface TraineeRow {
  id: number; gid: string; plan_id: number; name: string; id_no: string; birth_date: string; gender: 'M' | 'F'; phone: string | null;
  contract_start: string | null; contract_end: string | null; social_insurance_verified: 0 | 1; social_insurance_date: string | null;
  sessions_attended: number; hours_attended: number; outcome: Outcome; outcome_date: string | null;
  created_at: string; created_by: string; updated_at: string; updated_by: string;
}
export interface CertificateRow {
  id: number; gid: string; trainee_id: number; plan_id: number; id_no: string; occupation_code: string; occupation_name: string;
  level: Level; cert_no: string; issuer: string; issue_date: string; duplicate_of: number | null; created_at: string; created_by: string;
}
export interface MoneyRow {
  id: number; gid: string; plan_id: number; kind: MoneyKind; amount_fen: number; entry_date: string; doc_no: string | null;
  explanation: string; sanction_id: number | null; created_at: string; created_by: string;
}
