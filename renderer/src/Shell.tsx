import { useMemo, type ReactNode } from 'react';
import { Layout, Menu, Dropdown, Button, Space, Typography, Result } from 'antd';
import { LockOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { AppStatus } from '../../db/types';
import { useApp, ROLE_LABEL, LEVEL_LABEL, hasRole } from './stores/app';
import { useRoute, navigate, match } from './stores/route';
import { AREAS } from './features/areas';
import type { MenuDef } from './features/registry';

type Item = Required<MenuProps>['items'][number];

function toItem(m: MenuDef, role: string): Item | null {
  if (m.min && !hasRole(role, m.min)) return null;
  const children = m.children?.map((c) => toItem(c, role)).filter((c): c is Item => !!c);
  return { key: m.key, icon: m.icon, label: m.label, ...(children ? { children } : {}) } as Item;
}

export function Shell({ status }: { status: AppStatus }) {
  const path = useRoute((s) => s.path);
  const { logout, lock } = useApp();
  const user = status.session.user!;
  const office = status.office!;
  const routes = useMemo(() => AREAS.flatMap((a) => a.routes), []);
  const menu = useMemo(() => AREAS.map((a) => toItem(a.menu, user.role)).filter((i): i is Item => !!i), [user.role]);

  let content: ReactNode = <Result status="404" title="页面不存在" />;
  let bare = false;
  for (const r of routes) {
    const params = match(r.pattern, path);
    if (params) {
      content =
        r.min && !hasRole(user.role, r.min) ? <Result status="403" title="没有权限" subTitle={`需要${ROLE_LABEL[r.min]}权限`} /> : r.render(params);
      bare = !!r.bare;
      break;
    }
  }
  if (bare) return <div className="print-page">{content}</div>;
  const selected =
    routes
      .map((r) => r.pattern.split('/:')[0]!)
      .filter((p) => path === p || path.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length)[0] ?? path;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} breakpoint="lg" collapsedWidth={64} className="no-print">
        <div style={{ padding: '16px 16px 12px' }} className="brand">
          县域产业台账
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          // Only the area in use is open: eight areas all expanded make a menu longer than the screen.
          defaultOpenKeys={AREAS.filter((a) => a.menu.children?.some((c) => selected.startsWith(c.key.split('/').slice(0, 2).join('/')))).map((a) => a.menu.key)}
          items={menu}
          onClick={(e) => navigate(e.key)}
        />
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
            <Dropdown menu={{ items: [{ key: 'logout', icon: <LogoutOutlined />, label: '退出登录' }], onClick: () => void logout() }}>
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
