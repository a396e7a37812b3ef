import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

/**
 * Like showFieldErrors, for forms with rows (费用明细第 2 行·发票日期): the service names the full path
 * ("items.1.invoice_date"), which becomes the Form.List field name ['items', 1, 'invoice_date'].
 */
export function showNestedErrors(form: FormInstance, e: unknown, map: (path: Array<string | number>) => Array<string | number> = (p) => p): number {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return 0;
  const issues = (e.details as Array<{ field?: unknown; message?: string }>).filter((d) => d && typeof d.field === 'string');
  const fields = issues.map((i) => ({
    name: map((i.field as string).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))),
    errors: [i.message ?? ''],
  }));
  // Errors of the previous attempt go first, or a corrected field would keep its old message.
  form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name, errors: [] })) as never);
  const known = fields.filter((f) => form.getFieldInstance(f.name as never) !== undefined || form.getFieldValue(f.name as never) !== undefined);
  form.setFields(known as never);
  return known.length;
}
