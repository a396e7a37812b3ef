import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

interface FieldIssue {
  field: string;
  label: string;
  message: string;
}

/** Puts a VALIDATION error's field issues on the form fields, so each message stands under its field. */
export function showFieldErrors(form: FormInstance, e: unknown): boolean {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return false;
  const issues = (e.details as FieldIssue[]).filter((d) => d && typeof d.field === 'string');
  if (!issues.length) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  const fields = issues.filter((i) => known.has(i.field.split('.')[0]!)).map((i) => ({ name: i.field.split('.')[0]!, errors: [i.message] }));
  if (!fields.length) return false;
  form.setFields(fields);
  return true;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
