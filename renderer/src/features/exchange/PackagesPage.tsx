import { useEffect, useState } from 'react';
import { Alert, Table, Tag, Typography, Space } from 'antd';
import type { PackageLogRow } from '../../../../db/types';
import { exchange } from '../../stores/exchange';
import { errorText } from '../../components/errors';
import { KIND_LABEL, when } from './common';

const STATUS: Record<string, [string, string]> = { exported: ['已导出', 'blue'], applied: ['已导入', 'green'], forced: ['强制导入', 'orange'] };

/** 包记录: every package this ledger exported or applied, newest first. */
export function PackagesPage() {
  const [rows, setRows] = useState<PackageLogRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void exchange.packages().then(setRows).catch((e) => setError(errorText(e))), []);
  const total = (counts: string, direction: string) => {
    try {
      const c = JSON.parse(counts) as Record<string, number | Record<string, number>>;
      if (direction === 'out') return Object.entries(c).filter(([t]) => !t.startsWith('_')).reduce((a, [, n]) => a + Number(n), 0);
      return Object.values(c).reduce<number>((a, o) => a + ((o as Record<string, number>).added ?? 0) + ((o as Record<string, number>).updated ?? 0), 0);
    } catch {
      return '—';
    }
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>包记录</Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<PackageLogRow>
        rowKey="id"
        size="small"
        loading={!rows && !error}
        data-testid="package-log"
        dataSource={rows ?? []}
        pagination={{ pageSize: 20, showTotal: (t) => `共 ${t} 个交换包` }}
        columns={[
          { title: '方向', dataIndex: 'direction', width: 70, render: (d: string) => (d === 'out' ? <Tag color="purple">导出</Tag> : <Tag color="cyan">导入</Tag>) },
          { title: '类型', dataIndex: 'kind', width: 90, render: (k: string) => KIND_LABEL[k] ?? k },
          { title: '报送期', dataIndex: 'period', width: 90, render: (p: string | null) => p ?? '—' },
          { title: '发送单位', render: (_, r) => `${r.sender_name}（${r.sender_code}）` },
          { title: '接收单位', dataIndex: 'receiver_code', width: 100 },
          { title: '序号', dataIndex: 'sequence', width: 60 },
          { title: '记录数', width: 90, render: (_, r) => total(r.counts, r.direction) },
          { title: '生成时间', dataIndex: 'created_at', width: 150, render: when },
          { title: '导入时间', dataIndex: 'applied_at', width: 150, render: when },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <Tag color={STATUS[s]?.[1]}>{STATUS[s]?.[0] ?? s}</Tag> },
          { title: '包编号', dataIndex: 'package_id', width: 120, render: (id: string) => <Typography.Text copyable={{ text: id }} style={{ fontSize: 12 }}>{id.slice(-8)}</Typography.Text> },
        ]}
      />
    </Space>
  );
}
