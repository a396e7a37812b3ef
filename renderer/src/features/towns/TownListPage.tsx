import { useDebouncedSearch, useExportJob } from '../../components/listTools';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Modal, Select, Space, Table, Tag, App } from 'antd';
import { PlusOutlined, UploadOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTowns, STATUS_COLOR, type ListedTown } from '../../stores/towns';
import { navigate } from '../../stores/route';
import { ImportDialog } from '../../components/ImportDialog';
import { errorText } from '../../components/errors';
import { TownForm } from './TownForm';
import { OriginSelect, originColumn } from '../../components/OriginFilter';

export function TownListPage() {
  const s = useTowns();
  const [formOpen, setFormOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [exportYear, setExportYear] = useState<number | null>(null);
  const exporter = useExportJob();
  const [search, setSearch] = useDebouncedSearch(s.query.q, (q) => s.setQuery({ q }));
  const { message } = App.useApp();
  const codes = s.codes;

  useEffect(() => {
    void s.loadCodes();
    void s.loadOrigins();
    void s.load();
  }, []);


  const options = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([value, label]) => ({ value, label }));

  const doExportIndicators = async () => {
    setExportOpen(false);
    await exporter.run((p) => s.exportIndicators(exportYear ?? undefined, p), '已导出年度指标');
  };

  return (
    <div>
      <div className="page-header">
        <h2>专业镇名录</h2>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormOpen(true)}>
            新增专业镇
          </Button>
          <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)}>
            导入年度指标
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => setExportOpen(true)}>
            导出年度指标
          </Button>
          <Button
            icon={<DownloadOutlined />}
            onClick={() => void s.exportTowns().then(() => message.success('已导出专业镇名录'), (e) => message.error(errorText(e)))}
          >
            导出名录
          </Button>
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder="名称或主导产业"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => s.setQuery({ q: v || undefined })}
            aria-label="搜索专业镇"
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
          <OriginSelect options={s.origins} value={s.query.origin_office} onChange={(v) => s.setQuery({ origin_office: v })} />
          <Select allowClear placeholder="级别" style={{ width: 110 }} value={s.query.level} onChange={(v) => s.setQuery({ level: v })} options={options(codes?.level)} />
          <Select allowClear placeholder="类别" style={{ width: 170 }} value={s.query.category} onChange={(v) => s.setQuery({ category: v })} options={options(codes?.category)} />
          <Select allowClear placeholder="状态" style={{ width: 110 }} value={s.query.status} onChange={(v) => s.setQuery({ status: v })} options={options(codes?.status)} />
        </Space>
      </Card>
      {s.error && <Alert type="error" showIcon title={s.error} style={{ marginBottom: 16 }} />}
      <Table<ListedTown>
        rowKey="id"
        size="middle"
        loading={s.loading}
        dataSource={s.rows}
        data-testid="town-table"
        onRow={(r) => ({ onDoubleClick: () => navigate(`/towns/${r.id}`) })}
        pagination={{ pageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: (t) => `共 ${t} 个专业镇` }}
        columns={[
          {
            title: '专业镇名称',
            dataIndex: 'name',
            sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
            render: (v: string, r) => <a onClick={() => navigate(`/towns/${r.id}`)}>{v}</a>,
          },
          { title: '所在县', dataIndex: 'county_name', width: 110, render: (v: string | null, r) => v ?? r.county_code },
          ...originColumn<ListedTown>(s.origins),
          { title: '类别', dataIndex: 'category', width: 150, render: (v: string) => codes?.category[v as keyof typeof codes.category] ?? v },
          { title: '主导产业', dataIndex: 'leading_industry', ellipsis: true },
          { title: '级别', dataIndex: 'level_label', width: 80, render: (v: string | null) => v ?? <span className="muted">未认定</span> },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (v: string, r) => <Tag color={STATUS_COLOR[v]}>{r.status_label}</Tag>,
          },
          { title: '有效期至', dataIndex: 'valid_to', width: 110, sorter: (a, b) => (a.valid_to ?? '').localeCompare(b.valid_to ?? '') },
          { title: '成员企业', dataIndex: 'member_count', width: 90, align: 'right', sorter: (a, b) => a.member_count - b.member_count },
        ]}
      />
      <TownForm
        open={formOpen}
        editing={null}
        onClose={() => setFormOpen(false)}
        onSaved={(t) => {
          setFormOpen(false);
          void s.load();
          navigate(`/towns/${t.id}`);
        }}
      />
      <ImportDialog
        open={importOpen}
        title="从 Excel 导入专业镇年度指标"
        onClose={() => setImportOpen(false)}
        onTemplate={() => s.downloadIndicatorTemplate()}
        run={(f, _u, p) => s.importIndicators(f, p)}
        describe={(r) => `导入完成（工作表「${r.sheet}」）：共 ${r.total} 行，新增 ${r.created} 个年度，更新 ${r.updated} 个，未变 ${r.unchanged} 个`}
        onDone={() => void s.load()}
      />
      <Modal open={exportOpen} title="导出年度指标" okText="导出" cancelText="取消" onOk={() => void doExportIndicators()} onCancel={() => setExportOpen(false)}>
        <Space>
          年度
          <InputNumber min={1990} max={2100} value={exportYear} onChange={(v) => setExportYear(v)} placeholder="全部年度" style={{ width: 140 }} />
        </Space>
        <p className="muted" style={{ marginTop: 8 }}>
          导出的表格与导入模板的列相同，可在 Excel/WPS 中修改后再导入。
        </p>
      </Modal>
      {exporter.dialog}
    </div>
  );
}
