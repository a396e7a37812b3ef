import { ApartmentOutlined, BarChartOutlined, FileTextOutlined, OrderedListOutlined, ProfileOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { TownListPage } from './TownListPage';
import { TownDetailPage } from './TownDetailPage';
import { OverviewPage } from './OverviewPage';
import { RuleSetsPage } from './RuleSetsPage';
import { BatchesPage } from './BatchesPage';
import { BatchPrint, ProfilePrint } from './PrintViews';

export const townArea: FeatureArea = {
  order: 20,
  menu: {
    key: 'towns',
    icon: <ApartmentOutlined />,
    label: '专业镇',
    children: [
      { key: '/towns/overview', icon: <BarChartOutlined />, label: '总览' },
      { key: '/towns', icon: <OrderedListOutlined />, label: '专业镇名录' },
      { key: '/towns/batches', icon: <FileTextOutlined />, label: '公示与认定名单' },
      { key: '/towns/rules', icon: <ProfileOutlined />, label: '评价规则' },
    ],
  },
  // Fixed paths first: the first pattern that matches wins, and '/towns/:id' would take '/towns/rules'.
  routes: [
    { pattern: '/towns/overview', render: () => <OverviewPage /> },
    { pattern: '/towns/batches', render: () => <BatchesPage /> },
    { pattern: '/towns/rules', render: () => <RuleSetsPage /> },
    { pattern: '/towns', render: () => <TownListPage /> },
    { pattern: '/towns/:id', render: (p) => <TownDetailPage id={Number(p.id)} /> },
    { pattern: '/print/towns/batch/:kind/:key', bare: true, render: (p) => <BatchPrint kind={p.kind === 'designation' ? 'designation' : 'publicity'} batchKey={p.key!} /> },
    {
      pattern: '/print/towns/batch/:kind/:key/:origin',
      bare: true,
      render: (p) => <BatchPrint kind={p.kind === 'designation' ? 'designation' : 'publicity'} batchKey={p.key!} origin={p.origin} />,
    },
    { pattern: '/print/towns/:id/profile', bare: true, render: (p) => <ProfilePrint id={Number(p.id)} /> },
  ],
};
