import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { call } from '../api/client';

/** Picks a registry enterprise by name fragment, code or pinyin initials (the same search as the list). */
export function EnterpriseSelect(props: { id?: string; value?: number; onChange?: (id: number) => void; style?: React.CSSProperties }) {
  const [options, setOptions] = useState<Array<{ value: number; label: string }>>([]);
  const search = (q: string) =>
    void call('enterprise:list', { q: q || undefined, pageSize: 30, sort: 'name', order: 'asc' }).then((r) =>
      setOptions(r.rows.map((e) => ({ value: e.id, label: `${e.name}（${e.uscc}）` }))),
    );
  useEffect(() => search(''), []);
  return (
    <Select
      id={props.id}
      showSearch={{ filterOption: false, onSearch: search }}
      value={props.value}
      onChange={props.onChange}
      options={options}
      placeholder="输入名称、代码或拼音首字母"
      style={props.style ?? { width: '100%' }}
    />
  );
}
