import { useEffect, useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTowns, type TownEvent } from '../../stores/towns';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';
import { day, iso, setIssues, today } from './shared';

const SEVERITY_COLOR: Record<string, string> = { general: 'default', larger: 'orange', major: 'red', extraordinary: 'magenta' };
// Accidents are graded by severity (较大及以上 vetoes); 失信 and 偷税 count whatever their size.
const GRADED = new Set(['safety_accident', 'quality_accident', 'environment_accident', 'data_security']);

/**
 * 否决事件: accidents, 严重失信, 网络数据安全事件, 偷税漏税 … on the town or one of its members. Veto clauses of
 * the rule sets look at them, so recording one needs a reviewer.
 */
export function EventsTab({ townId }: { townId: number }) {
  const { detail, codes, events, loadEvents, recordEvent } = useTowns();
  const role = useApp((s) => s.status?.session.user?.role);
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) as string | undefined;

  useEffect(() => {
    void loadEvents(townId).catch((e) => setError(errorText(e)));
  }, [townId, loadEvents]);

  if (!detail || !codes) return null;
  const canRecord = hasRole(role, 'reviewer') && detail.town.status !== 'revoked';

  const show = () => {
    form.resetFields();
    form.setFieldsValue({ subject: 'town', date: day(today()) });
    setError(null);
    setOpen(true);
  };

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
      await recordEvent({
        town_id: v.subject === 'town' ? townId : null,
        enterprise_id: v.subject === 'town' ? null : Number(v.subject),
        kind: v.kind,
        severity: GRADED.has(v.kind) ? (v.severity ?? null) : null,
        date: iso(v.date)!,
        doc_no: v.doc_no || null,
        description: v.description,
      });
      message.success('已登记否决事件；重新评价时否决项将据此判定');
      setOpen(false);
    } catch (e) {
      setIssues(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const members = detail.members.filter((m) => !m.left_on);
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {canRecord && (
          <Button type="primary" icon={<PlusOutlined />} onClick={show}>
            登记否决事件
          </Button>
        )}
        <span className="muted">本镇及成员企业（在镇期间）的事故、失信等事件；评价规则的否决项据此判定。</span>
      </Space>
      <Table<TownEvent>
        size="small"
        rowKey={(r) => `${r.subject === 'town' ? 't' : 'e'}${r.id}`}
        dataSource={events}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: '无否决事件记录' }}
        data-testid="town-events"
        columns={[
          { title: '发生日期', dataIndex: 'date', width: 110 },
          { title: '主体', dataIndex: 'subject', width: 220, render: (v: string) => (v === 'town' ? <Tag color="blue">本镇</Tag> : v) },
          { title: '事件类型', dataIndex: 'kind', width: 150, render: (v: string) => codes.eventKind[v as keyof typeof codes.eventKind] ?? v },
          {
            title: '严重程度',
            dataIndex: 'severity',
            width: 100,
            render: (v: string | null) => (v ? <Tag color={SEVERITY_COLOR[v]}>{codes.severity[v as keyof typeof codes.severity]}</Tag> : '—'),
          },
          { title: '文号', dataIndex: 'doc_no', width: 180, render: (v: string | null) => v ?? '—' },
          { title: '情况说明', dataIndex: 'description' },
        ]}
      />
      <Modal open={open} title="登记否决事件" onOk={() => void submit()} onCancel={() => setOpen(false)} confirmLoading={busy} okText="登记" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="event-error" />}
        <Form form={form} layout="vertical">
          <Form.Item name="subject" label="事件主体" rules={[{ required: true, message: '请选择' }]}>
            <Select
              options={[
                { value: 'town', label: `本镇（${detail.town.name}）` },
                ...members.map((m) => ({ value: String(m.enterprise_id), label: `成员企业：${m.enterprise_name}` })),
              ]}
            />
          </Form.Item>
          <Form.Item name="kind" label="事件类型" rules={[{ required: true, message: '请选择事件类型' }]}>
            <Select options={Object.entries(codes.eventKind).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          {kind && GRADED.has(kind) && (
            <Form.Item name="severity" label="严重程度" rules={[{ required: true, message: '事故须选择严重程度' }]}>
              <Select options={Object.entries(codes.severity).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          )}
          <Form.Item name="date" label="发生日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker format="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="doc_no" label="文号（认定或处罚文书）">
            <Input />
          </Form.Item>
          <Form.Item name="description" label="情况说明" rules={[{ required: true, message: '请填写情况说明' }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
