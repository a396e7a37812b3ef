import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Spin, Table, Tabs, Tag } from 'antd';
import { ArrowLeftOutlined, EditOutlined, PrinterOutlined } from '@ant-design/icons';
import type { DesignationRow } from '../../../../db/types';
import { useTowns, STATUS_COLOR } from '../../stores/towns';
import { navigate } from '../../stores/route';
import { errorText } from '../../components/errors';
import { TownForm } from './TownForm';
import { LifecycleTab } from './LifecycleTab';
import { IndicatorsTab } from './IndicatorsTab';
import { AssessmentTab } from './AssessmentTab';
import { MembersTab, PlatformsTab, ProjectsTab } from './ResourceTabs';
import { PlansTab } from './PlansTab';
import { EventsTab } from './EventsTab';

const KIND: Record<string, string> = { initial: '认定', renewal: '复核续期', downgrade: '降级' };

export function DesignationTable({ rows, level }: { rows: DesignationRow[]; level: Record<string, string> }) {
  return (
    <Table<DesignationRow>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: '尚无认定记录' }}
      columns={[
        { title: '级别', dataIndex: 'level', width: 70, render: (v: string) => level[v] },
        { title: '类型', dataIndex: 'kind', width: 90, render: (v: string) => KIND[v] ?? v },
        { title: '批次', dataIndex: 'batch_no', width: 80 },
        { title: '文号', dataIndex: 'doc_no' },
        { title: '认定机构', dataIndex: 'bodies', render: (v: string[]) => v.join('、') },
        { title: '公示期', key: 'pub', width: 190, render: (_, d) => (d.publicity_start ? `${d.publicity_start} 至 ${d.publicity_end}` : '—') },
        { title: '授牌日期', dataIndex: 'plaque_date', width: 100 },
        { title: '有效期', key: 'valid', width: 190, render: (_, d) => `${d.valid_from} 至 ${d.valid_to}` },
        { title: '终止', dataIndex: 'ended_on', render: (v: string | null, d) => (v ? `${v} ${d.end_reason ?? ''}` : <Tag color="green">有效</Tag>) },
      ]}
    />
  );
}

export function TownDetailPage({ id }: { id: number }) {
  const { detail, loadDetail, codes, loadCodes, load } = useTowns();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState('profile');

  useEffect(() => {
    setError(null);
    void loadCodes();
    void loadDetail(id).catch((e) => setError(errorText(e)));
  }, [id, loadDetail, loadCodes]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!detail || detail.town.id !== id || !codes) return <Spin />;
  const t = detail.town;

  return (
    <div>
      <div className="page-header">
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/towns')}>
            返回
          </Button>
          <h2>{t.name}</h2>
          <Tag color={STATUS_COLOR[t.status]}>{codes.status[t.status]}</Tag>
          {t.level && <Tag color="blue">{codes.level[t.level]}</Tag>}
        </Space>
        <Space>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} disabled={t.status === 'revoked'}>
            编辑档案
          </Button>
          <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/towns/${t.id}/profile`)}>
            打印档案
          </Button>
        </Space>
      </div>
      {t.status === 'revoked' && <Alert type="warning" showIcon title="该专业镇已撤销：档案永久保留备查，不能再变更。" style={{ marginBottom: 12 }} />}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          {
            key: 'profile',
            label: '档案',
            children: (
              <>
                <Card size="small" style={{ marginBottom: 16 }}>
                  <Descriptions size="small" column={3}>
                    <Descriptions.Item label="所在县">{t.county_name ?? t.county_code}（{t.county_code}）</Descriptions.Item>
                    <Descriptions.Item label="类别">{codes.category[t.category]}</Descriptions.Item>
                    <Descriptions.Item label="主导产业">{t.leading_industry}</Descriptions.Item>
                    <Descriptions.Item label="行业代码">{t.industry_codes || '—'}</Descriptions.Item>
                    <Descriptions.Item label="联系人">{t.contact_name ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label="联系电话">{t.contact_phone ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label="简介" span={3}>
                      {t.description ?? '—'}
                    </Descriptions.Item>
                  </Descriptions>
                </Card>
                <Card size="small" title="认定记录与级别沿革">
                  <DesignationTable rows={detail.designations} level={codes.level} />
                </Card>
              </>
            ),
          },
          { key: 'lifecycle', label: '生命周期', children: <LifecycleTab /> },
          { key: 'members', label: `成员企业（${detail.members.filter((m) => !m.left_on).length}）`, children: <MembersTab townId={id} /> },
          { key: 'platforms', label: '公共服务平台', children: <PlatformsTab townId={id} /> },
          { key: 'projects', label: '重点项目', children: <ProjectsTab townId={id} /> },
          { key: 'indicators', label: '年度指标', children: <IndicatorsTab townId={id} /> },
          { key: 'plans', label: '发展方案', children: <PlansTab townId={id} /> },
          { key: 'events', label: '否决事件', children: <EventsTab townId={id} /> },
          { key: 'assessment', label: '考核', children: <AssessmentTab townId={id} /> },
        ]}
      />
      <TownForm
        open={editing}
        editing={t}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void loadDetail(id);
          void load();
        }}
      />
    </div>
  );
}
