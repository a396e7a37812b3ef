import { useEffect, useState } from 'react';
import { Alert, App, Button, InputNumber, Segmented, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { SummaryRow } from '../../../../db/types';
import type { JobProgress } from '../../api/client';
import { exchange } from '../../stores/exchange';
import { errorText } from '../../components/errors';

type Summary = Awaited<ReturnType<typeof exchange.summary>>;
const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 分单位汇总: per lower office (county, or city for a province) the figures of every area, from consolidated reports. */
export function SummaryPage() {
  const [by, setBy] = useState<'county' | 'city'>('county');
  const [year, setYear] = useState<number | null>(null);
  const [data, setData] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<JobProgress | null>(null);
  const { message } = App.useApp();

  useEffect(() => {
    setError(null);
    exchange.summary({ by, year: year ?? undefined }).then(setData).catch((e) => setError(errorText(e)));
  }, [by, year]);

  const doExport = async () => {
    setExporting({ done: 0, total: null, phase: '准备' });
    try {
      await exchange.exportSummary({ by, year: year ?? undefined }, setExporting);
      message.success('已导出汇总表');
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setExporting(null);
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div className="page-header">
        <Typography.Title level={3}>分单位汇总</Typography.Title>
        <Space wrap>
          <Segmented value={by} onChange={(v) => setBy(v as 'county' | 'city')} options={[{ value: 'county', label: '按县（上报单位）' }, { value: 'city', label: '按市' }]} />
          <InputNumber placeholder="年度（全部）" aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => setYear(v ?? null)} style={{ width: 140 }} />
          <Button icon={<DownloadOutlined />} onClick={() => void doExport()} loading={!!exporting}>
            导出 Excel
          </Button>
        </Space>
      </div>
      <Alert type="info" showIcon title="按记录的上报单位汇总：下级报送并已装入的数据，以及本级自己录入的数据（标“本级”）。年度只筛选培训计划（开始年份）和参展补贴（补贴年度）。" />
      {error && <Alert type="error" showIcon title={error} />}
      <Table<SummaryRow>
        rowKey="office_code"
        size="small"
        data-testid="exchange-summary"
        loading={!data && !error}
        dataSource={data?.rows ?? []}
        pagination={false}
        columns={[
          { title: '单位', render: (_, r) => <>{r.office_name}（{r.office_code}）{r.own && <Tag style={{ marginLeft: 4 }}>本级</Tag>}</> },
          { title: '企业数', dataIndex: 'enterprises', align: 'right' },
          { title: '专业镇数', dataIndex: 'towns', align: 'right' },
          { title: '培训计划数', dataIndex: 'plans', align: 'right' },
          { title: '培训人数', dataIndex: 'trainees', align: 'right' },
          { title: '参展补贴申请数', dataIndex: 'claims', align: 'right' },
          { title: '核定金额(元)', dataIndex: 'approved_fen', align: 'right', render: yuan },
          { title: '已拨付(元)', dataIndex: 'paid_fen', align: 'right', render: yuan },
        ]}
        summary={() =>
          data && data.rows.length > 0 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}><strong>合计</strong></Table.Summary.Cell>
              {(['enterprises', 'towns', 'plans', 'trainees', 'claims'] as const).map((k, i) => (
                <Table.Summary.Cell key={k} index={i + 1} align="right">{data.totals[k]}</Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={6} align="right">{yuan(data.totals.approved_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">{yuan(data.totals.paid_fen)}</Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
    </Space>
  );
}
