// Shared pieces of the exchange screens: the 报送期 picker, fingerprints in groups, status tags, labels.
import { Select, Space, Tag, Typography } from 'antd';

export const KIND_LABEL: Record<string, string> = {
  report: '上报', receipt: '回执', return: '退回', rules: '下发', checkout: '外勤领出', checkin: '外勤交回', backup: '完整备份',
};
export const LEVEL_LABEL: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
export const STATUS_COLOR: Record<string, string> = { draft: 'default', reviewed: 'blue', reported: 'processing', accepted: 'green', returned: 'red', missing: 'orange' };

/** An office one level up: a county's city (140525 → 140500), a city's province (140500 → 140000). */
export function officeAbove(code: string, level: string): string {
  return level === 'county' ? `${code.slice(0, 4)}00` : `${code.slice(0, 2)}0000`;
}

export const thisYear = () => new Date().getFullYear();

type PeriodKind = 'year' | 'half' | 'month' | 'adhoc';
function split(p: string): { kind: PeriodKind; year: number; sub: string } {
  const m = /^(\d{4})(?:-(H[12]|\d{2}|T\d{2}))?$/.exec(p);
  const year = Number(m?.[1] ?? thisYear() - 1);
  const sub = m?.[2] ?? '';
  if (!sub) return { kind: 'year', year, sub: '' };
  if (sub.startsWith('H')) return { kind: 'half', year, sub };
  if (sub.startsWith('T')) return { kind: 'adhoc', year, sub };
  return { kind: 'month', year, sub };
}
const pad = (n: number) => String(n).padStart(2, '0');

/** 报送期: 年报 2025, 半年报 2025-H1, 月报 2025-03, 临时 2025-T01; the value is the period string the services use. */
export function PeriodPicker(props: { value: string; onChange(p: string): void; id?: string }) {
  const { kind, year, sub } = split(props.value);
  const set = (k: PeriodKind, y: number, s: string) => props.onChange(k === 'year' ? String(y) : `${y}-${s}`);
  const firstSub: Record<PeriodKind, string> = { year: '', half: 'H1', month: '01', adhoc: 'T01' };
  const years = Array.from({ length: 8 }, (_, i) => thisYear() + 1 - i);
  const subs =
    kind === 'half'
      ? [{ value: 'H1', label: '上半年' }, { value: 'H2', label: '下半年' }]
      : kind === 'month'
        ? Array.from({ length: 12 }, (_, i) => ({ value: pad(i + 1), label: `${i + 1}月` }))
        : Array.from({ length: 20 }, (_, i) => ({ value: `T${pad(i + 1)}`, label: `第 ${i + 1} 次` }));
  return (
    <Space.Compact id={props.id}>
      <Select
        aria-label="报表类型"
        style={{ width: 110 }}
        value={kind}
        onChange={(k: PeriodKind) => set(k, year, firstSub[k])}
        options={[
          { value: 'year', label: '年报' },
          { value: 'half', label: '半年报' },
          { value: 'month', label: '月报' },
          { value: 'adhoc', label: '临时报送' },
        ]}
      />
      <Select aria-label="年度" style={{ width: 100 }} value={year} onChange={(y: number) => set(kind, y, sub)} options={years.map((y) => ({ value: y, label: `${y}年` }))} />
      {kind !== 'year' && <Select aria-label="期别" style={{ width: 110 }} value={sub} onChange={(s: string) => set(kind, year, s)} options={subs} />}
    </Space.Compact>
  );
}

/** Fingerprint as groups of four, large enough to read aloud over the phone. */
export function Fingerprint({ value, size = 'normal' }: { value: string; size?: 'normal' | 'large' }) {
  return (
    <Typography.Text
      copyable={{ text: value }}
      data-testid="fingerprint"
      style={{ fontFamily: 'ui-monospace, Consolas, monospace', fontSize: size === 'large' ? 20 : 14, letterSpacing: 1, wordSpacing: size === 'large' ? 8 : 4 }}
    >
      {value.split('-').join(' ')}
    </Typography.Text>
  );
}

export const StatusTag = ({ status, label }: { status: string; label: string }) => <Tag color={STATUS_COLOR[status] ?? 'default'}>{label}</Tag>;

/** Local date and time of an ISO timestamp (stored in UTC). */
export const when = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
