import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Drawer, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Table, Tag, Typography, App } from 'antd';
import { PlusOutlined, EditOutlined, DeleteOutlined } from '@ant-design/icons';
import type { RecalcChange, RuleSetView, RuleTableInput } from '../../../../db/types';
import { useExhibitions, type RuleSetListRow } from '../../stores/exhibitions';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';
import { showNestedErrors } from './nestedErrors';
import { BOOTH_LINKED, GOV_LEVEL_LABEL, ITEM_TYPES, ITEM_TYPE_LABEL, MARKET_LABEL, MARKET_TYPES, MATERIALS, MATERIAL_LABEL, STATUS_LABEL, pct, yuan, cstTime } from './labels';

export function RulesPage() {
  const s = useExhibitions();
  const role = useApp((x) => x.status?.session.user?.role);
  const office = useApp((x) => x.status?.office);
  const [selected, setSelected] = useState<number | null>(null);
  const [view, setView] = useState<RuleSetView | null>(null);
  const [editor, setEditor] = useState<null | { mode: 'create' | 'revise'; base: RuleSetView | null }>(null);
  const [changes, setChanges] = useState<{ name: string; version: number; rows: RecalcChange[]; changed: number } | null>(null);
  const { message } = App.useApp();

  useEffect(() => void s.loadRuleSets(), []);
  useEffect(() => {
    if (selected === null && s.ruleSets.length) setSelected(s.ruleSets[0]!.id);
  }, [s.ruleSets, selected]);
  useEffect(() => {
    if (selected !== null) s.getRuleSet(selected).then(setView).catch((e) => message.error(errorText(e)));
  }, [selected, s.ruleSets]);

  const admin = hasRole(role, 'admin');
  return (
    <div>
      <div className="page-header">
        <h2>参展补贴规则</h2>
        {admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor({ mode: 'create', base: view })}>
            新建规则（以当前所选为底稿）
          </Button>
        )}
      </div>
      <Row gutter={16}>
        <Col xs={24} xl={9}>
          <Card size="small" title="规则表（按地区和年度分版本）">
            <Table<RuleSetListRow>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={s.ruleSets}
              data-testid="ruleset-table"
              rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => setSelected(r.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: '名称', dataIndex: 'name', render: (v: string, r) => <span>{v} {r.is_sample ? <Tag>样例</Tag> : null}</span> },
                { title: '地区', dataIndex: 'region_code', width: 80 },
                { title: '年度', dataIndex: 'year', width: 60 },
                { title: '版本', dataIndex: 'version', width: 55, render: (v: number) => `第${v}版` },
                { title: '申请', dataIndex: 'claim_count', width: 55, align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          {view && (
            <RuleView
              v={view}
              onRevise={admin ? () => setEditor({ mode: 'revise', base: view }) : undefined}
            />
          )}
        </Col>
      </Row>
      <RuleEditor
        open={!!editor}
        mode={editor?.mode ?? 'create'}
        base={editor?.base ?? null}
        regionCode={office?.region_code ?? ''}
        onClose={() => setEditor(null)}
        onCreated={(r) => {
          setSelected(r.id);
          setView(r);
        }}
        onRevised={(r) => {
          setView(r.rule_set);
          setChanges({ name: r.rule_set.name, version: r.rule_set.version, rows: r.changes, changed: r.changed_count });
        }}
      />
      <Modal
        open={!!changes}
        title={changes ? `「${changes.name}」已修订为第 ${changes.version} 版：重算未批准申请 ${changes.rows.length} 件，金额变化 ${changes.changed} 件` : ''}
        width={820}
        onCancel={() => setChanges(null)}
        footer={<Button type="primary" onClick={() => setChanges(null)}>知道了</Button>}
      >
        <Typography.Paragraph type="secondary">已批准、已拨付和已驳回的申请保持原金额，不重算。</Typography.Paragraph>
        <Table<RecalcChange>
          rowKey="claim_id"
          size="small"
          dataSource={changes?.rows ?? []}
          data-testid="recalc-changes"
          pagination={{ pageSize: 10 }}
          columns={[
            { title: '申请编号', dataIndex: 'claim_no', render: (v: string) => <span className="mono">{v}</span> },
            { title: '企业', dataIndex: 'enterprise_name' },
            { title: '状态', dataIndex: 'status', render: (v: keyof typeof STATUS_LABEL) => STATUS_LABEL[v] },
            { title: '修订前（元）', dataIndex: 'before_fen', align: 'right', render: yuan },
            { title: '修订后（元）', dataIndex: 'after_fen', align: 'right', render: yuan },
            { title: '变化（元）', align: 'right', render: (_: unknown, r) => (r.changed ? <b style={{ color: r.after_fen < r.before_fen ? '#cf1322' : '#389e0d' }}>{r.after_fen > r.before_fen ? '+' : ''}{yuan(r.after_fen - r.before_fen)}</b> : '不变') },
          ]}
        />
      </Modal>
    </div>
  );
}

function RuleView({ v, onRevise }: { v: RuleSetView; onRevise?: () => void }) {
  const r = v.rules;
  const cap = (f: number | null) => (f === null ? '不限' : `${yuan(f)} 元`);
  return (
    <Card
      size="small"
      title={`${v.name}（第 ${v.version} 版）`}
      extra={onRevise && <Button icon={<EditOutlined />} onClick={onRevise}>修订（生成新版本）</Button>}
      data-testid="rule-view"
    >
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label="地区/年度">{v.region_code} · {v.year} 年{v.is_sample ? '（样例，供参考）' : ''}</Descriptions.Item>
        <Descriptions.Item label="组展政府最低级别">{GOV_LEVEL_LABEL[r.min_gov_level]}</Descriptions.Item>
        <Descriptions.Item label="补贴费用类型" span={2}>
          {r.eligible_types.map((t) => <Tag key={t} color="blue">{ITEM_TYPE_LABEL[t]}</Tag>)}
          <span className="muted">其余（{ITEM_TYPES.filter((t) => !r.eligible_types.includes(t)).map((t) => ITEM_TYPE_LABEL[t]).join('、')}）不补贴</span>
        </Descriptions.Item>
        <Descriptions.Item label="补贴比例（境内）">{MARKET_TYPES.map((m) => `${MARKET_LABEL[m]} ${pct(r.ratio_bp.domestic[m])}`).join('；')}</Descriptions.Item>
        <Descriptions.Item label="补贴比例（境外）">{MARKET_TYPES.map((m) => `${MARKET_LABEL[m]} ${pct(r.ratio_bp.overseas[m])}`).join('；')}</Descriptions.Item>
        <Descriptions.Item label="展位档次" span={2}>
          {r.booth_tiers.map((t) => `从第 ${t.from_booth} 个展位起 ${pct(t.factor_bp)}，每展位上限境内 ${cap(t.cap_domestic_fen)}、境外 ${cap(t.cap_overseas_fen)}`).join('；')}
          {r.booth_cap_area_unit_m2 ? `（上限按每 ${r.booth_cap_area_unit_m2} m² 计一个）` : ''}
        </Descriptions.Item>
        <Descriptions.Item label="每展最多展位数">{r.max_booths_per_fair ?? '不限'}</Descriptions.Item>
        <Descriptions.Item label="分项上限">{r.type_caps.map((c) => `${ITEM_TYPE_LABEL[c.type]}${c.cap_fen !== null ? ` 每展 ${yuan(c.cap_fen)} 元` : ''}${c.annual_cap_fen != null ? ` 每年 ${yuan(c.annual_cap_fen)} 元` : ''}`).join('；') || '无'}</Descriptions.Item>
        <Descriptions.Item label="单展上限">{cap(r.fair_cap_fen)}</Descriptions.Item>
        <Descriptions.Item label="企业年度上限">{cap(r.annual_cap_fen)}</Descriptions.Item>
        <Descriptions.Item label="申报期限">{r.deadline_days === null ? '不限' : `展会结束后 ${r.deadline_days} 天内`}</Descriptions.Item>
        <Descriptions.Item label="发票最早">{r.invoice_window_days === null ? '不限' : `开展前 ${r.invoice_window_days} 天`}</Descriptions.Item>
        <Descriptions.Item label="现金支付">{r.cash_allowed ? '接受' : '不接受（须银行转账）'}</Descriptions.Item>
        <Descriptions.Item label="与其他补贴叠加">{r.stacking_allowed ? '允许（合计不超过实际费用）' : '不允许'}</Descriptions.Item>
        <Descriptions.Item label="同一展会多次申请">{r.multiple_claims_per_fair ? '允许' : '不允许'}</Descriptions.Item>
        <Descriptions.Item label="大型展品标准">{r.large_exhibit_min ? `≥ ${r.large_exhibit_min.volume_m3} m³ 且 ≥ ${r.large_exhibit_min.weight_t} t` : '无'}</Descriptions.Item>
        <Descriptions.Item label="必备材料" span={2}>
          {r.required_materials.map((m) => <Tag key={m}>{MATERIAL_LABEL[m]}</Tag>)}
          {r.agent_contract_when_agent ? <span className="muted">；通过代理购买展位的另附代理合同</span> : null}
        </Descriptions.Item>
        {v.source && <Descriptions.Item label="依据" span={2}>{v.source}</Descriptions.Item>}
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 12 }}>版本</Typography.Title>
      <Table
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={v.versions}
        columns={[
          { title: '版本', dataIndex: 'version', width: 70, render: (x: number) => `第${x}版` },
          { title: '说明', dataIndex: 'note' },
          { title: '时间', dataIndex: 'created_at', width: 170, render: (x: string) => cstTime(x) },
          { title: '修订人', dataIndex: 'created_by', width: 90 },
        ]}
      />
    </Card>
  );
}

type FormValues = Omit<RuleTableInput, 'large_exhibit_min'> & {
  name?: string; region_code?: string; year?: number; source?: string; note?: string; large_volume?: string | number | null; large_weight?: string | number | null;
};

function RuleEditor(props: {
  open: boolean;
  mode: 'create' | 'revise';
  base: RuleSetView | null;
  regionCode: string;
  onClose(): void;
  onCreated(r: RuleSetView): void;
  onRevised(r: { rule_set: RuleSetView; changes: RecalcChange[]; changed_count: number }): void;
}) {
  const [form] = Form.useForm<FormValues>();
  const s = useExhibitions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!props.open) return;
    setError(null);
    form.resetFields();
    const r = props.base?.rules_input;
    const base: Partial<FormValues> = r
      ? { ...r, large_volume: r.large_exhibit_min?.volume_m3 ?? null, large_weight: r.large_exhibit_min?.weight_t ?? null }
      : { booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: null, cap_overseas_yuan: null }], eligible_types: ['booth_fee'], deadline_days: 30 };
    form.setFieldsValue({
      ...base,
      ...(props.mode === 'create' ? { name: '', region_code: props.regionCode, year: new Date().getFullYear(), source: props.base?.source ?? '' } : { note: '' }),
    } as FormValues);
  }, [props.open]);

  const save = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const blank = (x: unknown) => (x === undefined || x === '' ? null : x);
    const { name, region_code, year, source, note, large_volume, large_weight, ...rest } = v;
    const rules = {
      ...rest,
      booth_tiers: (rest.booth_tiers ?? []).map((t) => ({ ...t, cap_domestic_yuan: blank(t.cap_domestic_yuan), cap_overseas_yuan: blank(t.cap_overseas_yuan) })),
      type_caps: (rest.type_caps ?? []).map((c) => ({ ...c, cap_yuan: blank(c.cap_yuan), annual_cap_yuan: blank(c.annual_cap_yuan) })),
      fair_cap_yuan: blank(rest.fair_cap_yuan),
      annual_cap_yuan: blank(rest.annual_cap_yuan),
      booth_cap_area_unit_m2: blank(rest.booth_cap_area_unit_m2),
      max_booths_per_fair: blank(rest.max_booths_per_fair),
      deadline_days: blank(rest.deadline_days),
      invoice_window_days: blank(rest.invoice_window_days),
      large_exhibit_min: blank(large_volume) !== null || blank(large_weight) !== null ? { volume_m3: large_volume ?? '', weight_t: large_weight ?? '' } : null,
      required_materials: rest.required_materials ?? [],
    } as RuleTableInput;
    setBusy(true);
    setError(null);
    try {
      if (props.mode === 'create') {
        props.onCreated(await s.createRuleSet({ name: name!, region_code: region_code!, year: Number(year), source: source || null, note: note || null, rules }));
      } else {
        props.onRevised(await s.reviseRuleSet({ rule_set_id: props.base!.id, note: note ?? '', rules }));
      }
      props.onClose();
    } catch (e) {
      // Rule fields come back as "booth_tiers.1.from_booth"; creation wraps them in "rules.".
      showNestedErrors(form, e, (p) => (p[0] === 'rules' ? p.slice(1) : p));
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const ratio = (scope: 'domestic' | 'overseas') =>
    MARKET_TYPES.map((m) => (
      <Form.Item key={m} name={['ratio_pct', scope, m]} label={`${scope === 'domestic' ? '境内' : '境外'}·${MARKET_LABEL[m]}（%）`} rules={[{ required: true, message: '必填' }]}>
        <Input style={{ width: 110 }} />
      </Form.Item>
    ));

  return (
    <Drawer
      title={props.mode === 'create' ? '新建参展补贴规则' : `修订「${props.base?.name ?? ''}」（生成第 ${(props.base?.version ?? 0) + 1} 版）`}
      open={props.open}
      onClose={props.onClose}
      size={900}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={props.onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={() => void save()}>
            {props.mode === 'create' ? '保存' : '保存新版本并重算'}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="rule-error" />}
      <Form form={form} layout="vertical">
        {props.mode === 'create' ? (
          <Space wrap align="start">
            <Form.Item name="name" label="规则名称" rules={[{ required: true, message: '必填' }]}><Input style={{ width: 300 }} /></Form.Item>
            <Form.Item name="region_code" label="行政区划代码" rules={[{ required: true, message: '必填' }]}><Input style={{ width: 120 }} /></Form.Item>
            <Form.Item name="year" label="年度" rules={[{ required: true, message: '必填' }]}><InputNumber style={{ width: 100 }} /></Form.Item>
            <Form.Item name="source" label="依据（文件名称、文号）"><Input style={{ width: 300 }} /></Form.Item>
          </Space>
        ) : (
          <Form.Item name="note" label="修订说明（如：依据某文件调整单展上限）" rules={[{ required: true, message: '请填写修订说明' }]}>
            <Input maxLength={500} />
          </Form.Item>
        )}
        <Form.Item name="eligible_types" label="补贴费用类型">
          <Checkbox.Group options={ITEM_TYPES.map((t) => ({ value: t, label: ITEM_TYPE_LABEL[t] }))} />
        </Form.Item>
        <Space wrap>{ratio('domestic')}</Space>
        <Space wrap>{ratio('overseas')}</Space>
        <Typography.Title level={5}>展位档次</Typography.Title>
        <Form.List name="booth_tiers">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item name={[f.name, 'from_booth']} label="从第几个展位起" rules={[{ required: true, message: '必填' }]}><InputNumber min={1} style={{ width: 110 }} /></Form.Item>
                  <Form.Item name={[f.name, 'factor_pct']} label="比例（%）" rules={[{ required: true, message: '必填' }]}><Input style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'cap_domestic_yuan']} label="境内每展位上限（元）"><Input style={{ width: 150 }} placeholder="不限" /></Form.Item>
                  <Form.Item name={[f.name, 'cap_overseas_yuan']} label="境外每展位上限（元）"><Input style={{ width: 150 }} placeholder="不限" /></Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} style={{ marginTop: 30 }} onClick={() => remove(f.name)} aria-label="删除档次" />
                </Space>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ factor_pct: '50' })} style={{ marginBottom: 16 }}>添加档次</Button>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name="booth_cap_area_unit_m2" label="每展位上限按面积计（每 m²）"><Input style={{ width: 140 }} placeholder="按个数" /></Form.Item>
          <Form.Item name="max_booths_per_fair" label="每展最多展位数"><InputNumber min={1} style={{ width: 120 }} placeholder="不限" /></Form.Item>
          <Form.Item name="fair_cap_yuan" label="单展上限（元）"><Input style={{ width: 150 }} placeholder="不限" /></Form.Item>
          <Form.Item name="annual_cap_yuan" label="企业年度上限（元）"><Input style={{ width: 150 }} placeholder="不限" /></Form.Item>
        </Space>
        <Typography.Title level={5}>分项上限（非展位类费用）</Typography.Title>
        <Form.List name="type_caps">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start">
                  <Form.Item name={[f.name, 'type']} rules={[{ required: true, message: '必填' }]}>
                    <Select style={{ width: 180 }} options={ITEM_TYPES.filter((t) => !BOOTH_LINKED.has(t)).map((t) => ({ value: t, label: ITEM_TYPE_LABEL[t] }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'cap_yuan']}><Input style={{ width: 150 }} placeholder="每展上限（元）" aria-label="每展上限（元）" /></Form.Item>
                  <Form.Item name={[f.name, 'annual_cap_yuan']}><Input style={{ width: 170 }} placeholder="每年上限（元，全年各申请合计）" aria-label="每年上限（元）" /></Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除分项上限" />
                </Space>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16, display: 'block' }}>添加分项上限</Button>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name="deadline_days" label="展会结束后申报期限（天）"><InputNumber min={0} style={{ width: 120 }} placeholder="不限" /></Form.Item>
          <Form.Item name="invoice_window_days" label="发票最早可早于开展（天）"><InputNumber min={0} style={{ width: 120 }} placeholder="不限" /></Form.Item>
          <Form.Item name="min_gov_level" label="组展政府最低级别">
            <Select style={{ width: 120 }} options={(['county', 'city', 'provincial', 'national'] as const).map((g) => ({ value: g, label: GOV_LEVEL_LABEL[g] }))} />
          </Form.Item>
          <Form.Item name="large_volume" label="大型展品最小体积（m³）"><Input style={{ width: 120 }} placeholder="无" /></Form.Item>
          <Form.Item name="large_weight" label="大型展品最小重量（t）"><Input style={{ width: 120 }} placeholder="无" /></Form.Item>
        </Space>
        <Space wrap size="large">
          <Form.Item name="cash_allowed" label="接受现金支付" valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="stacking_allowed" label="允许与其他补贴叠加" valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="multiple_claims_per_fair" label="同一展会可多次申请" valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="agent_contract_when_agent" label="代理参展须附代理合同" valuePropName="checked"><Switch /></Form.Item>
        </Space>
        <Form.Item name="required_materials" label="必备材料">
          <Checkbox.Group options={MATERIALS.filter((m) => m !== 'agent_contract').map((m) => ({ value: m, label: MATERIAL_LABEL[m] }))} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
