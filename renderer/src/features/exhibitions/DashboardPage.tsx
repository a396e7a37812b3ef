import { useEffect, useState } from 'react';
import { Alert, Card, Col, Progress, Row, Select, Spin, Statistic, Table } from 'antd';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useExhibitions, type Dashboard } from '../../stores/exhibitions';
import { navigate } from '../../stores/route';
import { errorText } from '../../components/errors';
import { STATUS_COLOR, yuan } from './labels';
import { OfficeTable, OriginSelect, useOrigins } from '../../components/OriginFilter';

const thisYear = new Date().getFullYear();
const wan = (fen: number) => Math.round(fen / 100) / 10000;
const money = (v: unknown) => `${Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 万元`;
const STATUS_FILL: Record<string, string> = { default: '#bfbfbf', blue: '#1677ff', cyan: '#13c2c2', geekblue: '#2f54eb', purple: '#722ed1', green: '#52c41a', success: '#389e0d', orange: '#fa8c16', red: '#f5222d' };

export function DashboardPage() {
  const dashboard = useExhibitions((s) => s.dashboard);
  const [year, setYear] = useState(thisYear);
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const origins = useOrigins('claim');
  const [origin, setOrigin] = useState<string | undefined>();
  useEffect(() => {
    setD(null);
    setError(null);
    dashboard(year, origin).then(setD).catch((e) => setError(errorText(e)));
  }, [year, origin, dashboard]);

  const totals = d
    ? d.by_fair.reduce((s, f) => ({ applied: s.applied + f.applied_fen, approved: s.approved + f.approved_fen, paid: s.paid + f.paid_fen }), { applied: 0, approved: 0, paid: 0 })
    : null;
  return (
    <div>
      <div className="page-header">
        <h2>参展补贴概览{d?.origin_name ? `（${d.origin_name}）` : ''}</h2>
        <span style={{ flex: 1 }} />
        <OriginSelect options={origins} value={origin} onChange={setOrigin} />
        <Select value={year} onChange={setYear} style={{ width: 120 }} options={Array.from({ length: 6 }, (_, i) => thisYear + 1 - i).map((y) => ({ value: y, label: `${y} 年度` }))} aria-label="年度" />
      </div>
      {error && <Alert type="error" showIcon title={error} />}
      {!d ? (
        <Spin />
      ) : (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={6}><Card size="small"><Statistic title="申请（件）" value={d.by_status.reduce((s, x) => s + x.count, 0)} /></Card></Col>
            <Col span={6}><Card size="small"><Statistic title="申报核定（元）" value={yuan(totals!.applied)} /></Card></Col>
            <Col span={6}><Card size="small"><Statistic title="批准（元）" value={yuan(totals!.approved)} /></Card></Col>
            <Col span={6}><Card size="small"><Statistic title="已拨付（元）" value={yuan(totals!.paid)} /></Card></Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} xl={10}>
              <Card title="各状态申请数" size="small" style={{ marginBottom: 16 }}>
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={d.by_status} layout="vertical" margin={{ left: 10, right: 20 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis type="number" allowDecimals={false} />
                    <YAxis type="category" dataKey="label" width={56} />
                    <Tooltip formatter={(v) => [`${String(v)} 件`, '申请']} />
                    <Bar dataKey="count" name="申请" fill="#1677ff" isAnimationActive={false}
                      shape={(p: { x?: number; y?: number; width?: number; height?: number; payload?: { status: string } }) => (
                        <rect x={p.x} y={p.y} width={Math.max(0, p.width ?? 0)} height={p.height} fill={STATUS_FILL[STATUS_COLOR[(p.payload?.status ?? 'draft') as keyof typeof STATUS_COLOR]]} />
                      )}
                    />
                  </BarChart>
                </ResponsiveContainer>
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Card title="按月：申报、批准、拨付（万元）" size="small" style={{ marginBottom: 16 }}>
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={d.by_month.map((m) => ({ month: `${Number(m.month.slice(5))}月`, 申报: wan(m.applied_fen), 批准: wan(m.approved_fen), 拨付: wan(m.paid_fen) }))}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="month" />
                    <YAxis />
                    <Tooltip formatter={(v) => money(v)} />
                    <Legend />
                    <Bar dataKey="申报" fill="#91caff" isAnimationActive={false} />
                    <Bar dataKey="批准" fill="#1677ff" isAnimationActive={false} />
                    <Bar dataKey="拨付" fill="#52c41a" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </Card>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col xs={24} xl={10}>
              <Card title="按市场类型（万元）" size="small" style={{ marginBottom: 16 }}>
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={d.by_market.map((m) => ({ label: m.label, 申报: wan(m.applied_fen), 批准: wan(m.approved_fen), 拨付: wan(m.paid_fen) }))}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="label" interval={0} tick={{ fontSize: 12 }} />
                    <YAxis />
                    <Tooltip formatter={(v) => money(v)} />
                    <Legend />
                    <Bar dataKey="申报" fill="#91caff" isAnimationActive={false} />
                    <Bar dataKey="批准" fill="#1677ff" isAnimationActive={false} />
                    <Bar dataKey="拨付" fill="#52c41a" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Card title="按展会（万元）" size="small" style={{ marginBottom: 16 }}>
                <ResponsiveContainer width="100%" height={Math.max(240, d.by_fair.length * 34 + 60)}>
                  <BarChart data={d.by_fair.map((f) => ({ name: f.fair_name.length > 16 ? `${f.fair_name.slice(0, 16)}…` : f.fair_name, 申报: wan(f.applied_fen), 批准: wan(f.approved_fen) }))} layout="vertical" margin={{ left: 10, right: 20 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis type="number" />
                    <YAxis type="category" dataKey="name" width={210} tick={{ fontSize: 12 }} />
                    <Tooltip formatter={(v) => money(v)} />
                    <Legend />
                    <Bar dataKey="申报" fill="#91caff" isAnimationActive={false} />
                    <Bar dataKey="批准" fill="#1677ff" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </Card>
            </Col>
          </Row>
          {origins.length > 0 && (
            <Card title="按上报单位汇总（元）" size="small" style={{ marginBottom: 16 }}>
              <OfficeTable
                rows={d.by_office}
                testId="exhibition-by-office"
                figures={[
                  { key: 'count', title: '申请（件，不含草稿）' },
                  { key: 'applied_fen', title: '申报核定', format: yuan },
                  { key: 'approved_fen', title: '批准', format: yuan },
                  { key: 'paid_fen', title: '已拨付', format: yuan },
                ]}
              />
            </Card>
          )}
          <Card title="接近年度上限的企业（已用 ≥ 80%）" size="small">
            <Table
              rowKey={(r) => `${r.enterprise_id}-${r.rule_set_id}`}
              size="small"
              pagination={false}
              dataSource={d.near_cap}
              locale={{ emptyText: '没有企业接近年度上限' }}
              columns={[
                { title: '企业', dataIndex: 'enterprise_name', render: (v: string, r) => <a onClick={() => navigate(`/enterprises/${r.enterprise_id}`)}>{v}</a> },
                { title: '补贴规则', dataIndex: 'rule_set_name' },
                { title: '申请', dataIndex: 'claims', align: 'right', width: 70 },
                { title: '已用（元）', dataIndex: 'used_fen', align: 'right', render: yuan },
                { title: '年度上限（元）', dataIndex: 'cap_fen', align: 'right', render: yuan },
                { title: '剩余（元）', dataIndex: 'remaining_fen', align: 'right', render: yuan },
                { title: '使用', dataIndex: 'used_pct', width: 200, render: (v: number) => <Progress percent={Math.min(100, v)} size="small" status={v >= 100 ? 'exception' : 'active'} format={() => `${v}%`} /> },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
