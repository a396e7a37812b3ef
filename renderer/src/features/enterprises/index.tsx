import { ShopOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { EnterpriseListPage } from './EnterpriseListPage';
import { EnterpriseDetailPage } from './EnterpriseDetailPage';

export const enterpriseArea: FeatureArea = {
  order: 10,
  menu: { key: '/enterprises', icon: <ShopOutlined />, label: '企业库' },
  routes: [
    { pattern: '/enterprises', render: () => <EnterpriseListPage /> },
    { pattern: '/enterprises/:id', render: (p) => <EnterpriseDetailPage id={Number(p.id)} /> },
  ],
};
