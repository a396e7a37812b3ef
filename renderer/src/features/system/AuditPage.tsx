import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Typography, Upload, App } from 'antd';
import { SafetyCertificateOutlined, UploadOutlined } from '@ant-design/icons';
import type { AuditAnchor, AuditEntry, AuditVerification } from '../../../../db/types';
import { call, fileToBase64 } from '../../api/client';
import { errorText } from '../../components/errors';
import { actionLabel, detailText, entityLabel } from './auditLabels';

type Verification = AuditVerification & { source?: string };

function verificationTitle(r: Verification): string {
  if (!r.ok) return `日志链被破坏：${r.firstProblem?.message}`;
  if (r.anchor) return `日志链完整，且与锚点一致：第 ${r.anchor.count} 条仍是锚点记录的哈希（共 ${r.count} 条）`;
  return `日志链完整：共 ${r.count} 条，未发现改动或删除`;
}

export function AuditPage() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [head, setHead] = useState<AuditAnchor | null>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const [busy, setBusy] = useState(false);
  const [anchor, setAnchor] = useState<{ count: number | null; hash: string }>({ count: null, hash: '' });
  const { message } = App.useApp();
  useEffect(() => {
    void call('audit:recent', { limit: 200 }).then(setRows).catch((e) => message.error(errorText(e)));
    void call('audit:head').then(setHead).catch((e) => message.error(errorText(e)));
  }, [message]);
  const verify = async (input: Parameters<typeof call<'audit:verify'>>[1]) => {
    setBusy(true);
    try {
      setResult(await call('audit:verify', input));
    } catch (e) {
      setResult(null);
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div className="page-header">
        <h2>审计日志</h2>
        <Button type="primary" icon={<SafetyCertificateOutlined />} loading={busy} onClick={() => void verify({})}>
          校验日志链
        </Button>
      </div>
      {result && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          type={result.ok ? 'success' : 'error'}
          title={verificationTitle(result)}
          description={result.source ? `对照：${result.source}（第 ${result.anchor?.count} 条，哈希 ${result.anchor?.hash}）` : undefined}
          data-testid="audit-verify"
        />
      )}
      <Card size="small" title="链头与锚点" style={{ marginBottom: 16 }} data-testid="audit-anchor">
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
          <Descriptions.Item label="当前链头">
            {head ? (
              <span data-testid="audit-head">
                第 {head.count} 条 · <Typography.Text className="mono" copyable>{head.hash}</Typography.Text>
              </span>
            ) : (
              '日志为空'
            )}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph type="secondary">
          每份备份和每个发出的交换包都记下当时的链头（条数与最后一条的哈希）。若有人改动了一条记录并重新计算其后全部哈希，
          普通校验发现不了；与较早的锚点比对，锚点所在那一条的哈希就不再相同。可以选择本台账的备份（.cxbak 或旧的 .sqlite）、
          本单位发出的交换包（.cxpkg），或手工输入抄录的条数与哈希。
        </Typography.Paragraph>
        <Space wrap align="start">
          <Upload
            accept=".cxbak,.cxpkg,.sqlite"
            showUploadList={false}
            beforeUpload={(f) => {
              void (async () => {
                try {
                  await verify({ anchorFile: { fileName: f.name, dataBase64: await fileToBase64(f) } });
                } catch (e) {
                  message.error(errorText(e));
                }
              })();
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy}>
              选择备份或交换包比对
            </Button>
          </Upload>
          <Form layout="inline" onFinish={() => void verify({ count: anchor.count ?? undefined, hash: anchor.hash })}>
            <Form.Item label="锚点条数">
              <InputNumber aria-label="锚点条数" min={1} precision={0} value={anchor.count} onChange={(v) => setAnchor({ ...anchor, count: v })} />
            </Form.Item>
            <Form.Item label="锚点哈希">
              <Input
                aria-label="锚点哈希"
                className="mono"
                style={{ width: 460 }}
                placeholder="64 位十六进制"
                value={anchor.hash}
                onChange={(e) => setAnchor({ ...anchor, hash: e.target.value })}
              />
            </Form.Item>
            <Button htmlType="submit" disabled={!anchor.count || !anchor.hash.trim()} loading={busy}>
              与锚点比对
            </Button>
          </Form>
        </Space>
      </Card>
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        dataSource={rows}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: '序号', dataIndex: 'seq', width: 80 },
          { title: '时间', dataIndex: 'at', width: 180, render: (v: string) => new Date(v).toLocaleString('zh-CN') },
          { title: '操作人', dataIndex: 'actor', width: 120 },
          { title: '操作', dataIndex: 'action', width: 180, render: (v: string) => <span title={v}>{actionLabel(v)}</span> },
          {
            title: '对象',
            width: 140,
            // Exchanged records are named by their gid (36 characters): the first group is enough to tell them apart here.
            render: (_: unknown, r) => (
              <span title={r.entity_id ?? undefined}>
                {entityLabel(r.entity)}
                {r.entity_id ? ` #${r.entity_id.length > 12 ? `${r.entity_id.slice(0, 8)}…` : r.entity_id}` : ''}
              </span>
            ),
          },
          {
            title: '内容',
            dataIndex: 'detail',
            ellipsis: { showTitle: true },
            // Entries put into words are shown whole; raw JSON stays on one line (its title has all of it).
            render: (v: string, r) => {
              const text = detailText(r.action, v);
              return text === v ? v : <div style={{ whiteSpace: 'normal' }}>{text}</div>;
            },
          },
          { title: '哈希', dataIndex: 'hash', width: 110, render: (v: string) => <span className="mono" title={v}>{v.slice(0, 10)}</span> },
        ]}
      />
    </div>
  );
}
