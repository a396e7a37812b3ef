import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Space, Spin, Statistic, Steps, Table, Tabs, Tag, Tooltip, App } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, PlusOutlined, PrinterOutlined, UploadOutlined } from '@ant-design/icons';
import type { MoneyRow, PlanDetail, PlanStatus, RosterImportSummary, StepRow, TraineeLine, TraineeOut } from '../../../../db/types';
import { ApiError } from '../../api/client';
import { training } from '../../stores/training';
import { navigate } from '../../stores/route';
import { useApp, hasRole } from '../../stores/app';
import { ImportDialog } from '../../components/ImportDialog';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { DateInput, putFieldErrors } from './common';
import { LEVEL_LABEL, LIFECYCLE, MONEY_KIND_LABEL, OUTCOME_LABEL, PLAN_TYPE_LABEL, STATUS_COLOR, STATUS_LABEL, todayIso, yuan } from './format';
import { CertificateModal, OutcomeModal, RemoveTraineeModal, TraineeForm } from './TraineeForms';

const ROSTER_EDITABLE: PlanStatus[] = ['declared', 'filed', 'opened', 'advanced'];
const OUTCOME_EDITABLE: PlanStatus[] = ['opened', 'advanced', 'completed'];
// As the service has it: contact, contract, insurance and attendance stay editable until 结业; removal only before 开班.
const TRAINEE_EDITABLE: PlanStatus[] = [...ROSTER_EDITABLE, 'completed'];
const TRAINEE_REMOVABLE: PlanStatus[] = ['declared', 'filed'];
const BASIS_LABEL: Record<TraineeLine['basis'], string> = { certified: '取证', completed: '结业未取证', not_completed: '未结业', in_training: '在训', ineligible: '不予补贴' };

export function PlanDetailPage({ id }: { id: number }) {
  const [d, setD] = useState<PlanDetail | null>(null);
  const [trainees, setTrainees] = useState<TraineeOut[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<PlanStatus | null>(null);
  const [addOpen, setAddOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [outcomeFor, setOutcomeFor] = useState<TraineeOut | null>(null);
  const [certFor, setCertFor] = useState<TraineeOut | null>(null);
  const [editFor, setEditFor] = useState<TraineeOut | null>(null);
  const [removeFor, setRemoveFor] = useState<TraineeOut | null>(null);
  const [recoveryOpen, setRecoveryOpen] = useState(false);
  const [tab, setTab] = useState('roster');
  const { message, modal } = App.useApp();

  const load = useCallback(async () => {
    try {
      const [detail, roster] = await Promise.all([training.plan(id), training.trainees(id)]);
      setD(detail);
      setTrainees(roster);
    } catch (e) {
      setError(errorText(e));
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!d) return <Spin />;
  const p = d.plan;
  const s = d.settlement;
  const rosterEditable = ROSTER_EDITABLE.includes(p.status);
  const outcomeEditable = OUTCOME_EDITABLE.includes(p.status);
  const traineeEditable = TRAINEE_EDITABLE.includes(p.status);
  const traineeRemovable = TRAINEE_REMOVABLE.includes(p.status);
  const current = p.status === 'terminated' ? -1 : LIFECYCLE.indexOf(p.status);

  return (
    <div>
      <div className="page-header">
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/training/plans')} aria-label="返回列表" />
          <h2 style={{ margin: 0 }}>
            培训计划 {p.code} <Tag color={STATUS_COLOR[p.status]}>{STATUS_LABEL[p.status]}</Tag>
          </h2>
        </Space>
        <Space wrap data-testid="plan-steps">
          {d.allowed_next.map((to) => (
            <Button key={to} type={to === 'terminated' ? 'default' : 'primary'} danger={to === 'terminated'} onClick={() => setStep(to)}>
              {to === 'terminated' ? '终止计划' : `转为「${STATUS_LABEL[to]}」`}
            </Button>
          ))}
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={current}
          status={p.status === 'terminated' ? 'error' : undefined}
          items={LIFECYCLE.map((st) => {
            const done = d.steps.find((x) => x.to_status === st);
            return { title: STATUS_LABEL[st], content: done ? done.step_date : undefined };
          })}
        />
        {p.status === 'terminated' && <Alert style={{ marginTop: 12 }} type="error" showIcon title={`计划已于 ${d.steps[d.steps.length - 1]?.step_date} 终止`} />}
      </Card>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="企业">
            <a onClick={() => navigate(`/enterprises/${p.enterprise_id}`)}>{p.enterprise_name}</a>
          </Descriptions.Item>
          <Descriptions.Item label="培训类型">{PLAN_TYPE_LABEL[p.plan_type]}</Descriptions.Item>
          <Descriptions.Item label="培训机构">{p.institution_name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="职业(工种)">
            {p.occupation_code} {p.occupation_name}
          </Descriptions.Item>
          <Descriptions.Item label="目标等级">{LEVEL_LABEL[p.target_level]}</Descriptions.Item>
          <Descriptions.Item label="人数">
            名册 {p.roster_count} / 计划 {p.planned_count}
          </Descriptions.Item>
          <Descriptions.Item label="起止日期">
            {p.start_date} 至 {p.end_date}
          </Descriptions.Item>
          <Descriptions.Item label="补贴规则">
            {d.rule.code}（第 {d.rule.version} 版）
          </Descriptions.Item>
          <Descriptions.Item label="备注">{p.note ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'roster',
            label: `学员名册（${trainees.length}）`,
            children: (
              <>
                <Space style={{ marginBottom: 12 }} wrap>
                  <Button icon={<PlusOutlined />} disabled={!rosterEditable} onClick={() => setAddOpen(true)}>
                    添加学员
                  </Button>
                  <Button icon={<UploadOutlined />} disabled={!rosterEditable} onClick={() => setImportOpen(true)}>
                    导入名册
                  </Button>
                  <Button icon={<DownloadOutlined />} onClick={() => void training.exportRoster(id).catch((e) => message.error(errorText(e)))}>
                    导出名册
                  </Button>
                  {!rosterEditable && <span className="muted">名册已锁定（申报、备案、开班、预拨阶段可以增减学员）</span>}
                </Space>
                <Table<TraineeOut>
                  rowKey="id"
                  size="small"
                  dataSource={trainees}
                  data-testid="roster-table"
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  columns={[
                    { title: '姓名', dataIndex: 'name', width: 90 },
                    {
                      title: '居民身份证号',
                      dataIndex: 'id_no',
                      width: 190,
                      render: (v: string, r) => (
                        <Tooltip title={r.id_masked ? '录入员只能看到部分号码' : undefined}>
                          <span className="mono">{v}</span>
                        </Tooltip>
                      ),
                    },
                    { title: '手机号', dataIndex: 'phone', width: 115 },
                    { title: '劳动合同', width: 190, render: (_: unknown, r) => (r.contract_start ? `${r.contract_start} 至 ${r.contract_end ?? '无固定期限'}` : '—') },
                    {
                      title: '社保',
                      width: 80,
                      render: (_: unknown, r) =>
                        r.social_insurance_verified ? (
                          <Tooltip title={`核验日期 ${r.social_insurance_date ?? ''}`}>
                            <Tag color="green">已核验</Tag>
                          </Tooltip>
                        ) : (
                          <Tag color="orange">未核验</Tag>
                        ),
                    },
                    { title: '出勤', width: 110, render: (_: unknown, r) => `${r.sessions_attended} 次 / ${r.hours_attended} 学时` },
                    {
                      title: '结果',
                      dataIndex: 'outcome',
                      width: 70,
                      render: (v: string) => <Tag color={v === 'completed' ? 'green' : v === 'not_completed' ? 'red' : 'default'}>{OUTCOME_LABEL[v]}</Tag>,
                    },
                    {
                      title: '证书',
                      render: (_: unknown, r) =>
                        r.certificate ? (
                          <div style={{ whiteSpace: 'nowrap' }}>
                            <div>
                              {LEVEL_LABEL[r.certificate.level]}
                              {r.certificate.duplicate_of && (
                                <Tooltip title="同一职业同一等级已补贴过一次，见「资金与结算」中的说明">
                                  <Tag color="red" style={{ marginLeft: 4 }}>
                                    不再补贴
                                  </Tag>
                                </Tooltip>
                              )}
                            </div>
                            <div className="mono">{r.certificate.cert_no}</div>
                          </div>
                        ) : null,
                    },
                    {
                      title: '操作',
                      width: 250,
                      render: (_: unknown, r) => (
                        <Space size={0} wrap>
                          <Button size="small" type="link" disabled={!traineeEditable} onClick={() => setEditFor(r)}>
                            修改
                          </Button>
                          <Tooltip title={traineeRemovable ? undefined : '开班后不能删除，请登记为「未结业」'}>
                            <Button size="small" type="link" danger disabled={!traineeRemovable} onClick={() => setRemoveFor(r)}>
                              删除
                            </Button>
                          </Tooltip>
                          <Button size="small" type="link" disabled={!outcomeEditable} onClick={() => setOutcomeFor(r)}>
                            结业结果
                          </Button>
                          <Button size="small" type="link" disabled={!outcomeEditable || !!r.certificate || r.outcome === 'not_completed'} onClick={() => setCertFor(r)}>
                            证书
                          </Button>
                        </Space>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
          { key: 'money', label: '资金与结算', children: <MoneyView d={d} onRecovery={() => setRecoveryOpen(true)} /> },
          {
            key: 'history',
            label: '流程记录',
            children: (
              <Table<StepRow>
                rowKey="id"
                size="small"
                dataSource={d.steps}
                pagination={false}
                data-testid="step-table"
                columns={[
                  { title: '环节', render: (_: unknown, r) => `${r.from_status ? `${STATUS_LABEL[r.from_status]} → ` : ''}${STATUS_LABEL[r.to_status]}` },
                  { title: '日期', dataIndex: 'step_date', width: 110 },
                  { title: '文号', dataIndex: 'doc_no' },
                  { title: '说明', dataIndex: 'note' },
                  { title: '经办人', dataIndex: 'created_by', width: 100 },
                  { title: '登记时间', dataIndex: 'created_at', width: 200, render: (v: string) => v.replace('T', ' ').slice(0, 19) },
                ]}
              />
            ),
          },
        ]}
      />
      <TransitionModal
        d={d}
        to={step}
        onClose={() => setStep(null)}
        onDone={(lines) => {
          setStep(null);
          void load();
          if (lines.length) modal.info({ title: '已登记，计算说明如下', width: 720, content: <Lines lines={lines} /> });
          else message.success('已登记');
        }}
      />
      <TraineeForm
        open={addOpen}
        planId={id}
        onClose={() => setAddOpen(false)}
        onSaved={() => {
          setAddOpen(false);
          void load();
        }}
      />
      <TraineeForm
        open={!!editFor}
        planId={id}
        trainee={editFor}
        onClose={() => setEditFor(null)}
        onSaved={() => {
          setEditFor(null);
          void load();
        }}
      />
      <RemoveTraineeModal
        trainee={removeFor}
        onClose={() => setRemoveFor(null)}
        onRemoved={() => {
          message.success(`已删除：${removeFor?.name ?? ''}`);
          setRemoveFor(null);
          void load();
        }}
      />
      <ImportDialog<RosterImportSummary>
        open={importOpen}
        title={`导入学员名册（计划 ${p.code}）`}
        onClose={() => setImportOpen(false)}
        onTemplate={() => training.rosterTemplate()}
        run={(f, _u, prog) => training.importRoster(id, f, prog)}
        describe={(r) => `导入完成（工作表「${r.sheet}」）：计划 ${r.plan_code} 新增学员 ${r.imported} 人${r.converted_from_15 ? `（其中 ${r.converted_from_15} 个 15 位身份证号已升级为 18 位）` : ''}`}
        onDone={() => void load()}
      />
      <OutcomeModal
        trainee={outcomeFor}
        onClose={() => setOutcomeFor(null)}
        onSaved={() => {
          setOutcomeFor(null);
          void load();
        }}
      />
      <CertificateModal
        trainee={certFor}
        defaultLevel={p.target_level}
        onClose={() => setCertFor(null)}
        onSaved={(flag) => {
          setCertFor(null);
          void load();
          if (flag) modal.warning({ title: '重复补贴提示', content: <span data-testid="cert-flag">{flag}</span> });
          else message.success('已登记证书');
        }}
      />
      <RecoveryModal
        open={recoveryOpen}
        planId={id}
        outstanding={s.position.outstanding_recovery_fen}
        onClose={() => setRecoveryOpen(false)}
        onSaved={() => {
          setRecoveryOpen(false);
          void load();
        }}
      />
    </div>
  );
}

function Lines({ lines, testId }: { lines: string[]; testId?: string }) {
  return (
    <div style={{ lineHeight: 1.9, whiteSpace: 'pre-wrap' }} data-testid={testId}>
      {lines.map((l, i) => (
        <div key={i}>{l}</div>
      ))}
    </div>
  );
}

function MoneyView({ d, onRecovery }: { d: PlanDetail; onRecovery(): void }) {
  const s = d.settlement;
  const pos = s.position;
  return (
    <div>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={5}>
          <Card size="small">
            <Statistic title="应得补贴（元）" value={yuan(pos.entitlement_fen)} />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="已拨付（元）" value={yuan(pos.paid_fen)} />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="尚应拨付（元）" value={yuan(pos.remaining_due_fen)} styles={{ content: { color: pos.remaining_due_fen ? '#1677ff' : undefined } }} />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="应退回（元）" value={yuan(pos.clawback_fen)} styles={{ content: { color: pos.clawback_fen ? '#cf1322' : undefined } }} />
          </Card>
        </Col>
        <Col span={4}>
          <Card size="small">
            <Statistic title="收回未到账（元）" value={yuan(pos.outstanding_recovery_fen)} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={14}>
          <Card
            size="small"
            title={`结算说明（核算日期 ${s.claim_date}，规则 ${s.rule.code}）`}
            style={{ marginBottom: 16 }}
            extra={
              <Button size="small" icon={<PrinterOutlined />} onClick={() => navigate(`/training/plans/${d.plan.id}/settlement`)}>
                打印清算表
              </Button>
            }
          >
            <Lines lines={s.text} testId="settlement-text" />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title="预拨额度" style={{ marginBottom: 16 }}>
            <Lines lines={s.advance.lines} testId="advance-text" />
          </Card>
        </Col>
      </Row>
      <Card size="small" title="每名学员的补贴" style={{ marginBottom: 16 }}>
        <Table<TraineeLine>
          rowKey="trainee_id"
          size="small"
          dataSource={s.lines}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="settlement-lines"
          columns={[
            { title: '姓名', dataIndex: 'name', width: 90 },
            { title: '依据', dataIndex: 'basis', width: 100, render: (v: TraineeLine['basis']) => BASIS_LABEL[v] },
            { title: '证书', width: 200, render: (_: unknown, r) => (r.level ? `${LEVEL_LABEL[r.level]} ${r.cert_no ?? ''}` : '') },
            { title: '金额（元）', dataIndex: 'amount_fen', width: 110, align: 'right', render: (v: number) => yuan(v) },
            { title: '说明', dataIndex: 'text' },
          ]}
        />
      </Card>
      <Card
        size="small"
        title="资金流水"
        extra={
          pos.outstanding_recovery_fen > 0 ? (
            <Button size="small" onClick={onRecovery}>
              登记退回到账
            </Button>
          ) : null
        }
      >
        <Table<MoneyRow>
          rowKey="id"
          size="small"
          dataSource={d.money}
          pagination={false}
          data-testid="money-table"
          locale={{ emptyText: '尚无资金往来' }}
          columns={[
            { title: '日期', dataIndex: 'entry_date', width: 110 },
            { title: '类别', dataIndex: 'kind', width: 130, render: (v: string) => <Tag color={v.startsWith('recovery') ? 'red' : 'blue'}>{MONEY_KIND_LABEL[v]}</Tag> },
            { title: '金额（元）', dataIndex: 'amount_fen', width: 120, align: 'right', render: (v: number) => yuan(v) },
            { title: '文号/凭证', dataIndex: 'doc_no', width: 180 },
            {
              title: '说明',
              dataIndex: 'explanation',
              render: (v: string) => (
                <Tooltip title={<Lines lines={v.split('\n')} />} styles={{ root: { maxWidth: 640 } }}>
                  <span>{v.split('\n')[0]}</span>
                </Tooltip>
              ),
            },
            { title: '经办人', dataIndex: 'created_by', width: 90 },
          ]}
        />
      </Card>
    </div>
  );
}

function TransitionModal(props: { d: PlanDetail; to: PlanStatus | null; onClose(): void; onDone(lines: string[]): void }) {
  const [form] = Form.useForm();
  const role = useApp((s) => s.status?.session.user?.role);
  const [error, setError] = useState<string | null>(null);
  const [sanctioned, setSanctioned] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!props.to) return;
    setError(null);
    setSanctioned(false);
    form.resetFields();
    form.setFieldsValue({ date: todayIso() });
  }, [props.to, form]);
  const to = props.to;
  const submit = async () => {
    let v: Record<string, unknown>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const r = await training.transition({ plan_id: props.d.plan.id, to: to!, ...(v as { date: string; doc_no: string }), amount: (v.amount as string) || null });
      props.onDone(r.explanation);
    } catch (e) {
      setSanctioned(e instanceof ApiError && e.code === 'SANCTIONED');
      putFieldErrors(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const cap = props.d.settlement.advance;
  return (
    <Modal
      title={to === 'terminated' ? `终止计划 ${props.d.plan.code}` : `计划 ${props.d.plan.code}：转为「${to ? STATUS_LABEL[to] : ''}」`}
      open={!!to}
      onCancel={props.onClose}
      destroyOnHidden
      okText="确认登记"
      confirmLoading={busy}
      okButtonProps={{ danger: to === 'terminated' }}
      onOk={() => void submit()}
      width={600}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="transition-error" />}
      {to === 'advanced' && <Alert type="info" title={<Lines lines={cap.lines} />} style={{ marginBottom: 12 }} />}
      {to === 'settled' && <Alert type="info" title="清算将按结算说明生成结算拨付或应退回的资金流水" style={{ marginBottom: 12 }} />}
      {to === 'terminated' && <Alert type="warning" title="终止后已拨付且未收回的资金全部列为应退回" style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
        <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DateInput />
        </Form.Item>
        <Form.Item name="doc_no" label="文号" rules={[{ required: true, message: '请填写文号' }]}>
          <Input placeholder="如 泽财预〔2026〕3号" />
        </Form.Item>
        {to === 'advanced' && (
          <Form.Item name="amount" label="预拨金额（元）" extra={`不填则按尚可预拨的 ${yuan(cap.available_fen)} 元全额预拨`}>
            <Input placeholder={yuan(cap.available_fen)} />
          </Form.Item>
        )}
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} />
        </Form.Item>
        {sanctioned && hasRole(role, 'admin') && (
          <Form.Item name="override_reason" label="例外说明（管理员）" extra="该企业处于处理期内；填写后可例外拨付，记入审计日志" rules={[{ required: true, message: '请填写例外说明' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function RecoveryModal(props: { open: boolean; planId: number; outstanding: number; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!props.open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ date: todayIso(), amount: yuan(props.outstanding) });
  }, [props.open, props.outstanding, form]);
  return (
    <Modal
      title="登记退回到账"
      open={props.open}
      onCancel={props.onClose}
      destroyOnHidden
      onOk={async () => {
        const v = (await form.validateFields()) as { amount: string; date: string; doc_no: string; note?: string };
        try {
          await training.recoveryReceived({ plan_id: props.planId, kind: 'recovery_received', ...v });
          props.onSaved();
        } catch (e) {
          putFieldErrors(form, e);
          setError(errorText(e));
        }
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="amount" label="到账金额（元）" rules={[{ required: true, message: '请填写金额' }]} extra={`尚未到账 ${yuan(props.outstanding)} 元`}>
          <Input />
        </Form.Item>
        <Form.Item name="date" label="到账日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DateInput />
        </Form.Item>
        <Form.Item name="doc_no" label="凭证号" rules={[{ required: true, message: '请填写凭证号' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
