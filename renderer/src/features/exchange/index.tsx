import { SwapOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { KeysPage } from './KeysPage';
import { ExportPage } from './ExportPage';
import { ImportPage } from './ImportPage';
import { SubmissionsPage } from './SubmissionsPage';
import { PackagesPage } from './PackagesPage';
import { SummaryPage } from './SummaryPage';
import { ChasePrint } from './ChasePrint';

export const exchangeArea: FeatureArea = {
  order: 70,
  menu: {
    key: 'exchange',
    icon: <SwapOutlined />,
    label: '数据交换',
    children: [
      { key: '/exchange/export', label: '上报/导出' },
      { key: '/exchange/import', label: '装入数据包' },
      { key: '/exchange/submissions', label: '报送情况' },
      { key: '/exchange/summary', label: '分单位汇总' },
      { key: '/exchange/packages', label: '包记录' },
      { key: '/exchange/keys', label: '本单位密钥' },
    ],
  },
  routes: [
    { pattern: '/exchange/export', render: () => <ExportPage /> },
    { pattern: '/exchange/import', render: () => <ImportPage /> },
    { pattern: '/exchange/submissions', render: () => <SubmissionsPage /> },
    { pattern: '/exchange/summary', render: () => <SummaryPage /> },
    { pattern: '/exchange/packages', render: () => <PackagesPage /> },
    { pattern: '/exchange/keys', render: () => <KeysPage /> },
    { pattern: '/print/exchange/chase/:period', bare: true, render: (p) => <ChasePrint period={p.period!} /> },
  ],
};
