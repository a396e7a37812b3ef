import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Statistic, Table, Tag, Typography, App } from 'antd';
import { CalculatorOutlined, SaveOutlined } from '@ant-design/icons';
import { call } from '../../api/client';
import { useTowns, type Assessment, type TownEvaluation } from '../../stores/towns';
import { useApp, hasRole } from '../../stores/app';
import { errorText } from '../../components/errors';
import { iso, day, setIssues, today } from './shared';

type CriterionRow = TownEvaluation['criteria'][number];

export const CRITERION_STATUS: Record<string, { color: string; text: string }> = {
  pass: { color: 'green', text: '符合' },
  fail: { color: 'red', text: '不符合' },
  missing: { color: 'default', text: '缺数据' },
};
export const KIND_LABEL: Record<string, string> = { threshold: '阈值', growth: '增速', tier: '梯度备选', veto: '否决项' };
const PROPOSAL_STATUS: Record<string, string> = { pending: '待处理', applied: '已执行', dismissed: '不执行' };

/** Evaluate against a rule set (every criterion with the figures used), save as the year's 考核结果, decide proposals. */
export function AssessmentTab({ townId }: { townId: number }) {
  const { ruleSets, loadRuleSets, assessments, loadAssessments, refreshDetail, codes } = useTowns();
  const role = useApp((s) => s.status?.session.user?.role);
  const [ruleSetId, setRuleSetId] = useState<number | null>(null);
  const [year, setYear] = useState(new Date().getFullYear() - 1);
  const [result, setResult] = useState<TownEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deciding, setDeciding] = useState<{ a: Assessment; decision: 'apply' | 'dismiss' } | null>(null);
  const [form] = Form.useForm();
  const [decideError, setDecideError] = useState<string | null>(null);
  const { message } = App.useApp();

  useEffect(() => {
    void loadRuleSets().then((rs) => setRuleSetId((cur) => cur ?? rs[0]?.id ?? null));
    void loadAssessments(townId);
  }, [townId, loadRuleSets, loadAssessments]);

  const evaluate = async () => {
    if (!ruleSetId) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await call('town:evaluate', { townId, year, ruleSetId }));
    } catch (e) {
      setResult(null);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!ruleSetId) return;
    try {
      const a = await call('town:saveAssessment', { townId, year, ruleSetId });
      message.success(a.proposed_action ? `已保存考核结果；建议「${codes?.transitions[a.proposed_action].label}」，待审核人决定` : '已保存考核结果');
      await loadAssessments(townId);
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const decide = async () => {
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setDecideError(null);
    try {
      await call('town:decideProposal', {
        assessment_id: deciding!.a.id,
        decision: deciding!.decision,
        date: iso(v.date)!,
        doc_no: v.doc_no || null,
        reason: v.reason,
        level: v.level ?? null,
        designation: v.valid_from ? { bodies: v.bodies ?? [], valid_from: iso(v.valid_from)! } : null,
      });
      message.success(deciding!.decision === 'apply' ? '已执行建议的状态变更' : '已记录不执行');
      setDeciding(null);
      await Promise.all([loadAssessments(townId), refreshDetail()]);
    } catch (e) {
      setIssues(form, e);
      setDecideError(errorText(e));
    }
  };

  const ruleName = (id: number) => {
    const r = ruleSets.find((x) => x.id === id);
    return r ? `${r.name}（第 ${r.version} 版）` : `规则 ${id}`;
  };

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          评价规则
          <Select
            aria-label="评价规则"
            style={{ width: 460 }}
            value={ruleSetId ?? undefined}
            onChange={setRuleSetId}
            options={ruleSets.map((r) => ({ value: r.id, label: `${r.name}（第 ${r.version} 版）` }))}
          />
          年度
          <InputNumber aria-label="考核年度" value={year} min={1990} max={new Date().getFullYear()} onChange={(v) => v && setYear(v)} style={{ width: 100 }} />
          <Button type="primary" icon={<CalculatorOutlined />} loading={busy} onClick={() => void evaluate()}>
            评价
          </Button>
          {result && hasRole(role, 'reviewer') && (
            <Button icon={<SaveOutlined />} onClick={() => void save()}>
              保存为考核结果
            </Button>
          )}
        </Space>
      </Card>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {result && (
        <Card size="small" title={`${result.town.name} ${result.year} 年度评价 — ${result.ruleSet.name}（第 ${result.ruleSet.version} 版）`} style={{ marginBottom: 16 }} data-testid="evaluation">
          <Space size="large" style={{ marginBottom: 12 }} wrap>
            <Statistic title="得分" value={result.score} precision={1} />
            <Statistic title="等级" value={result.grade ?? '资料不全'} />
            <Statistic
              title="结论"
              value={result.passed === null ? '待补数据' : result.passed ? '符合' : '不符合'}
              valueStyle={{ color: result.passed === null ? '#8c8c8c' : result.passed ? '#389e0d' : '#cf1322' }}
            />
            {result.vetoed && <Tag color="red">触发否决项</Tag>}
            {result.proposal && <Tag color="orange">建议：{result.proposal.label}</Tag>}
          </Space>
          {result.missing.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={`缺少数据（按缺失处理，不按 0 计）：${result.missing.map((m) => `${m.year} 年${m.name}`).join('、')}`}
            />
          )}
          <Table<CriterionRow>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={result.criteria}
            columns={[
              { title: '序号', key: 'i', width: 56, render: (_, __, i) => i + 1 },
              {
                title: '标准',
                dataIndex: 'label',
                render: (v: string, r) => (
                  <div>
                    {v}
                    {r.required && r.kind !== 'veto' && <Tag style={{ marginLeft: 4 }}>必须</Tag>}
                    <div className="muted" style={{ fontSize: 12 }}>
                      {r.detail}
                    </div>
                  </div>
                ),
              },
              { title: '类型', dataIndex: 'kind', width: 90, render: (v: string) => KIND_LABEL[v] ?? v },
              { title: '结果', dataIndex: 'status', width: 90, render: (v: string) => <Tag color={CRITERION_STATUS[v]!.color}>{CRITERION_STATUS[v]!.text}</Tag> },
              { title: '权重', dataIndex: 'weight', width: 70, align: 'right', render: (v: number, r) => (r.kind === 'veto' ? '—' : v) },
              { title: '得分', dataIndex: 'points', width: 70, align: 'right', render: (v: number, r) => (r.kind === 'veto' ? '—' : v) },
            ]}
          />
        </Card>
      )}
      <Card size="small" title="已保存的考核结果">
        <Table<Assessment>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={assessments}
          locale={{ emptyText: '尚无考核结果' }}
          columns={[
            { title: '年度', dataIndex: 'year', width: 70 },
            { title: '评价规则', dataIndex: 'rule_set_id', render: (v: number) => ruleName(v) },
            { title: '得分', dataIndex: 'score', width: 70, align: 'right' },
            { title: '等级', dataIndex: 'grade', width: 80, render: (v: string | null) => v ?? '资料不全' },
            { title: '结论', dataIndex: 'passed', width: 80, render: (v: 0 | 1 | null) => (v === null ? '—' : v ? <Tag color="green">符合</Tag> : <Tag color="red">不符合</Tag>) },
            {
              title: '建议',
              key: 'proposal',
              render: (_, a) =>
                a.proposed_action ? (
                  <Space>
                    <Tag color="orange">{codes?.transitions[a.proposed_action].label}</Tag>
                    <span>{PROPOSAL_STATUS[a.proposal_status ?? ''] ?? ''}</span>
                    {a.proposal_status === 'pending' && hasRole(role, 'reviewer') && (
                      <>
                        <Button size="small" type="primary" onClick={() => (form.resetFields(), form.setFieldsValue({ date: day(today()) }), setDecideError(null), setDeciding({ a, decision: 'apply' }))}>
                          执行
                        </Button>
                        <Button size="small" onClick={() => (form.resetFields(), form.setFieldsValue({ date: day(today()) }), setDecideError(null), setDeciding({ a, decision: 'dismiss' }))}>
                          不执行
                        </Button>
                      </>
                    )}
                  </Space>
                ) : (
                  <span className="muted">无</span>
                ),
            },
            { title: '保存', dataIndex: 'created_at', width: 170, render: (v: string, a) => `${v.slice(0, 10)} ${a.created_by}` },
          ]}
        />
      </Card>
      <Modal
        open={!!deciding}
        title={deciding ? `${deciding.decision === 'apply' ? '执行' : '不执行'}建议：${codes?.transitions[deciding.a.proposed_action!].label}` : ''}
        onCancel={() => setDeciding(null)}
        onOk={() => void decide()}
        okText="确定"
        cancelText="取消"
        destroyOnHidden
      >
        {decideError && <Alert type="error" showIcon title={decideError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker format="YYYY-MM-DD" />
          </Form.Item>
          {deciding?.decision === 'apply' && (
            <Form.Item name="doc_no" label="文号">
              <Input />
            </Form.Item>
          )}
          {deciding?.decision === 'apply' && deciding.a.proposed_action === 'downgrade' && (
            <>
              <Form.Item name="level" label="降为级别" rules={[{ required: true, message: '请选择' }]}>
                <Select options={Object.entries(codes?.level ?? {}).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
              <Form.Item name="bodies" label="认定机构" rules={[{ required: true, message: '请填写' }]}>
                <Select mode="tags" open={false} />
              </Form.Item>
              <Form.Item name="valid_from" label="新有效期起" rules={[{ required: true, message: '请选择' }]}>
                <DatePicker format="YYYY-MM-DD" />
              </Form.Item>
            </>
          )}
          <Form.Item name="reason" label={deciding?.decision === 'apply' ? '事由' : '不执行的理由'} rules={[{ required: true, message: '请填写' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

