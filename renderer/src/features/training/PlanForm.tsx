import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, App } from 'antd';
import type { InstitutionRow, RuleSetDetail } from '../../../../db/types';
import { ApiError } from '../../api/client';
import { training } from '../../stores/training';
import { useApp, hasRole } from '../../stores/app';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { DateInput, putFieldErrors } from './common';
import { LEVEL_LABEL, PLAN_TYPE_LABEL, options, todayIso } from './format';

/** 申报 a plan. A sanction in force comes back as SANCTIONED naming it; only 管理员 may file anyway, with a reason. */
export function PlanForm(props: { open: boolean; onClose(): void; onSaved(id: number): void }) {
  const [form] = Form.useForm();
  const role = useApp((s) => s.status?.session.user?.role);
  const [institutions, setInstitutions] = useState<InstitutionRow[]>([]);
  const [rules, setRules] = useState<RuleSetDetail[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sanctioned, setSanctioned] = useState(false);
  const planType = Form.useWatch('plan_type', form) as keyof typeof PLAN_TYPE_LABEL | undefined;
  const { message } = App.useApp();
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);

  useEffect(() => {
    if (!props.open) return;
    setError(null);
    setSanctioned(false);
    form.resetFields();
    form.setFieldsValue({ plan_type: 'apprentice', target_level: 'L4', declared_date: todayIso() });
    void training.institutions().then(setInstitutions);
    void training.rules({}).then(setRules);
  }, [props.open, form]);

  const forType = rules.filter((r) => r.plan_type === planType && r.status === 'active');
  useEffect(() => {
    const cur = form.getFieldValue('rule_set_id') as number | undefined;
    if (!forType.some((r) => r.id === cur)) form.setFieldValue('rule_set_id', forType.find((r) => !r.is_sample)?.id ?? forType[0]?.id);
  }, [planType, rules]);

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
      const p = await training.createPlan(v as never);
      message.success(`已申报：${p.code}`);
      props.onSaved(p.id);
    } catch (e) {
      setSanctioned(e instanceof ApiError && e.code === 'SANCTIONED');
      putFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title="新建培训计划（申报）"
      open={props.open}
      onClose={props.onClose}
      size={640}
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
      <div ref={errorRef}>{error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="plan-form-error" />}</div>
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void save())}>
        <Form.Item name="plan_type" label="培训类型" rules={[{ required: true }]}>
          <Select options={options(PLAN_TYPE_LABEL)} />
        </Form.Item>
        <Form.Item name="enterprise_id" label="企业" rules={[{ required: true, message: '请选择企业' }]}>
          <EnterpriseSelect />
        </Form.Item>
        <Form.Item name="institution_id" label="培训机构" extra={planType === 'apprentice' ? '企业新型学徒制须有合作培训机构' : undefined}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={institutions.map((i) => ({ value: i.id, label: i.name }))} placeholder="选择培训机构" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="occupation_code" label="职业(工种)代码" rules={[{ required: true, message: '请填写职业代码' }]}>
              <Input placeholder="如 6-18-02-04" className="mono" />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="occupation_name" label="职业(工种)名称" rules={[{ required: true, message: '请填写职业名称' }]}>
              <Input placeholder="如 焊工" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="target_level" label="目标等级" rules={[{ required: true }]}>
              <Select options={options(LEVEL_LABEL)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="planned_count" label="计划人数" rules={[{ required: true, message: '请填写计划人数' }]}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="start_date" label="开始日期" rules={[{ required: true, message: '请选择开始日期' }]}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="end_date" label="结束日期" rules={[{ required: true, message: '请选择结束日期' }]}>
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="rule_set_id" label="补贴规则" rules={[{ required: true, message: '请选择补贴规则' }]} extra={forType.length === 0 ? '该类型还没有生效的补贴规则，请管理员在「补贴标准」中维护' : undefined}>
          <Select options={forType.map((r) => ({ value: r.id, label: `${r.code} ${r.name}（第 ${r.version} 版）` }))} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="declared_date" label="申报日期" rules={[{ required: true, message: '请选择申报日期' }]}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="doc_no" label="申报文号" rules={[{ required: true, message: '请填写申报文号' }]}>
              <Input placeholder="如 泽工信培申〔2026〕1号" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="note" label="备注">
          <Input.TextArea rows={2} />
        </Form.Item>
        {sanctioned && hasRole(role, 'admin') && (
          <Form.Item name="override_reason" label="例外说明（管理员）" extra="该企业处于处理期内。填写例外说明后再保存可例外申报，说明将记入审计日志" rules={[{ required: true, message: '请填写例外说明' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
