import { SafetyOutlined, SettingOutlined, TeamOutlined, AuditOutlined, DatabaseOutlined, BankOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { UsersPage } from './UsersPage';
import { AuditPage } from './AuditPage';
import { BackupPage } from './BackupPage';
import { SanctionsPage } from './SanctionsPage';
import { OfficeSettingsPage } from './OfficeSettingsPage';

export const sanctionsArea: FeatureArea = {
  order: 80,
  menu: { key: '/sanctions', icon: <SafetyOutlined />, label: '处理措施' },
  routes: [{ pattern: '/sanctions', render: () => <SanctionsPage /> }],
};

export const systemArea: FeatureArea = {
  order: 100,
  menu: {
    key: 'system',
    icon: <SettingOutlined />,
    label: '系统',
    children: [
      { key: '/system/office', icon: <BankOutlined />, label: '单位设置', min: 'admin' },
      { key: '/system/users', icon: <TeamOutlined />, label: '用户管理', min: 'admin' },
      { key: '/system/audit', icon: <AuditOutlined />, label: '审计日志', min: 'reviewer' },
      { key: '/system/backup', icon: <DatabaseOutlined />, label: '备份与恢复' },
    ],
  },
  routes: [
    { pattern: '/system/office', render: () => <OfficeSettingsPage />, min: 'admin' },
    { pattern: '/system/users', render: () => <UsersPage />, min: 'admin' },
    { pattern: '/system/audit', render: () => <AuditPage />, min: 'reviewer' },
    { pattern: '/system/backup', render: () => <BackupPage /> },
  ],
};
