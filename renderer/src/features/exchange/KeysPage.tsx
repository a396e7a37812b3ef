import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { Peer } from '../../../../db/types';
import { exchange } from '../../stores/exchange';
import { hasRole, useApp } from '../../stores/app';
import { errorText } from '../../components/errors';
import { Fingerprint, LEVEL_LABEL, when } from './common';

/** 本单位密钥: this office's fingerprint to read out to the office above, and the keys pinned from other offices. */
export function KeysPage() {
  const { message } = App.useApp();
  const role = useApp((s) => s.status?.session.user?.role);
  const office = useApp((s) => s.status?.office);
  const [fp, setFp] = useState<string | null>(null);
  const [peers, setPeers] = useState<Peer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    exchange.key().then((k) => setFp(k.fingerprint)).catch((e) => setError(errorText(e)));
    if (hasRole(role, 'reviewer')) exchange.peers().then(setPeers).catch((e) => setError(errorText(e)));
  }, [role]);
  useEffect(load, [load]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>本单位密钥</Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Card title={`${office?.name ?? ''}（${office?.region_code ?? ''}）的签名密钥指纹`}>
        {fp ? <Fingerprint value={fp} size="large" /> : '…'}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          本单位导出的每个交换包都用此密钥签名。对方第一次装入本单位的包时，会看到同样的指纹：请通过电话或当面与对方逐组核对，确认一致后对方才会信任。
        </Typography.Paragraph>
      </Card>
      {peers && (
        <Card title="已信任的其他单位密钥">
          <Table<Peer>
            rowKey="id"
            dataSource={peers}
            pagination={false}
            data-testid="peer-table"
            locale={{ emptyText: '尚未信任任何单位的密钥（首次装入对方的交换包时确认）' }}
            columns={[
              // One column for the office: the fingerprint needs its width.
              {
                title: '单位',
                dataIndex: 'name',
                render: (n: string, p: Peer) => (
                  <Space orientation="vertical" size={0}>
                    <span>{n}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {LEVEL_LABEL[p.level] ?? p.level} {p.office_code}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: '密钥指纹',
                dataIndex: 'fingerprint',
                width: 360,
                onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
                // A re-trust's reason, or when, by whom and why a key was retired, under its fingerprint.
                render: (f: string, p: Peer) => (
                  <Space orientation="vertical" size={0}>
                    <Fingerprint value={f} />
                    {(p.retired_at || p.trust_reason) && (
                      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>
                        {p.retired_at ? `${when(p.retired_at)} 由 ${p.retired_by} 停用：${p.retired_reason ?? ''}` : `重新信任：${p.trust_reason}`}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
              { title: '信任时间', dataIndex: 'pinned_at', width: 150, render: when },
              { title: '确认人', dataIndex: 'pinned_by', width: 90 },
              { title: '状态', width: 80, render: (_: unknown, p: Peer) => (p.retired_at ? <Tag>已停用</Tag> : <Tag color="green">信任中</Tag>) },
              ...(hasRole(role, 'admin')
                ? [
                    {
                      title: '操作',
                      width: 90,
                      render: (_: unknown, p: Peer) =>
                        p.retired_at ? null : (
                        <Popconfirm
                          title={`移除 ${p.name} 的密钥？`}
                          description="移除后，下次装入该单位的包时需重新核对指纹。"
                          okText="移除"
                          cancelText="取消"
                          onConfirm={() =>
                            exchange
                              .unpin(p.id)
                              .then(() => {
                                message.success('已移除');
                                load();
                              })
                              .catch((e) => message.error(errorText(e)))
                          }
                        >
                          <Button size="small" danger>
                            移除
                          </Button>
                        </Popconfirm>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
