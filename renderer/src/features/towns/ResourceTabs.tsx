import { useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { MemberRow, PlatformRow, ProjectRow } from '../../../../db/types';
import { call } from '../../api/client';
import { useTowns, num } from '../../stores/towns';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { day, iso, setIssues, today, ROLE_COLOR } from './shared';

const PLATFORM_LEVEL: Record<string, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级' };
const options = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([value, label]) => ({ value, label }));

/** A small modal form shared by the add dialogs: validation messages land under their fields. */
function useFormModal(onSubmit: (v: Record<string, any>) => Promise<unknown>) {
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(v);
      setOpen(false);
    } catch (e) {
      setIssues(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const show = (initial: Record<string, unknown> = {}) => {
    form.resetFields();
    form.setFieldsValue(initial);
    setError(null);
    setOpen(true);
  };
  return { form, open, setOpen, error, busy, submit, show };
}

export function MembersTab({ townId }: { townId: number }) {
  const { detail, codes, refreshDetail } = useTowns();
  const { message } = App.useApp();
  const add = useFormModal(async (v) => {
    await call('town:addMember', { town_id: townId, enterprise_id: v.enterprise_id, role: v.role, joined_on: iso(v.joined_on)! });
    message.success('已加入成员企业');
    await refreshDetail();
  });
  const [leaving, setLeaving] = useState<MemberRow | null>(null);
  const leave = useFormModal(async (v) => {
    await call('town:removeMember', { id: leaving!.id, left_on: iso(v.left_on)!, reason: v.reason });
    message.success('已记录退出');
    await refreshDetail();
  });
  if (!detail) return null;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => add.show({ role: 'supporting', joined_on: day(today()) })}>
          添加成员企业
        </Button>
      </Space>
      <Table<MemberRow>
        size="small"
        rowKey="id"
        dataSource={detail.members}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: '尚无成员企业' }}
        columns={[
          { title: '企业名称', dataIndex: 'enterprise_name', render: (v: string, r) => <a href={`#/enterprises/${r.enterprise_id}`}>{v}</a> },
          { title: '统一社会信用代码', dataIndex: 'uscc', render: (v: string) => <span className="mono">{v}</span> },
          { title: '规模', dataIndex: 'scale', width: 70, render: (v: string) => (v === 'above' ? '规上' : '规下') },
          { title: '角色', dataIndex: 'role', width: 80, render: (v: string) => <Tag color={ROLE_COLOR[v]}>{codes?.memberRole[v as keyof typeof codes.memberRole]}</Tag> },
          { title: '加入日期', dataIndex: 'joined_on', width: 110 },
          { title: '退出', dataIndex: 'left_on', width: 200, render: (v: string | null, r) => (v ? `${v}（${r.left_reason ?? ''}）` : null) },
          {
            title: '操作',
            key: 'op',
            width: 80,
            render: (_, r) =>
              !r.left_on && (
                <Button size="small" onClick={() => (setLeaving(r), leave.show({ left_on: day(today()) }))}>
                  退出
                </Button>
              ),
          },
        ]}
      />
      <Modal open={add.open} title="添加成员企业" onOk={() => void add.submit()} onCancel={() => add.setOpen(false)} confirmLoading={add.busy} okText="添加" cancelText="取消" destroyOnHidden>
        {add.error && <Alert type="error" showIcon title={add.error} style={{ marginBottom: 12 }} />}
        <Form form={add.form} layout="vertical">
          <Form.Item name="enterprise_id" label="企业（从企业库选择）" rules={[{ required: true, message: '请选择企业' }]}>
            <EnterpriseSelect />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true }]}>
            <Select options={options(codes?.memberRole)} />
          </Form.Item>
          <Form.Item name="joined_on" label="加入日期" rules={[{ required: true, message: '请选择' }]}>
            <DatePicker format="YYYY-MM-DD" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={leave.open} title={`成员退出：${leaving?.enterprise_name ?? ''}`} onOk={() => void leave.submit()} onCancel={() => leave.setOpen(false)} okText="确定" cancelText="取消" destroyOnHidden>
        {leave.error && <Alert type="error" showIcon title={leave.error} style={{ marginBottom: 12 }} />}
        <Form form={leave.form} layout="vertical">
          <Form.Item name="left_on" label="退出日期" rules={[{ required: true, message: '请选择' }]}>
            <DatePicker format="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="reason" label="原因" rules={[{ required: true, message: '请填写原因' }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function PlatformsTab({ townId }: { townId: number }) {
  const { detail, codes, refreshDetail } = useTowns();
  const { message } = App.useApp();
  const add = useFormModal(async (v) => {
    await call('town:addPlatform', { town_id: townId, ...v, established_on: iso(v.established_on) } as never);
    message.success('已登记公共服务平台');
    await refreshDetail();
  });
  const [serving, setServing] = useState<PlatformRow | null>(null);
  const services = useFormModal(async (v) => {
    await call('town:setPlatformServices', { platform_id: serving!.id, year: v.year, services: v.services });
    message.success('已保存服务次数');
    await refreshDetail();
  });
  if (!detail) return null;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => add.show({ type: 'testing' })}>
          登记公共服务平台
        </Button>
      </Space>
      <Table<PlatformRow>
        size="small"
        rowKey="id"
        dataSource={detail.platforms}
        pagination={false}
        locale={{ emptyText: '尚无公共服务平台' }}
        columns={[
          { title: '平台名称', dataIndex: 'name' },
          { title: '类型', dataIndex: 'type', width: 100, render: (v: string) => codes?.platformType[v as keyof typeof codes.platformType] },
          { title: '运营主体', dataIndex: 'operator' },
          { title: '级别', dataIndex: 'level', width: 70, render: (v: string | null) => (v ? PLATFORM_LEVEL[v] : '—') },
          { title: '面积(㎡)', dataIndex: 'area_m2', width: 100, align: 'right', render: (v: number | null) => num(v) },
          { title: '投资(万元)', dataIndex: 'investment_wan', width: 110, align: 'right', render: (v: number | null) => num(v) },
          { title: '服务次数（年度）', dataIndex: 'services', render: (v: PlatformRow['services']) => v.map((s) => `${s.year}年 ${num(s.services)}`).join('；') || '—' },
          {
            title: '操作',
            key: 'op',
            width: 110,
            render: (_, r) => (
              <Button size="small" onClick={() => (setServing(r), services.show({ year: new Date().getFullYear() - 1 }))}>
                填报服务次数
              </Button>
            ),
          },
        ]}
      />
      <Modal open={add.open} title="登记公共服务平台" onOk={() => void add.submit()} onCancel={() => add.setOpen(false)} confirmLoading={add.busy} okText="保存" cancelText="取消" destroyOnHidden>
        {add.error && <Alert type="error" showIcon title={add.error} style={{ marginBottom: 12 }} />}
        <Form form={add.form} layout="vertical" onKeyDown={enterToNext(() => void add.submit())}>
          <Form.Item name="name" label="平台名称" rules={[{ required: true, message: '请填写' }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="type" label="类型" rules={[{ required: true }]}>
              <Select style={{ width: 140 }} options={options(codes?.platformType)} />
            </Form.Item>
            <Form.Item name="level" label="级别">
              <Select allowClear style={{ width: 110 }} options={options(PLATFORM_LEVEL)} />
            </Form.Item>
          </Space>
          <Form.Item name="operator" label="运营主体">
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="area_m2" label="面积(平方米)">
              <InputNumber min={0} style={{ width: 150 }} />
            </Form.Item>
            <Form.Item name="investment_wan" label="投资(万元)">
              <InputNumber min={0} style={{ width: 150 }} />
            </Form.Item>
            <Form.Item name="established_on" label="建成日期">
              <DatePicker format="YYYY-MM-DD" />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal open={services.open} title={`服务次数：${serving?.name ?? ''}`} onOk={() => void services.submit()} onCancel={() => services.setOpen(false)} okText="保存" cancelText="取消" destroyOnHidden>
        {services.error && <Alert type="error" showIcon title={services.error} style={{ marginBottom: 12 }} />}
        <Form form={services.form} layout="inline">
          <Form.Item name="year" label="年度" rules={[{ required: true }]}>
            <InputNumber min={1990} max={2100} />
          </Form.Item>
          <Form.Item name="services" label="服务次数" rules={[{ required: true, message: '请填写' }]}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function ProjectsTab({ townId }: { townId: number }) {
  const { detail, codes, refreshDetail } = useTowns();
  const { message } = App.useApp();
  const add = useFormModal(async (v) => {
    await call('town:addProject', { town_id: townId, ...v, start_date: iso(v.start_date)! } as never);
    message.success('已登记重点项目');
    await refreshDetail();
  });
  if (!detail) return null;
  const setStatus = async (r: ProjectRow, status: string) => {
    try {
      await call('town:setProjectStatus', { id: r.id, status: status as ProjectRow['status'] });
      await refreshDetail();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => add.show({ status: 'building', start_date: day(today()) })}>
          登记重点项目
        </Button>
        <span className="muted">合计投资 {num(detail.projects.reduce((s, p) => s + p.investment_wan, 0))} 万元</span>
      </Space>
      <Table<ProjectRow>
        size="small"
        rowKey="id"
        dataSource={detail.projects}
        pagination={false}
        locale={{ emptyText: '尚无重点项目' }}
        columns={[
          { title: '项目名称', dataIndex: 'name' },
          { title: '总投资(万元)', dataIndex: 'investment_wan', width: 130, align: 'right', render: (v: number) => num(v) },
          { title: '开工日期', dataIndex: 'start_date', width: 110 },
          {
            title: '状态',
            dataIndex: 'status',
            width: 130,
            render: (v: string, r) => <Select size="small" value={v} style={{ width: 110 }} options={options(codes?.projectStatus)} onChange={(s) => void setStatus(r, s)} />,
          },
          { title: '备注', dataIndex: 'note' },
        ]}
      />
      <Modal open={add.open} title="登记重点项目" onOk={() => void add.submit()} onCancel={() => add.setOpen(false)} confirmLoading={add.busy} okText="保存" cancelText="取消" destroyOnHidden>
        {add.error && <Alert type="error" showIcon title={add.error} style={{ marginBottom: 12 }} />}
        <Form form={add.form} layout="vertical" onKeyDown={enterToNext(() => void add.submit())}>
          <Form.Item name="name" label="项目名称" rules={[{ required: true, message: '请填写' }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="investment_wan" label="总投资(万元)" rules={[{ required: true, message: '请填写' }]}>
              <InputNumber min={0} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="start_date" label="开工日期" rules={[{ required: true, message: '请选择' }]}>
              <DatePicker format="YYYY-MM-DD" />
            </Form.Item>
            <Form.Item name="status" label="状态" rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={options(codes?.projectStatus)} />
            </Form.Item>
          </Space>
          <Form.Item name="note" label="备注">
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
