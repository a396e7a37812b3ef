import { useEffect, useState } from 'react';
import { Alert, Button, Card, List, Popconfirm, Typography, App } from 'antd';
import type { AppStatus, BackupInfo } from '../../../../db/types';
import { call } from '../../api/client';
import { useApp } from '../../stores/app';
import { errorText } from '../../components/errors';

/** Shown when the ledger file cannot be opened: a corrupt, empty or foreign file offers the newest backup that passes integrity_check. */
export function RecoveryPage({ status }: { status: AppStatus }) {
  const refresh = useApp((s) => s.refresh);
  const [backups, setBackups] = useState<BackupInfo[]>([]);
  const { message } = App.useApp();
  useEffect(() => {
    void call('backup:list').then(setBackups).catch(() => setBackups([]));
  }, []);
  const restore = async (name: string) => {
    try {
      const r = await call('backup:restore', { name });
      message.success(`已从备份恢复。${r.note}${r.keptAs ? `；原文件已另存为 ${r.keptAs}` : ''}`, 10);
      await refresh();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const corrupt = status.recoverable === true;
  return (
    <div className="centered-page">
      <Card style={{ width: 720 }} title="无法打开台账文件">
        <Alert type="error" showIcon title={status.error?.message} style={{ marginBottom: 16 }} />
        <Typography.Paragraph>数据目录：<span className="mono">{status.dataDir}</span></Typography.Paragraph>
        {corrupt && status.latestBackup && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={`最近的有效备份：${status.latestBackup.name}（${new Date(status.latestBackup.mtime).toLocaleString('zh-CN')}）`}
            action={
              <Popconfirm title="用此备份替换当前台账文件？当前文件会另存，不会删除。" onConfirm={() => void restore(status.latestBackup!.name)}>
                <Button type="primary">从此备份恢复</Button>
              </Popconfirm>
            }
          />
        )}
        {corrupt && (
          <List
            header="全部备份"
            bordered
            dataSource={backups}
            locale={{ emptyText: '没有找到备份文件' }}
            renderItem={(b) => (
              <List.Item
                actions={[
                  <Popconfirm key="r" title="用此备份恢复？" onConfirm={() => void restore(b.name)}>
                    <Button size="small">恢复</Button>
                  </Popconfirm>,
                ]}
              >
                {b.name} · {b.format === 'archive' ? `含附件 ${b.attachments ?? '?'} 份` : '旧格式（仅数据库）'} · {(b.size / 1024).toFixed(0)} KB ·{' '}
                {new Date(b.mtime).toLocaleString('zh-CN')}
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
