import { useDebouncedSearch, useExportJob } from '../../components/listTools';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import { PlusOutlined, UploadOutlined, DownloadOutlined } from '@ant-design/icons';
import type { ImportSummary, ListedEnterprise } from '../../../../db/types';
import { useEnterprises } from '../../stores/enterprises';
import { navigate } from '../../stores/route';
import { EnterpriseForm } from './EnterpriseForm';
import { IndustrySelect } from './IndustrySelect';
import { ImportDialog } from '../../components/ImportDialog';

export const SCALE = { above: '规上', below: '规下' } as const;

export function EnterpriseListPage() {
  const s = useEnterprises();
  const [formOpen, setFormOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const exporter = useExportJob();
  const [search, setSearch] = useDebouncedSearch(s.query.q, (q) => s.setQuery({ q }));

  useEffect(() => {
    void s.loadCodes();
    void s.load();
  }, []);


  const doExport = () => exporter.run((p) => s.exportList(p), '已导出当前筛选结果');

  return (
    <div>
      <div className="page-header">
        <h2>企业库</h2>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormOpen(true)}>
            新增企业
          </Button>
          <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)}>
            导入 Excel
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
            style={{ width: 320 }}
            placeholder="名称、信用代码或拼音首字母（如 zzzz）"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => s.setQuery({ q: v || undefined })}
            aria-label="搜索企业"
          />
          {s.counties.length > 1 && (
            <Select
              allowClear
              placeholder="县（市、区）"
              style={{ width: 160 }}
              value={s.query.region_code}
              onChange={(v) => s.setQuery({ region_code: v })}
              options={s.counties.map((c) => ({ value: c.code, label: c.name }))}
            />
          )}
          {s.counties.length > 1 && (
            // 上报单位: the county whose report a consolidated record came from (not where the enterprise is registered).
            <Select
              allowClear
              placeholder="上报单位"
              aria-label="上报单位"
              style={{ width: 160 }}
              value={s.query.origin_office}
              onChange={(v) => s.setQuery({ origin_office: v })}
              options={s.counties.map((c) => ({ value: c.code, label: c.name }))}
            />
          )}
          <IndustrySelect style={{ width: 240 }} placeholder="行业" value={s.query.industry_code ?? null} onChange={(v) => s.setQuery({ industry_code: v ?? undefined })} />
          <Select
            allowClear
            placeholder="梯度"
            style={{ width: 180 }}
            value={s.query.tier_code}
            onChange={(v) => s.setQuery({ tier_code: v })}
            options={s.tierTypes.map((t) => ({ value: t.code, label: t.name }))}
          />
          <Select
            allowClear
            placeholder="规模"
            style={{ width: 100 }}
            value={s.query.scale}
            onChange={(v) => s.setQuery({ scale: v })}
            options={[{ value: 'above', label: '规上' }, { value: 'below', label: '规下' }]}
          />
          <Select
            style={{ width: 110 }}
            value={s.query.status}
            onChange={(v) => s.setQuery({ status: v })}
            options={[{ value: 'active', label: '在册' }, { value: 'inactive', label: '已停用' }, { value: 'all', label: '全部' }]}
          />
        </Space>
      </Card>
      {s.error && <Alert type="error" showIcon title={s.error} style={{ marginBottom: 16 }} />}
      <Table<ListedEnterprise>
        rowKey="id"
        size="middle"
        loading={s.loading}
        dataSource={s.rows}
        data-testid="enterprise-table"
        onRow={(r) => ({ onDoubleClick: () => navigate(`/enterprises/${r.id}`) })}
        onChange={(p, _f, sorter) => {
          const so = Array.isArray(sorter) ? sorter[0] : sorter;
          const field = (so?.field as string | undefined) ?? undefined;
          s.setQuery({
            page: p.current ?? 1,
            pageSize: p.pageSize ?? 20,
            ...(so?.order ? { sort: field as never, order: so.order === 'ascend' ? 'asc' : 'desc' } : { sort: 'updated_at', order: 'desc' }),
          });
        }}
        pagination={{
          current: s.query.page,
          pageSize: s.query.pageSize,
          total: s.total,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (t) => `共 ${t.toLocaleString()} 家`,
        }}
        columns={[
          {
            title: '企业名称',
            dataIndex: 'name',
            sorter: true,
            sortOrder: s.query.sort === 'name' ? (s.query.order === 'asc' ? 'ascend' : 'descend') : null,
            render: (v: string, r) => <a onClick={() => navigate(`/enterprises/${r.id}`)}>{v}</a>,
          },
          {
            title: '统一社会信用代码',
            dataIndex: 'uscc',
            sorter: true,
            sortOrder: s.query.sort === 'uscc' ? (s.query.order === 'asc' ? 'ascend' : 'descend') : null,
            render: (v: string, r) => (
              <span className="mono">
                {v}
                {r.uscc_override_reason && (
                  <Tooltip title={`校验位例外：${r.uscc_override_reason}`}>
                    <Tag color="orange" style={{ marginLeft: 4 }}>
                      例外
                    </Tag>
                  </Tooltip>
                )}
              </span>
            ),
          },
          { title: '注册地', dataIndex: 'region_name', width: 100, render: (v: string | null, r) => v ?? r.region_code },
          ...(s.counties.length > 1
            ? [{ title: '上报单位', dataIndex: 'origin_office', width: 100, render: (v: string | null) => s.counties.find((c) => c.code === v)?.name ?? v ?? '—' }]
            : []),
          { title: '行业', dataIndex: 'industry_name', ellipsis: true, render: (v: string | null, r) => (r.industry_code ? `${r.industry_code} ${v ?? ''}` : '') },
          { title: '规模', dataIndex: 'scale', width: 70, render: (v: 'above' | 'below') => SCALE[v] },
          {
            title: '梯度',
            dataIndex: 'tiers',
            render: (v: string | null) => (v ? v.split('、').map((t) => <Tag key={t} color="blue">{t}</Tag>) : null),
          },
          {
            title: '状态',
            dataIndex: 'status',
            width: 80,
            render: (v: string) => (v === 'active' ? <Tag color="green">在册</Tag> : <Tag>已停用</Tag>),
          },
        ]}
      />
      <EnterpriseForm
        open={formOpen}
        editing={null}
        onClose={() => setFormOpen(false)}
        onSaved={() => {
          setFormOpen(false);
          void s.load();
        }}
      />
      <ImportDialog<ImportSummary>
        open={importOpen}
        title="从 Excel 导入企业名录"
        allowUpdate
        onClose={() => setImportOpen(false)}
        onTemplate={() => s.downloadTemplate()}
        run={(f, u, p) => s.importFile(f, u, p)}
        describe={(r) => `导入完成（工作表「${r.sheet}」）：共 ${r.total} 行，新增 ${r.created} 家，更新 ${r.updated} 家，未变 ${r.unchanged} 家，新增梯度 ${r.tiersAdded} 条`}
        onDone={() => void s.load()}
      />
      {exporter.dialog}
    </div>
  );
}
