import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, App } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { call } from '../../api/client';
import { useTowns, num, type PlanProgress } from '../../stores/towns';
import { errorText } from '../../components/errors';
import { setIssues } from './shared';

type Target = PlanProgress['targets'][number];

/** 发展方案: targets per indicator and year, with progress against what was reported (an unreported year is not 0 %). */
export function PlansTab({ townId }: { townId: number }) {
  const { plans, loadPlans, codes } = useTowns();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const { message } = App.useApp();
  useEffect(() => void loadPlans(townId), [townId, loadPlans]);
  const y = new Date().getFullYear();
  const indicatorOptions = (codes?.indicators ?? []).filter((d) => d.kind !== 'text').map((d) => ({ value: d.code, label: `${d.name}（${d.unit}）` }));

  const save = async () => {
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setError(null);
    try {
      await call('town:savePlan', { town_id: townId, ...v } as never);
      message.success('已保存发展方案');
      setOpen(false);
      await loadPlans(townId);
    } catch (e) {
      setIssues(form, e);
      setError(errorText(e));
    }
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            form.setFieldsValue({ start_year: y - 1, end_year: y + 1, targets: [{ indicator: 'output_wan', year: y - 1 }] });
            setError(null);
            setOpen(true);
          }}
        >
          新增发展方案
        </Button>
      </Space>
      {plans.length === 0 && <Alert type="info" showIcon title="尚无发展方案。方案按年度设定指标目标，填报年度指标后自动显示完成进度。" />}
      {plans.map((p) => (
        <Card key={p.plan.id} size="small" style={{ marginBottom: 12 }} title={`${p.plan.title}（${p.plan.start_year}–${p.plan.end_year} 年）`} extra={p.plan.doc_no}>
          <Table<Target>
            size="small"
            rowKey={(t) => `${t.indicator}-${t.year}`}
            pagination={false}
            dataSource={p.targets}
            columns={[
              { title: '指标', dataIndex: 'name', render: (v: string, t) => `${v}（${t.unit}）` },
              { title: '年度', dataIndex: 'year', width: 80 },
              { title: '目标', dataIndex: 'target', width: 120, align: 'right', render: (v: number) => num(v) },
              { title: '实际', dataIndex: 'actual', width: 120, align: 'right', render: (v: number | null) => (v === null ? <span className="muted">未填报</span> : num(v)) },
              {
                title: '完成进度',
                dataIndex: 'percent',
                width: 240,
                render: (v: number | null, t) =>
                  v === null ? <span className="muted">—</span> : <Progress percent={Math.min(v, 100)} format={() => `${v}%`} status={t.met ? 'success' : 'normal'} size="small" />,
              },
              { title: '', dataIndex: 'met', width: 80, render: (v: boolean | null) => (v === null ? null : v ? <Tag color="green">达标</Tag> : <Tag color="orange">未达标</Tag>) },
            ]}
          />
        </Card>
      ))}
      <Modal open={open} title="新增发展方案" width={720} onOk={() => void save()} onCancel={() => setOpen(false)} okText="保存" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="title" label="方案名称" rules={[{ required: true, message: '请填写' }]}>
            <Input placeholder="如 泽州铸造专业镇高质量发展三年行动方案" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="doc_no" label="文号">
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="start_year" label="起始年度" rules={[{ required: true }]}>
              <InputNumber min={1990} max={2100} />
            </Form.Item>
            <Form.Item name="end_year" label="结束年度" rules={[{ required: true }]}>
              <InputNumber min={1990} max={2100} />
            </Form.Item>
          </Space>
          <Form.List name="targets">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'indicator']} rules={[{ required: true, message: '选择指标' }]}>
                      <Select style={{ width: 280 }} options={indicatorOptions} showSearch={{ optionFilterProp: 'label' }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'year']} rules={[{ required: true, message: '年度' }]}>
                      <InputNumber min={1990} max={2100} placeholder="年度" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'target']} rules={[{ required: true, message: '目标值' }]}>
                      <InputNumber min={0} placeholder="目标值" style={{ width: 160 }} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ year: y })}>
                  添加目标
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </>
  );
}
