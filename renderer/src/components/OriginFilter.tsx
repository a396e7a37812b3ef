// 上报单位 (origin_office) on a consolidated list or report: a filter and a column, shown only where the ledger holds
// records of lower offices (a city or province after 装入数据包); a county's screens have none and show neither.
import { useEffect, useState } from 'react';
import { Select, Table, type TableColumnType } from 'antd';
import type { OfficeRow, OriginOption } from '../../../db/types';
import { call } from '../api/client';

/** The 上报单位 options of a report, loaded once per screen (every 装入数据包 can add an office). */
export function useOrigins(list: 'town' | 'plan' | 'claim' | 'course'): OriginOption[] {
  const [options, setOptions] = useState<OriginOption[]>([]);
  useEffect(() => {
    call('exchange:origins', { list }).then(setOptions, () => setOptions([]));
  }, [list]);
  return options;
}

/** Route segment for a print view that carries the chosen office: '' or '/140525'. */
export const originSegment = (origin: string | undefined) => (origin ? `/${origin}` : '');

/**
 * 按上报单位汇总 of a report: one row per office of origin (本级 first) with the report's figures, and a 合计 row.
 * `figures` are the columns; `format` renders amounts.
 */
export function OfficeTable<T extends OfficeRow>({ rows, figures, testId }: { rows: T[]; figures: Array<{ key: keyof T & string; title: string; format?: (v: number) => string }>; testId?: string }) {
  const sum = (k: keyof T & string) => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0);
  return (
    <Table<T>
      rowKey="office_code"
      size="small"
      pagination={false}
      data-testid={testId}
      dataSource={rows}
      locale={{ emptyText: '无' }}
      columns={[
        { title: '上报单位', dataIndex: 'office_name', render: (v: string, r) => (r.own ? `${v}（本级）` : v) },
        ...figures.map((f) => ({ title: f.title, dataIndex: f.key, align: 'right' as const, render: (v: number) => (f.format ? f.format(v) : v) })),
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
          {figures.map((f, i) => (
            <Table.Summary.Cell key={f.key} index={i + 1} align="right">
              {f.format ? f.format(sum(f.key)) : sum(f.key)}
            </Table.Summary.Cell>
          ))}
        </Table.Summary.Row>
      )}
    />
  );
}

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
