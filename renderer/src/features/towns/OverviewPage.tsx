import { useEffect, useState } from 'react';
import { Alert, Card, Col, Row, Select, Spin, Statistic, Table, Tag } from 'antd';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { call } from '../../api/client';
import { navigate } from '../../stores/route';
import { num, type Dashboard } from '../../stores/towns';
import { errorText } from '../../components/errors';
import { OfficeTable, OriginSelect, useOrigins } from '../../components/OriginFilter';

const COLORS = ['#1677ff', '#52c41a', '#faad14', '#eb2f96', '#722ed1', '#13c2c2', '#fa541c', '#8c8c8c', '#2f54eb'];
const LEVEL: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
// Slice labels sit outside the pie (≈ 20 px past the rim): the radius and top margin leave room for the one at
// 12 o'clock, which a 70 px pie in a 220 px card pushed above the chart's edge.
const PIE_MARGIN = { top: 24, right: 8, bottom: 0, left: 8 };
const PIE_RADIUS = 58;

/**
 * 专业镇总览: counts by level, category and status; 复核 due; unreported towns; indicator totals by year. After
 * consolidation: filtered by 上报单位, and the towns per office (按上报单位汇总).
 */
export function OverviewPage() {
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [indicator, setIndicator] = useState('output_wan');
  const origins = useOrigins('town');
  const [origin, setOrigin] = useState<string | undefined>();
  useEffect(() => {
    setError(null);
    call('town:dashboard', origin ? { origin_office: origin } : {}).then(setD, (e) => setError(errorText(e)));
  }, [origin]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!d) return <Spin />;
  const def = d.totals.indicators.find((i) => i.code === indicator);
  const series = d.totals.years.map((y) => ({ year: `${y.year}`, value: y.totals[indicator] ?? null, towns: y.towns }));
  const designated = d.counts.byStatus.filter((s) => ['designated', 'rereview', 'warned', 'downgraded'].includes(s.key)).reduce((a, s) => a + s.count, 0);

  return (
    <div>
      <div className="page-header">
        <h2>专业镇总览{d.origin_name ? `（${d.origin_name}）` : ''}</h2>
        <OriginSelect options={origins} value={origin} onChange={setOrigin} />
      </div>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card size="small">
            <Statistic title="专业镇总数" value={d.counts.total} suffix="个" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title="在认定期内" value={designated} suffix="个" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={`${d.noticeDays} 天内到期复核`} value={d.rereviewDue.length} suffix="个" valueStyle={{ color: d.rereviewDue.length ? '#fa8c16' : undefined }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={`${d.year} 年指标未报`} value={d.missingIndicators.length} suffix="个" valueStyle={{ color: d.missingIndicators.length ? '#cf1322' : undefined }} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card size="small" title="按级别">
            <ResponsiveContainer width="100%" height={220}>
              <PieChart margin={PIE_MARGIN}>
                <Pie isAnimationActive={false} data={d.counts.byLevel} dataKey="count" nameKey="label" outerRadius={PIE_RADIUS} label={(e) => String(e.value)}>
                  {d.counts.byLevel.map((_, i) => (
                    <Cell key={i} fill={COLORS[i % COLORS.length]} />
                  ))}
                </Pie>
                <Legend />
                <Tooltip />
              </PieChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title="按类别">
            <ResponsiveContainer width="100%" height={220}>
              <PieChart margin={PIE_MARGIN}>
                <Pie isAnimationActive={false} data={d.counts.byCategory} dataKey="count" nameKey="label" outerRadius={PIE_RADIUS} label={(e) => String(e.value)}>
                  {d.counts.byCategory.map((_, i) => (
                    <Cell key={i} fill={COLORS[(i + 3) % COLORS.length]} />
                  ))}
                </Pie>
                <Legend />
                <Tooltip />
              </PieChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title="按状态">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={d.counts.byStatus}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip formatter={(v) => [`${String(v)} 个`, '专业镇']} />
                <Bar isAnimationActive={false} dataKey="count" fill="#1677ff" />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title="指标按年度合计"
        style={{ marginBottom: 16 }}
        extra={
          <Select
            style={{ width: 260 }}
            value={indicator}
            onChange={setIndicator}
            options={d.totals.indicators.map((i) => ({ value: i.code, label: `${i.name}（${i.unit}）` }))}
            aria-label="合计指标"
          />
        }
      >
        {series.length === 0 ? (
          <Alert type="info" showIcon title="尚无年度指标数据" />
        ) : (
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={series} margin={{ left: 24, right: 24 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="year" />
              <YAxis tickFormatter={(v: number) => num(v, 0)} />
              <Tooltip
                formatter={(v, _n, item) => [`${num(Number(v))} ${def?.unit ?? ''}（${String((item.payload as { towns: number }).towns)} 个镇填报）`, def?.name ?? '']}
                labelFormatter={(l) => `${String(l)} 年`}
              />
              <Legend formatter={() => `${def?.name ?? ''}（${def?.unit ?? ''}）`} />
              <Bar isAnimationActive={false} dataKey="value" fill="#1677ff" />
            </BarChart>
          </ResponsiveContainer>
        )}
      </Card>
      {origins.length > 0 && (
        <Card size="small" title="按上报单位汇总" style={{ marginBottom: 16 }}>
          <OfficeTable rows={d.counts.byOffice} figures={[{ key: 'count', title: '专业镇数' }]} testId="town-by-office" />
        </Card>
      )}
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title={`${d.noticeDays} 天内到期复核（含已过期）`}>
            <Table
              size="small"
              rowKey="town_id"
              pagination={false}
              dataSource={d.rereviewDue}
              locale={{ emptyText: '无' }}
              columns={[
                { title: '专业镇', dataIndex: 'name', render: (v: string, r) => <a onClick={() => navigate(`/towns/${r.town_id}`)}>{v}</a> },
                { title: '级别', dataIndex: 'level', width: 70, render: (v: string) => LEVEL[v] },
                { title: '有效期至', dataIndex: 'valid_to', width: 110 },
                { title: '剩余', dataIndex: 'days_left', width: 100, render: (v: number, r) => (r.overdue ? <Tag color="red">已过期 {-v} 天</Tag> : <Tag color="orange">{v} 天</Tag>) },
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={`${d.year} 年度指标未报`}>
            <Table
              size="small"
              rowKey="town_id"
              pagination={false}
              dataSource={d.missingIndicators}
              locale={{ emptyText: '均已填报' }}
              columns={[
                { title: '专业镇', dataIndex: 'name', render: (v: string, r) => <a onClick={() => navigate(`/towns/${r.town_id}`)}>{v}</a> },
                { title: '级别', dataIndex: 'level', width: 70, render: (v: string | null) => (v ? LEVEL[v] : '—') },
                { title: '县代码', dataIndex: 'county_code', width: 90 },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
