import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Space, Spin, Statistic, Table, Tag, Timeline, Tooltip, Typography, Upload, App } from 'antd';
import { ArrowLeftOutlined, EditOutlined, SendOutlined, CheckOutlined, RollbackOutlined, StopOutlined, PayCircleOutlined, PrinterOutlined, UploadOutlined, EyeOutlined, DeleteOutlined } from '@ant-design/icons';
import type { AllowedAction, AttachmentRow, BoothLine, CapHit, ClaimDetail, ItemLine } from '../../../../db/types';
import { ApiError } from '../../api/client';
import { useExhibitions } from '../../stores/exhibitions';
import { useApp, hasRole } from '../../stores/app';
import { navigate } from '../../stores/route';
import { errorText, showFieldErrors } from '../../components/errors';
import { ClaimForm } from './ClaimForm';
import { DATE_RULE, GOV_LEVEL_LABEL, MARKET_LABEL, PAYMENT_LABEL, SCOPE_LABEL, STATUS_COLOR, STATUS_LABEL, pct, today, yuan, yuanText, cstTime } from './labels';

type Action = 'submit' | 'first_review' | 'second_review' | 'return' | 'reject' | 'approve';
const STEP_ICON: Partial<Record<AllowedAction['action'], React.ReactNode>> = {
  submit: <SendOutlined />, first_review: <CheckOutlined />, second_review: <CheckOutlined />, publish: <CheckOutlined />, approve: <CheckOutlined />,
  pay: <PayCircleOutlined />, return: <RollbackOutlined />, reject: <StopOutlined />,
};
const CAP_KIND: Record<CapHit['kind'], string> = { booth: '每展位上限', item_type: '分项上限', item_type_annual: '分项每年上限', fair: '单展上限', annual: '企业年度上限', stacking: '不得叠加超过实际费用' };

export function ClaimDetailPage({ id }: { id: number }) {
  const s = useExhibitions();
  const d = s.detail;
  const role = useApp((x) => x.status?.session.user?.role);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<null | 'late' | 'sanction' | 'pay'>(null);
  // The step being given: its 审核意见 (and, for an irreversible one, the confirmation with the amount).
  const [giving, setGiving] = useState<AllowedAction | null>(null);
  const [opinion, setOpinion] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  useEffect(() => {
    setError(null);
    setActionError(null);
    s.loadDetail(id).catch((e) => setError(errorText(e)));
  }, [id]);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!d || d.claim.id !== id) return <Spin />;
  const c = d.claim;

  const act = async (action: Action, extra: { comment?: string; override_reason?: string } = {}) => {
    setBusy(true);
    setActionError(null);
    try {
      const r = await s.transition({ claim_id: c.id, action, ...extra });
      message.success(`申请 ${r.claim.claim_no} 现为「${r.claim.status_label}」`);
      setDialog(null);
      setGiving(null);
      return true;
    } catch (e) {
      setGiving(null);
      if (e instanceof ApiError && e.code === 'LATE' && hasRole(role, 'admin') && !extra.override_reason) {
        setActionError(e.message);
        setDialog('late');
        return false;
      }
      // A sanction in force blocks approval; an administrator may let it through with an audited reason.
      if (e instanceof ApiError && e.code === 'SANCTIONED' && action === 'approve' && hasRole(role, 'admin') && !extra.override_reason) {
        setActionError(e.message);
        setDialog('sanction');
        return false;
      }
      setActionError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const st = c.status;
  const start = (a: AllowedAction) => {
    if (a.action === 'submit') return void act('submit');
    if (a.action === 'publish') return navigate('/exhibitions/claims');
    if (a.action === 'pay') return setDialog('pay');
    setGiving(a);
  };
  const refused = d.allowed.filter((a) => !a.allowed);
  return (
    <div>
      <div className="page-header">
        <Space wrap>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/exhibitions/claims')}>
            返回
          </Button>
          <h2>
            申请 <span className="mono">{c.claim_no}</span> · {d.enterprise.name}
          </h2>
          <Tag color={STATUS_COLOR[st]} data-testid="claim-status">{STATUS_LABEL[st]}</Tag>
        </Space>
        <Space wrap>
          {d.can.edit && <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>编辑</Button>}
          {/* The server lists the steps of this status for this user; a step not allowed is shown with why. */}
          {d.allowed.map((a) => (
            <Tooltip key={a.action} title={a.reason}>
              <Button
                type={a.opinion === 'required' ? 'default' : 'primary'}
                danger={a.action === 'reject'}
                icon={STEP_ICON[a.action]}
                disabled={!a.allowed}
                loading={busy && a.action === 'submit'}
                onClick={() => start(a)}
              >
                {a.action === 'publish' ? '公示（到申请列表选择）' : a.label}
              </Button>
            </Tooltip>
          ))}
          <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/exhibitions/review/${c.id}`)}>审核表</Button>
        </Space>
      </div>
      {refused.length > 0 && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="not-allowed"
          title={refused.map((a) => `不能${a.label}：${a.reason}`).join('；')} />
      )}
      {actionError && <Alert type="error" showIcon closable onClose={() => setActionError(null)} title={actionError} style={{ marginBottom: 16 }} data-testid="action-error" />}
      {c.return_comment && st === 'returned' && <Alert type="warning" showIcon title={`退回意见：${c.return_comment}`} style={{ marginBottom: 16 }} />}
      {c.reject_reason && st === 'rejected' && <Alert type="error" showIcon title={`驳回理由：${c.reject_reason}`} style={{ marginBottom: 16 }} />}

      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
          <Descriptions.Item label="企业">
            <a onClick={() => navigate(`/enterprises/${d.enterprise.id}`)}>{d.enterprise.name}</a>（<span className="mono">{d.enterprise.uscc}</span>）
          </Descriptions.Item>
          <Descriptions.Item label="展会">
            {d.fair.name} {d.fair.art36_eligible ? <Tag color="green">符合第三十六条</Tag> : <Tooltip title={d.fair.art36_reason}><Tag color="red">不符合第三十六条</Tag></Tooltip>}
          </Descriptions.Item>
          <Descriptions.Item label="组织参展">{d.fair.organising_gov ?? '—'}（{GOV_LEVEL_LABEL[d.fair.gov_level]}）</Descriptions.Item>
          <Descriptions.Item label="展期">{d.fair.start_date} 至 {d.fair.end_date}</Descriptions.Item>
          <Descriptions.Item label="地点">{[SCOPE_LABEL[d.fair.scope], MARKET_LABEL[d.fair.market_type], d.fair.country, d.fair.city].filter(Boolean).join(' · ')}</Descriptions.Item>
          <Descriptions.Item label="补贴规则">{d.rule_set.name}（第 {d.calc.rule_set.version} 版）</Descriptions.Item>
          <Descriptions.Item label="申请日期">{c.claim_date}</Descriptions.Item>
          <Descriptions.Item label="申报期限">{c.deadline ? `${c.deadline} 前` : '不限'}{c.submitted_on ? `（${c.submitted_on} 提交）` : ''}</Descriptions.Item>
          <Descriptions.Item label="展位">{d.booths.map((b) => `${b.booth_no}（${b.area_m2} m²，${b.kind === 'standard' ? '标准' : '特装'}）`).join('、') || '—'}</Descriptions.Item>
          {c.late_override_reason && <Descriptions.Item label="逾期例外说明">{c.late_override_reason}</Descriptions.Item>}
          <Descriptions.Item label="申报时核定">{c.applied_fen === null ? '—' : `${yuan(c.applied_fen)} 元`}</Descriptions.Item>
          <Descriptions.Item label="批准金额">{c.approved_fen === null ? '—' : `${yuan(c.approved_fen)} 元`}</Descriptions.Item>
          <Descriptions.Item label="已拨付">{yuan(d.paid_fen)} 元{d.recovered_fen ? `（已收回 ${yuan(d.recovered_fen)} 元）` : ''}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Calculation d={d} />
      <Materials d={d} />

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title="拨付与收回" size="small" style={{ marginBottom: 16 }}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={d.payments}
              locale={{ emptyText: '尚无拨付记录' }}
              columns={[
                { title: '类型', dataIndex: 'kind', render: (v: string) => (v === 'payment' ? <Tag color="green">拨付</Tag> : <Tag color="red">收回</Tag>) },
                { title: '日期', dataIndex: 'entry_date' },
                { title: '金额（元）', dataIndex: 'amount_fen', align: 'right', render: yuan },
                { title: '凭证号/文号', dataIndex: 'voucher_no' },
                { title: '备注', dataIndex: 'note', ellipsis: true },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="办理经过" size="small" style={{ marginBottom: 16 }}>
            <Timeline
              items={d.events.map((e) => ({
                content: (
                  <span>
                    {cstTime(e.created_at)} · {e.actor_name ?? e.created_by} · <b>{e.step_label ?? e.to_label}</b>
                    {e.opinion ? `　审核意见：${e.opinion}` : ''}
                    {e.comment ? `（${e.comment}）` : ''}
                  </span>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>

      <ClaimForm open={editing} editing={d} onClose={() => setEditing(false)} onSaved={() => undefined} />
      <StepDialog
        step={giving}
        busy={busy}
        onCancel={() => setGiving(null)}
        onOk={(text) => {
          setOpinion(text);
          void act(giving!.action as Action, { comment: text });
        }}
      />
      <CommentDialog
        open={dialog === 'late' || dialog === 'sanction'}
        title={dialog === 'sanction' ? '处理期内：管理员例外批准' : '逾期申请：管理员例外受理'}
        label="例外说明（记入审计日志）"
        notice={dialog === 'sanction' ? actionError : null}
        busy={busy}
        onCancel={() => setDialog(null)}
        onOk={(text) => void (dialog === 'late' ? act('submit', { override_reason: text }) : act('approve', { override_reason: text, comment: opinion }))}
      />
      <PayDialog open={dialog === 'pay'} d={d} step={d.allowed.find((a) => a.action === 'pay') ?? null} admin={hasRole(role, 'admin')} onClose={() => setDialog(null)} onError={setActionError} />
    </div>
  );
}

function Calculation({ d }: { d: ClaimDetail }) {
  const k = d.calc;
  const a = k.annual;
  return (
    <Card
      title="补贴计算及依据"
      size="small"
      style={{ marginBottom: 16 }}
      className="exh-calc"
      data-testid="calc"
      extra={k.frozen ? <Tag color="green">已批准，金额已锁定（第 {k.rule_set.version} 版规则）</Tag> : <Tag>按「{k.rule_set.name}」第 {k.rule_set.version} 版实时计算</Tag>}
    >
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={5}><Statistic title="费用合计（元）" value={yuan(k.total_cost_fen)} /></Col>
        <Col span={5}><Statistic title="可补贴费用（元）" value={yuan(k.eligible_cost_fen)} /></Col>
        <Col span={5}><Statistic title="本展会合计（元）" value={yuan(k.fair_total_fen)} /></Col>
        <Col span={5}><Statistic title="核定补贴（元）" value={yuan(k.result_fen)} styles={{ content: { color: '#1677ff', fontWeight: 600 } }} data-testid="calc-result" /></Col>
        <Col span={4}><Statistic title="补贴比例" value={pct(k.ratio_bp)} /></Col>
      </Row>
      <Alert type={k.fair_eligible ? 'success' : 'error'} showIcon title={k.fair_reason} style={{ marginBottom: 8 }} />
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{k.ratio_reason}</Typography.Paragraph>
      <Table<ItemLine>
        rowKey="seq"
        size="small"
        pagination={false}
        dataSource={k.items}
        data-testid="calc-items"
        columns={[
          { title: '#', dataIndex: 'seq', width: 40 },
          { title: '费用类型', dataIndex: 'label', width: 120 },
          { title: '金额（元）', dataIndex: 'amount_fen', align: 'right', width: 120, render: yuan },
          { title: '是否补贴', dataIndex: 'eligible', width: 90, render: (v: boolean) => (v ? <Tag color="green">补贴</Tag> : <Tag color="red">不予补贴</Tag>) },
          { title: '比例', width: 110, render: (_: unknown, r) => (r.eligible ? `${pct(r.ratio_bp)}${r.factor_bp !== 10000 ? ` × ${pct(r.factor_bp)}` : ''}` : '—') },
          { title: '补贴（元）', dataIndex: 'subsidy_fen', align: 'right', width: 120, render: (v: number, r) => (r.eligible ? yuan(v) : '0.00') },
          { title: '理由 / 算式', dataIndex: 'reason', className: 'reason', render: (v: string, r) => (r.eligible ? `${yuan(r.amount_fen)} ${v}` : v) },
        ]}
      />
      {k.booths.some((b) => b.cap_fen !== null) && (
        <Table<BoothLine>
          rowKey="seq"
          size="small"
          pagination={false}
          style={{ marginTop: 12 }}
          dataSource={k.booths}
          columns={[
            { title: '展位', dataIndex: 'booth_no' },
            { title: '面积（m²）', dataIndex: 'area_m2', align: 'right' },
            { title: '档次', render: (_: unknown, r) => (r.counted ? pct(r.factor_bp) : '超出每展最多展位数') },
            { title: '展位补贴（元）', dataIndex: 'subtotal_fen', align: 'right', render: yuan },
            { title: '每展位上限（元）', dataIndex: 'cap_fen', align: 'right', render: (v: number | null) => (v === null ? '不限' : yuan(v)) },
            { title: '核减（元）', dataIndex: 'cut_fen', align: 'right', render: (v: number) => (v ? <b style={{ color: '#cf1322' }}>{yuan(v)}</b> : '0.00') },
            { title: '计入（元）', dataIndex: 'after_fen', align: 'right', render: yuan },
          ]}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>上限核减</Typography.Title>
      {k.caps.length === 0 ? (
        <Typography.Paragraph type="secondary">没有上限起作用{k.fair_cap_fen !== null ? `（单展上限 ${yuan(k.fair_cap_fen)} 元）` : ''}</Typography.Paragraph>
      ) : (
        <Table<CapHit>
          rowKey={(r, i) => `${r.kind}-${i}`}
          size="small"
          pagination={false}
          dataSource={k.caps}
          data-testid="calc-caps"
          columns={[
            { title: '上限', dataIndex: 'label' },
            { title: '类别', dataIndex: 'kind', render: (v: CapHit['kind']) => CAP_KIND[v] },
            { title: '核减前（元）', dataIndex: 'before_fen', align: 'right', render: yuan },
            { title: '上限（元）', dataIndex: 'cap_fen', align: 'right', render: yuan },
            { title: '核减（元）', dataIndex: 'cut_fen', align: 'right', render: (v: number) => <b style={{ color: '#cf1322' }}>{yuan(v)}</b> },
          ]}
        />
      )}
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 12 }} title="企业年度上限" bordered>
        <Descriptions.Item label="年度上限">{a.cap_fen === null ? '不限' : `${yuan(a.cap_fen)} 元`}</Descriptions.Item>
        <Descriptions.Item label="本年其他申请已用">{yuan(a.consumed_fen)} 元</Descriptions.Item>
        <Descriptions.Item label="本申请前剩余">{a.remaining_before_fen === null ? '不限' : `${yuan(a.remaining_before_fen)} 元`}</Descriptions.Item>
        <Descriptions.Item label="本申请核定">{yuan(a.granted_fen)} 元</Descriptions.Item>
        <Descriptions.Item label="本申请后剩余">{a.remaining_after_fen === null ? '不限' : `${yuan(a.remaining_after_fen)} 元`}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>计算说明</Typography.Title>
      <ol className="exh-lines" data-testid="calc-lines">
        {k.lines.map((l, i) => <li key={i}>{l}</li>)}
      </ol>
    </Card>
  );
}

function Materials({ d }: { d: ClaimDetail }) {
  const s = useExhibitions();
  const [removing, setRemoving] = useState<AttachmentRow | null>(null);
  const { message } = App.useApp();
  const { add_material: canAdd, remove_material: canRemove } = d.can;
  return (
    <Card
      title="申报材料"
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="materials"
      extra={d.materials.missing.length ? <Tag color="red">缺 {d.materials.missing.length} 项：{d.materials.missing.join('、')}</Tag> : <Tag color="green">必备材料齐全</Tag>}
    >
      <Table
        rowKey="material"
        size="small"
        pagination={false}
        dataSource={d.materials.items}
        columns={[
          { title: '材料', dataIndex: 'label', width: 200, render: (v: string, r) => <span>{v} {r.required ? <Tag color="blue">必备</Tag> : null}</span> },
          {
            title: '状态',
            width: 80,
            render: (_: unknown, r) => (r.attachments.length ? <Tag color="green">已附</Tag> : r.required ? <Tag color="red">缺</Tag> : <Tag>—</Tag>),
          },
          {
            title: '文件（SHA-256）',
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={2}>
                {r.attachments.map((a) => (
                  <Space key={a.id} size="small" wrap>
                    <a onClick={() => void s.openAttachment(a.id).catch((e) => message.error(errorText(e)))}>
                      <EyeOutlined /> {a.file_name}
                    </a>
                    <span className="muted">{(a.size_bytes / 1024).toFixed(0)} KB</span>
                    <Tooltip title={a.sha256}>
                      <span className="mono muted" style={{ fontSize: 12 }}>SHA-256 {a.sha256.slice(0, 16)}…</span>
                    </Tooltip>
                    {canRemove && <Button size="small" type="text" icon={<DeleteOutlined />} aria-label="删除附件" onClick={() => setRemoving(a)} />}
                  </Space>
                ))}
              </Space>
            ),
          },
          {
            title: '',
            width: 110,
            render: (_: unknown, r) =>
              !canAdd ? null : (
                <Upload
                  accept=".pdf,image/*"
                  showUploadList={false}
                  multiple
                  beforeUpload={(f) => {
                    s.addAttachment(d.claim.id, r.material, f)
                      .then(() => message.success(`已添加：${f.name}`))
                      .catch((e) => message.error(errorText(e), 6));
                    return false;
                  }}
                >
                  <Button size="small" icon={<UploadOutlined />} data-testid={`upload-${r.material}`}>添加文件</Button>
                </Upload>
              ),
          },
        ]}
      />
      <CommentDialog
        open={!!removing}
        title={`删除附件：${removing?.file_name ?? ''}`}
        label="删除原因（记入办理经过）"
        danger
        busy={false}
        onCancel={() => setRemoving(null)}
        onOk={(reason) =>
          void s.removeAttachment(removing!.id, reason).then(() => setRemoving(null)).catch((e) => message.error(errorText(e)))
        }
      />
    </Card>
  );
}

function CommentDialog(props: { open: boolean; title: string; label: string; notice?: string | null; danger?: boolean; busy: boolean; onCancel(): void; onOk(text: string): void }) {
  const [text, setText] = useState('');
  useEffect(() => setText(''), [props.open]);
  return (
    <Modal title={props.title} open={props.open} onCancel={props.onCancel} okText="确定" okButtonProps={{ danger: props.danger, disabled: !text.trim(), loading: props.busy }} onOk={() => props.onOk(text.trim())} destroyOnHidden>
      {props.notice && <Alert type="warning" showIcon title={props.notice} style={{ marginBottom: 12 }} data-testid="dialog-notice" />}
      <Typography.Text>{props.label}</Typography.Text>
      <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={500} autoFocus aria-label={props.label} />
    </Modal>
  );
}

/** 审核意见 for a step: 同意 by default, required (empty) for 退回 and 驳回; an irreversible step shows what is confirmed. */
function StepDialog(props: { step: AllowedAction | null; busy: boolean; onCancel(): void; onOk(opinion: string): void }) {
  const a = props.step;
  const [text, setText] = useState('');
  useEffect(() => setText(a?.default_opinion ?? ''), [a]);
  const label = a?.action === 'return' ? '退回意见（告诉企业要补正什么）' : a?.action === 'reject' ? '驳回理由' : '审核意见';
  return (
    <Modal
      title={a ? `${a.label}申请` : ''}
      open={!!a}
      onCancel={props.onCancel}
      okText={a?.confirm ? `确认${a.label}` : '确定'}
      okButtonProps={{ danger: a?.action === 'reject', disabled: a?.opinion === 'required' && !text.trim(), loading: props.busy }}
      onOk={() => props.onOk(text.trim())}
      destroyOnHidden
    >
      {a?.confirm && <Alert type="warning" showIcon title={a.confirm} style={{ marginBottom: 12 }} data-testid="step-confirm" />}
      <Typography.Text>{label}</Typography.Text>
      <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={500} autoFocus aria-label={label} />
    </Modal>
  );
}

function PayDialog(props: { open: boolean; d: ClaimDetail; step: AllowedAction | null; admin: boolean; onClose(): void; onError(m: string | null): void }) {
  const [form] = Form.useForm();
  const pay = useExhibitions((s) => s.pay);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Set once a payment was refused for a sanction in force: an administrator then gives the 例外说明.
  const [sanctioned, setSanctioned] = useState(false);
  const { message, modal } = App.useApp();
  const open = (props.d.claim.approved_fen ?? 0) - props.d.paid_fen;
  useEffect(() => {
    if (!props.open) return;
    setError(null);
    setSanctioned(false);
    form.setFieldsValue({ pay_date: today(), amount_yuan: yuanText(Math.max(0, open)), voucher_no: '', note: '', override_reason: '', opinion: props.step?.default_opinion ?? '' });
  }, [props.open]);
  const ok = async () => {
    let v: { pay_date: string; amount_yuan: string; voucher_no: string; note?: string; override_reason?: string; opinion?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    // 拨付 cannot be undone: the user confirms the amount first.
    const sure = await modal.confirm({
      title: `确认拨付 ${v.amount_yuan} 元？`,
      content: <span data-testid="pay-confirm">向「{props.d.enterprise.name}」拨付 {v.amount_yuan} 元（凭证 {v.voucher_no}）。{props.step?.confirm}</span>,
      okText: '确认拨付',
      cancelText: '取消',
    });
    if (!sure) return;
    setBusy(true);
    setError(null);
    try {
      const r = await pay({ claim_id: props.d.claim.id, ...v, note: v.note || null, override_reason: v.override_reason?.trim() || null, opinion: v.opinion?.trim() || null });
      message.success(`已登记拨付 ${v.amount_yuan} 元${r.claim.status === 'paid' ? '，申请已全额拨付' : ''}`);
      props.onError(null);
      props.onClose();
    } catch (e) {
      showFieldErrors(form, e);
      setError(errorText(e));
      if (e instanceof ApiError && e.code === 'SANCTIONED') setSanctioned(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`登记拨付（批准 ${yuan(props.d.claim.approved_fen)} 元，未拨付 ${yuan(open)} 元）`} open={props.open} onCancel={props.onClose} onOk={() => void ok()} okText="登记拨付" confirmLoading={busy} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="pay-error" />}
      <Form form={form} layout="vertical">
        <Form.Item name="pay_date" label="拨付日期" rules={[{ required: true, message: '必填' }, DATE_RULE]}>
          <Input placeholder="YYYY-MM-DD" />
        </Form.Item>
        <Form.Item name="amount_yuan" label="拨付金额（元）" rules={[{ required: true, message: '必填' }, { pattern: /^\d+(\.\d{1,2})?$/, message: '金额（元），最多两位小数' }]}>
          <Input className="num" />
        </Form.Item>
        <Form.Item name="voucher_no" label="拨付凭证号" rules={[{ required: true, message: '必填' }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="opinion" label="审核意见">
          <Input maxLength={500} />
        </Form.Item>
        {sanctioned && props.admin && (
          <Form.Item name="override_reason" label="例外说明（管理员在处理期内例外拨付，记入审计日志）" rules={[{ required: true, whitespace: true, message: '必填：说明为何在处理期内仍予拨付' }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        )}
        {sanctioned && !props.admin && <Typography.Paragraph type="secondary">处理期内只有管理员可以填写例外说明后拨付。</Typography.Paragraph>}
      </Form>
      <Typography.Text type="secondary">支付方式：{PAYMENT_LABEL.transfer}（财政资金拨付到企业对公账户）</Typography.Text>
    </Modal>
  );
}
