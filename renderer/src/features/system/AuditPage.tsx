import { useEffect, useState } from 'react';
import { Alert, Button, Table, App } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { AuditEntry, AuditVerification } from '../../../../db/types';
import { call } from '../../api/client';
import { errorText } from '../../components/errors';
import { actionLabel, detailText, entityLabel } from './auditLabels';

export function AuditPage() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  useEffect(() => {
    void call('audit:recent', { limit: 200 }).then(setRows).catch((e) => message.error(errorText(e)));
  }, [message]);
  return (
    <div>
      <div className="page-header">
        <h2>审计日志</h2>
        <Button
          type="primary"
          icon={<SafetyCertificateOutlined />}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            try {
              setResult(await call('audit:verify'));
            } finally {
              setBusy(false);
            }
          }}
        >
          校验日志链
        </Button>
      </div>
      {result && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          type={result.ok ? 'success' : 'error'}
          title={result.ok ? `日志链完整：共 ${result.count} 条，未发现改动或删除` : `日志链被破坏：${result.firstProblem?.message}`}
          data-testid="audit-verify"
        />
      )}
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
