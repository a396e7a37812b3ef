import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Space, Table, Tag, Tooltip, Typography, App } from 'antd';
import { CopyOutlined, SaveOutlined, WarningOutlined } from '@ant-design/icons';
import type { IndicatorDef } from '../../../../db/types';
import { call, ApiError } from '../../api/client';
import { useTowns, num } from '../../stores/towns';
import { errorText } from '../../components/errors';

type Values = Record<string, number | string | null>;

const yoyText = (v: number | null) => (v === null ? null : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);

/**
 * One year at a time as a column of inputs (Enter moves down, as in a spreadsheet; 复制上期 fills last year's
 * figures to edit), next to last year's figure, 同比 and the registry's count; below, every year side by side.
 */
export function IndicatorsTab({ townId }: { townId: number }) {
  const { indicators, loadIndicators } = useTowns();
  const lastYear = new Date().getFullYear() - 1;
  const [year, setYear] = useState<number>(lastYear);
  const [values, setValues] = useState<Values>({});
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  useEffect(() => {
    void loadIndicators(townId);
  }, [townId, loadIndicators]);

  const byYear = useMemo(() => new Map((indicators?.years ?? []).map((y) => [y.year, y])), [indicators]);

  // Switching year shows what is on file for it (blank when nothing is).
  useEffect(() => {
    const row = byYear.get(year);
    setValues(row ? Object.fromEntries(Object.entries(row.cells).map(([k, c]) => [k, c.value])) : {});
    setNote(row?.note ?? '');
    setIssues({});
    setError(null);
  }, [year, byYear]);

  if (!indicators) return null;
  const defs = indicators.defs;
  const prev = byYear.get(year - 1);
  const current = byYear.get(year);

  const copyPrevious = async () => {
    const d = await call('town:indicatorDraft', { town_id: townId, year });
    if (d.copiedFrom === null) message.info('没有更早年度的数据可复制');
    else if (d.copiedFrom === year) message.info(`${year} 年已有数据，显示的即为已填报数`);
    else {
      setValues(d.values);
      message.success(`已复制 ${d.copiedFrom} 年的数据，请逐项修改后保存`);
    }
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    setIssues({});
    try {
      const r = await call('town:saveIndicators', { town_id: townId, year, values, note: note || null });
      useTowns.setState({ indicators: r.table });
      message.success(r.result === 'unchanged' ? '数据无变化' : `已保存 ${year} 年指标`);
    } catch (e) {
      setError(errorText(e));
      if (e instanceof ApiError && Array.isArray(e.details)) {
        setIssues(Object.fromEntries((e.details as Array<{ field: string; message: string }>).map((i) => [i.field, i.message])));
      }
    } finally {
      setBusy(false);
    }
  };

  // Enter moves to the next figure; Enter on the last one saves.
  const onKey = (e: React.KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Enter') return;
    const inputs = Array.from(document.querySelectorAll<HTMLInputElement>('[data-indicator-input] input, input[data-indicator-input]'));
    const i = inputs.indexOf(e.target as HTMLInputElement);
    if (i < 0) return;
    e.preventDefault();
    if (i === inputs.length - 1) void save();
    else {
      inputs[i + 1]!.focus();
      inputs[i + 1]!.select();
    }
  };

  const input = (d: IndicatorDef) => {
    const v = values[d.code] ?? null;
    const status = issues[d.code] ? ('error' as const) : undefined;
    if (d.kind === 'text') {
      return (
        <Input
          data-indicator-input
          aria-label={d.name}
          status={status}
          value={typeof v === 'string' ? v : ''}
          onChange={(e) => setValues({ ...values, [d.code]: e.target.value || null })}
          style={{ width: 200 }}
        />
      );
    }
    return (
      <span data-indicator-input>
        <InputNumber
          aria-label={d.name}
          status={status}
          value={typeof v === 'number' ? v : null}
          min={0}
          precision={d.kind === 'count' ? 0 : undefined}
          onChange={(n) => setValues({ ...values, [d.code]: n })}
          style={{ width: 200 }}
          formatter={(x) => (x === undefined || String(x) === '' ? '' : String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ','))}
          parser={(x) => (x ? x.replace(/,/g, '') : '') as unknown as number}
        />
      </span>
    );
  };

  return (
    <>
      <Card
        size="small"
        title={
          <Space>
            填报年度
            <InputNumber aria-label="填报年度" value={year} min={1990} max={new Date().getFullYear()} onChange={(v) => v && setYear(v)} style={{ width: 100 }} />
            {current ? <Tag color="green">已填报</Tag> : <Tag>未填报</Tag>}
          </Space>
        }
        extra={
          <Space>
            <Button icon={<CopyOutlined />} onClick={() => void copyPrevious()}>
              复制上期
            </Button>
            <Button type="primary" icon={<SaveOutlined />} loading={busy} onClick={() => void save()}>
              保存
            </Button>
          </Space>
        }
        style={{ marginBottom: 16 }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="indicator-error" />}
        <div onKeyDown={onKey}>
          <Table<IndicatorDef>
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={defs}
            data-testid="indicator-entry"
            columns={[
              { title: '指标', dataIndex: 'name', width: 220 },
              { title: '单位', dataIndex: 'unit', width: 80 },
              {
                title: `${year} 年`,
                key: 'input',
                width: 240,
                render: (_, d) => (
                  <div>
                    {input(d)}
                    {issues[d.code] && <div style={{ color: '#cf1322', fontSize: 12 }}>{issues[d.code]}</div>}
                  </div>
                ),
              },
              {
                title: `${year - 1} 年`,
                key: 'prev',
                width: 140,
                align: 'right',
                render: (_, d) => {
                  const p = prev?.cells[d.code]?.value;
                  return typeof p === 'number' ? num(p) : (p ?? <span className="muted">—</span>);
                },
              },
              {
                title: '同比',
                key: 'yoy',
                width: 100,
                align: 'right',
                render: (_, d) => {
                  const v = values[d.code];
                  const p = prev?.cells[d.code]?.value;
                  if (typeof v !== 'number' || typeof p !== 'number' || p === 0) return <span className="muted">—</span>;
                  const y = Math.round(((v - p) / p) * 1000) / 10;
                  return <span style={{ color: y > 0 ? '#cf1322' : y < 0 ? '#389e0d' : undefined }}>{yoyText(y)}</span>;
                },
              },
              {
                title: '企业库统计',
                key: 'registry',
                render: (_, d) => {
                  const c = current?.cells[d.code];
                  if (c?.registry === undefined) return null;
                  return c.warning ? (
                    <Tooltip title={c.warning}>
                      <Tag color="orange" icon={<WarningOutlined />}>
                        {c.registry}（与填报不符）
                      </Tag>
                    </Tooltip>
                  ) : (
                    <Tag color="green">{c.registry}</Tag>
                  );
                },
              },
            ]}
          />
        </div>
        <Space style={{ marginTop: 12 }}>
          备注
          <Input value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 480 }} maxLength={500} />
        </Space>
      </Card>
      <Card size="small" title="历年指标（括号内为同比）">
        <Table
          size="small"
          rowKey="code"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={defs}
          data-testid="indicator-history"
          columns={[
            { title: '指标', dataIndex: 'name', fixed: 'left', width: 200, render: (v: string, d) => `${v}${d.unit ? `（${d.unit}）` : ''}` },
            ...indicators.years.map((y) => ({
              title: `${y.year} 年`,
              key: String(y.year),
              align: 'right' as const,
              render: (_: unknown, d: IndicatorDef) => {
                const c = y.cells[d.code];
                if (!c || c.value === null) return <span className="muted">未填报</span>;
                return (
                  <span>
                    {typeof c.value === 'number' ? num(c.value) : c.value}
                    {c.yoy !== null && (
                      <Typography.Text type="secondary" style={{ marginLeft: 4, fontSize: 12 }}>
                        ({yoyText(c.yoy)})
                      </Typography.Text>
                    )}
                    {c.warning && (
                      <Tooltip title={c.warning}>
                        <WarningOutlined style={{ color: '#fa8c16', marginLeft: 4 }} />
                      </Tooltip>
                    )}
                  </span>
                );
              },
            })),
          ]}
        />
      </Card>
    </>
  );
}
