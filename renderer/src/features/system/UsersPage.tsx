import { useEffect, useState } from 'react';
import { Button, Form, Input, Modal, Select, Switch, Table, Tag, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { UserRow } from '../../../../db/types';
import { call } from '../../api/client';
import { ROLE_LABEL } from '../../stores/app';
import { showFieldErrors, errorText } from '../../components/errors';

const roleOptions = Object.entries(ROLE_LABEL).map(([value, label]) => ({ value, label }));

export function UsersPage() {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [open, setOpen] = useState(false);
  const [reset, setReset] = useState<UserRow | null>(null);
  const [form] = Form.useForm();
  const [pwForm] = Form.useForm();
  const { message } = App.useApp();
  const load = () => void call('users:list').then(setUsers).catch((e) => message.error(errorText(e)));
  useEffect(load, []);

  const update = async (patch: { id: number; role?: 'admin' | 'reviewer' | 'clerk'; active?: boolean }) => {
    try {
      await call('users:update', patch);
      load();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const unlock = async (r: UserRow) => {
    try {
      await call('users:unlock', { id: r.id });
      message.success(`已解锁「${r.display_name}」`);
      load();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  return (
    <div>
      <div className="page-header">
        <h2>用户管理</h2>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          新建用户
        </Button>
      </div>
      <Table<UserRow>
        rowKey="id"
        dataSource={users}
        pagination={false}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'display_name' },
          {
            title: '角色',
            dataIndex: 'role',
            render: (v: UserRow['role'], r) => <Select size="small" value={v} options={roleOptions} style={{ width: 110 }} onChange={(role) => void update({ id: r.id, role })} />,
          },
          { title: '启用', dataIndex: 'active', render: (v: number, r) => <Switch checked={!!v} onChange={(active) => void update({ id: r.id, active })} /> },
          { title: '连续登录失败', dataIndex: 'failed_logins', render: (v: number) => (v ? <Tag color="red">{v}</Tag> : 0) },
          {
            title: '状态',
            dataIndex: 'locked_at',
            render: (v: string | null, r) =>
              v ? (
                <span data-testid={`locked-${r.username}`}>
                  <Tag color="red">已锁定</Tag>
                  <Button size="small" onClick={() => void unlock(r)}>
                    解锁
                  </Button>
                </span>
              ) : (
                '正常'
              ),
          },
          { title: '', render: (_: unknown, r) => <a onClick={() => setReset(r)}>重置密码</a> },
        ]}
      />
      <Modal
        title="新建用户"
        open={open}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        onOk={async () => {
          const v = await form.validateFields();
          try {
            await call('users:create', v);
            setOpen(false);
            form.resetFields();
            load();
          } catch (e) {
            if (!showFieldErrors(form, e)) message.error(errorText(e));
          }
        }}
      >
        <Form form={form} layout="vertical" initialValues={{ role: 'clerk' }}>
          <Form.Item name="username" label="用户名" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="display_name" label="姓名" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true }]} extra="管理员：用户、设置与例外；审核人：审核并可按理由例外；录入员：录入数据">
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="password" label="初始密码" rules={[{ required: true }]} extra="至少 8 位，含字母和数字">
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={`重置密码：${reset?.display_name ?? ''}`}
        open={!!reset}
        onCancel={() => setReset(null)}
        destroyOnHidden
        onOk={async () => {
          const v = (await pwForm.validateFields()) as { password: string };
          try {
            await call('users:update', { id: reset!.id, password: v.password });
            setReset(null);
            message.success('密码已重置');
          } catch (e) {
            if (!showFieldErrors(pwForm, e)) message.error(errorText(e));
          }
        }}
      >
        <Form form={pwForm} layout="vertical">
          <Form.Item name="password" label="新密码" rules={[{ required: true }]}>
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
