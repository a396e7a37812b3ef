import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, DatePicker, Descriptions, Drawer, Form, Input, Select, Space, Table, Tag, App } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { call, ApiError } from '../../api/client';
import { useTowns, type RuleSet } from '../../stores/towns';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';
import { KIND_LABEL } from './AssessmentTab';
import { day, iso, today } from './shared';

const PURPOSE: Record<string, string> = { designation: '认定', rereview: '复核', annual: '年度考核' };
const PROPOSES: Record<string, string> = { warn: '警示', downgrade: '降级', revoke: '撤销', start_rereview: '启动复核' };
type Criterion = RuleSet['definition']['criteria'][number];

function describe(c: Criterion, name: (code: string) => string, event: (k: string) => string, severity: (k: string) => string): string {
  switch (c.kind) {
    case 'threshold':
      return `${name(c.indicator)} ${c.op} ${c.value}${c.years && c.years > 1 ? `（近 ${c.years} 年每年）` : ''}`;
    case 'growth':
      return `${name(c.indicator)} 近 ${c.years} 年年均增速 ${c.op} ${c.value}%`;
    case 'tier':
      return c.alternatives.map((a) => `${a.indicators.map(name).join('＋')} ≥ ${a.min}`).join('；或 ');
    case 'veto':
      return `近 ${c.years} 年无：${c.events.map(event).join('、')}${c.min_severity ? `（${severity(c.min_severity)}及以上）` : ''}`;
  }
}

/** Rule sets as data: every version readable; an administrator saves a new version, checked before it is stored. */
export function RuleSetsPage() {
  const { loadRuleSets, ruleSets, codes, loadCodes } = useTowns();
  const role = useApp((s) => s.status?.session.user?.role);
  const [all, setAll] = useState(false);
  const [viewing, setViewing] = useState<RuleSet | null>(null);
  const [editing, setEditing] = useState<RuleSet | null>(null);
  const [issues, setIssues] = useState<Array<{ label: string; message: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const [form] = Form.useForm();
  const { message } = App.useApp();

  useEffect(() => {
    void loadCodes();
    void loadRuleSets(all);
  }, [all, loadRuleSets, loadCodes]);

  const name = (code: string) => codes?.indicators.find((d) => d.code === code)?.name ?? code;

  const startEdit = (r: RuleSet) => {
    setEditing(r);
    setIssues([]);
    setError(null);
    setChecked(false);
    form.setFieldsValue({
      code: r.code, name: r.name, purpose: r.purpose, region_code: r.region_code, level: r.level ?? undefined, effective_from: day(today()),
      source: r.source, definition: JSON.stringify(r.definition, null, 2),
    });
  };

  const parsed = (): unknown => {
    try {
      return JSON.parse(String(form.getFieldValue('definition') ?? ''));
    } catch (e) {
      throw new Error(`规则内容不是有效的 JSON：${(e as Error).message}`);
    }
  };
  const report = (e: unknown) => {
    setError(errorText(e));
    setIssues(e instanceof ApiError && Array.isArray(e.details) ? (e.details as Array<{ label: string; message: string }>) : []);
  };

  const validate = async () => {
    setIssues([]);
    setError(null);
    try {
      await call('town:validateRuleSet', parsed());
      setChecked(true);
      message.success('校验通过');
    } catch (e) {
      setChecked(false);
      report(e);
    }
  };

  const save = async () => {
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setIssues([]);
    setError(null);
    try {
      const saved = await call('town:saveRuleSet', { ...v, level: v.level ?? null, effective_from: iso(v.effective_from)!, definition: parsed() } as never);
      message.success(`已保存「${saved.name}」第 ${saved.version} 版`);
      setEditing(null);
      await loadRuleSets(all);
    } catch (e) {
      report(e);
    }
  };

  return (
    <div>
      <div className="page-header">
        <h2>评价规则</h2>
        <Checkbox checked={all} onChange={(e) => setAll(e.target.checked)}>
          显示历史版本
        </Checkbox>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="评价规则以数据保存、按版本管理；已保存的考核结果始终指向评价时所用的版本。默认规则依据工信部中小企业特色产业集群认定标准及省级示例，可由管理员按本地文件另存新版本。"
      />
      <Table<RuleSet>
        rowKey="id"
        size="middle"
        dataSource={ruleSets}
        pagination={false}
        columns={[
          { title: '规则名称', dataIndex: 'name', render: (v: string, r) => <a onClick={() => setViewing(r)}>{v}</a> },
          { title: '编码', dataIndex: 'code', render: (v: string) => <span className="mono">{v}</span> },
          { title: '版本', dataIndex: 'version', width: 70 },
          { title: '用途', dataIndex: 'purpose', width: 90, render: (v: string) => PURPOSE[v] },
          { title: '适用地区', dataIndex: 'region_code', width: 100, render: (v: string) => v || '全国' },
          { title: '适用级别', dataIndex: 'level', width: 90, render: (v: string | null) => (v ? codes?.level[v as 'county'] : '不限') },
          { title: '生效日期', dataIndex: 'effective_from', width: 110 },
          { title: '标准条数', key: 'n', width: 90, render: (_, r) => r.definition.criteria.length },
          {
            title: '',
            key: 'op',
            width: 130,
            render: (_, r) =>
              hasRole(role, 'admin') && (
                <Button size="small" icon={<EditOutlined />} onClick={() => startEdit(r)}>
                  另存新版本
                </Button>
              ),
          },
        ]}
      />
      <Drawer open={!!viewing} onClose={() => setViewing(null)} size={880} title={viewing ? `${viewing.name}（第 ${viewing.version} 版）` : ''} destroyOnHidden>
        {viewing && (
          <>
            <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
              <Descriptions.Item label="编码">{viewing.code}</Descriptions.Item>
              <Descriptions.Item label="用途">{PURPOSE[viewing.purpose]}</Descriptions.Item>
              <Descriptions.Item label="生效日期">{viewing.effective_from}</Descriptions.Item>
              <Descriptions.Item label="保存">{`${viewing.created_at.slice(0, 10)} ${viewing.created_by}`}</Descriptions.Item>
              <Descriptions.Item label="依据" span={2}>
                {viewing.source ?? '—'}
              </Descriptions.Item>
            </Descriptions>
            <Table<Criterion>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={viewing.definition.criteria}
              tableLayout="fixed"
              columns={[
                { title: '标准', dataIndex: 'label', width: 260 },
                { title: '类型', dataIndex: 'kind', width: 90, render: (v: string) => KIND_LABEL[v] },
                { title: '条件', key: 'cond', render: (_, c) => describe(c, name, (k) => codes?.eventKind[k as keyof typeof codes.eventKind] ?? k, (k) => codes?.severity[k as keyof typeof codes.severity] ?? k) },
                { title: '权重', key: 'w', width: 60, render: (_, c) => ('weight' in c ? c.weight : '—') },
                { title: '必须', key: 'r', width: 60, render: (_, c) => (c.kind === 'veto' || c.required ? '是' : '否') },
              ]}
            />
            <h4 style={{ marginTop: 16 }}>等级</h4>
            <Space wrap>
              {viewing.definition.grades.map((g) => (
                <Tag key={g.name} color={g.proposes ? 'orange' : 'blue'}>
                  {g.name} ≥ {g.min} 分{g.proposes ? ` → 建议${PROPOSES[g.proposes]}` : ''}
                </Tag>
              ))}
            </Space>
          </>
        )}
      </Drawer>
      <Drawer
        open={!!editing}
        onClose={() => setEditing(null)}
        size={880}
        title={editing ? `另存新版本：${editing.name}` : ''}
        destroyOnHidden
        extra={
          <Space>
            <Button onClick={() => void validate()}>校验</Button>
            <Button type="primary" onClick={() => void save()}>
              保存新版本
            </Button>
          </Space>
        }
      >
        {error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={error}
            description={issues.length > 1 ? <ul style={{ margin: 0 }}>{issues.map((i, k) => <li key={k}>{`${i.label}：${i.message}`}</li>)}</ul> : undefined}
            data-testid="ruleset-error"
          />
        )}
        {checked && !error && <Alert type="success" showIcon title="规则内容校验通过" style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Space wrap>
            <Form.Item name="code" label="规则编码" rules={[{ required: true }]} extra="同一编码保存为下一版本">
              <Input style={{ width: 200 }} className="mono" />
            </Form.Item>
            <Form.Item name="purpose" label="用途" rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={Object.entries(PURPOSE).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="region_code" label="适用地区代码" extra="留空为全国">
              <Input style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="level" label="适用级别">
              <Select allowClear style={{ width: 100 }} options={Object.entries(codes?.level ?? {}).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="effective_from" label="生效日期" rules={[{ required: true }]}>
              <DatePicker format="YYYY-MM-DD" />
            </Form.Item>
          </Space>
          <Form.Item name="name" label="规则名称" rules={[{ required: true, message: '请填写' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="source" label="依据">
            <Input />
          </Form.Item>
          <Form.Item name="definition" label="规则内容（JSON：criteria 标准列表、grades 等级）" rules={[{ required: true }]}>
            <Input.TextArea rows={18} className="mono" onChange={() => setChecked(false)} />
          </Form.Item>
        </Form>
      </Drawer>
    </div>
  );
}
