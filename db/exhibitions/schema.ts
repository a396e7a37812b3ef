import { z } from 'zod';
import { AppError, type FieldIssue } from '../result.js';
import { isoDateString, optionalText, requiredText } from '../validate.js';
import { optionalYuan, positiveQuantity, positiveYuan } from './money.js';
import { GOV_LEVELS, ITEM_TYPES, MARKET_TYPES, MATERIALS, ruleTableInput, RULE_LABELS, type GovLevel, type ItemType, type MarketType, type PaymentMethod, type Scope } from './rules.js';

export const CLAIM_STATUSES = [
  'draft', 'submitted', 'first_review', 'second_review', 'publicity', 'approved', 'paid', 'returned', 'rejected',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const STATUS_LABEL: Record<ClaimStatus, string> = {
  draft: '草稿', submitted: '已提交', first_review: '初审', second_review: '复审', publicity: '公示', approved: '已批准',
  paid: '已拨付', returned: '退回', rejected: '驳回',
};
/** Count against the enterprise's annual cap with their current calculation. */
export const LIVE_STATUSES: readonly ClaimStatus[] = ['submitted', 'first_review', 'second_review', 'publicity'];
/** The amount no longer moves: approved and paid keep approved_fen; a rejected claim keeps nothing. */
export const FROZEN_STATUSES: readonly ClaimStatus[] = ['approved', 'paid', 'rejected'];
export const EDITABLE_STATUSES: readonly ClaimStatus[] = ['draft', 'returned'];

/**
 * parseInput names only the top-level field; claims have rows of booths and items, so problems are named as
 * 「费用明细第 2 行·发票日期」 and the UI gets the full path.
 */
export function parseNested<S extends z.ZodType>(schema: S, raw: unknown, labels: Record<string, string>, rowLabels: Record<string, string> = {}): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw validationError(
    r.error.issues.map((i) => {
      const path = i.path.map(String);
      const parts: string[] = [];
      path.forEach((p, idx) => {
        if (/^\d+$/.test(p)) parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''}第 ${Number(p) + 1} 行`;
        else parts.push(idx === 0 ? (labels[p] ?? p) : (rowLabels[p] ?? labels[p] ?? p));
      });
      return { field: path.join('.'), label: parts.join('·') || '输入', message: i.message };
    }),
  );
}

export function validationError(issues: FieldIssue[]): AppError {
  const f = issues[0]!;
  return new AppError('VALIDATION', `「${f.label}」${f.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
}

// ---------------------------------------------------------------------------------------------------------
// Fairs

export const fairInput = z
  .object({
    name: requiredText(200),
    organiser: requiredText(200),
    organising_gov: optionalText(100),
    gov_level: z.enum(GOV_LEVELS, { error: '应为国家级、省级、市级、县级或非政府组织' }),
    scope: z.enum(['domestic', 'overseas'], { error: '应为境内或境外' }),
    market_type: z.enum(MARKET_TYPES, { error: '应为传统市场、新兴市场或一带一路' }),
    country: requiredText(50),
    city: optionalText(50),
    venue: optionalText(200),
    start_date: isoDateString,
    end_date: isoDateString,
    note: optionalText(500),
  })
  .refine((f) => f.end_date >= f.start_date, { message: '结束日期不能早于开始日期', path: ['end_date'] })
  .refine((f) => f.gov_level === 'none' || !!f.organising_gov, { message: '由政府组织参展时须填写组织参展的人民政府', path: ['organising_gov'] });
export type FairInput = z.input<typeof fairInput>;
export const FAIR_LABELS: Record<string, string> = {
  name: '展会名称', organiser: '主办单位', organising_gov: '组织参展的人民政府', gov_level: '组展政府级别', scope: '境内/境外',
  market_type: '市场类型', country: '国家(地区)', city: '城市', venue: '展馆', start_date: '开始日期', end_date: '结束日期', note: '备注',
};

export interface FairRow {
  id: number;
  gid: string;
  name: string;
  organiser: string;
  organising_gov: string | null;
  gov_level: GovLevel;
  scope: Scope;
  market_type: MarketType;
  country: string;
  city: string | null;
  venue: string | null;
  start_date: string;
  end_date: string;
  note: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

// ---------------------------------------------------------------------------------------------------------
// Rule sets

export const ruleSetCreateInput = z.object({
  name: requiredText(100),
  region_code: z.string().trim().regex(/^\d{6}$/, '应为 6 位数字'),
  year: z.number({ error: '应为年份' }).int('应为年份').min(2000, '年份不正确').max(2100, '年份不正确'),
  source: optionalText(1000),
  note: optionalText(500),
  rules: ruleTableInput,
});
export const ruleSetReviseInput = z.object({
  rule_set_id: z.number().int().positive(),
  note: requiredText(500),
  rules: ruleTableInput,
});
export const RULE_SET_LABELS: Record<string, string> = {
  name: '规则名称', region_code: '行政区划代码', year: '年度', source: '依据', note: '修订说明', rules: '规则', ...RULE_LABELS,
};
export const RULE_ROW_LABELS: Record<string, string> = {
  ...RULE_LABELS, domestic: '境内', overseas: '境外', traditional: '传统市场', emerging: '新兴市场', belt_road: '一带一路',
  from_booth: '起始展位', factor_pct: '比例', cap_domestic_yuan: '境内每展位上限', cap_overseas_yuan: '境外每展位上限',
  type: '费用类型', cap_yuan: '上限', volume_m3: '体积', weight_t: '重量',
};

export interface RuleSetRow {
  id: number;
  gid: string;
  name: string;
  region_code: string;
  year: number;
  is_sample: 0 | 1;
  source: string | null;
  created_at: string;
  created_by: string;
  /** The office that made the table (migration 6); another office's is read-only here. */
  origin_office: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Claims

const boothInput = z.object({
  gid: z.string().uuid().nullish(),
  booth_no: requiredText(30),
  area_m2: positiveQuantity('m²'),
  kind: z.enum(['standard', 'special'], { error: '应为标准展位或特装' }),
});

const itemInput = z.object({
  gid: z.string().uuid().nullish(),
  item_type: z.enum(ITEM_TYPES, { error: '未知的费用类型' }),
  /** Which booth a booth-linked cost belongs to; may be left empty when the claim has one booth. */
  booth_no: optionalText(30),
  amount_yuan: positiveYuan,
  invoice_no: requiredText(50),
  invoice_date: isoDateString,
  payment_method: z.enum(['transfer', 'cash', 'other'], { error: '应为银行转账、现金或其他' }),
  voucher_no: optionalText(50),
  volume_m3: positiveQuantity('m³').nullish(),
  weight_t: positiveQuantity('t').nullish(),
  other_subsidy_yuan: optionalYuan,
  note: optionalText(200),
});

export const claimInput = z.object({
  enterprise_id: z.number({ error: '必填' }).int().positive(),
  fair_id: z.number({ error: '必填' }).int().positive(),
  rule_set_id: z.number().int().positive().nullish(),
  claim_date: isoDateString.nullish(),
  agent_used: z.boolean().default(false),
  note: optionalText(500),
  booths: z.array(boothInput).max(50, '展位不能超过 50 个').default([]),
  items: z.array(itemInput).max(200, '费用明细不能超过 200 行').default([]),
});
export type ClaimInput = z.input<typeof claimInput>;
export type ClaimData = z.output<typeof claimInput>;
export const CLAIM_LABELS: Record<string, string> = {
  enterprise_id: '企业', fair_id: '展会', rule_set_id: '补贴规则', claim_date: '申请日期', agent_used: '是否通过代理购买展位',
  note: '备注', booths: '展位', items: '费用明细',
};
export const CLAIM_ROW_LABELS: Record<string, string> = {
  booth_no: '展位号', area_m2: '面积', kind: '展位类型', item_type: '费用类型', amount_yuan: '金额', invoice_no: '发票号',
  invoice_date: '发票日期', payment_method: '支付方式', voucher_no: '凭证号', volume_m3: '体积', weight_t: '重量',
  other_subsidy_yuan: '已获其他补贴', note: '备注', gid: '编号',
};

export interface ClaimRow {
  id: number;
  gid: string;
  claim_no: string;
  enterprise_id: number;
  fair_id: number;
  rule_set_id: number;
  subsidy_year: number;
  claim_date: string;
  agent_used: 0 | 1;
  status: ClaimStatus;
  calc_fen: number;
  calc_rule_version: number | null;
  calc_json: string | null;
  applied_fen: number | null;
  approved_fen: number | null;
  submitted_on: string | null;
  approved_on: string | null;
  late_override_reason: string | null;
  return_comment: string | null;
  reject_reason: string | null;
  publicity_batch_id: number | null;
  note: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface BoothRow {
  id: number;
  gid: string;
  claim_id: number;
  seq: number;
  booth_no: string;
  area_m2: number;
  kind: 'standard' | 'special';
}

export interface ItemRow {
  id: number;
  gid: string;
  claim_id: number;
  seq: number;
  item_type: ItemType;
  booth_seq: number | null;
  amount_fen: number;
  invoice_no: string;
  invoice_date: string;
  payment_method: PaymentMethod;
  voucher_no: string | null;
  volume_m3: number | null;
  weight_t: number | null;
  other_subsidy_fen: number;
  note: string | null;
}

export interface AttachmentRow {
  id: number;
  gid: string;
  claim_id: number;
  material: (typeof MATERIALS)[number];
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  storage: 'file' | 'db';
  created_at: string;
  created_by: string;
}

export interface PaymentRow {
  id: number;
  gid: string;
  claim_id: number;
  kind: 'payment' | 'recovery';
  entry_date: string;
  amount_fen: number;
  voucher_no: string | null;
  sanction_id: number | null;
  note: string | null;
  created_at: string;
  created_by: string;
}

export const transitionInput = z.object({
  claim_id: z.number().int().positive(),
  action: z.enum(['submit', 'first_review', 'second_review', 'return', 'reject', 'approve'], { error: '未知的操作' }),
  comment: optionalText(500),
  /** An administrator's audited reason to let a late claim or a sanctioned enterprise through. */
  override_reason: optionalText(500),
});
export type TransitionAction = z.output<typeof transitionInput>['action'];

export const publishInput = z
  .object({
    claim_ids: z.array(z.number().int().positive()).min(1, '至少选择一个申请'),
    batch_no: optionalText(50),
    title: requiredText(200),
    start_date: isoDateString,
    end_date: isoDateString,
    /** 审核意见 of the 公示 step (同意 when empty). */
    opinion: optionalText(500),
  })
  .refine((b) => b.end_date >= b.start_date, { message: '公示结束日期不能早于开始日期', path: ['end_date'] });
export const PUBLISH_LABELS = { claim_ids: '申请', batch_no: '批次号', title: '公示标题', start_date: '公示开始日期', end_date: '公示结束日期', opinion: '审核意见' };

export const paymentInput = z.object({
  claim_id: z.number().int().positive(),
  pay_date: isoDateString,
  amount_yuan: positiveYuan,
  voucher_no: requiredText(50),
  note: optionalText(200),
  override_reason: optionalText(500),
  /** 审核意见 of the 拨付 step (同意 when empty). */
  opinion: optionalText(500),
});
export const PAYMENT_LABELS = { pay_date: '拨付日期', amount_yuan: '拨付金额', voucher_no: '拨付凭证号', note: '备注', override_reason: '例外说明', opinion: '审核意见' };

export const attachmentInput = z.object({
  claim_id: z.number().int().positive(),
  material: z.enum(MATERIALS, { error: '未知的材料类型' }),
  fileName: requiredText(255),
  dataBase64: z.string().min(1, '文件为空').max(28 * 1024 * 1024, '文件超过 20 MB'),
});
export const ATTACHMENT_LABELS = { material: '材料类型', fileName: '文件名', dataBase64: '文件' };

export const claimListQuery = z.object({
  year: z.number().int().optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  fair_id: z.number().int().positive().optional(),
  enterprise_id: z.number().int().positive().optional(),
  /** 上报单位: the lower office a consolidated claim came from (origin_office). */
  origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  q: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
});
