import { useDebouncedSearch, useExportJob } from '../../components/listTools';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, App } from 'antd';
import { PlusOutlined, UploadOutlined, DownloadOutlined, NotificationOutlined, CloseCircleOutlined } from '@ant-design/icons';
import type { ClaimImportSummary, ClaimListRow, ClaimStatus } from '../../../../db/types';
import { useExhibitions } from '../../stores/exhibitions';
import { useApp, hasRole } from '../../stores/app';
import { navigate } from '../../stores/route';
import { ImportDialog } from '../../components/ImportDialog';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { showFieldErrors, errorText } from '../../components/errors';
import { ClaimForm } from './ClaimForm';
import { OriginSelect, originColumn } from '../../components/OriginFilter';
import { DATE_RULE, STATUS_COLOR, STATUS_LABEL, STATUS_ORDER, today, yuan } from './labels';

const thisYear = new Date().getFullYear();
const YEARS = Array.from({ length: 6 }, (_, i) => thisYear + 1 - i);

export function ClaimsPage() {
  const s = useExhibitions();
  const role = useApp((x) => x.status?.session.user?.role);
  const [search, setSearch] = useDebouncedSearch(s.query.q, (q) => s.setQuery({ q }));
  const [formOpen, setFormOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const exporter = useExportJob();
  const [selected, setSelected] = useState<number[]>([]);
  const [publishOpen, setPublishOpen] = useState(false);

  useEffect(() => {
    void s.load();
    void s.loadFairs();
    void s.loadOrigins();
  }, []);

  const doExport = async () => {
    const year = s.query.year ?? thisYear;
    const origin = s.origins.find((o) => o.code === s.query.origin_office)?.name;
    await exporter.run((p) => s.exportYear(year, p), `已导出${origin ? `${origin} ` : ' '}${year} 年度的参展补贴申请`);
  };

  return (
    <div>
      <div className="page-header">
        <h2>参展补贴申请</h2>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormOpen(true)}>
            新建申请
          </Button>
          {hasRole(role, 'reviewer') && (
            <Button icon={<NotificationOutlined />} disabled={!selected.length} onClick={() => setPublishOpen(true)}>
              公示所选{selected.length ? `（${selected.length}）` : ''}
            </Button>
          )}
          <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)}>
            导入 Excel
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => void doExport()} loading={exporter.busy}>
            导出 Excel（{s.query.year ?? thisYear} 年度）
          </Button>
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 280 }}
            placeholder="企业名称、申请编号或展会"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => s.setQuery({ q: v || undefined })}
            aria-label="搜索申请"
          />
          <Select allowClear placeholder="年度" style={{ width: 110 }} value={s.query.year} onChange={(v) => s.setQuery({ year: v })}
            options={YEARS.map((y) => ({ value: y, label: `${y} 年` }))} aria-label="年度" />
          <Select allowClear placeholder="状态" style={{ width: 110 }} value={s.query.status} onChange={(v) => s.setQuery({ status: v })}
            options={STATUS_ORDER.map((k) => ({ value: k, label: STATUS_LABEL[k] }))} aria-label="状态" />
          <Select allowClear placeholder="展会" style={{ width: 260 }} value={s.query.fair_id} onChange={(v) => s.setQuery({ fair_id: v })}
            showSearch={{ optionFilterProp: 'label' }} options={s.fairs.map((f) => ({ value: f.id, label: f.name }))} aria-label="展会" />
          <OriginSelect options={s.origins} value={s.query.origin_office} onChange={(v) => s.setQuery({ origin_office: v })} />
          <Space.Compact>
            <EnterpriseSelect style={{ width: 280 }} value={s.query.enterprise_id} onChange={(v) => s.setQuery({ enterprise_id: v })} />
            {s.query.enterprise_id && <Button icon={<CloseCircleOutlined />} aria-label="清除企业" onClick={() => s.setQuery({ enterprise_id: undefined })} />}
          </Space.Compact>
        </Space>
      </Card>
      {s.error && <Alert type="error" showIcon title={s.error} style={{ marginBottom: 16 }} />}
      <Table<ClaimListRow>
        rowKey="id"
        size="middle"
        loading={s.loading}
        dataSource={s.rows}
        data-testid="claim-table"
        rowSelection={
          hasRole(role, 'reviewer')
            ? {
                selectedRowKeys: selected,
                onChange: (k) => setSelected(k as number[]),
                getCheckboxProps: (r) => ({ disabled: !r.publishable, title: r.publishable ? undefined : '只有通过复审的申请可以公示' }),
              }
            : undefined
        }
        onRow={(r) => ({ onDoubleClick: () => navigate(`/exhibitions/claims/${r.id}`) })}
        onChange={(p) => s.setQuery({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        pagination={{ current: s.query.page, pageSize: s.query.pageSize, total: s.total, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: (t) => `共 ${t.toLocaleString()} 件` }}
        columns={[
          { title: '申请编号', dataIndex: 'claim_no', width: 130, render: (v: string, r) => <a className="mono" onClick={() => navigate(`/exhibitions/claims/${r.id}`)}>{v}</a> },
          { title: '企业', dataIndex: 'enterprise_name', ellipsis: true },
          ...originColumn<ClaimListRow>(s.origins),
          { title: '展会', dataIndex: 'fair_name', ellipsis: true },
          { title: '年度', dataIndex: 'subsidy_year', width: 70 },
          { title: '申请日期', dataIndex: 'claim_date', width: 110 },
          { title: '状态', dataIndex: 'status', width: 90, render: (v: ClaimStatus) => <Tag color={STATUS_COLOR[v]}>{STATUS_LABEL[v]}</Tag> },
          { title: '费用合计（元）', dataIndex: 'total_cost_fen', align: 'right', width: 130, render: yuan },
          { title: '核定（元）', dataIndex: 'calc_fen', align: 'right', width: 120, render: yuan },
          { title: '批准（元）', dataIndex: 'approved_fen', align: 'right', width: 120, render: yuan },
          { title: '已拨付（元）', dataIndex: 'paid_fen', align: 'right', width: 120, render: (v: number) => (v ? yuan(v) : '—') },
        ]}
      />
      <ClaimForm open={formOpen} editing={null} onClose={() => setFormOpen(false)} onSaved={(d) => navigate(`/exhibitions/claims/${d.claim.id}`)} />
      <PublishDialog open={publishOpen} claimIds={selected} onClose={() => setPublishOpen(false)} onDone={() => setSelected([])} />
      <ImportDialog<ClaimImportSummary>
        open={importOpen}
        title="从 Excel 导入参展补贴申请"
        onClose={() => setImportOpen(false)}
        run={(f, _u, p) => s.importFile(f, p)}
        onTemplate={() => s.downloadTemplate()}
        describe={(r) => `导入完成（工作表「${r.sheet}」）：新建申请 ${r.claims} 件（草稿），费用明细 ${r.items} 项`}
        onDone={() => void s.load()}
      />
      {exporter.dialog}
    </div>
  );
}

function PublishDialog(props: { open: boolean; claimIds: number[]; onClose(): void; onDone(): void }) {
  const [form] = Form.useForm();
  const publish = useExhibitions((s) => s.publish);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  useEffect(() => {
    if (!props.open) return;
    setError(null);
    form.setFieldsValue({ title: `${new Date().getFullYear()}年度参展补贴拟补助企业名单公示`, start_date: today(), end_date: '' });
  }, [props.open, form]);
  const ok = async () => {
    let v: { title: string; batch_no?: string; start_date: string; end_date: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const b = await publish({ claim_ids: props.claimIds, title: v.title, batch_no: v.batch_no || null, start_date: v.start_date, end_date: v.end_date });
      message.success(`已发布公示 ${b.batch_no}`);
      props.onDone();
      props.onClose();
      navigate(`/exhibitions/batches`);
    } catch (e) {
      showFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`发布公示（${props.claimIds.length} 件申请）`} open={props.open} onCancel={props.onClose} onOk={() => void ok()} okText="发布公示" confirmLoading={busy} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="title" label="公示标题" rules={[{ required: true, message: '必填' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="batch_no" label="批次号（留空自动编号，如 GS2026-01）">
          <Input maxLength={50} />
        </Form.Item>
        <Space>
          <Form.Item name="start_date" label="公示开始日期" rules={[{ required: true, message: '必填' }, DATE_RULE]}>
            <Input placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="end_date" label="公示结束日期" rules={[{ required: true, message: '必填' }, DATE_RULE]}>
            <Input placeholder="YYYY-MM-DD" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
