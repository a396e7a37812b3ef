import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { call } from '../../api/client';

/** Remote search over GB/T 4754-2017 by code prefix or name fragment. */
export function IndustrySelect(props: { value?: string | null; onChange?: (v: string | null) => void; placeholder?: string; style?: React.CSSProperties }) {
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  const search = (q: string) =>
    void call('codes:industrySearch', { q, limit: 40 }).then((rows) => setOptions(rows.map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }))));
  useEffect(() => {
    search(props.value ?? '');
  }, [props.value]);
  return (
    <Select
      allowClear
      showSearch={{ filterOption: false, onSearch: search }}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? null)}
      options={options}
      placeholder={props.placeholder ?? '输入代码或名称搜索，如 3391 或 铸造'}
      style={props.style}
    />
  );
}
