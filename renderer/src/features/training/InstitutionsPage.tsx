import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Space, Table, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { InstitutionRow } from '../../../../db/types';
import { training } from '../../stores/training';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { putFieldErrors } from './common';

/** 培训机构: the schools and colleges plans are delivered with. */
export function InstitutionsPage() {
  const [rows, setRows] = useState<InstitutionRow[]>([]);
  const [editing, setEditing] = useState<InstitutionRow | 'new' | null>(null);
  const { message } = App.useApp();
  const load = () => void training.institutions().then(setRows).catch((e) => message.error(errorText(e)));
  useEffect(load, []);
  return (
    <div>
      <div className="page-header">
        <h2>培训机构</h2>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          新增培训机构
        </Button>
      </div>
      <Table<InstitutionRow>
        rowKey="id"
        size="middle"
        dataSource={rows}
        data-testid="institution-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (t) => `共 ${t} 家` }}
        onRow={(r) => ({ onDoubleClick: () => setEditing(r) })}
        columns={[
          { title: '机构名称', dataIndex: 'name', render: (v: string, r) => <a onClick={() => setEditing(r)}>{v}</a> },
          { title: '统一社会信用代码', dataIndex: 'uscc', width: 200, render: (v: string) => <span className="mono">{v}</span> },
          { title: '办学资质', dataIndex: 'qualification', ellipsis: true },
          { title: '联系人', dataIndex: 'contact_name', width: 100 },
          { title: '联系电话', dataIndex: 'contact_phone', width: 140 },
          { title: '地址', dataIndex: 'address', ellipsis: true },
        ]}
      />
      <InstitutionForm
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          load();
        }}
      />
    </div>
  );
}

function InstitutionForm(props: { editing: InstitutionRow | 'new' | null; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  useEffect(() => {
    if (!props.editing) return;
    setError(null);
    form.resetFields();
    if (props.editing !== 'new') form.setFieldsValue(props.editing);
  }, [props.editing, form]);
  const save = async () => {
    let v: Record<string, string>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = props.editing === 'new' ? await training.createInstitution(v as never) : await training.updateInstitution({ id: (props.editing as InstitutionRow).id, ...(v as object) } as never);
      message.success(`已保存：${r.name}`);
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
      title={props.editing === 'new' ? '新增培训机构' : `编辑培训机构`}
      open={!!props.editing}
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
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void save())}>
        <Form.Item name="name" label="机构名称" rules={[{ required: true, message: '请填写机构名称' }]}>
          <Input maxLength={100} autoFocus />
        </Form.Item>
        <Form.Item name="uscc" label="统一社会信用代码" rules={[{ required: true, message: '请填写统一社会信用代码' }]}>
          <Input className="mono" maxLength={24} />
        </Form.Item>
        <Form.Item name="qualification" label="办学资质">
          <Input maxLength={200} placeholder="如 民办职业培训学校办学许可证 编号" />
        </Form.Item>
        <Form.Item name="contact_name" label="联系人">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="contact_phone" label="联系电话">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
