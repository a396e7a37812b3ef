import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Radio, Typography, App } from 'antd';
import { useApp, LEVEL_LABEL } from '../../stores/app';
import { RegionPicker } from './RegionPicker';
import { showFieldErrors, errorText } from '../../components/errors';
import { call } from '../../api/client';

export function SetupPage() {
  const [form] = Form.useForm();
  const setup = useApp((s) => s.setup);
  const setupDemo = useApp((s) => s.setupDemo);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const level = (Form.useWatch('level', form) ?? 'county') as 'county' | 'city' | 'province';
  const { message } = App.useApp();

  const submit = async (v: Record<string, string>) => {
    setBusy(true);
    setError(null);
    try {
      await setup({
        level: v.level,
        region_code: v.region_code,
        name: v.name,
        admin_username: v.admin_username,
        admin_display_name: v.admin_display_name,
        admin_password: v.admin_password,
      });
      message.success('初始设置完成');
    } catch (e) {
      if (!showFieldErrors(form, e)) setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const loadDemo = async () => {
    setBusy(true);
    try {
      const r = await setupDemo();
      message.success(`已载入演示数据：${r.office}，已以管理员 ${r.username}（密码 ${r.password}）登录`, 8);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="centered-page">
      <Card style={{ width: 640 }} title={<span style={{ fontSize: 20 }}>县域产业台账 · 初始设置</span>}>
        <Typography.Paragraph type="secondary">
          首次使用请设置本单位的级别、行政区划和名称，并创建第一位管理员。数据仅保存在本机的台账文件中，无需联网。
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ level: 'county' }}
          onFinish={submit}
          onValuesChange={(changed: { region_code?: string }) => {
            const code = changed.region_code;
            if (code && /^\d{6}$/.test(code) && !form.isFieldTouched('name')) {
              void call('codes:region', code).then((r) => {
                if (r && !form.isFieldTouched('name')) form.setFieldValue('name', `${r.name}工业和信息化局`);
              });
            }
          }}
        >
          <Form.Item name="level" label="单位级别" rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={Object.entries(LEVEL_LABEL).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="region_code" label="行政区划（GB/T 2260）" rules={[{ required: true, message: '请选择行政区划' }]}>
            <RegionPicker level={level} />
          </Form.Item>
          <Form.Item name="name" label="单位名称" rules={[{ required: true, message: '请填写单位名称' }]}>
            <Input placeholder="如：泽州县工业和信息化局" />
          </Form.Item>
          <Form.Item name="admin_username" label="管理员用户名" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoComplete="username" placeholder="字母、数字或汉字，2–32 位" />
          </Form.Item>
          <Form.Item name="admin_display_name" label="管理员姓名" rules={[{ required: true, message: '请填写姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="admin_password" label="管理员密码" rules={[{ required: true, message: '请设置密码' }]} extra="至少 8 位，需同时包含字母和数字">
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="确认密码"
            dependencies={['admin_password']}
            rules={[
              { required: true, message: '请再次输入密码' },
              ({ getFieldValue }) => ({
                validator: (_, v) => (v === getFieldValue('admin_password') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <div style={{ display: 'flex', justifyContent: 'space-between' }}>
            <Button onClick={loadDemo} disabled={busy}>
              载入演示数据（泽州县）
            </Button>
            <Button type="primary" htmlType="submit" loading={busy}>
              完成设置
            </Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
