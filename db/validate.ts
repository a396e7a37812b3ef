import { z } from 'zod';
import { AppError, type FieldIssue } from './result.js';

z.config(z.locales.zhCN());

/**
 * Parse untrusted input (renderer, file, command line). Problems come back as one VALIDATION error that names
 * every field in Chinese, so the form can mark each one.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, labels: Record<string, string> = {}): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.map((i) => {
    const field = i.path.join('.');
    const label = labels[String(i.path[0] ?? '')] ?? (field || '输入');
    return { field, label, message: i.message };
  });
  const first = issues[0]!;
  throw new AppError('VALIDATION', `「${first.label}」${first.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
}

export const isoDateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, '不是有效的日期');

/** Trimmed text; empty becomes null (optional fields in forms and Excel cells). */
export const optionalText = (max = 200) =>
  z
    .string()
    .max(max, `不能超过 ${max} 个字符`)
    .nullish()
    .transform((s) => {
      const t = (s ?? '').trim();
      return t === '' ? null : t;
    });

export const requiredText = (max = 200) => z.string().trim().min(1, '必填').max(max, `不能超过 ${max} 个字符`);
