import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Radio, Select, Space, Table, Tag, Tooltip, App } from 'antd';
import { PlusOutlined, EditOutlined } from '@ant-design/icons';
import type { FairView } from '../../../../db/types';
import { useExhibitions } from '../../stores/exhibitions';
import { showFieldErrors, errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { DATE_RULE, GOV_LEVELS, GOV_LEVEL_LABEL, MARKET_LABEL, MARKET_TYPES, SCOPE_LABEL } from './labels';

export function FairsPage() {
  const s = useExhibitions();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<FairView | 'new' | null>(null);
  useEffect(() => void s.loadFairs(), []);
  const rows = s.fairs.filter((f) => !q || f.name.includes(q) || f.organiser.includes(q) || (f.city ?? '').includes(q));
  return (
    <div>
      <div className="page-header">
        <h2>展会登记</h2>
        <Space>
          <Input.Search allowClear placeholder="展会名称、主办单位或城市" style={{ width: 280 }} value={q} onChange={(e) => setQ(e.target.value)} aria-label="搜索展会" />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            登记展会
          </Button>
        </Space>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="《山西省制造业高质量发展促进条例》第三十六条：企业参加县级以上人民政府组织的国内外展会，可按规定获得参展补贴。不是由县级以上人民政府组织参展的展会标为「不符合」，其申请不予补贴。"
      />
      <Table<FairView>
        rowKey="id"
        size="middle"
        dataSource={rows}
        data-testid="fair-table"
        pagination={{ pageSize: 20, showTotal: (t) => `共 ${t} 个展会` }}
        columns={[
          { title: '展会名称', dataIndex: 'name', render: (v: string, r) => <a onClick={() => setEditing(r)}>{v}</a> },
          { title: '主办单位', dataIndex: 'organiser', ellipsis: true },
          {
            title: '组织参展',
            render: (_: unknown, r) => (
              <span>
                {r.organising_gov ?? '—'} <Tag>{GOV_LEVEL_LABEL[r.gov_level]}</Tag>
              </span>
            ),
          },
          {
            title: '第三十六条',
            width: 110,
            render: (_: unknown, r) => (
              <Tooltip title={r.art36_reason}>{r.art36_eligible ? <Tag color="green">符合</Tag> : <Tag color="red">不符合</Tag>}</Tooltip>
            ),
          },
          { title: '境内/境外', width: 90, render: (_: unknown, r) => SCOPE_LABEL[r.scope] },
          { title: '市场类型', width: 100, render: (_: unknown, r) => MARKET_LABEL[r.market_type] },
          { title: '地点', render: (_: unknown, r) => [r.country, r.city, r.venue].filter(Boolean).join(' · ') },
          { title: '展期', width: 200, render: (_: unknown, r) => `${r.start_date} 至 ${r.end_date}` },
          { title: '申请', dataIndex: 'claim_count', width: 70, align: 'right' },
          { title: '', width: 60, render: (_: unknown, r) => <Button size="small" type="text" icon={<EditOutlined />} aria-label="编辑" onClick={() => setEditing(r)} /> },
        ]}
      />
      <FairForm editing={editing} onClose={() => setEditing(null)} />
    </div>
  );
}

function FairForm(props: { editing: FairView | 'new' | null; onClose(): void }) {
  const [form] = Form.useForm();
  const saveFair = useExhibitions((s) => s.saveFair);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const open = props.editing !== null;
  const existing = props.editing && props.editing !== 'new' ? props.editing : null;
  const govLevel = Form.useWatch('gov_level', form) as string | undefined;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue(existing ?? { gov_level: 'county', scope: 'domestic', market_type: 'traditional', country: '中国' });
  }, [open, existing, form]);

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
      const f = await saveFair(existing?.id ?? null, v as never);
      message.success(existing ? '已保存' : `已登记展会：${f.name}`);
      if (!f.art36_eligible) message.warning(f.art36_reason, 6);
      props.onClose();
    } catch (e) {
      showFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={existing ? `编辑展会：${existing.name}` : '登记展会'}
      open={open}
      onClose={props.onClose}
      size={600}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={props.onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void save())}>
        <Form.Item name="name" label="展会名称" rules={[{ required: true, message: '请填写展会名称' }]}>
          <Input maxLength={200} autoFocus placeholder="如 第十届山西特色专业镇投资贸易博览会" />
        </Form.Item>
        <Form.Item name="organiser" label="主办单位" rules={[{ required: true, message: '请填写主办单位' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="gov_level" label="组展政府级别（条例第三十六条：县级以上）" rules={[{ required: true }]}>
          <Radio.Group optionType="button" options={GOV_LEVELS.map((g) => ({ value: g, label: GOV_LEVEL_LABEL[g] }))} />
        </Form.Item>
        {govLevel === 'none' && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="不是由县级以上人民政府组织参展的展会，不符合条例第三十六条，其申请不予补贴" />
        )}
        <Form.Item name="organising_gov" label="组织参展的人民政府" rules={[{ required: govLevel !== 'none', message: '由政府组织参展时须填写' }]}>
          <Input maxLength={100} placeholder="如 泽州县人民政府" disabled={govLevel === 'none'} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="scope" label="境内/境外" rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={[{ value: 'domestic', label: '境内' }, { value: 'overseas', label: '境外' }]} />
          </Form.Item>
          <Form.Item name="market_type" label="市场类型" rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={MARKET_TYPES.map((m) => ({ value: m, label: MARKET_LABEL[m] }))} />
          </Form.Item>
        </Space>
        <Space size="middle" style={{ display: 'flex' }}>
          <Form.Item name="country" label="国家(地区)" rules={[{ required: true, message: '必填' }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="city" label="城市">
            <Input maxLength={50} />
          </Form.Item>
        </Space>
        <Form.Item name="venue" label="展馆">
          <Input maxLength={200} />
        </Form.Item>
        <Space size="middle" style={{ display: 'flex' }}>
          <Form.Item name="start_date" label="开始日期" rules={[{ required: true, message: '必填' }, DATE_RULE]}>
            <Input placeholder="YYYY-MM-DD" maxLength={10} />
          </Form.Item>
          <Form.Item name="end_date" label="结束日期" rules={[{ required: true, message: '必填' }, DATE_RULE]}>
            <Input placeholder="YYYY-MM-DD" maxLength={10} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label="备注">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
