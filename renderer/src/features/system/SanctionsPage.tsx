import { useEffect, useState } from 'react';
import { Button, DatePicker, Form, Input, InputNumber, Modal, Select, Table, Tag, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { ListedSanction, PlanListed } from '../../../../db/types';
import { call } from '../../api/client';
import { training } from '../../stores/training';
import { STATUS_LABEL } from '../training/format';
import { useApp, hasRole } from '../../stores/app';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { showFieldErrors, errorText } from '../../components/errors';

export const SANCTION_KIND: Record<string, string> = {
  recover_funds: '收回资金',
  cancel_benefits: '取消待遇',
  bar_applications: '取消申报资格',
  credit_penalty: '信用惩戒/失信名单',
};

type Row = ListedSanction;

/** Sanctions under Shanxi 条例 art. 41; while one is in force, new plans, claims and payments are blocked. */
export function SanctionsPage() {
  const [rows, setRows] = useState<Row[]>([]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const [plans, setPlans] = useState<PlanListed[]>([]);
  const enterpriseId = Form.useWatch('enterprise_id', form) as number | undefined;
  const kind = Form.useWatch('kind', form) as string | undefined;
  const sourceKind = Form.useWatch('source_kind', form) as string | undefined;
  // A 收回资金 may name the training plan it recovers from; only that enterprise's plans are offered.
  useEffect(() => {
    setPlans([]);
    form.setFieldValue('source_id', undefined);
    if (!enterpriseId) return;
    let live = true;
    void training.plansOf(enterpriseId).then((r) => live && setPlans(r)).catch((e) => message.error(errorText(e)));
    return () => {
      live = false;
    };
  }, [enterpriseId, form]);
  const role = useApp((s) => s.status?.session.user?.role);
  const { message, modal } = App.useApp();
  const load = () => void call('sanction:list', {}).then(setRows).catch((e) => message.error(errorText(e)));
  useEffect(load, []);
  const today = new Date().toISOString().slice(0, 10);
  return (
    <div>
      <div className="page-header">
        <h2>处理措施（条例第四十一条）</h2>
        {hasRole(role, 'reviewer') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            登记处理措施
          </Button>
        )}
      </div>
      <Table<Row>
        rowKey="id"
        dataSource={rows}
        columns={[
          { title: '企业', dataIndex: 'enterprise_name' },
          { title: '类型', dataIndex: 'kind', render: (v: string) => SANCTION_KIND[v] },
          { title: '金额（元）', dataIndex: 'amount_fen', align: 'right', render: (v: number | null) => (v ? (v / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }) : '') },
          { title: '文号', dataIndex: 'doc_no' },
          { title: '关联', dataIndex: 'source_label', render: (v: string | null) => v ?? '' },
          { title: '期间', render: (_: unknown, r) => `${r.start_date} 至 ${r.end_date ?? '长期'}` },
          { title: '事由', dataIndex: 'reason', ellipsis: true },
          {
            title: '状态',
            render: (_: unknown, r) =>
              r.lifted_at ? <Tag>已解除</Tag> : r.start_date <= today && (!r.end_date || r.end_date >= today) ? <Tag color="red">生效中</Tag> : <Tag>不在期内</Tag>,
          },
        ]}
      />
      <Modal
        title="登记处理措施"
        open={open}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        onOk={async () => {
          const v = (await form.validateFields()) as Record<string, unknown> & { start_date: Dayjs; end_date?: Dayjs; amount?: number };
          // 收回资金 writes a recovery into the money ledger that cannot be undone: the amount is confirmed first.
          if (v.kind === 'recover_funds') {
            const sure = await modal.confirm({
              title: `确认收回 ${(v.amount ?? 0).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元？`,
              content: `依「${String(v.doc_no ?? '')}」收回资金 ${(v.amount ?? 0).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元，登记后不能撤销。`,
              okText: '确认收回',
              cancelText: '取消',
            });
            if (!sure) return;
          }
          try {
            await call('sanction:create', {
              enterprise_id: v.enterprise_id as number,
              kind: v.kind as 'credit_penalty',
              amount_fen: v.amount ? Math.round(v.amount * 100) : null,
              start_date: v.start_date.format('YYYY-MM-DD'),
              end_date: v.end_date ? v.end_date.format('YYYY-MM-DD') : null,
              doc_no: v.doc_no as string,
              reason: v.reason as string,
              source_kind: v.kind === 'recover_funds' && v.source_kind === 'training_plan' && v.source_id ? 'training_plan' : null,
              source_id: v.kind === 'recover_funds' && v.source_kind === 'training_plan' ? ((v.source_id as number | undefined) ?? null) : null,
            });
            setOpen(false);
            form.resetFields();
            load();
          } catch (e) {
            if (!showFieldErrors(form, e)) message.error(errorText(e));
          }
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="enterprise_id" label="企业" rules={[{ required: true, message: '请选择企业' }]}>
            <EnterpriseSelect />
          </Form.Item>
          <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择' }]}>
            <Select options={Object.entries(SANCTION_KIND).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="amount" label="金额（元，收回资金时必填）">
            <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
          </Form.Item>
          {kind === 'recover_funds' && (
            <Form.Item name="source_kind" label="收回自" initialValue="none" extra="关联培训计划时，收回金额记入该计划的资金流水（应退回）">
              <Select
                options={[
                  { value: 'none', label: '不关联' },
                  { value: 'training_plan', label: '培训计划' },
                ]}
              />
            </Form.Item>
          )}
          {kind === 'recover_funds' && sourceKind === 'training_plan' && (
            <Form.Item name="source_id" label="培训计划" rules={[{ required: true, message: '请选择培训计划' }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={enterpriseId ? (plans.length ? '选择该企业的培训计划' : '该企业没有培训计划') : '请先选择企业'}
                options={plans.map((p) => ({
                  value: p.id,
                  label: `${p.code} ${p.occupation_name}（${STATUS_LABEL[p.status]}）`,
                }))}
              />
            </Form.Item>
          )}
          <Form.Item name="doc_no" label="文号" rules={[{ required: true, message: '请填写文号' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="start_date" label="开始日期" rules={[{ required: true, message: '请选择' }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="end_date" label="截止日期（不填为长期）">
            <DatePicker />
          </Form.Item>
          <Form.Item name="reason" label="事由" rules={[{ required: true, message: '请填写事由' }]}>
            <Input.TextArea rows={2} placeholder="如：以虚假材料骗取参展补贴" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
