import type { FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../../api/client';

export const today = () => dayjs().format('YYYY-MM-DD');
export const iso = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);
export const day = (s: string | null | undefined) => (s ? dayjs(s) : null);

/** Puts each field issue under its (possibly nested: designation.valid_from) form field. */
export function setIssues(form: FormInstance, e: unknown): void {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return;
  const issues = (e.details as Array<{ field?: unknown; message?: unknown }>).filter((d) => d && typeof d.field === 'string');
  form.setFields(issues.map((i) => ({ name: String(i.field).split('.'), errors: [String(i.message)] })));
}

export const ROLE_COLOR: Record<string, string> = { leader: 'red', chain_master: 'purple', supporting: 'blue', other: 'default' };
