import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Col, InputNumber, Modal, Progress, Radio, Row, Select, Space, Statistic, Table, Tabs, Tooltip, App } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip as ChartTooltip, XAxis, YAxis } from 'recharts';
import type { LedgerRow, PlanType, ProgressRow } from '../../../../db/types';
import type { JobProgress } from '../../api/client';
import type { OpOutput } from '../../../../db/api';
import { training } from '../../stores/training';
import { navigate } from '../../stores/route';
import { errorText } from '../../components/errors';
import { OfficeTable, OriginSelect, originSegment, useOrigins } from '../../components/OriginFilter';
import { DateInput } from './common';
import { LEVEL_LABEL, PLAN_TYPE_LABEL, STATUS_LABEL, options, thisYear, yuan } from './format';

const TYPES: PlanType[] = ['apprentice', 'skills', 'entrepreneur', 'pre_job'];
const TYPE_SHORT: Record<PlanType, string> = { apprentice: '学徒制', skills: '技能', entrepreneur: '企业家', pre_job: '岗前' };
const COLORS: Record<PlanType, string> = { apprentice: '#1677ff', skills: '#52c41a', entrepreneur: '#fa8c16', pre_job: '#722ed1' };

/** The three reports; after consolidation one 上报单位 choice applies to all of them (and their files and print). */
export function ReportsPage() {
  const [tab, setTab] = useState('dashboard');
  const origins = useOrigins('plan');
  const [origin, setOrigin] = useState<string | undefined>();
  return (
    <div>
      <div className="page-header">
        <h2>培训报表</h2>
        <OriginSelect options={origins} value={origin} onChange={setOrigin} />
      </div>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'dashboard', label: '统计图表', children: <Dashboard origin={origin} byOffice={origins.length > 0} /> },
          { key: 'ledger', label: '工作台账', children: <LedgerTab origin={origin} /> },
          { key: 'progress', label: '学徒制进展报告', children: <ProgressTab origin={origin} /> },
        ]}
      />
    </div>
  );
}

function Dashboard({ origin, byOffice }: { origin: string | undefined; byOffice: boolean }) {
  const [year, setYear] = useState(thisYear());
  const [data, setData] = useState<OpOutput<'training:dashboard'> | null>(null);
  const { message } = App.useApp();
  useEffect(() => void training.dashboard(year, origin).then(setData).catch((e) => message.error(errorText(e))), [year, origin, message]);
  const months = useMemo(() => {
    const rows = Array.from({ length: 12 }, (_, i) => {
      const m = `${year}-${String(i + 1).padStart(2, '0')}`;
      const r: Record<string, number | string> = { month: `${i + 1}月` };
      for (const t of TYPES) {
        const c = data?.byMonth.find((x) => x.month === m && x.plan_type === t);
        r[`n_${t}`] = c?.trainees ?? 0;
        r[`c_${t}`] = c?.certificates ?? 0;
        r[`p_${t}`] = (c?.paid_fen ?? 0) / 100;
      }
      return r;
    });
    return rows;
  }, [data, year]);
  const tot = (k: 'trainees' | 'certificates' | 'paid_fen' | 'recovered_fen' | 'plans') => data?.byType.reduce((s, t) => s + t[k], 0) ?? 0;
  return (
    <div data-testid="training-dashboard">
      <Space style={{ marginBottom: 16 }}>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} addonAfter="年" style={{ width: 130 }} aria-label="统计年度" />
      </Space>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={5}>
          <Card size="small">
            <Statistic title="本年开班计划" value={tot('plans')} suffix="个" />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="学员" value={tot('trainees')} suffix="人" />
          </Card>
        </Col>
        <Col span={4}>
          <Card size="small">
            <Statistic title="取证" value={tot('certificates')} suffix="本" />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="拨付（元）" value={yuan(tot('paid_fen'))} />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="退回到账（元）" value={yuan(tot('recovered_fen'))} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small" title="学员人数（按计划开始月份、培训类型）">
            <div style={{ height: 300 }}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={months}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="month" />
                  <YAxis allowDecimals={false} />
                  <ChartTooltip formatter={(v) => `${String(v)} 人`} />
                  <Legend />
                  {TYPES.map((t) => (
                    <Bar key={t} dataKey={`n_${t}`} name={PLAN_TYPE_LABEL[t]} stackId="n" fill={COLORS[t]} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title="拨付金额（元，按记账月份、培训类型）">
            <div style={{ height: 300 }}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={months}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="month" />
                  <YAxis tickFormatter={(v: number) => v.toLocaleString('zh-CN')} width={80} />
                  <ChartTooltip formatter={(v) => `${Number(v).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元`} />
                  <Legend />
                  {TYPES.map((t) => (
                    <Bar key={t} dataKey={`p_${t}`} name={PLAN_TYPE_LABEL[t]} stackId="p" fill={COLORS[t]} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
          </Card>
        </Col>
      </Row>
      <Card size="small" title="按培训类型" style={{ marginTop: 16 }}>
        <Table
          rowKey="plan_type"
          size="small"
          pagination={false}
          dataSource={data?.byType ?? []}
          columns={[
            { title: '培训类型', dataIndex: 'plan_type', render: (v: PlanType) => PLAN_TYPE_LABEL[v] },
            { title: '计划数', dataIndex: 'plans', align: 'right' },
            { title: '学员', dataIndex: 'trainees', align: 'right' },
            { title: '取证', dataIndex: 'certificates', align: 'right' },
            { title: '拨付（元）', dataIndex: 'paid_fen', align: 'right', render: (v: number) => yuan(v) },
            { title: '退回到账（元）', dataIndex: 'recovered_fen', align: 'right', render: (v: number) => yuan(v) },
          ]}
        />
      </Card>
      {byOffice && (
        <Card size="small" title="按上报单位汇总" style={{ marginTop: 16 }}>
          <OfficeTable
            rows={data?.byOffice ?? []}
            testId="training-by-office"
            figures={[
              { key: 'plans', title: '计划数' },
              { key: 'trainees', title: '学员' },
              { key: 'certificates', title: '取证' },
              { key: 'paid_fen', title: '拨付（元）', format: yuan },
              { key: 'recovered_fen', title: '退回到账（元）', format: yuan },
            ]}
          />
        </Card>
      )}
    </div>
  );
}

function LedgerTab({ origin }: { origin: string | undefined }) {
  const [mode, setMode] = useState<'year' | 'range'>('year');
  const [year, setYear] = useState(thisYear());
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [type, setType] = useState<PlanType | undefined>();
  const [rows, setRows] = useState<LedgerRow[]>([]);
  const [exporting, setExporting] = useState<JobProgress | null>(null);
  const { message } = App.useApp();
  const scope = { plan_type: type, ...(origin ? { origin_office: origin } : {}) };
  const query = mode === 'year' ? { year, ...scope } : from && to ? { from, to, ...scope } : null;
  useEffect(() => {
    if (query) void training.ledger(query).then((r) => setRows(r.rows)).catch((e) => message.error(errorText(e)));
  }, [mode, year, from, to, type, origin]);
  const doExport = async () => {
    if (!query) return message.warning('请选择起止日期');
    setExporting({ done: 0, total: null, phase: '准备' });
    try {
      await training.exportLedger(query, setExporting);
      message.success('已导出工作台账');
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setExporting(null);
    }
  };
  const sum = (k: 'advance_fen' | 'settlement_fen' | 'recovery_order_fen' | 'recovery_received_fen') => rows.reduce((s, r) => s + r[k], 0);
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} optionType="button" options={[{ value: 'year', label: '按年度' }, { value: 'range', label: '按期间' }]} />
        {mode === 'year' ? (
          <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} addonAfter="年" style={{ width: 130 }} aria-label="台账年度" />
        ) : (
          <>
            <DateInput value={from} onChange={setFrom} style={{ width: 150 }} placeholder="起始日期" />
            至
            <DateInput value={to} onChange={setTo} style={{ width: 150 }} placeholder="截止日期" />
          </>
        )}
        <Select allowClear placeholder="全部培训类型" style={{ width: 200 }} value={type} onChange={setType} options={options(PLAN_TYPE_LABEL)} />
        <Button type="primary" icon={<DownloadOutlined />} onClick={() => void doExport()} loading={!!exporting}>
          导出工作台账
        </Button>
      </Space>
      <Table<LedgerRow>
        rowKey="id"
        size="small"
        dataSource={rows}
        data-testid="ledger-table"
        scroll={{ x: 1100 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (t) => `共 ${t} 个计划` }}
        onRow={(r) => ({ onDoubleClick: () => navigate(`/training/plans/${r.id}`) })}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={7}>
              合计
            </Table.Summary.Cell>
            <Table.Summary.Cell index={7} align="right">
              {yuan(sum('advance_fen'))}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={8} align="right">
              {yuan(sum('settlement_fen'))}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={9} align="right">
              {yuan(sum('recovery_order_fen'))}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={10} align="right">
              {yuan(sum('recovery_received_fen'))}
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
        columns={[
          { title: '计划编号', dataIndex: 'code', width: 120, fixed: 'left' },
          { title: '企业', dataIndex: 'enterprise_name', ellipsis: true },
          { title: '类型', dataIndex: 'plan_type', width: 64, render: (v: PlanType) => <Tooltip title={PLAN_TYPE_LABEL[v]}>{TYPE_SHORT[v]}</Tooltip> },
          { title: '职业/等级', width: 140, render: (_: unknown, r) => `${r.occupation_name} ${LEVEL_LABEL[r.target_level].split('/')[1] ?? ''}` },
          { title: '状态', dataIndex: 'status', width: 60, render: (v: keyof typeof STATUS_LABEL) => STATUS_LABEL[v] },
          { title: '计划/名册/结业', width: 116, align: 'center', render: (_: unknown, r) => `${r.planned_count} / ${r.roster_count} / ${r.completed_count}` },
          {
            title: '证书',
            width: 60,
            align: 'right',
            render: (_: unknown, r) => {
              const parts = Object.entries(r.certificates).filter(([, n]) => n > 0);
              const total = parts.reduce((s, [, n]) => s + n, 0);
              return <Tooltip title={parts.map(([l, n]) => `${LEVEL_LABEL[l as keyof typeof LEVEL_LABEL]} ${n} 本`).join('，') || undefined}>{total}</Tooltip>;
            },
          },
          {
            title: '金额（元）',
            children: [
              { title: '预拨', dataIndex: 'advance_fen', width: 104, align: 'right', render: (v: number) => yuan(v) },
              { title: '结算拨付', dataIndex: 'settlement_fen', width: 104, align: 'right', render: (v: number) => yuan(v) },
              { title: '下达收回', dataIndex: 'recovery_order_fen', width: 104, align: 'right', render: (v: number) => yuan(v) },
              { title: '退回到账', dataIndex: 'recovery_received_fen', width: 104, align: 'right', render: (v: number) => yuan(v) },
            ],
          },
        ]}
      />
      <Modal open={!!exporting} footer={null} closable={false} title="正在导出工作台账">
        <Progress percent={exporting?.total ? Math.round((exporting.done / exporting.total) * 100) : 30} status="active" />
        <span className="muted">{exporting?.phase}</span>
      </Modal>
    </div>
  );
}

function ProgressTab({ origin }: { origin: string | undefined }) {
  const [year, setYear] = useState(thisYear());
  const [data, setData] = useState<OpOutput<'training:progress'> | null>(null);
  const { message } = App.useApp();
  useEffect(() => void training.progress(year, origin).then(setData).catch((e) => message.error(errorText(e))), [year, origin, message]);
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} addonAfter="年" style={{ width: 130 }} aria-label="报告年度" />
        <Button icon={<DownloadOutlined />} onClick={() => void training.exportProgress(year, origin).catch((e) => message.error(errorText(e)))}>
          导出 Excel
        </Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => navigate(`/training/progress/${year}/print${originSegment(origin)}`)}>
          打印 / PDF
        </Button>
        <span className="muted">预计不能完成计划的企业须在 10 月底前报告</span>
      </Space>
      <Table<ProgressRow>
        rowKey="plan_id"
        size="small"
        dataSource={data?.rows ?? []}
        pagination={false}
        data-testid="progress-table"
        columns={[
          { title: '计划编号', dataIndex: 'code', width: 130 },
          { title: '企业', dataIndex: 'enterprise_name', ellipsis: true },
          { title: '职业', dataIndex: 'occupation_name', width: 90 },
          { title: '计划', dataIndex: 'planned_count', width: 60, align: 'right' },
          { title: '在册', dataIndex: 'enrolled', width: 60, align: 'right' },
          { title: '在训', dataIndex: 'in_training', width: 60, align: 'right' },
          { title: '结业', dataIndex: 'completed', width: 60, align: 'right' },
          { title: '取证', dataIndex: 'certified', width: 60, align: 'right' },
          { title: '已预拨（元）', dataIndex: 'advance_fen', width: 120, align: 'right', render: (v: number) => yuan(v) },
          { title: '需报告的情况', dataIndex: 'risk', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </div>
  );
}
