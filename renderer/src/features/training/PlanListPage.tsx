import { useDebouncedSearch, useExportJob } from '../../components/listTools';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined, DownloadOutlined, CloseOutlined } from '@ant-design/icons';
import type { PlanListed } from '../../../../db/types';
import { usePlans } from '../../stores/training';
import { navigate } from '../../stores/route';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { LEVEL_LABEL, PLAN_TYPE_LABEL, STATUS_COLOR, STATUS_LABEL, options } from './format';
import { PlanForm } from './PlanForm';
import { OriginSelect, originColumn } from '../../components/OriginFilter';

export function PlanListPage() {
  const s = usePlans();
  const [formOpen, setFormOpen] = useState(false);
  const exporter = useExportJob();
  const [search, setSearch] = useDebouncedSearch(s.query.q, (q) => s.setQuery({ q }));

  useEffect(() => {
    void s.loadOrigins();
    void s.load();
  }, []);

  const doExport = () => exporter.run((p) => s.exportList(p), '已导出当前筛选结果');

  return (
    <div>
      <div className="page-header">
        <h2>培训计划</h2>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormOpen(true)}>
            新建培训计划
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => void doExport()} loading={exporter.busy}>
            导出 Excel
          </Button>
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder="计划编号、企业或职业"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => s.setQuery({ q: v || undefined })}
            aria-label="搜索培训计划"
          />
          <OriginSelect options={s.origins} value={s.query.origin_office} onChange={(v) => s.setQuery({ origin_office: v })} />
          <Select allowClear placeholder="培训类型" style={{ width: 190 }} value={s.query.plan_type} onChange={(v) => s.setQuery({ plan_type: v })} options={options(PLAN_TYPE_LABEL)} />
          <Select allowClear placeholder="状态" style={{ width: 110 }} value={s.query.status} onChange={(v) => s.setQuery({ status: v })} options={options(STATUS_LABEL)} />
          <InputNumber
            placeholder="年度"
            style={{ width: 100 }}
            min={2000}
            max={2100}
            value={s.query.year ?? null}
            onChange={(v) => s.setQuery({ year: v ?? undefined })}
            aria-label="年度"
          />
          <Space.Compact>
            <EnterpriseSelect style={{ width: 280 }} value={s.query.enterprise_id} onChange={(v) => s.setQuery({ enterprise_id: v })} />
            {s.query.enterprise_id && <Button icon={<CloseOutlined />} aria-label="清除企业" onClick={() => s.setQuery({ enterprise_id: undefined })} />}
          </Space.Compact>
        </Space>
      </Card>
      {s.error && <Alert type="error" showIcon title={s.error} style={{ marginBottom: 16 }} />}
      <Table<PlanListed>
        rowKey="id"
        size="middle"
        loading={s.loading}
        dataSource={s.rows}
        data-testid="plan-table"
        onRow={(r) => ({ onDoubleClick: () => navigate(`/training/plans/${r.id}`) })}
        onChange={(p) => s.setQuery({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        pagination={{
          current: s.query.page,
          pageSize: s.query.pageSize,
          total: s.total,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (t) => `共 ${t.toLocaleString()} 个计划`,
        }}
        columns={[
          { title: '计划编号', dataIndex: 'code', width: 140, render: (v: string, r) => <a onClick={() => navigate(`/training/plans/${r.id}`)}>{v}</a> },
          { title: '企业', dataIndex: 'enterprise_name', ellipsis: true },
          ...originColumn<PlanListed>(s.origins),
          { title: '类型', dataIndex: 'plan_type', width: 170, render: (v: keyof typeof PLAN_TYPE_LABEL) => PLAN_TYPE_LABEL[v] },
          { title: '职业(工种)', dataIndex: 'occupation_name', width: 110 },
          { title: '目标等级', dataIndex: 'target_level', width: 120, render: (v: keyof typeof LEVEL_LABEL) => LEVEL_LABEL[v] },
          { title: '名册/计划', width: 90, align: 'right', render: (_: unknown, r) => `${r.roster_count} / ${r.planned_count}` },
          { title: '起止日期', width: 200, render: (_: unknown, r) => `${r.start_date} 至 ${r.end_date}` },
          { title: '状态', dataIndex: 'status', width: 80, render: (v: keyof typeof STATUS_LABEL) => <Tag color={STATUS_COLOR[v]}>{STATUS_LABEL[v]}</Tag> },
        ]}
      />
      <PlanForm
        open={formOpen}
        onClose={() => setFormOpen(false)}
        onSaved={(id) => {
          setFormOpen(false);
          navigate(`/training/plans/${id}`);
        }}
      />
      {exporter.dialog}
    </div>
  );
}
