import { useEffect, useState } from 'react';
import { Alert, Button, Table, Tag } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { call } from '../../api/client';
import { navigate } from '../../stores/route';
import type { Batch } from '../../stores/towns';
import { errorText } from '../../components/errors';
import { OriginSelect, originSegment, useOrigins } from '../../components/OriginFilter';

const LEVEL: Record<string, string> = { county: '县级', city: '市级', province: '省级' };

/** Every 公示 period and every designating document on file (of one 上报单位 if chosen), each printable as its 名单. */
export function BatchesPage() {
  const [rows, setRows] = useState<Batch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const origins = useOrigins('town');
  const [origin, setOrigin] = useState<string | undefined>();
  useEffect(() => {
    setRows(null);
    call('town:batches', origin ? { origin_office: origin } : {}).then(setRows, (e) => setError(errorText(e)));
  }, [origin]);
  return (
    <div>
      <div className="page-header">
        <h2>公示与认定名单</h2>
        <OriginSelect options={origins} value={origin} onChange={setOrigin} />
      </div>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Batch>
        rowKey={(b) => `${b.kind}:${b.key}`}
        data-testid="town-batch-table"
        size="middle"
        loading={!rows && !error}
        dataSource={rows ?? []}
        locale={{ emptyText: '尚无公示或认定记录' }}
        columns={[
          { title: '名单', dataIndex: 'kind', width: 110, render: (v: string) => (v === 'publicity' ? <Tag color="gold">公示名单</Tag> : <Tag color="green">认定名单</Tag>) },
          { title: '批次', dataIndex: 'title' },
          { title: '级别', dataIndex: 'level', width: 80, render: (v: string | null) => (v ? LEVEL[v] : '—') },
          { title: '文号', dataIndex: 'doc_no', render: (v: string | null) => v ?? '—' },
          { title: '日期', dataIndex: 'date', width: 110 },
          { title: '专业镇数', dataIndex: 'towns', width: 90, align: 'right' },
          {
            title: '',
            key: 'print',
            width: 140,
            render: (_, b) => (
              <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/towns/batch/${b.kind}/${encodeURIComponent(b.key)}${originSegment(origin)}`)}>
                打印 / PDF
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}
