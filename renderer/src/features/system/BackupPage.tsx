import { useEffect, useState } from 'react';
import { Alert, Button, Popconfirm, Table, Typography, App } from 'antd';
import type { BackupInfo } from '../../../../db/types';
import { call } from '../../api/client';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';

export function BackupPage() {
  const [rows, setRows] = useState<BackupInfo[]>([]);
  const status = useApp((s) => s.status);
  const refresh = useApp((s) => s.refresh);
  const { message } = App.useApp();
  const load = () => void call('backup:list').then(setRows).catch((e) => message.error(errorText(e)));
  useEffect(load, []);
  const admin = hasRole(status?.session.user?.role, 'admin');
  return (
    <div>
      <div className="page-header">
        <h2>备份与恢复</h2>
        <Button
          type="primary"
          onClick={async () => {
            try {
              const b = await call('backup:create');
              message.success(`已备份：${b.name}（含附件 ${b.attachments ?? 0} 份）`);
              for (const w of b.warnings ?? []) message.warning(w, 10);
              load();
            } catch (e) {
              message.error(errorText(e));
            }
          }}
        >
          立即备份
        </Button>
      </div>
      <Alert
        style={{ marginBottom: 16 }}
        type="info"
        showIcon
        title="每份备份是一个 .cxbak 文件：台账数据库（SQLite 在线备份）、全部申请材料附件，以及当时的审计日志链头。每天首次打开时自动备份，保留最近 14 份。恢复前逐项校验（文件名、大小、每个附件的 SHA-256、数据库完整性检查），有任何问题则拒绝且不做改动；当前文件先另存再替换。旧格式备份（.sqlite）只含数据库，恢复时附件文件夹保持原样。"
      />
      <Typography.Paragraph>
        数据目录：<span className="mono">{status?.dataDir}</span>
      </Typography.Paragraph>
      <Table<BackupInfo>
        rowKey="name"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '文件', dataIndex: 'name' },
          {
            title: '内容',
            render: (_: unknown, b) =>
              b.format === 'archive' ? (b.attachments === null ? '完整备份（清单无法读取）' : `数据库与附件 ${b.attachments} 份`) : '旧格式：仅数据库，无附件',
          },
          { title: '大小', dataIndex: 'size', render: (v: number) => `${(v / 1024).toFixed(0)} KB` },
          { title: '时间', dataIndex: 'mtime', render: (v: string) => new Date(v).toLocaleString('zh-CN') },
          {
            title: '',
            render: (_: unknown, b) =>
              admin && (
                <Popconfirm
                  title="用此备份替换当前台账？当前文件会先另存。"
                  onConfirm={async () => {
                    try {
                      const r = await call('backup:restore', { name: b.name });
                      message.success(`已恢复。${r.note}${r.keptAs ? `；原文件另存为 ${r.keptAs}` : ''}`, 10);
                      await refresh();
                    } catch (e) {
                      message.error(errorText(e));
                    }
                  }}
                >
                  <a>恢复</a>
                </Popconfirm>
              ),
          },
        ]}
      />
    </div>
  );
}
