import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, List, Progress, Radio, Result, Select, Space, Typography } from 'antd';
import type { CheckFailure } from '../../../../db/types';
import type { JobProgress } from '../../api/client';
import { ApiError } from '../../api/client';
import { exchange } from '../../stores/exchange';
import { hasRole, useApp } from '../../stores/app';
import { errorText } from '../../components/errors';
import { PeriodPicker, StatusTag, officeAbove, thisYear } from './common';

type Kind = 'report' | 'rules' | 'checkout' | 'checkin' | 'backup';
const KIND_HELP: Record<Kind, string> = {
  report: '本单位某一报送期的报表数据，报给上级单位（先运行审核公式）。',
  rules: '本单位制定的规则表、评价规则和代码表，下发给下级单位（对方只读）。',
  checkout: '领出一个专业镇或一家企业的记录，带到外勤笔记本上的台账中修改。',
  checkin: '外勤笔记本上的台账把修改交回本单位的主台账。',
  backup: '整本台账，用于迁移到新电脑上的本单位台账。',
};

/** 上报/导出: choose what goes out, run 审核公式 for a report, explain each failure, then save the signed .cxpkg. */
export function ExportPage() {
  const { message } = App.useApp();
  const office = useApp((s) => s.status?.office);
  const role = useApp((s) => s.status?.session.user?.role);
  const [kind, setKind] = useState<Kind>('report');
  const [to, setTo] = useState('');
  const [period, setPeriod] = useState(String(thisYear() - 1));
  const [scope, setScope] = useState<'town' | 'enterprise'>('town');
  const [scopeGid, setScopeGid] = useState<string | undefined>();
  const [towns, setTowns] = useState<Array<{ value: string; label: string }>>([]);
  const [ents, setEnts] = useState<Array<{ value: string; label: string }>>([]);
  const [encrypt, setEncrypt] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [checks, setChecks] = useState<{ status: string; status_label: string; checks: CheckFailure[] } | null>(null);
  const [explanations, setExplanations] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const own = office?.region_code ?? '';
  useEffect(() => {
    if (!office) return;
    setTo(kind === 'report' ? officeAbove(office.region_code, office.level) : kind === 'rules' ? '' : office.region_code);
    setChecks(null);
    setSaved(null);
    setError(null);
  }, [kind, office]);
  useEffect(() => {
    setChecks(null);
    setSaved(null);
  }, [period]);
  useEffect(() => {
    if (kind !== 'checkout') return;
    void exchange.towns().then((r) => setTowns(r.map((t) => ({ value: t.gid, label: t.name }))));
    void exchange.enterprises('').then((r) => setEnts(r.rows.map((e) => ({ value: e.gid, label: `${e.name}（${e.uscc}）` }))));
  }, [kind]);

  /** The checks, with the 出错说明 a lower office already sent filled in (each still editable). */
  const loadChecks = async () => {
    const r = await exchange.checks(period);
    setChecks(r);
    setExplanations((typed) => ({ ...Object.fromEntries(r.checks.filter((c) => c.explanation).map((c) => [c.id, c.explanation!])), ...typed }));
  };
  const runChecks = async () => {
    setError(null);
    setBusy(true);
    try {
      await loadChecks();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const unexplained = checks ? checks.checks.filter((c) => (explanations[c.id] ?? '').trim().length < 2) : [];
  const ready = kind !== 'report' || (checks !== null && unexplained.length === 0);

  const doExport = async () => {
    setError(null);
    setSaved(null);
    setBusy(true);
    setProgress({ done: 0, total: null, phase: '准备数据' });
    try {
      const explained = Object.fromEntries((checks?.checks ?? []).map((c) => [c.id, explanations[c.id]!.trim()]));
      const name = await exchange.exportPackage(
        {
          kind,
          to,
          period: kind === 'report' ? period : null,
          passphrase: encrypt ? passphrase : null,
          explanations: kind === 'report' ? explained : {},
          town_gid: kind === 'checkout' && scope === 'town' ? scopeGid : null,
          enterprise_gid: kind === 'checkout' && scope === 'enterprise' ? scopeGid : null,
        },
        setProgress,
      );
      setSaved(name);
      message.success(`已导出 ${name}`);
      if (kind === 'report') await loadChecks();
    } catch (e) {
      setError(errorText(e));
      if (e instanceof ApiError && e.code === 'CHECKS_FAILED') await loadChecks();
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const markReviewed = async () => {
    try {
      const explained = Object.fromEntries((checks?.checks ?? []).map((c) => [c.id, (explanations[c.id] ?? '').trim()]));
      await exchange.review(period, explained);
      await loadChecks();
      message.success('已标记为"已审核"');
    } catch (e) {
      setError(errorText(e));
    }
  };

  const kinds: Array<{ value: Kind; label: string }> = [
    ...(office?.level !== 'province' ? [{ value: 'report' as const, label: '上报' }] : []),
    ...(office?.level !== 'county' ? [{ value: 'rules' as const, label: '下发规则' }] : []),
    // 谁可以导出什么 (docs/exchange-format.md): handing records out is a 审核人's call; a 录入员's 外勤交回 is refused
    // by the service while it would carry 身份证号.
    ...(hasRole(role, 'reviewer') ? [{ value: 'checkout' as const, label: '外勤领出' }] : []),
    { value: 'checkin', label: '外勤交回' },
    ...(hasRole(role, 'admin') ? [{ value: 'backup' as const, label: '完整备份' }] : []),
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 960 }}>
      <Typography.Title level={3}>上报/导出</Typography.Title>
      <Card>
        <Form layout="horizontal" labelCol={{ flex: '110px' }}>
          <Form.Item label="交换包类型" extra={KIND_HELP[kind]}>
            <Radio.Group optionType="button" buttonStyle="solid" value={kind} onChange={(e) => setKind(e.target.value as Kind)} options={kinds} />
          </Form.Item>
          <Form.Item label="接收单位" extra={kind === 'report' ? '上级单位的 6 位行政区划代码' : kind === 'rules' ? '下级单位的 6 位行政区划代码' : '本单位的另一本台账'}>
            <Input aria-label="接收单位代码" style={{ width: 200 }} maxLength={6} value={to} disabled={kind !== 'report' && kind !== 'rules'} onChange={(e) => setTo(e.target.value.replace(/\D/g, ''))} />
          </Form.Item>
          {kind === 'report' && (
            <Form.Item label="报送期">
              <PeriodPicker value={period} onChange={setPeriod} />
            </Form.Item>
          )}
          {kind === 'checkout' && (
            <Form.Item label="领出范围">
              <Space>
                <Radio.Group value={scope} onChange={(e) => (setScope(e.target.value as 'town' | 'enterprise'), setScopeGid(undefined))} options={[{ value: 'town', label: '一个专业镇' }, { value: 'enterprise', label: '一家企业' }]} />
                <Select
                  aria-label="领出对象"
                  style={{ width: 360 }}
                  value={scopeGid}
                  onChange={setScopeGid}
                  options={scope === 'town' ? towns : ents}
                  showSearch={scope === 'town' ? { optionFilterProp: 'label' } : { filterOption: false, onSearch: (q) => void exchange.enterprises(q).then((r) => setEnts(r.rows.map((e) => ({ value: e.gid, label: `${e.name}（${e.uscc}）` })))) }}
                  placeholder={scope === 'town' ? '选择专业镇' : '输入企业名称、代码或拼音首字母'}
                />
              </Space>
            </Form.Item>
          )}
          <Form.Item label="加密">
            <Space>
              <Checkbox checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)}>
                用口令加密数据
              </Checkbox>
              {encrypt && <Input.Password aria-label="加密口令" placeholder="至少 8 个字符，另行告知对方" style={{ width: 260 }} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />}
            </Space>
          </Form.Item>
        </Form>
      </Card>

      {kind === 'report' && (
        <Card
          title="审核公式"
          extra={checks && <span>本单位状态：<StatusTag status={checks.status} label={checks.status_label} /></span>}
          data-testid="checks-card"
        >
          {!checks && (
            <Button type="primary" onClick={runChecks} loading={busy}>
              运行审核公式
            </Button>
          )}
          {checks && checks.checks.length === 0 && <Alert type="success" showIcon title="审核公式全部通过，可以导出" />}
          {checks && checks.checks.length > 0 && (
            <>
              <Alert
                type={unexplained.length ? 'warning' : 'info'}
                showIcon
                title={unexplained.length ? `审核公式未通过 ${checks.checks.length} 项：请修正数据，或逐项填写出错说明（随包报给上级）` : `${checks.checks.length} 项未通过的审核公式均已填写出错说明`}
                style={{ marginBottom: 12 }}
              />
              <List
                data-testid="check-list"
                dataSource={checks.checks}
                renderItem={(c, i) => (
                  <List.Item>
                    <div style={{ width: '100%' }}>
                      <Typography.Text strong>
                        {i + 1}. {c.message}
                      </Typography.Text>
                      {c.explained_by && (
                        <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                          （出错说明由下级单位 {c.explained_by} 随上报包填写）
                        </Typography.Text>
                      )}
                      <Input.TextArea
                        aria-label={`出错说明 ${i + 1}`}
                        style={{ marginTop: 6 }}
                        autoSize={{ minRows: 1, maxRows: 4 }}
                        maxLength={500}
                        placeholder="出错说明：写明原因，如“该镇 2025 年统计口径调整，数据待统计局核定”"
                        value={explanations[c.id] ?? ''}
                        status={(explanations[c.id] ?? '').trim().length >= 2 ? undefined : 'warning'}
                        onChange={(e) => setExplanations({ ...explanations, [c.id]: e.target.value })}
                      />
                    </div>
                  </List.Item>
                )}
              />
            </>
          )}
          {checks && (
            <Space style={{ marginTop: 12 }}>
              <Button onClick={runChecks} disabled={busy}>
                重新审核
              </Button>
              {hasRole(role, 'reviewer') && checks.status === 'draft' && (
                <Button onClick={markReviewed} disabled={busy || !ready}>
                  标记为已审核
                </Button>
              )}
            </Space>
          )}
        </Card>
      )}

      {error && <Alert type="error" showIcon title={error} />}
      {progress && <Progress percent={progress.total ? Math.round((progress.done / progress.total) * 100) : 30} status="active" format={() => progress.phase} />}
      {saved && <Result status="success" title="交换包已导出" subTitle={`${saved}：请将此文件通过 U 盘或附件交给${kind === 'report' ? '上级单位' : '接收方'}。`} data-testid="export-done" />}
      <Space>
        <Button
          type="primary"
          size="large"
          onClick={doExport}
          loading={busy}
          disabled={!ready || !/^\d{6}$/.test(to) || (encrypt && passphrase.length < 8) || (kind === 'checkout' && !scopeGid)}
        >
          导出并保存交换包
        </Button>
        {kind === 'report' && !ready && <Typography.Text type="secondary">{checks ? `还有 ${unexplained.length} 项未填写出错说明` : '请先运行审核公式'}</Typography.Text>}
        {own && kind !== 'report' && kind !== 'rules' && <Typography.Text type="secondary">接收方为本单位（{own}）的另一本台账</Typography.Text>}
      </Space>
    </Space>
  );
}
