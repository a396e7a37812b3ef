import { TrophyOutlined, DashboardOutlined, FileTextOutlined, ShopOutlined, ControlOutlined, NotificationOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { DashboardPage } from './DashboardPage';
import { ClaimsPage } from './ClaimsPage';
import { ClaimDetailPage } from './ClaimDetailPage';
import { FairsPage } from './FairsPage';
import { RulesPage } from './RulesPage';
import { BatchesPage } from './BatchesPage';
import { PublicityPrint, ReviewSheetPrint } from './PrintViews';
import './exhibitions.css';

export const exhibitionArea: FeatureArea = {
  order: 40,
  menu: {
    key: 'exhibitions',
    icon: <TrophyOutlined />,
    label: '参展补贴',
    children: [
      { key: '/exhibitions', icon: <DashboardOutlined />, label: '概览' },
      { key: '/exhibitions/claims', icon: <FileTextOutlined />, label: '补贴申请' },
      { key: '/exhibitions/fairs', icon: <ShopOutlined />, label: '展会登记' },
      { key: '/exhibitions/batches', icon: <NotificationOutlined />, label: '公示批次' },
      { key: '/exhibitions/rules', icon: <ControlOutlined />, label: '补贴规则' },
    ],
  },
  routes: [
    { pattern: '/exhibitions', render: () => <DashboardPage /> },
    { pattern: '/exhibitions/claims', render: () => <ClaimsPage /> },
    { pattern: '/exhibitions/claims/:id', render: (p) => <ClaimDetailPage id={Number(p.id)} /> },
    { pattern: '/exhibitions/fairs', render: () => <FairsPage /> },
    { pattern: '/exhibitions/batches', render: () => <BatchesPage /> },
    { pattern: '/exhibitions/rules', render: () => <RulesPage /> },
    { pattern: '/print/exhibitions/review/:id', render: (p) => <ReviewSheetPrint id={Number(p.id)} />, bare: true },
    { pattern: '/print/exhibitions/publicity/:id', render: (p) => <PublicityPrint id={Number(p.id)} />, bare: true },
  ],
};
