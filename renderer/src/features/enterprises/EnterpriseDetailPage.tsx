import { useEffect, useState } from 'react';
import { Button, Card, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Table, Tag, Timeline, Typography, App, Spin, Alert } from 'antd';
import { ArrowLeftOutlined, EditOutlined, PlusOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { AuditEntry, TierRow } from '../../../../db/types';
import { call } from '../../api/client';
import { useEnterprises } from '../../stores/enterprises';
import { useApp, hasRole } from '../../stores/app';
import { navigate } from '../../stores/route';
import { EnterpriseForm } from './EnterpriseForm';
import { SCALE } from './EnterpriseListPage';
import { showFieldErrors, errorText } from '../../components/errors';
import { conflictText } from '../system/auditLabels';

export const TIER_LEVEL: Record<string, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级' };

const ACTION: Record<string, string> = {
  'enterprise.create': '登记',
  'enterprise.import': '导入登记',
  'enterprise.update': '修改',
  'enterprise.deactivate': '停用',
  'enterprise.reactivate': '恢复',
  'enterprise.uscc_override': '校验位例外',
  'tier.add': '新增梯度',
  'tier.revoke': '撤销梯度',
  'exchange.conflict': '处理数据冲突',
};

// The form's field names, for the 修改 entries (which record column names).
const FIELD: Record<string, string> = {
  uscc: '统一社会信用代码', name: '企业名称', region_code: '注册地', township: '乡镇(街道)', address: '地址', industry_code: '行业代码',
  scale: '规模', legal_rep: '法定代表人', contact_name: '联系人', contact_phone: '联系电话', uscc_override_reason: '校验位例外说明',
};

function describe(e: AuditEntry): string {
  const d = JSON.parse(e.detail) as Record<string, unknown>;
  if (e.action === 'exchange.conflict') return conflictText(d);
  if (d.changes && typeof d.changes === 'object') {
    return Object.entries(d.changes as Record<string, { from: unknown; to: unknown }>)
      .map(([k, c]) => `${FIELD[k] ?? k}：${String(c.from ?? '（空）')} → ${String(c.to ?? '（空）')}`)
      .join('；') + (d.via ? `（${String(d.via)}）` : '');
  }
  if (d.reason) return `原因：${String(d.reason)}`;
  if (e.action === 'enterprise.import') return `文件 ${String(d.file)}（共 ${String(d.rows)} 行）`;
  if (d.tier) return `${String(d.tier)} ${TIER_LEVEL[String(d.level)] ?? ''} ${d.doc_no ? String(d.doc_no) : ''}`;
  return '';
}

export function EnterpriseDetailPage({ id }: { id: number }) {
  const { detail, loadDetail, tierTypes, loadCodes } = useEnterprises();
  const role = useApp((s) => s.status?.session.user?.role);
  const [editing, setEditing] = useState(false);
  const [tierOpen, setTierOpen] = useState(false);
  const [statusOpen, setStatusOpen] = useState(false);
  const [tierForm] = Form.useForm();
  const [statusForm] = Form.useForm();
  const { message, modal } = App.useApp();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    void loadDetail(id).catch((e) => setError(errorText(e)));
    if (!tierTypes.length) void loadCodes();
  }, [id, loadDetail, loadCodes, tierTypes.length]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!detail || detail.enterprise.id !== id) return <Spin />;
  const e = detail.enterprise;
  const today = new Date().toISOString().slice(0, 10);

  return (
    <div>
      <div className="page-header">
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/enterprises')}>
            返回
          </Button>
          <h2>{e.name}</h2>
          {e.status === 'active' ? <Tag color="green">在册</Tag> : <Tag>已停用</Tag>}
        </Space>
        <Space>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            编辑
          </Button>
          <Button
            icon={e.status === 'active' ? <StopOutlined /> : <CheckCircleOutlined />}
            danger={e.status === 'active'}
            onClick={() => setStatusOpen(true)}
          >
            {e.status === 'active' ? '停用' : '恢复在册'}
          </Button>
        </Space>
      </div>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
          <Descriptions.Item label="统一社会信用代码">
            <span className="mono">{e.uscc}</span>
            {e.uscc_override_reason && <Tag color="orange" style={{ marginLeft: 8 }}>校验位例外：{e.uscc_override_reason}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="注册地">
            {e.region_name ?? e.region_code}（{e.region_code}）{e.township ? ` · ${e.township}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="行业">{e.industry_code ? `${e.industry_code} ${e.industry_name ?? ''}` : '—'}</Descriptions.Item>
          <Descriptions.Item label="规模">{SCALE[e.scale]}</Descriptions.Item>
          <Descriptions.Item label="地址">{e.address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="法定代表人">{e.legal_rep ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="联系人">{e.contact_name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="联系电话">{e.contact_phone ?? '—'}</Descriptions.Item>
          {e.status_reason && <Descriptions.Item label="状态说明">{e.status_reason}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Card
        title="梯度培育"
        style={{ marginBottom: 16 }}
        extra={
          <Button size="small" icon={<PlusOutlined />} onClick={() => setTierOpen(true)}>
            新增梯度
          </Button>
        }
      >
        <Table<TierRow>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={detail.tiers}
          locale={{ emptyText: '暂无梯度认定' }}
          columns={[
            { title: '类型', dataIndex: 'tier_name' },
            { title: '级别', dataIndex: 'level', render: (v: string) => TIER_LEVEL[v] },
            { title: '认定机构', dataIndex: 'granted_by' },
            { title: '文号', dataIndex: 'doc_no' },
            { title: '有效期', render: (_: unknown, t) => `${t.valid_from} 至 ${t.valid_to ?? '长期'}` },
            {
              title: '状态',
              render: (_: unknown, t) =>
                t.revoked_at ? (
                  <Tag>已撤销</Tag>
                ) : t.valid_to && t.valid_to < today ? (
                  <Tag color="default">已过期</Tag>
                ) : (
                  <Tag color="green">有效</Tag>
                ),
            },
            {
              title: '',
              render: (_: unknown, t) =>
                !t.revoked_at &&
                hasRole(role, 'reviewer') && (
                  <a
                    onClick={() => {
                      let reason = '';
                      modal.confirm({
                        title: `撤销「${t.tier_name}」认定`,
                        content: <Input.TextArea placeholder="撤销原因（必填）" onChange={(x) => (reason = x.target.value)} />,
                        onOk: async () => {
                          await call('enterprise:revokeTier', { id: t.id, reason });
                          await loadDetail(id);
                        },
                      });
                    }}
                  >
                    撤销
                  </a>
                ),
            },
          ]}
        />
      </Card>
      <Card title="变更记录（审计日志）">
        <Timeline
          items={detail.history.map((h) => ({
            content: (
              <div>
                <Typography.Text strong>{ACTION[h.action] ?? h.action}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {new Date(h.at).toLocaleString('zh-CN')} · {h.actor}
                </Typography.Text>
                <div>{describe(h)}</div>
              </div>
            ),
          }))}
        />
      </Card>

      <EnterpriseForm
        open={editing}
        editing={e}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void loadDetail(id);
        }}
      />
      <Modal
        title="新增梯度认定"
        open={tierOpen}
        onCancel={() => setTierOpen(false)}
        destroyOnHidden
        onOk={async () => {
          const v = (await tierForm.validateFields()) as Record<string, unknown> & { valid_from: Dayjs; valid_to?: Dayjs };
          try {
            await call('enterprise:addTier', {
              enterprise_id: id,
              tier_code: v.tier_code as string,
              level: v.level as 'national',
              granted_by: (v.granted_by as string) ?? null,
              doc_no: (v.doc_no as string) ?? null,
              valid_from: v.valid_from.format('YYYY-MM-DD'),
              valid_to: v.valid_to ? v.valid_to.format('YYYY-MM-DD') : null,
            });
            setTierOpen(false);
            tierForm.resetFields();
            message.success('已新增');
            await loadDetail(id);
          } catch (err) {
            if (!showFieldErrors(tierForm, err)) message.error(errorText(err));
          }
        }}
      >
        <Form form={tierForm} layout="vertical">
          <Form.Item name="tier_code" label="梯度类型" rules={[{ required: true, message: '请选择' }]}>
            <Select options={tierTypes.map((t) => ({ value: t.code, label: t.name }))} />
          </Form.Item>
          <Form.Item name="level" label="级别" rules={[{ required: true, message: '请选择' }]}>
            <Select options={Object.entries(TIER_LEVEL).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="granted_by" label="认定机构">
            <Input placeholder="如 山西省工业和信息化厅" />
          </Form.Item>
          <Form.Item name="doc_no" label="文号">
            <Input placeholder="如 晋工信中小字〔2025〕12号" />
          </Form.Item>
          <Space>
            <Form.Item name="valid_from" label="有效期起" rules={[{ required: true, message: '请选择' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="valid_to" label="有效期止">
              <DatePicker />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        title={e.status === 'active' ? '停用企业' : '恢复在册'}
        open={statusOpen}
        onCancel={() => setStatusOpen(false)}
        destroyOnHidden
        onOk={async () => {
          const v = (await statusForm.validateFields()) as { reason: string };
          try {
            await call('enterprise:setStatus', { id, status: e.status === 'active' ? 'inactive' : 'active', reason: v.reason });
            setStatusOpen(false);
            statusForm.resetFields();
            await loadDetail(id);
          } catch (err) {
            message.error(errorText(err));
          }
        }}
      >
        <Typography.Paragraph type="secondary">企业记录不会删除；停用后不再出现在默认列表中，历史数据仍可查。</Typography.Paragraph>
        <Form form={statusForm} layout="vertical">
          <Form.Item name="reason" label="原因" rules={[{ required: true, message: '请填写原因' }]}>
            <Input.TextArea rows={2} placeholder="如：已注销、迁出本县" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
