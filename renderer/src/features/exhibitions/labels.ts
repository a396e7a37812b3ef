// Display labels (the renderer imports only types from db/, so the Chinese names of codes live here too).
import type { ClaimStatus, GovLevel, ItemType, MarketType, Material, PaymentMethod, Scope } from '../../../../db/types';

export const STATUS_LABEL: Record<ClaimStatus, string> = {
  draft: '草稿', submitted: '已提交', first_review: '初审', second_review: '复审', publicity: '公示', approved: '已批准',
  paid: '已拨付', returned: '退回', rejected: '驳回',
};
export const STATUS_COLOR: Record<ClaimStatus, string> = {
  draft: 'default', submitted: 'blue', first_review: 'cyan', second_review: 'geekblue', publicity: 'purple', approved: 'green',
  paid: 'success', returned: 'orange', rejected: 'red',
};
export const STATUS_ORDER: ClaimStatus[] = ['draft', 'submitted', 'first_review', 'second_review', 'publicity', 'approved', 'paid', 'returned', 'rejected'];

export const ITEM_TYPES: ItemType[] = [
  'booth_fee', 'special_fit_out', 'construction', 'registration', 'transport', 'large_exhibit_return',
  'international_travel', 'accommodation', 'advertising', 'catalogue',
];
export const ITEM_TYPE_LABEL: Record<ItemType, string> = {
  booth_fee: '展位费', special_fit_out: '特装费', construction: '搭建费', registration: '注册费', transport: '运输费',
  large_exhibit_return: '大型展品回运费', international_travel: '国际交通', accommodation: '住宿', advertising: '广告费', catalogue: '会刊费',
};
export const BOOTH_LINKED = new Set<ItemType>(['booth_fee', 'special_fit_out', 'construction']);

export const MATERIALS: Material[] = [
  'application_form', 'authenticity_pledge', 'invoice', 'payment_proof', 'booth_contract', 'site_photos', 'catalogue_or_pass', 'agent_contract',
];
export const MATERIAL_LABEL: Record<Material, string> = {
  application_form: '申请表', authenticity_pledge: '申报材料真实性承诺书', invoice: '发票', payment_proof: '付款凭证',
  booth_contract: '展位合同', site_photos: '现场照片', catalogue_or_pass: '会刊或参展证', agent_contract: '代理合同及付款凭证',
};

export const GOV_LEVELS: GovLevel[] = ['national', 'provincial', 'city', 'county', 'none'];
export const GOV_LEVEL_LABEL: Record<GovLevel, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级', none: '非政府组织' };
export const SCOPE_LABEL: Record<Scope, string> = { domestic: '境内', overseas: '境外' };
export const MARKET_TYPES: MarketType[] = ['traditional', 'emerging', 'belt_road'];
export const MARKET_LABEL: Record<MarketType, string> = { traditional: '传统市场', emerging: '新兴市场', belt_road: '一带一路' };
export const PAYMENT_LABEL: Record<PaymentMethod, string> = { transfer: '银行转账', cash: '现金', other: '其他' };

/** Integer fen → "12,345.67" (yuan with thousands separators). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const neg = fen < 0;
  const a = Math.abs(fen);
  const y = Math.trunc(a / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${y}.${(a % 100).toString().padStart(2, '0')}`;
}

/** Integer fen → "12345.67" for form fields the ops read as yuan. */
export const yuanText = (fen: number) => `${Math.trunc(fen / 100)}.${(fen % 100).toString().padStart(2, '0')}`;

export const pct = (bp: number) => (bp % 100 === 0 ? `${bp / 100}%` : `${(bp / 100).toFixed(2).replace(/0$/, '')}%`);

/** The ledger keeps dates in China Standard Time (db/clock.ts), whatever the computer's zone. */
export const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** Stored ISO timestamp (UTC) → "2026-03-15 10:20" in China Standard Time. */
export const cstTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export const DATE_RULE = { pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式为 YYYY-MM-DD，如 2026-03-15' };
