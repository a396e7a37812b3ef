import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, List, Modal, Progress, Space, Table, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import type { OpOutput } from '../../../../db/api';
import type { SubmissionRow } from '../../../../db/types';
import type { JobProgress } from '../../api/client';
import { exchange } from '../../stores/exchange';
import { hasRole, useApp } from '../../stores/app';
import { navigate } from '../../stores/route';
import { errorText } from '../../components/errors';
import { PeriodPicker, StatusTag, thisYear, when } from './common';

type Notes = OpOutput<'exchange:notes'>;

/** 报送情况: a city or province sees every office below for a period; a county sees its own report's status. */
export function SubmissionsPage() {
  const level = useApp((s) => s.status?.office?.level);
  const [period, setPeriod] = useState(String(thisYear() - 1));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>报送情况</Typography.Title>
      <Space>
        报送期：
        <PeriodPicker value={period} onChange={setPeriod} />
      </Space>
      {level === 'county' ? <OwnStatus period={period} /> : <Below period={period} />}
    </Space>
  );
}

function OwnStatus({ period }: { period: string }) {
  const [status, setStatus] = useState<OpOutput<'exchange:checks'> | null>(null);
  const [notes, setNotes] = useState<Notes | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    exchange.checks(period).then(setStatus).catch((e) => setError(errorText(e)));
    exchange.notes({ period }).then(setNotes).catch((e) => setError(errorText(e)));
  }, [period]);
  const returned = notes?.comments.filter((c) => c.direction === 'in') ?? [];
  return (
    <Card title="本单位报送状态" data-testid="own-status">
      {error && <Alert type="error" showIcon title={error} />}
      {status && (
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label="状态">
            <StatusTag status={status.status} label={status.status_label} />
          </Descriptions.Item>
          <Descriptions.Item label="审核公式">{status.checks.length ? `${status.checks.length} 项未通过（需出错说明）` : '全部通过'}</Descriptions.Item>
        </Descriptions>
      )}
      {returned.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="return-comments"
          title="上级退回意见"
          description={
            <List
              size="small"
              dataSource={returned}
              renderItem={(c) => (
                <List.Item>
                  {c.comment}
                  <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
                    {when(c.created_at)}
                  </Typography.Text>
                </List.Item>
              )}
            />
          }
        />
      )}
      {status?.status === 'returned' && (
        <Button type="primary" style={{ marginTop: 12 }} onClick={() => navigate('/exchange/export')}>
          修改后重新上报
        </Button>
      )}
    </Card>
  );
}

function Below({ period }: { period: string }) {
  const { message } = App.useApp();
  const role = useApp((s) => s.status?.session.user?.role);
  const [data, setData] = useState<OpOutput<'exchange:submissions'> | null>(null);
  const [notes, setNotes] = useState<Notes | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [returning, setReturning] = useState<SubmissionRow | null>(null);
  const [comment, setComment] = useState('');
  const [perCheck, setPerCheck] = useState<Record<number, string>>({});
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const load = useCallback(() => {
    setError(null);
    exchange.submissions(period).then(setData).catch((e) => setError(errorText(e)));
    exchange.notes({ period }).then(setNotes).catch(() => setNotes(null));
  }, [period]);
  useEffect(load, [load]);

  // The row's package_id moves to our receipt or return once we answer; explanations belong to the office's report for the period.
  const explanationsOf = (r: SubmissionRow) => (notes?.explanations ?? []).filter((e) => e.office_code === r.office_code);
  const send = async (row: SubmissionRow, kind: 'receipt' | 'return') => {
    setProgress({ done: 0, total: null, phase: '生成交换包' });
    try {
      const explained = explanationsOf(row);
      const comments =
        kind === 'return'
          ? [
              { table: '_report', gid: row.package_id!, comment: comment.trim() },
              ...explained.filter((e) => (perCheck[e.id] ?? '').trim()).map((e) => ({ table: e.table_name ?? '', gid: e.gid ?? '', comment: `${e.message}：${perCheck[e.id]!.trim()}` })),
            ]
          : [];
      const name = await exchange.exportPackage({ kind, to: row.office_code, period, refers_to: row.package_id, comments }, setProgress);
      message.success(`已生成 ${name}，请交给${row.office_name}`);
      setReturning(null);
      setComment('');
      setPerCheck({});
      load();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setProgress(null);
    }
  };

  const canAnswer = (r: SubmissionRow) => hasRole(role, 'reviewer') && !!r.package_id && (r.status === 'reported' || r.status === 'accepted' || r.status === 'returned');

  return (
    <>
      {error && <Alert type="error" showIcon title={error} />}
      {data && (
        <Card
          title={`${data.label}${data.due ? `（截止 ${data.due}）` : ''}`}
          extra={
            <Space>
              <span>
                共 {data.rows.length} 个单位，已报 {data.rows.filter((r) => r.status !== 'missing').length} 个
                {data.overdue ? <Typography.Text type="danger">，逾期 {data.overdue} 个</Typography.Text> : ''}
                {data.late ? <Typography.Text type="warning">，迟报 {data.late} 个</Typography.Text> : ''}
              </span>
              <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/exchange/chase/${period}`)}>
                催报单
              </Button>
            </Space>
          }
        >
          <Table<SubmissionRow>
            rowKey="office_code"
            size="small"
            pagination={false}
            data-testid="submissions-table"
            dataSource={data.rows}
            rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
            onRow={(r) => ({ style: r.overdue ? { background: '#fff1f0' } : undefined })}
            expandable={{
              rowExpandable: (r) => explanationsOf(r).length > 0,
              expandedRowRender: (r) => (
                <ul style={{ margin: 0 }}>
                  {explanationsOf(r).map((e) => (
                    <li key={e.id}>
                      {e.message}　<Typography.Text type="warning">出错说明：{e.explanation}</Typography.Text>
                    </li>
                  ))}
                </ul>
              ),
            }}
            columns={[
              { title: '行政区划代码', dataIndex: 'office_code', width: 120 },
              { title: '单位', dataIndex: 'office_name' },
              { title: '状态', width: 130, render: (_, r) => <StatusTag status={r.status} label={r.status_label} /> },
              { title: '上报时间', dataIndex: 'reported_at', width: 150, render: when },
              { title: '出错说明', width: 90, render: (_, r) => explanationsOf(r).length || '—' },
              {
                title: '截止',
                width: 150,
                render: (_, r) =>
                  r.overdue ? <Typography.Text type="danger">{r.due}（逾期）</Typography.Text> : r.late ? <Typography.Text type="warning">{r.due}（迟报）</Typography.Text> : (r.due ?? '—'),
              },
              {
                title: '操作',
                width: 160,
                render: (_, r) =>
                  canAnswer(r) && (
                    <Space>
                      <Button size="small" onClick={() => void send(r, 'receipt')} disabled={!!progress}>
                        回执
                      </Button>
                      <Button size="small" danger onClick={() => setReturning(r)} disabled={!!progress}>
                        退回
                      </Button>
                    </Space>
                  ),
              },
            ]}
          />
        </Card>
      )}
      {progress && <Progress percent={progress.total ? Math.round((progress.done / progress.total) * 100) : 50} status="active" format={() => progress.phase} />}
      <Modal
        open={!!returning}
        title={`退回 ${returning?.office_name ?? ''} 的 ${data?.label ?? ''}`}
        okText="生成退回包并保存"
        cancelText="取消"
        okButtonProps={{ danger: true, disabled: comment.trim().length < 2, loading: !!progress }}
        onOk={() => returning && void send(returning, 'return')}
        onCancel={() => setReturning(null)}
        destroyOnHidden
        width={680}
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <span>退回意见（随退回包发给下级，下级导入后在「报送情况」中看到）：</span>
          <Input.TextArea aria-label="退回意见" autoSize={{ minRows: 3 }} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="如：专业镇年度指标缺报，请补齐后重新上报" />
          {returning &&
            explanationsOf(returning).map((e) => (
              <div key={e.id}>
                <div>
                  {e.message}　<Typography.Text type="secondary">出错说明：{e.explanation}</Typography.Text>
                </div>
                <Input placeholder="对此项的意见（可不填）" value={perCheck[e.id] ?? ''} onChange={(ev) => setPerCheck({ ...perCheck, [e.id]: ev.target.value })} />
              </div>
            ))}
        </Space>
      </Modal>
    </>
  );
}
