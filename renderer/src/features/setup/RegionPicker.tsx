import { useEffect, useState } from 'react';
import { Cascader, Input, Space, Typography } from 'antd';
import type { RegionRow } from '../../../../db/types';
import { call } from '../../api/client';

type Level = 'county' | 'city' | 'province';
const LEAF_KIND: Record<Level, RegionRow['kind']> = { county: 'county', city: 'prefecture', province: 'province' };

interface Option {
  value: string;
  label: string;
  isLeaf: boolean;
  kind: RegionRow['kind'];
  children?: Option[];
}

const toOption = (r: RegionRow, level: Level): Option => ({
  value: r.code,
  label: `${r.name}（${r.code}）`,
  kind: r.kind,
  isLeaf: r.kind === LEAF_KIND[level] || r.kind === 'county',
});

/** GB/T 2260 picker: type the 6-digit code directly, or pick province → city → county. */
export function RegionPicker(props: { level: Level; value?: string; onChange?: (code: string) => void }) {
  const [options, setOptions] = useState<Option[]>([]);
  const [name, setName] = useState<string | null>(null);
  const [text, setText] = useState(props.value ?? '');

  useEffect(() => {
    void call('codes:regionChildren', { parent: null }).then((rows) => setOptions(rows.map((r) => toOption(r, props.level))));
  }, [props.level]);

  useEffect(() => {
    setText(props.value ?? '');
    if (props.value && /^\d{6}$/.test(props.value)) {
      void call('codes:region', props.value).then((r) => setName(r ? r.full_name + (r.valid_to ? '（已撤销）' : '') : null));
    } else setName(null);
  }, [props.value]);

  const loadData = async (selected: Option[]) => {
    const target = selected[selected.length - 1]!;
    const rows = await call('codes:regionChildren', { parent: target.value });
    target.children = rows
      .filter((r) => props.level === 'county' || r.kind !== 'county')
      .map((r) => toOption(r, props.level));
    if (!target.children.length) target.isLeaf = true;
    setOptions([...options]);
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          aria-label="行政区划代码"
          placeholder="直接输入 6 位代码，如 140525"
          maxLength={6}
          value={text}
          style={{ width: 200 }}
          onChange={(e) => {
            const v = e.target.value.replace(/\D/g, '');
            setText(v);
            props.onChange?.(v);
          }}
        />
        <Cascader<Option>
          style={{ flex: 1 }}
          options={options}
          loadData={loadData}
          changeOnSelect={false}
          placeholder="或逐级选择：省 / 市 / 县"
          onChange={(vals) => {
            const code = (vals as string[] | undefined)?.[vals.length - 1];
            if (code) props.onChange?.(code);
          }}
        />
      </Space.Compact>
      <Typography.Text type={name ? 'success' : 'secondary'}>{name ?? '（请输入或选择行政区划）'}</Typography.Text>
    </Space>
  );
}
