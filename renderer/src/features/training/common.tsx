import { DatePicker, type FormInstance } from 'antd';
import dayjs from 'dayjs';
import { ApiError } from '../../api/client';

/** A DatePicker that holds the ISO text the ops expect (typing 2026-03-01 and Enter works too). */
export function DateInput(props: { value?: string | null; onChange?: (v: string | null) => void; id?: string; placeholder?: string; style?: React.CSSProperties }) {
  return (
    <DatePicker
      id={props.id}
      style={props.style ?? { width: '100%' }}
      format="YYYY-MM-DD"
      placeholder={props.placeholder ?? '年-月-日'}
      value={props.value ? dayjs(props.value) : null}
      onChange={(d) => props.onChange?.(d ? d.format('YYYY-MM-DD') : null)}
    />
  );
}

/**
 * Puts a VALIDATION error's issues on the form's fields, nested ones too (bands.2.level_to → the third band's
 * 截止等级); returns whether any landed.
 */
export function putFieldErrors(form: FormInstance, e: unknown): boolean {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return false;
  const issues = (e.details as Array<{ field?: string; message: string }>).filter((d) => d && typeof d.field === 'string' && d.field);
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  const fields = issues
    .filter((i) => known.has(i.field!.split('.')[0]!))
    .map((i) => {
      const parts = i.field!.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      // A whole band (bands.2) has no field of its own: mark its first column.
      const name = parts.length === 2 && typeof parts[1] === 'number' && parts[0] === 'bands' ? [...parts, 'level_from'] : parts;
      return { name, errors: [i.message] };
    });
  if (fields.length) form.setFields(fields as never);
  return fields.length > 0;
}
