import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Radio, Select, Space, App } from 'antd';
import type { EnterpriseRow } from '../../../../db/types';
import { call, ApiError } from '../../api/client';
import { useApp, hasRole } from '../../stores/app';
import { useEnterprises } from '../../stores/enterprises';
import { showFieldErrors, errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { IndustrySelect } from './IndustrySelect';

export function EnterpriseForm(props: { open: boolean; editing: EnterpriseRow | null; onClose(): void; onSaved(e: EnterpriseRow): void }) {
  const [form] = Form.useForm();
  const counties = useEnterprises((s) => s.counties);
  const role = useApp((s) => s.status?.session.user?.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checkFailed, setCheckFailed] = useState(false);
  const { message } = App.useApp();

  useEffect(() => {
    if (!props.open) return;
    setError(null);
    setCheckFailed(false);
    form.resetFields();
    if (props.editing) form.setFieldsValue(props.editing);
    else if (counties.length === 1) form.setFieldsValue({ region_code: counties[0]!.code, scale: 'below' });
    else form.setFieldsValue({ scale: 'below' });
  }, [props.open, props.editing, counties, form]);

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
      const saved = props.editing
        ? await call('enterprise:update', { id: props.editing.id, data: v as never })
        : await call('enterprise:create', v as never);
      message.success(props.editing ? '已保存' : `已登记：${saved.name}`);
      props.onSaved(saved);
    } catch (e) {
      const isCheck = e instanceof ApiError && /校验位/.test(e.message);
      setCheckFailed(isCheck);
      showFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={props.editing ? `编辑企业：${props.editing.name}` : '新增企业'}
      open={props.open}
      onClose={props.onClose}
      size={560}
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
        <Form.Item name="uscc" label="统一社会信用代码" rules={[{ required: true, message: '请填写统一社会信用代码' }]} extra="18 位；全角、小写和空格会自动纠正">
          <Input className="mono" maxLength={24} autoFocus placeholder="如 91140525MA0K12345X" />
        </Form.Item>
        {checkFailed && hasRole(role, 'reviewer') && (
          <Form.Item name="override_reason" label="校验位例外说明（审核人）" extra="确认营业执照原件上的代码即为此代码时，填写说明后可按例外登记；将记入审计日志">
            <Input.TextArea rows={2} />
          </Form.Item>
        )}
        <Form.Item name="name" label="企业名称" rules={[{ required: true, message: '请填写企业名称' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="region_code" label="注册地（县级行政区划）" rules={[{ required: true, message: '请选择注册地' }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={counties.map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }))}
          />
        </Form.Item>
        <Form.Item name="township" label="乡镇（街道）">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="industry_code" label="国民经济行业分类（GB/T 4754-2017）">
          <IndustrySelect />
        </Form.Item>
        <Form.Item name="scale" label="规模" rules={[{ required: true }]}>
          <Radio.Group options={[{ value: 'above', label: '规上' }, { value: 'below', label: '规下' }]} optionType="button" />
        </Form.Item>
        <Form.Item name="legal_rep" label="法定代表人">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="contact_name" label="联系人">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="contact_phone" label="联系电话">
          <Input maxLength={20} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
