import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Form, Input, Select, Space, Tag, Typography, App } from 'antd';
import { PlusOutlined, DeleteOutlined } from '@ant-design/icons';
import type { ClaimDetail } from '../../../../db/types';
import { useExhibitions } from '../../stores/exhibitions';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { showNestedErrors } from './nestedErrors';
import { DATE_RULE, ITEM_TYPES, ITEM_TYPE_LABEL, PAYMENT_LABEL, today, yuanText } from './labels';

const MONEY_RULE = { pattern: /^\d+(\.\d{1,2})?$/, message: '金额（元），最多两位小数' };

function toForm(d: ClaimDetail) {
  return {
    enterprise_id: d.claim.enterprise_id,
    fair_id: d.claim.fair_id,
    claim_date: d.claim.claim_date,
    agent_used: d.claim.agent_used === 1,
    note: d.claim.note,
    booths: d.booths.map((b) => ({ gid: b.gid, booth_no: b.booth_no, area_m2: String(b.area_m2), kind: b.kind })),
    items: d.items.map((i) => ({
      gid: i.gid, item_type: i.item_type, booth_no: i.booth_no, amount_yuan: yuanText(i.amount_fen), invoice_no: i.invoice_no,
      invoice_date: i.invoice_date, payment_method: i.payment_method, voucher_no: i.voucher_no,
      volume_m3: i.volume_m3 === null ? undefined : String(i.volume_m3), weight_t: i.weight_t === null ? undefined : String(i.weight_t),
      other_subsidy_yuan: i.other_subsidy_fen ? yuanText(i.other_subsidy_fen) : undefined, note: i.note,
    })),
  };
}

const blankItem = () => ({ item_type: 'booth_fee', payment_method: 'transfer' });

/** The claim: enterprise, fair, booths and the cost-item grid (Enter moves across the row like Excel). */
export function ClaimForm(props: { open: boolean; editing: ClaimDetail | null; onClose(): void; onSaved(d: ClaimDetail): void }) {
  const [form] = Form.useForm();
  const { fairs, loadFairs, saveClaim } = useExhibitions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const fairId = Form.useWatch('fair_id', form) as number | undefined;
  const booths = (Form.useWatch('booths', form) as Array<{ booth_no?: string }> | undefined) ?? [];
  const fair = fairs.find((f) => f.id === fairId);

  useEffect(() => {
    if (!props.open) return;
    if (!fairs.length) void loadFairs();
    setError(null);
    form.resetFields();
    form.setFieldsValue(
      props.editing ? toForm(props.editing) : { claim_date: today(), agent_used: false, booths: [{ booth_no: '', area_m2: '9', kind: 'standard' }], items: [blankItem()] },
    );
  }, [props.open, props.editing, form]);

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
      const clean = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).map(([k, val]) => [k, val === '' ? null : val]));
      const data = {
        ...v,
        booths: ((v.booths as Array<Record<string, unknown>>) ?? []).map(clean),
        items: ((v.items as Array<Record<string, unknown>>) ?? []).map(clean),
      };
      const d = await saveClaim(props.editing?.claim.id ?? null, data as never);
      message.success(props.editing ? '已保存' : `已建立申请 ${d.claim.claim_no}（草稿）`);
      props.onSaved(d);
      props.onClose();
    } catch (e) {
      showNestedErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={props.editing ? `编辑申请 ${props.editing.claim.claim_no}` : '新建参展补贴申请'}
      open={props.open}
      onClose={props.onClose}
      size={1180}
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
        <Space size="middle" align="start" style={{ display: 'flex' }} wrap>
          <Form.Item name="enterprise_id" label="企业" rules={[{ required: true, message: '请选择企业' }]} style={{ width: 380 }}>
            <EnterpriseSelect />
          </Form.Item>
          <Form.Item name="fair_id" label="展会" rules={[{ required: true, message: '请选择展会' }]} style={{ width: 400 }}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择已登记的展会"
              options={fairs.map((f) => ({ value: f.id, label: `${f.name}（${f.start_date}）` }))}
              aria-label="展会"
            />
          </Form.Item>
          <Form.Item name="claim_date" label="申请日期" rules={[{ required: true, message: '必填' }, DATE_RULE]} style={{ width: 140 }}>
            <Input placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="agent_used" label="展位购买方式" valuePropName="checked">
            <Checkbox>通过代理购买展位</Checkbox>
          </Form.Item>
        </Space>
        {fair && !fair.art36_eligible && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={fair.art36_reason} />}
        {fair && fair.art36_eligible && (
          <Typography.Paragraph type="secondary">
            {fair.organising_gov}组织 · {fair.country}{fair.city ? ` ${fair.city}` : ''} · {fair.start_date} 至 {fair.end_date}
          </Typography.Paragraph>
        )}

        <Typography.Title level={5}>展位</Typography.Title>
        <Form.List name="booths">
          {(fields, { add, remove }) => (
            <div className="grid-rows">
              <div className="grid-head" style={{ gridTemplateColumns: '40px 180px 140px 160px 40px' }}>
                <span>#</span><span>展位号</span><span>面积（m²）</span><span>类型</span><span />
              </div>
              {fields.map((f, i) => (
                <div key={f.key} className="grid-row" style={{ gridTemplateColumns: '40px 180px 140px 160px 40px' }}>
                  <span className="muted">{i + 1}</span>
                  <Form.Item name={[f.name, 'booth_no']} rules={[{ required: true, message: '必填' }]}>
                    <Input placeholder="如 A1-05" aria-label={`展位${i + 1}展位号`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'area_m2']} rules={[{ required: true, message: '必填' }]}>
                    <Input placeholder="9" aria-label={`展位${i + 1}面积`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'kind']} rules={[{ required: true, message: '必填' }]}>
                    <Select options={[{ value: 'standard', label: '标准展位' }, { value: 'special', label: '特装' }]} aria-label={`展位${i + 1}类型`} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} aria-label="删除展位" onClick={() => remove(f.name)} />
                </div>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ area_m2: '9', kind: 'standard' })}>
                添加展位
              </Button>
            </div>
          )}
        </Form.List>

        <Typography.Title level={5} style={{ marginTop: 16 }}>
          费用明细 <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>回车到下一格；现金支付、注册费、搭建费等按规则不予补贴，计算结果逐项说明</Typography.Text>
        </Typography.Title>
        <Form.List name="items">
          {(fields, { add, remove }) => {
            const cols = '32px 130px 100px 120px 130px 120px 110px 120px 84px 84px 40px';
            return (
              <div className="grid-rows" data-testid="item-grid">
                <div className="grid-head" style={{ gridTemplateColumns: cols }}>
                  <span>#</span><span>费用类型</span><span>展位</span><span>金额（元）</span><span>发票号</span><span>发票日期</span><span>支付方式</span><span>凭证号</span>
                  <span>体积 m³</span><span>重量 t</span><span />
                </div>
                {fields.map((f, i) => (
                  <div key={f.key} className="grid-row" style={{ gridTemplateColumns: cols }}>
                    <span className="muted">{i + 1}</span>
                    <Form.Item name={[f.name, 'item_type']} rules={[{ required: true, message: '必填' }]}>
                      <Select options={ITEM_TYPES.map((t) => ({ value: t, label: ITEM_TYPE_LABEL[t] }))} aria-label={`第${i + 1}行费用类型`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'booth_no']}>
                      <Select allowClear placeholder="—" options={booths.filter((b) => b?.booth_no).map((b) => ({ value: b.booth_no!, label: b.booth_no! }))} aria-label={`第${i + 1}行展位`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'amount_yuan']} rules={[{ required: true, message: '必填' }, MONEY_RULE]}>
                      <Input className="num" aria-label={`第${i + 1}行金额`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'invoice_no']} rules={[{ required: true, message: '必填' }]}>
                      <Input aria-label={`第${i + 1}行发票号`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'invoice_date']} rules={[{ required: true, message: '必填' }, DATE_RULE]}>
                      <Input placeholder="YYYY-MM-DD" aria-label={`第${i + 1}行发票日期`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'payment_method']} rules={[{ required: true, message: '必填' }]}>
                      <Select options={(['transfer', 'cash', 'other'] as const).map((p) => ({ value: p, label: PAYMENT_LABEL[p] }))} aria-label={`第${i + 1}行支付方式`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'voucher_no']}>
                      <Input aria-label={`第${i + 1}行凭证号`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'volume_m3']}>
                      <Input aria-label={`第${i + 1}行体积`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'weight_t']}>
                      <Input aria-label={`第${i + 1}行重量`} />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} aria-label={`删除第${i + 1}行`} onClick={() => remove(f.name)} />
                  </div>
                ))}
                <Button size="small" icon={<PlusOutlined />} onClick={() => add(blankItem())}>
                  添加费用行
                </Button>
              </div>
            );
          }}
        </Form.List>
        <Form.Item name="note" label="备注" style={{ marginTop: 16 }}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
