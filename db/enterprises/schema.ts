import { z } from 'zod';
import { isoDateString, optionalText, requiredText } from '../validate.js';

export const SCALE_LABEL = { above: '规上', below: '规下' } as const;
export const TIER_LEVEL_LABEL = { national: '国家级', provincial: '省级', city: '市级', county: '县级' } as const;
export type TierLevel = keyof typeof TIER_LEVEL_LABEL;

export const ENTERPRISE_LABELS: Record<string, string> = {
  uscc: '统一社会信用代码',
  name: '企业名称',
  region_code: '注册地行政区划代码',
  township: '乡镇(街道)',
  address: '地址',
  industry_code: '国民经济行业分类代码',
  scale: '规模',
  legal_rep: '法定代表人',
  contact_name: '联系人',
  contact_phone: '联系电话',
  override_reason: '校验位例外说明',
};

export const enterpriseInput = z.object({
  uscc: z.string().min(1, '必填'),
  name: requiredText(100),
  region_code: z.string().trim().regex(/^\d{6}$/, '应为 6 位数字'),
  township: optionalText(50),
  address: optionalText(200),
  industry_code: optionalText(5),
  scale: z.enum(['above', 'below'], { error: '应为「规上」或「规下」' }),
  legal_rep: optionalText(50),
  contact_name: optionalText(50),
  contact_phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{5,20}$/, '电话号码格式不正确')
    .nullish()
    .or(z.literal(''))
    .transform((s) => (s ? s : null)),
  /** A reviewer's reason for accepting a code whose check character does not compute (real registries have some). */
  override_reason: optionalText(200),
});
export type EnterpriseInput = z.input<typeof enterpriseInput>;
export type EnterpriseData = z.output<typeof enterpriseInput>;

export const tierInput = z
  .object({
    enterprise_id: z.number().int().positive(),
    tier_code: z.string().min(1, '必填'),
    level: z.enum(['national', 'provincial', 'city', 'county'], { error: '应为国家级/省级/市级/县级' }),
    granted_by: optionalText(100),
    doc_no: optionalText(100),
    valid_from: isoDateString,
    valid_to: isoDateString.nullish(),
  })
  .refine((t) => !t.valid_to || t.valid_to >= t.valid_from, { message: '有效期止不能早于有效期起', path: ['valid_to'] });
export const TIER_LABELS: Record<string, string> = {
  tier_code: '梯度类型',
  level: '级别',
  granted_by: '认定机构',
  doc_no: '文号',
  valid_from: '有效期起',
  valid_to: '有效期止',
};

export const listQuery = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(20),
  sort: z.enum(['name', 'uscc', 'region_code', 'updated_at', 'created_at']).default('updated_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  q: z.string().trim().max(100).optional(),
  region_code: z.string().regex(/^\d{6}$/).optional(),
  /** 上报单位: the office a consolidated record came from (origin_office). */
  origin_office: z.string().regex(/^\d{6}$/).optional(),
  industry_code: z.string().max(5).optional(),
  tier_code: z.string().optional(),
  scale: z.enum(['above', 'below']).optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
});
export type ListQuery = z.input<typeof listQuery>;

export interface EnterpriseRow {
  id: number;
  gid: string;
  uscc: string;
  uscc_override_reason: string | null;
  name: string;
  name_initials: string;
  name_pinyin: string;
  region_code: string;
  township: string | null;
  address: string | null;
  industry_code: string | null;
  scale: 'above' | 'below';
  legal_rep: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  status: 'active' | 'inactive';
  status_reason: string | null;
  /** The office the record was written at (migration 6); a consolidating city filters on it (上报单位). */
  origin_office: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface TierRow {
  id: number;
  gid: string;
  enterprise_id: number;
  tier_code: string;
  tier_name: string;
  level: TierLevel;
  granted_by: string | null;
  doc_no: string | null;
  valid_from: string;
  valid_to: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  created_at: string;
  created_by: string;
}
