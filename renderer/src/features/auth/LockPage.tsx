import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useApp, ROLE_LABEL } from '../../stores/app';
import { errorText } from '../../components/errors';

export function LockPage({ user }: { user: { username: string; displayName: string; role: string } }) {
  const { unlock, logout } = useApp();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="centered-page">
      <Card style={{ width: 400 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          <LockOutlined /> 屏幕已锁定
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          超过 15 分钟未操作，已自动锁定。当前用户：{user.displayName}（{ROLE_LABEL[user.role]}）
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form
          layout="vertical"
          onFinish={async (v: { password: string }) => {
            try {
              await unlock(v.password);
            } catch (e) {
              setError(errorText(e));
            }
          }}
        >
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoFocus />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              解锁
            </Button>
            <Button onClick={() => void logout()}>切换用户</Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
