import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Select, Space, App } from 'antd';
import type { TownRow } from '../../../../db/types';
import { call } from '../../api/client';
import { useTowns } from '../../stores/towns';
import { showFieldErrors, errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';

/** New or edited town record (档案): name, county, category, leading industry and its GB/T 4754 codes, contacts. */
export function TownForm(props: { open: boolean; editing: TownRow | null; onClose(): void; onSaved(t: TownRow): void }) {
  const [form] = Form.useForm();
  const { counties, codes } = useTowns();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();

  useEffect(() => {
    if (!props.open) return;
    setError(null);
    form.resetFields();
    if (props.editing) form.setFieldsValue({ ...props.editing, industry_codes: props.editing.industry_codes ? props.editing.industry_codes.split(/[,，、\s]+/).filter(Boolean) : [] });
    else if (counties.length === 1) form.setFieldsValue({ county_code: counties[0]!.code, category: 'manufacturing' });
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
      const data = { ...v, industry_codes: (v.industry_codes as string[] | undefined) ?? [] } as never;
      const saved = props.editing ? await call('town:update', { id: props.editing.id, data }) : await call('town:create', data);
      message.success(props.editing ? '已保存' : `已登记专业镇：${saved.name}`);
      props.onSaved(saved);
    } catch (e) {
      showFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={props.editing ? `编辑专业镇：${props.editing.name}` : '新增专业镇'}
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
        <Form.Item name="name" label="专业镇名称" rules={[{ required: true, message: '请填写名称' }]} extra="县名＋主导产业，如「泽州铸造」">
          <Input maxLength={60} autoFocus />
        </Form.Item>
        <Form.Item name="county_code" label="所在县（市、区）" rules={[{ required: true, message: '请选择' }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={counties.map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }))} />
        </Form.Item>
        <Form.Item name="category" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
          <Select options={Object.entries(codes?.category ?? {}).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="leading_industry" label="主导产业" rules={[{ required: true, message: '请填写主导产业' }]}>
          <Input maxLength={40} placeholder="如 铸造" />
        </Form.Item>
        <Form.Item name="industry_codes" label="主导产业行业代码（GB/T 4754）" extra="输入 2–4 位代码后回车，可填多个">
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} placeholder="如 3391" />
        </Form.Item>
        <Form.Item name="description" label="简介">
          <Input.TextArea rows={3} maxLength={2000} />
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
