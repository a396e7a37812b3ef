import { useMemo, type ReactNode } from 'react';
import { Layout, Menu, Dropdown, Button, Space, Typography, Result } from 'antd';
import {
  ShopOutlined,
  LockOutlined,
  LogoutOutlined,
  UserOutlined,
  TeamOutlined,
  AuditOutlined,
  DatabaseOutlined,
  SettingOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import type { AppStatus } from '../../db/host';
import { useApp, ROLE_LABEL, LEVEL_LABEL, hasRole } from './stores/app';
import { useRoute, navigate, match } from './stores/route';
import { EnterpriseListPage } from './features/enterprises/EnterpriseListPage';
import { EnterpriseDetailPage } from './features/enterprises/EnterpriseDetailPage';
import { UsersPage } from './features/system/UsersPage';
import { AuditPage } from './features/system/AuditPage';
import { BackupPage } from './features/system/BackupPage';
import { SanctionsPage } from './features/system/SanctionsPage';

interface RouteDef {
  pattern: string;
  render(params: Record<string, string>): ReactNode;
  min?: 'clerk' | 'reviewer' | 'admin';
}

const ROUTES: RouteDef[] = [
  { pattern: '/enterprises', render: () => <EnterpriseListPage /> },
  { pattern: '/enterprises/:id', render: (p) => <EnterpriseDetailPage id={Number(p.id)} /> },
  { pattern: '/sanctions', render: () => <SanctionsPage /> },
  { pattern: '/system/users', render: () => <UsersPage />, min: 'admin' },
  { pattern: '/system/audit', render: () => <AuditPage />, min: 'reviewer' },
  { pattern: '/system/backup', render: () => <BackupPage />, min: 'clerk' },
];

export function Shell({ status }: { status: AppStatus }) {
  const path = useRoute((s) => s.path);
  const { logout, lock } = useApp();
  const user = status.session.user!;
  const office = status.office!;

  const menu = useMemo(
    () =>
      [
        { key: '/enterprises', icon: <ShopOutlined />, label: '企业库' },
        { key: '/sanctions', icon: <SafetyOutlined />, label: '处理措施' },
        {
          key: 'system',
          icon: <SettingOutlined />,
          label: '系统',
          children: [
            hasRole(user.role, 'admin') && { key: '/system/users', icon: <TeamOutlined />, label: '用户管理' },
            hasRole(user.role, 'reviewer') && { key: '/system/audit', icon: <AuditOutlined />, label: '审计日志' },
            { key: '/system/backup', icon: <DatabaseOutlined />, label: '备份与恢复' },
          ].filter(Boolean) as Array<{ key: string; icon: ReactNode; label: string }>,
        },
      ],
    [user.role],
  );

  let content: ReactNode = <Result status="404" title="页面不存在" />;
  for (const r of ROUTES) {
    const params = match(r.pattern, path);
    if (params) {
      content = r.min && !hasRole(user.role, r.min) ? <Result status="403" title="没有权限" subTitle={`需要${ROLE_LABEL[r.min]}权限`} /> : r.render(params);
      break;
    }
  }
  const selected = ROUTES.map((r) => r.pattern.split('/:')[0]!).filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0] ?? path;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} breakpoint="lg" collapsedWidth={64} className="no-print">
        <div style={{ padding: '16px 16px 12px' }} className="brand">
          县域产业台账
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[selected]} defaultOpenKeys={['system']} items={menu} onClick={(e) => navigate(e.key)} />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          className="no-print"
          style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #eee' }}
        >
          <Typography.Text strong>
            {office.name}
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
              {LEVEL_LABEL[office.level]} · {office.region_code} {office.region_name}
            </Typography.Text>
          </Typography.Text>
          <Space>
            <Button icon={<LockOutlined />} onClick={() => void lock()} title="锁定屏幕">
              锁定
            </Button>
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: '退出登录' }],
                onClick: () => void logout(),
              }}
            >
              <Button icon={<UserOutlined />} data-testid="user-menu">
                {user.displayName}（{ROLE_LABEL[user.role]}）
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{content}</Layout.Content>
      </Layout>
    </Layout>
  );
}
