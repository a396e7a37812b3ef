import { useEffect, useState } from 'react';
import { Button, Table, Tag } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useExhibitions, type BatchListRow } from '../../stores/exhibitions';
import { navigate } from '../../stores/route';
import { today } from './labels';
import { OriginSelect, useOrigins } from '../../components/OriginFilter';

export function BatchesPage() {
  const s = useExhibitions();
  const origins = useOrigins('claim');
  const [origin, setOrigin] = useState<string | undefined>();
  useEffect(() => void s.loadBatches(origin), [origin]);
  const t = today();
  return (
    <div>
      <div className="page-header">
        <h2>公示批次</h2>
        <span className="muted">在「申请」列表勾选通过复审的申请后发布公示；公示期满后逐件批准</span>
        <OriginSelect options={origins} value={origin} onChange={setOrigin} />
      </div>
      <Table<BatchListRow>
        rowKey="id"
        dataSource={s.batches}
        data-testid="batch-table"
        locale={{ emptyText: '尚无公示批次' }}
        columns={[
          { title: '批次号', dataIndex: 'batch_no', width: 130, render: (v: string) => <span className="mono">{v}</span> },
          { title: '公示标题', dataIndex: 'title' },
          { title: '公示期', width: 220, render: (_: unknown, r) => `${r.start_date} 至 ${r.end_date}` },
          { title: '状态', width: 100, render: (_: unknown, r) => (t < r.start_date ? <Tag>未开始</Tag> : t <= r.end_date ? <Tag color="purple">公示中</Tag> : <Tag color="green">已期满</Tag>) },
          ...(origins.length
            ? [{ title: '上报单位', dataIndex: 'origin_office', width: 100, render: (v: string | null) => origins.find((o) => o.code === v)?.name ?? <span className="muted">本级</span> }]
            : []),
          { title: '申请数', dataIndex: 'claim_count', width: 80, align: 'right' },
          { title: '', width: 130, render: (_: unknown, r) => <Button size="small" icon={<PrinterOutlined />} onClick={() => navigate(`/print/exhibitions/publicity/${r.id}`)}>公示名单</Button> },
        ]}
      />
    </div>
  );
}
