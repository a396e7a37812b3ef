import { z } from 'zod';

// Money is integer fen everywhere. Yuan typed by a person (or read from Excel) is parsed from its decimal text,
// never through float arithmetic, so "0.29" is 29 fen and "1.005" is refused rather than silently rounded.

export type ParsedMoney = { ok: true; fen: number } | { ok: false; message: string };

const MAX_FEN = 1e13; // 1,000 亿元: far above any subsidy, far below 2^53

export function parseYuan(raw: unknown): ParsedMoney {
  if (raw === null || raw === undefined) return { ok: false, message: '必填' };
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { ok: false, message: '不是有效金额' };
    text = String(raw);
  } else if (typeof raw === 'string') {
    text = raw.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '').replace(/元$/, '');
  } else {
    return { ok: false, message: '不是有效金额' };
  }
  if (text === '') return { ok: false, message: '必填' };
  if (/^-/.test(text)) return { ok: false, message: '不能为负数' };
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return { ok: false, message: `「${text}」不是有效金额` };
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { ok: false, message: `「${text}」最多两位小数（到分）` };
  const fen = Number(m[1]) * 100 + Number(decimals.padEnd(2, '0') || '0');
  if (!Number.isSafeInteger(fen) || fen > MAX_FEN) return { ok: false, message: `「${text}」金额过大` };
  return { ok: true, fen };
}

/** Percent with up to two decimals as basis points (50 → 5000, 62.5 → 6250). */
export function parsePercent(raw: unknown): ParsedMoney {
  const p = parseYuan(raw);
  if (!p.ok) return { ok: false, message: p.message.replace('金额', '百分比').replace('（到分）', '') };
  if (p.fen > 10000) return { ok: false, message: '不能超过 100%' };
  return p;
}

/** zod: yuan text or number → fen. Refuses negative, non-numeric and more than two decimals, naming the field. */
export const yuan = z.union([z.string(), z.number()], { error: '应为金额（元）' }).transform((v, ctx) => {
  const p = parseYuan(v);
  if (!p.ok) {
    ctx.addIssue({ code: 'custom', message: p.message });
    return z.NEVER;
  }
  return p.fen;
});
export const positiveYuan = yuan.refine((f) => f > 0, '须大于 0');
export const optionalYuan = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null;
    const p = parseYuan(v);
    if (!p.ok) {
      ctx.addIssue({ code: 'custom', message: p.message });
      return z.NEVER;
    }
    return p.fen;
  });

export const percent = z.union([z.string(), z.number()], { error: '应为百分比' }).transform((v, ctx) => {
  const p = parsePercent(v);
  if (!p.ok) {
    ctx.addIssue({ code: 'custom', message: p.message });
    return z.NEVER;
  }
  return p.fen;
});

/** Decimal quantity (m², m³, t) with up to two decimals, strictly positive. */
export const positiveQuantity = (unit: string) =>
  z.union([z.string(), z.number()], { error: `应为数值（${unit}）` }).transform((v, ctx) => {
    const p = parseYuan(v);
    if (!p.ok) {
      ctx.addIssue({ code: 'custom', message: p.message.replace('金额', '数值').replace('（到分）', '') });
      return z.NEVER;
    }
    if (p.fen <= 0) {
      ctx.addIssue({ code: 'custom', message: `须大于 0 ${unit}` });
      return z.NEVER;
    }
    return p.fen / 100;
  });

/** 1234567 → "12,345.67" */
export function fmtYuan(fen: number): string {
  const neg = fen < 0;
  const a = Math.abs(fen);
  const y = Math.trunc(a / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = (a % 100).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${y}.${f}`;
}

/** fen → yuan text for forms and Excel round trips ("12345.67"). */
export function fenToYuanText(fen: number): string {
  return `${Math.trunc(fen / 100)}.${(fen % 100).toString().padStart(2, '0')}`;
}

export function fmtPercent(bp: number): string {
  return bp % 100 === 0 ? `${bp / 100}%` : `${(bp / 100).toFixed(2).replace(/0$/, '')}%`;
}
