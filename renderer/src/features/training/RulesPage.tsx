import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Table, Tag, App } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { BandRow, RuleSetDetail } from '../../../../db/types';
import { training } from '../../stores/training';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';
import { putFieldErrors } from './common';
import { LEVEL_LABEL, PLAN_TYPE_LABEL, options, thisYear, yuan } from './format';

const STATUS: Record<string, { label: string; color: string }> = {
  active: { label: '生效', color: 'green' },
  superseded: { label: '已被新版本取代', color: 'default' },
  retired: { label: '已停用', color: 'red' },
};

/** 补贴标准: versioned rule tables per region, year and plan type. Only 管理员 adds a version. */
export function RulesPage() {
  const [rows, setRows] = useState<RuleSetDetail[]>([]);
  const [all, setAll] = useState(false);
  const [editing, setEditing] = useState<RuleSetDetail | 'new' | null>(null);
  const role = useApp((s) => s.status?.session.user?.role);
  const region = useApp((s) => s.status?.office?.region_code);
  const isAdmin = hasRole(role, 'admin');
  const { message, modal } = App.useApp();
  const load = () => void training.rules({ include_inactive: all }).then(setRows).catch((e) => message.error(errorText(e)));
  useEffect(load, [all]);

  const retire = (r: RuleSetDetail) => {
    let reason = '';
    modal.confirm({
      title: `停用补贴规则「${r.name}」`,
      content: <Input.TextArea rows={2} placeholder="停用原因" onChange={(e) => (reason = e.target.value)} />,
      okText: '停用',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await training.retireRule(r.id, reason);
          load();
        } catch (e) {
          message.error(errorText(e));
          throw e;
        }
      },
    });
  };

  return (
    <div>
      <div className="page-header">
        <h2>补贴标准</h2>
        <Space>
          <Switch checked={all} onChange={setAll} /> 显示已取代和已停用的版本
          {isAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新建补贴规则
            </Button>
          )}
        </Space>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="补贴金额按版本保存：同一地区、年度、培训类型新建规则即生成新版本并取代旧版本，已申报的计划仍按申报时的版本核算。标有「示例」的规则来自外地公开文件，仅供参照。"
      />
      <Table<RuleSetDetail>
        rowKey="id"
        size="middle"
        dataSource={rows}
        data-testid="rule-table"
        pagination={false}
        expandable={{ expandedRowRender: (r) => <RuleBands r={r} />, expandRowByClick: true }}
        columns={[
          {
            title: '规则编号',
            dataIndex: 'code',
            width: 200,
            render: (v: string, r) => (
              <span>
                {v} {r.is_sample ? <Tag color="orange">示例</Tag> : null}
              </span>
            ),
          },
          { title: '名称', dataIndex: 'name', ellipsis: true },
          { title: '地区', dataIndex: 'region_code', width: 80 },
          { title: '年度', dataIndex: 'year', width: 70 },
          { title: '培训类型', dataIndex: 'plan_type', width: 170, render: (v: keyof typeof PLAN_TYPE_LABEL) => PLAN_TYPE_LABEL[v] },
          { title: '版本', dataIndex: 'version', width: 60, render: (v: number) => `第 ${v} 版` },
          { title: '最高预拨', dataIndex: 'max_advance_bp', width: 90, render: (v: number) => `${v / 100}%` },
          { title: '使用计划', dataIndex: 'plans_using', width: 80, align: 'right' },
          { title: '状态', dataIndex: 'status', width: 130, render: (v: string) => <Tag color={STATUS[v]!.color}>{STATUS[v]!.label}</Tag> },
          ...(isAdmin
            ? [
                {
                  title: '操作',
                  width: 150,
                  render: (_: unknown, r: RuleSetDetail) => (
                    <Space size={4} onClick={(e) => e.stopPropagation()}>
                      <Button size="small" type="link" onClick={() => setEditing(r)}>
                        新建版本
                      </Button>
                      {r.status !== 'retired' && (
                        <Button size="small" type="link" danger onClick={() => retire(r)}>
                          停用
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <RuleForm
        editing={editing}
        region={region ?? ''}
        onClose={() => setEditing(null)}
        onSaved={(r) => {
          setEditing(null);
          message.success(`已保存：${r.code} 第 ${r.version} 版`);
          load();
        }}
      />
    </div>
  );
}

function RuleBands({ r }: { r: RuleSetDetail }) {
  return (
    <div style={{ padding: '4px 0' }}>
      <Table<BandRow>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={r.bands}
        columns={[
          { title: '档次', dataIndex: 'label', width: 100 },
          { title: '等级范围', render: (_: unknown, b) => (b.level_from === b.level_to ? LEVEL_LABEL[b.level_from] : `${LEVEL_LABEL[b.level_from]} 至 ${LEVEL_LABEL[b.level_to]}`) },
          { title: '取证（元/人）', dataIndex: 'certified_fen', align: 'right', render: (v: number) => yuan(v) },
          { title: '结业未取证（元/人）', dataIndex: 'completed_fen', align: 'right', render: (v: number) => yuan(v) },
          { title: '未结业（元/人）', dataIndex: 'not_completed_fen', align: 'right', render: (v: number) => yuan(v) },
        ]}
      />
      <div className="muted" style={{ marginTop: 8, lineHeight: 1.8 }}>
        紧缺职业加成 {r.shortage_bonus_bp / 100}%{r.shortage_min_level ? `（${LEVEL_LABEL[r.shortage_min_level]}及以上）` : ''}
        {r.shortage_occupations.length ? `：${r.shortage_occupations.map((o) => `${o.occupation_name}（${o.occupation_code}）`).join('、')}` : ''}；申领期限{' '}
        {r.claim_window_months ? `发证后 ${r.claim_window_months} 个月` : '不限'}；{r.require_social_insurance ? '须核验社保' : '不要求核验社保'}
        {r.source ? `；依据：${r.source}` : ''}
        {r.note ? `；${r.note}` : ''}；登记人 {r.created_by}，{r.created_at.slice(0, 10)}
      </div>
    </div>
  );
}

function RuleForm(props: { editing: RuleSetDetail | 'new' | null; region: string; onClose(): void; onSaved(r: RuleSetDetail): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const e = props.editing;
    if (!e) return;
    setError(null);
    form.resetFields();
    if (e === 'new') {
      form.setFieldsValue({
        region_code: props.region, year: thisYear(), plan_type: 'apprentice', max_advance_percent: '50', shortage_bonus_percent: '0', claim_window_months: 12,
        require_social_insurance: true, bands: [{ level_from: 'L4', level_to: 'L4', certified: '', completed: '0', not_completed: '0' }], shortage_occupations: [],
      });
    } else {
      form.setFieldsValue({
        code: e.is_sample ? `${thisYear()}-${props.region}-${e.plan_type}` : e.code, name: e.name.replace(/^示例[:：]?/, ''), region_code: e.is_sample ? props.region : e.region_code,
        year: e.is_sample ? thisYear() : e.year, plan_type: e.plan_type,
        max_advance_percent: String(e.max_advance_bp / 100), shortage_bonus_percent: String(e.shortage_bonus_bp / 100), shortage_min_level: e.shortage_min_level,
        claim_window_months: e.claim_window_months, require_social_insurance: !!e.require_social_insurance, source: e.source, note: e.note,
        bands: e.bands.map((b) => ({
          level_from: b.level_from, level_to: b.level_to, label: b.label, certified: String(b.certified_fen / 100), completed: String(b.completed_fen / 100),
          not_completed: String(b.not_completed_fen / 100),
        })),
        shortage_occupations: e.shortage_occupations.map((o) => ({ code: o.occupation_code, name: o.occupation_name })),
      });
    }
  }, [props.editing, props.region, form]);

  const save = async () => {
    let v: Record<string, unknown>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await training.createRule(v as never));
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const levelOpts = options(LEVEL_LABEL);
  return (
    <Modal
      title={props.editing === 'new' ? '新建补贴规则' : '新建补贴规则版本'}
      open={!!props.editing}
      onCancel={props.onClose}
      onOk={() => void save()}
      confirmLoading={busy}
      okText="保存"
      width={900}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="rule-form-error" />}
      <Form form={form} layout="vertical">
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label="规则编号" rules={[{ required: true, message: '请填写规则编号' }]}>
              <Input placeholder="如 2026-泽州-学徒" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label="规则名称" rules={[{ required: true, message: '请填写规则名称' }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="region_code" label="适用地区（行政区划代码）">
              <Input maxLength={6} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="year" label="年度">
              <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="plan_type" label="培训类型">
              <Select options={options(PLAN_TYPE_LABEL)} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="max_advance_percent" label="最高预拨比例（%）">
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="shortage_bonus_percent" label="紧缺职业加成（%）">
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="shortage_min_level" label="加成起始等级">
              <Select allowClear options={levelOpts} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="claim_window_months" label="申领期限（发证后月数）">
              <InputNumber min={1} max={120} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="require_social_insurance" label=" " valuePropName="checked">
              <Checkbox>须核验社保</Checkbox>
            </Form.Item>
          </Col>
        </Row>
        <div style={{ fontWeight: 500, marginBottom: 8 }}>等级档次（元/人；档次之间不能重叠或留空）</div>
        <Row gutter={8} className="muted" style={{ marginBottom: 4 }}>
          <Col span={1}>档</Col>
          <Col span={4}>起始等级</Col>
          <Col span={4}>截止等级</Col>
          <Col span={3}>档次名</Col>
          <Col span={4}>取证</Col>
          <Col span={4}>结业未取证</Col>
          <Col span={3}>未结业</Col>
        </Row>
        <Form.List name="bands">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Row gutter={8} key={f.key} align="top">
                  <Col span={1} style={{ paddingTop: 6 }}>
                    {i + 1}
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, 'level_from']} rules={[{ required: true, message: '起始等级' }]}>
                      <Select options={levelOpts} placeholder="起始等级" aria-label={`第 ${i + 1} 档起始等级`} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, 'level_to']} rules={[{ required: true, message: '截止等级' }]}>
                      <Select options={levelOpts} placeholder="截止等级" aria-label={`第 ${i + 1} 档截止等级`} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[f.name, 'label']}>
                      <Input placeholder="档次名" />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, 'certified']}>
                      <Input placeholder="取证" aria-label={`第 ${i + 1} 档取证金额`} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, 'completed']}>
                      <Input placeholder="结业未取证" />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[f.name, 'not_completed']}>
                      <Input placeholder="未结业" />
                    </Form.Item>
                  </Col>
                  <Col span={1} style={{ paddingTop: 6 }}>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="删除档次" />
                  </Col>
                </Row>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ completed: '0', not_completed: '0' })} style={{ marginBottom: 16 }}>
                添加档次
              </Button>
            </>
          )}
        </Form.List>
        <div style={{ fontWeight: 500, marginBottom: 8 }}>紧缺职业目录</div>
        <Form.List name="shortage_occupations">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Row gutter={8} key={f.key}>
                  <Col span={6}>
                    <Form.Item name={[f.name, 'code']} rules={[{ required: true, message: '职业代码' }]}>
                      <Input placeholder="职业代码" />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: '职业名称' }]}>
                      <Input placeholder="职业名称" />
                    </Form.Item>
                  </Col>
                  <Col span={1} style={{ paddingTop: 6 }}>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Col>
                </Row>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} style={{ marginBottom: 16 }}>
                添加紧缺职业
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="source" label="依据文件">
          <Input />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
