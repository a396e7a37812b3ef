import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Col, Drawer, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, App } from 'antd';
import type { Level, TraineeOut } from '../../../../db/types';
import { training } from '../../stores/training';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { DateInput, putFieldErrors } from './common';
import { LEVEL_LABEL, options, todayIso } from './format';

/**
 * 添加学员 or, given `trainee`, 修改学员. The ID number is checked on the server (GB 11643) and its message lands
 * under the field; name and ID number are fixed once on the roster (remove and add again to correct them).
 */
export function TraineeForm(props: { open: boolean; planId: number; trainee?: TraineeOut | null; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const si = Form.useWatch('social_insurance_verified', form) as boolean | undefined;
  const { message } = App.useApp();
  const editing = props.trainee ?? null;
  useEffect(() => {
    if (!props.open) return;
    setError(null);
    form.resetFields();
    if (editing) {
      form.setFieldsValue({
        name: editing.name, id_no: editing.id_no, phone: editing.phone, contract_start: editing.contract_start, contract_end: editing.contract_end,
        social_insurance_verified: editing.social_insurance_verified === 1, social_insurance_date: editing.social_insurance_date,
        sessions_attended: editing.sessions_attended, hours_attended: editing.hours_attended,
      });
    } else form.setFieldsValue({ social_insurance_verified: false, sessions_attended: 0, hours_attended: 0 });
  }, [props.open, editing, form]);

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
      if (editing) {
        // Cleared fields go as null so that the service clears them too.
        await training.updateTrainee({
          id: editing.id,
          phone: (v.phone as string | undefined) || null,
          contract_start: (v.contract_start as string | null | undefined) ?? null,
          contract_end: (v.contract_end as string | null | undefined) ?? null,
          social_insurance_verified: !!v.social_insurance_verified,
          social_insurance_date: (v.social_insurance_date as string | null | undefined) ?? null,
          sessions_attended: (v.sessions_attended as number | null | undefined) ?? 0,
          hours_attended: (v.hours_attended as number | null | undefined) ?? 0,
        });
        message.success(`已保存：${editing.name}`);
      } else {
        const t = await training.addTrainee({ plan_id: props.planId, ...(v as object) } as never);
        message.success(t.converted_from_15 ? `已添加：${t.name}（15 位身份证号已升级为 18 位）` : `已添加：${t.name}`);
      }
      props.onSaved();
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={editing ? `修改学员：${editing.name}` : '添加学员'}
      open={props.open}
      onClose={props.onClose}
      size={520}
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
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="trainee-form-error" />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void save())}>
        <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
          <Input maxLength={50} autoFocus={!editing} disabled={!!editing} />
        </Form.Item>
        <Form.Item
          name="id_no"
          label="居民身份证号"
          rules={[{ required: true, message: '请填写身份证号' }]}
          extra={
            editing
              ? `姓名和身份证号登记后不能修改，如有错误请删除后重新添加${editing.id_masked ? '；录入员只能看到部分号码' : ''}`
              : '18 位，最后一位可为 X；空格和小写 x 会自动纠正'
          }
        >
          <Input maxLength={22} className="mono" disabled={!!editing} data-testid="trainee-id-no" />
        </Form.Item>
        <Form.Item name="phone" label="手机号">
          <Input maxLength={20} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="contract_start" label="劳动合同起">
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="contract_end" label="劳动合同止" extra="无固定期限留空">
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="social_insurance_verified" label="社保参保" valuePropName="checked">
              <Checkbox>已核验</Checkbox>
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="social_insurance_date" label="社保核验日期">
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
        {si === false && <div className="muted" style={{ marginTop: -8, marginBottom: 12 }}>未核验社保的学员，在要求核验社保的规则下不予补贴</div>}
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="sessions_attended" label="出勤次数">
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="hours_attended" label="出勤学时">
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}

/** 结业结果 of one trainee. */
export function OutcomeModal(props: { trainee: TraineeOut | null; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!props.trainee) return;
    setError(null);
    form.setFieldsValue({ outcome: props.trainee.outcome === 'in_training' ? 'completed' : props.trainee.outcome, outcome_date: props.trainee.outcome_date ?? todayIso() });
  }, [props.trainee, form]);
  return (
    <Modal
      title={`登记结业结果：${props.trainee?.name ?? ''}`}
      open={!!props.trainee}
      onCancel={props.onClose}
      destroyOnHidden
      okText="保存"
      onOk={async () => {
        const v = (await form.validateFields()) as { outcome: 'completed' | 'not_completed' | 'in_training'; outcome_date: string | null };
        try {
          await training.updateTrainee({ id: props.trainee!.id, outcome: v.outcome, outcome_date: v.outcome === 'in_training' ? null : v.outcome_date });
          props.onSaved();
        } catch (e) {
          putFieldErrors(form, e);
          setError(errorText(e));
        }
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="outcome" label="结业结果">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'completed', label: '结业' },
              { value: 'not_completed', label: '未结业' },
              { value: 'in_training', label: '在训' },
            ]}
          />
        </Form.Item>
        <Form.Item name="outcome_date" label="日期">
          <DateInput />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 证书: a second certificate for the same person, occupation and level is accepted but flagged, naming the earlier one. */
export function CertificateModal(props: { trainee: TraineeOut | null; defaultLevel: Level; onClose(): void; onSaved(flag: string | null): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!props.trainee) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ level: props.defaultLevel, issue_date: todayIso() });
  }, [props.trainee, props.defaultLevel, form]);
  const submit = async () => {
    const v = (await form.validateFields()) as { level: Level; cert_no: string; issuer: string; issue_date: string };
    try {
      const r = await training.addCertificate({ trainee_id: props.trainee!.id, ...v });
      props.onSaved(r.flag?.message ?? null);
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    }
  };
  return (
    <Modal title={`登记证书：${props.trainee?.name ?? ''}`} open={!!props.trainee} onCancel={props.onClose} destroyOnHidden okText="保存" onOk={() => void submit()}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="cert-error" />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
        <Form.Item name="level" label="证书等级" rules={[{ required: true }]}>
          <Select options={options(LEVEL_LABEL)} />
        </Form.Item>
        <Form.Item name="cert_no" label="证书编号" rules={[{ required: true, message: '请填写证书编号' }]}>
          <Input className="mono" />
        </Form.Item>
        <Form.Item name="issuer" label="发证机构" rules={[{ required: true, message: '请填写发证机构' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="issue_date" label="发证日期" rules={[{ required: true, message: '请选择发证日期' }]}>
          <DateInput />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 删除学员 before 开班: the reason is required and goes into the audit log. */
export function RemoveTraineeModal(props: { trainee: TraineeOut | null; onClose(): void; onRemoved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!props.trainee) return;
    setError(null);
    form.resetFields();
  }, [props.trainee, form]);
  const submit = async () => {
    let v: { reason: string };
    try {
      v = (await form.validateFields()) as { reason: string };
    } catch {
      return;
    }
    setBusy(true);
    try {
      await training.removeTrainee(props.trainee!.id, v.reason);
      props.onRemoved();
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const t = props.trainee;
  return (
    <Modal
      title={`删除学员：${t?.name ?? ''}`}
      open={!!t}
      onCancel={props.onClose}
      destroyOnHidden
      okText="删除"
      okButtonProps={{ danger: true }}
      confirmLoading={busy}
      onOk={() => void submit()}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="remove-trainee-error" />}
      {t && (
        <p>
          从名册中删除 {t.name}（<span className="mono">{t.id_no}</span>）。删除原因记入审计日志。
        </p>
      )}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
        <Form.Item name="reason" label="删除原因" rules={[{ required: true, whitespace: true, message: '请填写删除原因' }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder="如：劳动合同未续签，本人退出培训" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
