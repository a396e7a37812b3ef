// 上报单位 (origin_office) on a consolidated list: a filter and a column, shown only where the ledger holds records
// of lower offices (a city or province after 装入数据包); a county's lists have none and show neither.
import { Select, type TableColumnType } from 'antd';
import type { OriginOption } from '../../../db/exchange/summary';

export function OriginSelect({ options, value, onChange }: { options: OriginOption[]; value: string | undefined; onChange(v: string | undefined): void }) {
  if (!options.length) return null;
  return (
    <Select
      allowClear
      placeholder="上报单位"
      aria-label="上报单位"
      style={{ width: 160 }}
      value={value}
      onChange={(v: string | undefined) => onChange(v)}
      options={options.map((o) => ({ value: o.code, label: `${o.name}（${o.count}）` }))}
    />
  );
}

/** The 上报单位 column, or none; spread into a table's columns. */
export function originColumn<T extends { origin_office: string | null }>(options: OriginOption[]): TableColumnType<T>[] {
  if (!options.length) return [];
  // Records not from an office below are this ledger's own (本级).
  return [{ title: '上报单位', dataIndex: 'origin_office', width: 100, render: (v: string | null) => options.find((o) => o.code === v)?.name ?? <span className="muted">本级</span> }];
}
