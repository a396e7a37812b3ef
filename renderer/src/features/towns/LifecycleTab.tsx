import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Dropdown, Form, Input, Modal, Select, Space, Tag, Timeline, Typography, App } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import type { TransitionAction } from '../../../../db/types';
import { call } from '../../api/client';
import { useTowns, STATUS_COLOR } from '../../stores/towns';
import { useApp } from '../../stores/app';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { day, iso, setIssues, today } from './shared';

const DEFAULT_REASON: Partial<Record<TransitionAction, string>> = {
  apply: '县工信局组织申报',
  review: '形式审查通过，进入专家评审',
  publicize: '专家评审通过，网上公示',
  designate: '公示期满无异议，予以认定',
  reject: '评审未通过',
  annual_pass: '年度考核合格',
  warn: '年度考核不合格，予以警示',
  start_rereview: '认定有效期将满，启动复核',
  renew: '复核通过，有效期延续',
  downgrade: '考核未达标，予以降级',
  revoke: '复核未通过，撤销认定',
};

/** Current status, the allowed steps as buttons, the rest under 其他操作 (the server refuses them, naming the allowed ones), and the history. */
export function LifecycleTab() {
  const { detail, codes, refreshDetail, load } = useTowns();
  const office = useApp((s) => s.status?.office?.name ?? '');
  const [action, setAction] = useState<TransitionAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const { message } = App.useApp();
  if (!detail || !codes) return null;
  const t = detail.town;
  const allowed = new Set(detail.allowed.map((a) => a.action));
  const others = (Object.keys(codes.transitions) as TransitionAction[]).filter((a) => !allowed.has(a));
  const def = action ? codes.transitions[action] : null;
  const requires = new Set<string>(def?.requires ?? []);

  const open = (a: TransitionAction) => {
    setAction(a);
    setError(null);
    form.resetFields();
    const d = today();
    form.setFieldsValue({
      date: day(d),
      reason: DEFAULT_REASON[a],
      level: a === 'apply' ? (t.level === 'county' ? 'city' : t.level === 'city' ? 'province' : 'county') : undefined,
      publicity_start: day(d),
      designation: { bodies: detail.current?.bodies ?? (office ? [office] : []), valid_from: day(d) },
    });
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
      const needsDesignation = requires.has('designation');
      await call('town:transition', {
        town_id: t.id,
        action: action!,
        date: iso(v.date)!,
        doc_no: v.doc_no || null,
        reason: v.reason,
        level: requires.has('target_level') || requires.has('lower_level') ? v.level : null,
        publicity_start: requires.has('publicity') ? iso(v.publicity_start) : null,
        publicity_end: requires.has('publicity') ? iso(v.publicity_end) : null,
        designation: needsDesignation
          ? {
              batch_no: v.designation?.batch_no || null,
              bodies: v.designation?.bodies ?? [],
              plaque_date: iso(v.designation?.plaque_date),
              valid_from: iso(v.designation?.valid_from)!,
              valid_to: iso(v.designation?.valid_to),
            }
          : null,
      });
      message.success(`已${def!.label}`);
      setAction(null);
      await refreshDetail();
      void load();
    } catch (e) {
      setIssues(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const levelOptions = Object.entries(codes.level).map(([value, label]) => ({ value, label }));

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="当前状态">
            <Tag color={STATUS_COLOR[t.status]} data-testid="town-status">
              {codes.status[t.status]}
            </Tag>
            <span className="muted">自 {t.status_since}</span>
          </Descriptions.Item>
          <Descriptions.Item label="当前级别">{t.level ? codes.level[t.level] : '未认定'}</Descriptions.Item>
          <Descriptions.Item label="有效期">{detail.current ? `${detail.current.valid_from} 至 ${detail.current.valid_to}` : '—'}</Descriptions.Item>
        </Descriptions>
        <Space wrap style={{ marginTop: 8 }}>
          {detail.allowed.map((a) => (
            <Button key={a.action} type={a.action === 'reject' || a.action === 'revoke' ? 'default' : 'primary'} danger={a.action === 'revoke'} onClick={() => open(a.action)}>
              {a.label}
            </Button>
          ))}
          {detail.allowed.length === 0 && <Typography.Text type="secondary">{t.status === 'revoked' ? '已撤销：档案永久保留，不能再变更' : '当前无可执行的操作'}</Typography.Text>}
          {others.length > 0 && (
            <Dropdown menu={{ items: others.map((a) => ({ key: a, label: codes.transitions[a].label })), onClick: (e) => open(e.key as TransitionAction) }}>
              <Button>
                其他操作（当前状态不适用） <DownOutlined />
              </Button>
            </Dropdown>
          )}
        </Space>
      </Card>
      <Card size="small" title="状态变更记录">
        {detail.transitions.length === 0 ? (
          <Typography.Text type="secondary">尚无状态变更（培育中）</Typography.Text>
        ) : (
          <Timeline
            data-testid="transition-timeline"
            items={[...detail.transitions].reverse().map((r) => ({
              color: r.to_status === 'revoked' ? 'red' : r.to_status === 'designated' ? 'green' : r.to_status === 'warned' ? 'orange' : 'blue',
              content: (
                <div>
                  <Typography.Text strong>
                    {r.date} {codes.transitions[r.action].label}
                  </Typography.Text>
                  <span className="muted">
                    {'　'}
                    {codes.status[r.from_status]} → {codes.status[r.to_status]}
                    {r.level ? `　${codes.level[r.level]}` : ''}
                  </span>
                  <div>
                    {r.doc_no && <Tag>{r.doc_no}</Tag>}
                    {r.reason}
                    {r.publicity_start && `（公示期 ${r.publicity_start} 至 ${r.publicity_end}）`}
                  </div>
                  <div className="muted">经办：{r.actor_name}</div>
                </div>
              ),
            }))}
          />
        )}
      </Card>
      <Modal
        open={!!action}
        title={def ? `${def.label}：${t.name}` : ''}
        onCancel={() => setAction(null)}
        onOk={() => void submit()}
        okText="确定"
        cancelText="取消"
        confirmLoading={busy}
        width={640}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="transition-error" />}
        <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
          <Space wrap>
            <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker format="YYYY-MM-DD" />
            </Form.Item>
            <Form.Item name="doc_no" label="文号" rules={requires.has('doc_no') ? [{ required: true, message: '须填写文号' }] : []}>
              <Input style={{ width: 260 }} placeholder="如 泽工信发〔2026〕15号" />
            </Form.Item>
            {(requires.has('target_level') || requires.has('lower_level')) && (
              <Form.Item name="level" label={requires.has('lower_level') ? '降为级别' : '申报级别'} rules={[{ required: true, message: '请选择级别' }]}>
                <Select style={{ width: 120 }} options={levelOptions} />
              </Form.Item>
            )}
          </Space>
          {requires.has('publicity') && (
            <Space wrap>
              <Form.Item name="publicity_start" label="公示开始日期" rules={[{ required: true, message: '请选择' }]}>
                <DatePicker format="YYYY-MM-DD" />
              </Form.Item>
              <Form.Item name="publicity_end" label="公示结束日期" rules={[{ required: true, message: '请选择' }]} extra="一般为 5 个工作日">
                <DatePicker format="YYYY-MM-DD" />
              </Form.Item>
            </Space>
          )}
          {requires.has('designation') && (
            <>
              <Space wrap>
                <Form.Item name={['designation', 'batch_no']} label="批次">
                  <Input style={{ width: 140 }} placeholder="如 第一批" />
                </Form.Item>
                <Form.Item name={['designation', 'plaque_date']} label="授牌日期">
                  <DatePicker format="YYYY-MM-DD" />
                </Form.Item>
              </Space>
              <Form.Item name={['designation', 'bodies']} label="认定机构（可多个）" rules={[{ required: true, message: '至少一个认定机构' }]}>
                <Select mode="tags" open={false} tokenSeparators={['、', ',', '，']} placeholder="输入后回车，如 泽州县工业和信息化局" />
              </Form.Item>
              <Space wrap>
                <Form.Item name={['designation', 'valid_from']} label="有效期起" rules={[{ required: true, message: '请选择' }]}>
                  <DatePicker format="YYYY-MM-DD" />
                </Form.Item>
                <Form.Item name={['designation', 'valid_to']} label="有效期止" extra="留空：按政策默认三年">
                  <DatePicker format="YYYY-MM-DD" />
                </Form.Item>
              </Space>
            </>
          )}
          <Form.Item name="reason" label="事由" rules={[{ required: true, message: '请填写事由' }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

