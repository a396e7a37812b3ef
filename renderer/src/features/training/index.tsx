import { ReadOutlined } from '@ant-design/icons';
import type { FeatureArea } from '../registry';
import { PlanListPage } from './PlanListPage';
import { PlanDetailPage } from './PlanDetailPage';
import { InstitutionsPage } from './InstitutionsPage';
import { RulesPage } from './RulesPage';
import { CoursesPage } from './CoursesPage';
import { ReportsPage } from './ReportsPage';
import { ProgressPrintPage } from './ProgressPrintPage';
import { SettlementPrintPage } from './SettlementPrintPage';

export const trainingArea: FeatureArea = {
  order: 40,
  menu: {
    key: 'training',
    icon: <ReadOutlined />,
    label: '企业培训',
    children: [
      { key: '/training/plans', label: '培训计划' },
      { key: '/training/courses', label: '企业家培训' },
      { key: '/training/reports', label: '报表与统计' },
      { key: '/training/institutions', label: '培训机构' },
      { key: '/training/rules', label: '补贴标准' },
    ],
  },
  routes: [
    { pattern: '/training/plans', render: () => <PlanListPage /> },
    { pattern: '/training/plans/:id', render: (p) => <PlanDetailPage key={p.id} id={Number(p.id)} /> },
    { pattern: '/training/institutions', render: () => <InstitutionsPage /> },
    { pattern: '/training/rules', render: () => <RulesPage /> },
    { pattern: '/training/courses', render: () => <CoursesPage /> },
    { pattern: '/training/reports', render: () => <ReportsPage /> },
    { pattern: '/training/plans/:id/settlement', render: (p) => <SettlementPrintPage key={p.id} id={Number(p.id)} />, bare: true },
    { pattern: '/training/progress/:year/print', render: (p) => <ProgressPrintPage year={Number(p.year)} />, bare: true },
    { pattern: '/training/progress/:year/print/:origin', render: (p) => <ProgressPrintPage year={Number(p.year)} origin={p.origin} />, bare: true },
  ],
};
