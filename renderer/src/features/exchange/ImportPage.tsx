import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Descriptions, Input, Progress, Radio, Result, Space, Table, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { OpOutput } from '../../../../db/api';
import type { Conflict, ConsolidateRow, Merge, TableSummary } from '../../../../db/types';
import { ApiError, type JobProgress } from '../../api/client';
import { exchange, readPackageFile, type PackageFile } from '../../stores/exchange';
import { hasRole, useApp } from '../../stores/app';
import { Fingerprint, LEVEL_LABEL, when } from './common';

type Verified = OpOutput<'exchange:verify'>;
type Diff = OpOutput<'exchange:dryRun'>;
type Choice = 'mine' | 'theirs';
const OUTCOMES = [
  ['added', '新增', 'green'],
  ['updated', '更新', 'blue'],
  ['unchanged', '无变化', 'default'],
  ['deleted', '删除', 'orange'],
  ['merged', '合并到已有企业', 'purple'],
] as const;

const KEY_TAG = { pinned: ['已信任', 'green'], new: ['首次出现', 'orange'], changed: ['密钥已更换', 'red'], retired: ['已停用的密钥', 'red'] } as const;
const day = (iso: string | null) => (iso ? when(iso) : '—');

/**
 * 密钥已更换 / 已停用: loud, naming the new and old fingerprints and who trusted the old one when. An administrator
 * re-trusts after comparing the new fingerprint with the sender (a reason is required and audited); others are told
 * to ask one. Nothing can be imported meanwhile.
 */
function KeyChangeAlert(props: { verified: Verified; pkg: PackageFile; isAdmin: boolean; passphrase: string; onRetrusted(v: Verified): void }) {
  const { message } = App.useApp();
  const { verified: v } = props;
  const [fp, setFp] = useState('');
  const [reason, setReason] = useState('');
  const [keepOld, setKeepOld] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const m = v.manifest;
  const who = v.key.own_office ? `本单位另一台账（外勤笔记本）${m.sender.name}` : `${m.sender.name}（${m.sender.office_code}）`;
  if (v.key.status === 'retired') {
    const r = v.key.retired!;
    return (
      <Alert
        type="error"
        showIcon
        style={{ marginTop: 12 }}
        data-testid="key-change-alert"
        title={`${who}的这个密钥已停用，不接受它签名的交换包`}
        description={`${day(r.retired_at)} 由 ${r.retired_by} 停用，原因：${r.retired_reason ?? '—'}。请对方用现在的密钥重新导出。`}
      />
    );
  }
  const retrust = async () => {
    setError(null);
    setBusy(true);
    try {
      await exchange.retrust(props.pkg, { fingerprint: fp, reason, keep_old: keepOld });
      message.success('已重新信任新密钥，旧密钥已停用并保留记录');
      props.onRetrusted(await exchange.verify(props.pkg, props.passphrase || undefined));
    } catch (e) {
      setError(problem(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginTop: 12 }}
      data-testid="key-change-alert"
      title={`警告：${who}的签名密钥已更换，已停止导入`}
      description={
        <Space orientation="vertical" style={{ width: '100%' }}>
          <span>这个包用新的密钥签名，与本台账信任的密钥不同。可能是伪造的包；也可能是对方重装了系统或更换了电脑。在核实之前不能导入。</span>
          <div>
            新密钥指纹：<Fingerprint value={v.fingerprint} size="large" />
          </div>
          {v.key.trusted.map((p) => (
            <div key={p.id}>
              已信任的原密钥：<Fingerprint value={p.fingerprint} />（{day(p.pinned_at)} 由 {p.pinned_by} 确认信任）
            </div>
          ))}
          {props.isAdmin ? (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <span>请打电话给对方，请对方打开「数据交换 → 本单位密钥」读出新指纹，逐组核对后输入，并写明原因。确认后旧密钥停用（保留记录），此操作记入审计日志。</span>
              <Input aria-label="核对的新指纹" placeholder="对方读出的新指纹，如 AC74 0C45 …" value={fp} onChange={(e) => setFp(e.target.value)} style={{ maxWidth: 480 }} />
              <Input.TextArea aria-label="重新信任的原因" placeholder="原因（至少 4 个字），如：对方重装系统后更换了密钥，已电话核对" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} style={{ maxWidth: 480 }} />
              {v.key.own_office && (
                <Checkbox checked={keepOld} onChange={(e) => setKeepOld(e.target.checked)}>
                  这是另一台外勤笔记本（保留原有密钥，不停用）
                </Checkbox>
              )}
              {error && <Typography.Text type="danger" data-testid="retrust-error">{error}</Typography.Text>}
              <Button danger type="primary" loading={busy} disabled={!fp.trim() || reason.trim().length < 4} onClick={retrust}>
                重新信任新密钥
              </Button>
            </Space>
          ) : (
            <Typography.Text strong>只有管理员可以在核对新指纹后重新信任此密钥：请联系管理员。</Typography.Text>
          )}
        </Space>
      }
    />
  );
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? <Typography.Text type="secondary">（空）</Typography.Text> : String(v));
const problem = (e: unknown) => (e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'ERROR', message: e instanceof Error ? e.message : String(e) });

/** 装入数据包: verify → confirm an unknown key → dry run with the diff and conflict choices → apply or cancel. */
export function ImportPage() {
  const { message } = App.useApp();
  const role = useApp((s) => s.status?.session.user?.role);
  const [files, setFiles] = useState<File[]>([]);
  const [pkg, setPkg] = useState<PackageFile | null>(null);
  const [verified, setVerified] = useState<Verified | null>(null);
  const [pin, setPin] = useState(false);
  const [force, setForce] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [diff, setDiff] = useState<Diff | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [applied, setApplied] = useState<Diff | null>(null);
  const [consolidated, setConsolidated] = useState<{ rows: ConsolidateRow[]; applied: number; refused: number } | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [busy, setBusy] = useState(false);

  // Picking a file keeps a passphrase typed before it; 重新选择 clears everything.
  const reset = (keepPassphrase = false) => {
    setFiles([]);
    setPkg(null);
    setVerified(null);
    setPin(false);
    setForce(false);
    if (!keepPassphrase) setPassphrase('');
    setDiff(null);
    setChoices({});
    setApplied(null);
    setConsolidated(null);
    setError(null);
  };
  const guard = async (fn: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const verify = () =>
    guard(async () => {
      setDiff(null);
      setApplied(null);
      if (files.length === 1) {
        const f = await readPackageFile(files[0]!);
        setPkg(f);
        setVerified(null);
        setVerified(await exchange.verify(f, passphrase || undefined));
      } else {
        const all = await Promise.all(files.map(readPackageFile));
        setProgress({ done: 0, total: all.length, phase: '开始汇总' });
        setConsolidated(await exchange.consolidate(all, { pin, force }, setProgress));
      }
    });
  const opts = () => ({ pin: pin && verified ? verified.fingerprint : undefined, force, passphrase: passphrase || undefined, choices });
  const dryRun = () =>
    guard(async () => {
      setProgress({ done: 0, total: null, phase: '试导入' });
      const r = await exchange.dryRun(pkg!, opts(), setProgress);
      setDiff(r);
      setChoices(Object.fromEntries(r.conflicts.filter((c) => c.choice).map((c) => [c.gid, c.choice!])));
    });
  const apply = () =>
    guard(async () => {
      setProgress({ done: 0, total: null, phase: '导入' });
      const r = await exchange.apply(pkg!, opts(), setProgress);
      setApplied(r);
      setDiff(null);
      message.success(r.message);
    });

  const passphraseError = error?.code === 'NEEDS_PASSPHRASE' || error?.code === 'BAD_PASSPHRASE';
  const conflicts = diff?.conflicts ?? [];
  const unresolved = conflicts.filter((c) => !choices[c.gid]).length;
  const m = verified?.manifest;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>装入数据包</Typography.Title>
      <Card>
        <Upload.Dragger
          multiple
          accept=".cxpkg"
          fileList={files.map((f, i) => ({ uid: String(i), name: f.name, status: 'done' as const }))}
          beforeUpload={(f, list) => {
            if (f === list[0]) {
              reset(true);
              setFiles(list as unknown as File[]);
            }
            return false;
          }}
          onRemove={(f) => setFiles(files.filter((_, i) => String(i) !== f.uid))}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">点击或拖入交换包（.cxpkg）</p>
          <p className="ant-upload-hint">选择一个文件：先校验、试导入，确认后再写入。选择多个文件：按发送单位和序号依次汇总导入，每个包单独成事务。</p>
        </Upload.Dragger>
        <Space style={{ marginTop: 12 }} wrap>
          <Space.Compact>
            <Space.Addon>解密口令</Space.Addon>
            <Input.Password
              aria-label="解密口令"
              placeholder="加密包的口令（如有）"
              style={{ width: 240 }}
              value={passphrase}
              status={passphraseError ? 'error' : undefined}
              onChange={(e) => setPassphrase(e.target.value)}
            />
          </Space.Compact>
          {files.length > 1 && (
            <Checkbox checked={pin} onChange={(e) => setPin(e.target.checked)}>
              信任首次出现的发送单位密钥（请先逐个核对指纹）
            </Checkbox>
          )}
          {hasRole(role, 'admin') && (files.length > 1 || error?.code === 'REPLAY') && (
            <Checkbox checked={force} onChange={(e) => setForce(e.target.checked)}>
              强制导入旧序号的包（重放）
            </Checkbox>
          )}
          <Button type="primary" disabled={!files.length || busy} loading={busy && !diff && !verified} onClick={verify}>
            {files.length > 1 ? `汇总导入 ${files.length} 个包` : '校验'}
          </Button>
          {(pkg || consolidated) && <Button onClick={() => reset()}>重新选择</Button>}
        </Space>
      </Card>

      {progress && <Progress data-testid="import-progress" percent={progress.total ? Math.round((progress.done / progress.total) * 100) : 40} status="active" format={(p) => `${progress.phase} ${p}%`} />}
      {error && (
        <Alert
          type="error"
          showIcon
          data-testid="import-error"
          title={error.message}
          description={error.code === 'REPLAY' && !hasRole(role, 'admin') ? '只有管理员可以强制导入旧序号的包。' : undefined}
        />
      )}

      {verified && m && (
        <Card title="校验结果" data-testid="verify-card">
          <Alert type="success" showIcon title={`签名有效，${verified.parts.length} 个部分的 SHA-256 全部一致`} style={{ marginBottom: 12 }} />
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label="类型">
              {{ report: '上报', receipt: '回执', return: '退回', rules: '下发', checkout: '外勤领出', checkin: '外勤交回', backup: '完整备份' }[m.kind]}
              {m.period ? `（报送期 ${m.period}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="序号">第 {m.sequence} 号</Descriptions.Item>
            <Descriptions.Item label="发送单位">
              {m.sender.name}（{LEVEL_LABEL[m.sender.level]} {m.sender.office_code}）
            </Descriptions.Item>
            <Descriptions.Item label="接收单位">
              {m.receiver.name}（{m.receiver.office_code}）
            </Descriptions.Item>
            <Descriptions.Item label="生成时间">{when(m.created_at)}</Descriptions.Item>
            <Descriptions.Item label="数据">{Object.entries(m.tables).reduce((a, [, n]) => a + n, 0)} 条记录，{Object.keys(m.tables).length} 张表{m.encryption ? '（已加密）' : ''}</Descriptions.Item>
            <Descriptions.Item label="签名密钥指纹" span={2}>
              <Fingerprint value={verified.fingerprint} /> <Tag color={KEY_TAG[verified.key.status][1]}>{KEY_TAG[verified.key.status][0]}</Tag>
            </Descriptions.Item>
          </Descriptions>
          {(verified.key.status === 'changed' || verified.key.status === 'retired') && !applied && (
            <KeyChangeAlert verified={verified} pkg={pkg!} isAdmin={hasRole(role, 'admin')} onRetrusted={(v) => setVerified(v)} passphrase={passphrase} />
          )}
          {verified.key.status === 'new' && verified.key.own_office && !hasRole(role, 'admin') && !applied && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              data-testid="pin-alert"
              title="首次收到本单位另一台账（外勤笔记本）的交换包"
              description={
                <Space orientation="vertical">
                  <span>它的数据将写回本台账，须由管理员与台账持有人核对下面的指纹后确认信任。请联系管理员。</span>
                  <Fingerprint value={verified.fingerprint} size="large" />
                </Space>
              }
            />
          )}
          {verified.key.status === 'new' && (!verified.key.own_office || hasRole(role, 'admin')) && !applied && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              data-testid="pin-alert"
              title={`首次收到 ${m.sender.name} 的交换包`}
              description={
                <Space orientation="vertical">
                  <span>请打电话给对方，请对方打开「数据交换 → 本单位密钥」，逐组核对下面的指纹。完全一致才能信任，否则可能是伪造的包。</span>
                  <Fingerprint value={verified.fingerprint} size="large" />
                  <Checkbox checked={pin} onChange={(e) => setPin(e.target.checked)}>
                    已与对方核对，指纹一致，信任此密钥
                  </Checkbox>
                </Space>
              }
            />
          )}
          {!diff && !applied && (
            <Space style={{ marginTop: 12 }}>
              <Button type="primary" onClick={dryRun} loading={busy} disabled={!verified.pinned && !(pin && verified.key.status === 'new')}>
                试导入（不写入）
              </Button>
            </Space>
          )}
        </Card>
      )}

      {diff && (
        <Card title="试导入结果：以下改动尚未写入" data-testid="diff-card">
          {diff.alreadyApplied ? (
            <Alert type="info" showIcon title={diff.message} data-testid="already-applied" />
          ) : (
            <>
              <DiffTable tables={diff.tables} />
              {diff.explanations.length > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginTop: 12 }}
                  title={`发送单位对 ${diff.explanations.length} 项未通过的审核公式的出错说明`}
                  description={
                    <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="explanations">
                      {diff.explanations.map((e) => (
                        <li key={e.id}>
                          {e.message}：<b>{e.explanation}</b>
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
              {diff.comments.length > 0 && (
                <Alert
                  type="error"
                  showIcon
                  style={{ marginTop: 12 }}
                  title="上级退回意见"
                  description={
                    <ul style={{ margin: 0, paddingLeft: 18 }}>
                      {diff.comments.map((c, i) => (
                        <li key={i}>{c.comment}</li>
                      ))}
                    </ul>
                  }
                />
              )}
              {diff.warnings.map((w) => (
                <Alert key={w} type="warning" showIcon title={w} style={{ marginTop: 12 }} />
              ))}
              {diff.merges.length > 0 && <Merges merges={diff.merges} />}
              {conflicts.length > 0 && <Conflicts conflicts={conflicts} theirs={`对方（${diff.package.kind_label}包）`} choices={choices} setChoices={setChoices} />}
            </>
          )}
          <Space style={{ marginTop: 16 }}>
            {!diff.alreadyApplied && (
              <Button type="primary" onClick={apply} loading={busy} disabled={unresolved > 0 || !hasRole(role, 'reviewer')}>
                确认导入
              </Button>
            )}
            <Button onClick={() => reset()} disabled={busy}>
              {diff.alreadyApplied ? '关闭' : '取消（不导入）'}
            </Button>
            {unresolved > 0 && <Typography.Text type="danger">还有 {unresolved} 条冲突记录未选择</Typography.Text>}
            {!hasRole(role, 'reviewer') && <Typography.Text type="secondary">导入需要审核人权限</Typography.Text>}
          </Space>
        </Card>
      )}

      {applied && (
        <Result
          status="success"
          data-testid="import-done"
          title={applied.message}
          subTitle={`${applied.package.sender.name} · ${applied.package.kind_label}${applied.package.period ? ` · ${applied.package.period}` : ''}`}
          extra={<DiffTable tables={applied.tables} />}
        />
      )}

      {consolidated && (
        <Card title={`汇总导入完成：成功 ${consolidated.applied} 个，拒绝 ${consolidated.refused} 个`} data-testid="consolidate-card">
          <Table<ConsolidateRow>
            rowKey={(r) => r.file}
            size="small"
            pagination={false}
            dataSource={consolidated.rows}
            columns={[
              { title: '发送单位', render: (_, r) => (r.sender_name ? `${r.sender_name}（${r.sender}）` : r.file.split(/[\\/]/).pop()) },
              { title: '序号', dataIndex: 'sequence', width: 70 },
              { title: '报送期', dataIndex: 'period', width: 90 },
              { title: '结果', dataIndex: 'result', width: 90, render: (r: string) => <Tag color={r === 'applied' ? 'green' : r === 'already' ? 'default' : 'red'}>{{ applied: '已导入', already: '已导入过', refused: '拒绝' }[r]}</Tag> },
              { title: '新增', dataIndex: 'added', width: 70 },
              { title: '更新', dataIndex: 'updated', width: 70 },
              { title: '说明', dataIndex: 'message' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

function DiffTable({ tables }: { tables: TableSummary[] }) {
  return (
    <Table<TableSummary>
      rowKey="table"
      size="small"
      pagination={false}
      data-testid="diff-table"
      dataSource={tables}
      locale={{ emptyText: '没有数据记录' }}
      expandable={{
        rowExpandable: (t) => t.added + t.updated + t.deleted + t.merged > 0,
        expandedRowRender: (t) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {OUTCOMES.filter(([k]) => k !== 'unchanged' && t.records[k].length).map(([k, label, color]) => (
              <div key={k}>
                <div style={{ marginBottom: 4 }}>
                  <Tag color={color}>{label}</Tag>
                  {t[k]} 条{t[k] > t.records[k].length ? `（列出前 ${t.records[k].length} 条）` : ''}
                </div>
                <div style={{ maxHeight: 132, overflowY: 'auto', display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: '2px 16px', fontSize: 13 }}>
                  {t.records[k].map((r) => (
                    <Typography.Text key={r.gid} ellipsis={{ tooltip: r.label }}>
                      {r.label}
                    </Typography.Text>
                  ))}
                </div>
              </div>
            ))}
          </Space>
        ),
      }}
      columns={[
        { title: '数据表', dataIndex: 'label' },
        ...OUTCOMES.map(([k, label, color]) => ({
          title: label,
          dataIndex: k,
          width: 90,
          render: (n: number) => (n ? <Tag color={color}>{n}</Tag> : <Typography.Text type="secondary">0</Typography.Text>),
        })),
        { title: '冲突', dataIndex: 'conflict', width: 90, render: (n: number) => (n ? <Tag color="red">{n}</Tag> : <Typography.Text type="secondary">0</Typography.Text>) },
      ]}
    />
  );
}

/** Same 统一社会信用代码 from another office: merged into the existing entry, with the fields that differ. */
function Merges({ merges }: { merges: Merge[] }) {
  return (
    <Card type="inner" style={{ marginTop: 12 }} data-testid="merges" title={`合并到已有企业：${merges.length} 家企业已由其他单位登记（统一社会信用代码相同），不另建记录`}>
      {merges.map((x) => (
        <div key={x.gid} style={{ marginBottom: 12 }}>
          <Space wrap style={{ marginBottom: 6 }}>
            <Typography.Text strong>企业「{x.label}」</Typography.Text>
            <Typography.Text type="secondary">{x.uscc}</Typography.Text>
            <span>
              {x.origin_name}（{x.origin}）的记录 → 合并到 {x.into_origin_name}（{x.into_origin}）登记的「{x.into_label}」
            </span>
            <Tag>字段以 {x.owner_name} 为准</Tag>
            {!x.first && <Tag color="blue">已合并过</Tag>}
          </Space>
          {x.fields.length > 0 && (
            <Table
              size="small"
              pagination={false}
              rowKey="field"
              dataSource={x.fields}
              columns={[
                { title: '字段', dataIndex: 'label', width: 180 },
                { title: '本台账', dataIndex: 'mine', render: show },
                { title: `${x.origin_name}报来`, dataIndex: 'theirs', render: show },
                { title: '处理', width: 130, render: () => (x.applied ? <Tag color="blue">已采用（登记地）</Tag> : <Tag color="orange">差异（未覆盖）</Tag>) },
              ]}
            />
          )}
        </div>
      ))}
    </Card>
  );
}

// Bookkeeping columns differ whenever both sides edited: listed after the data fields, in grey.
const BOOKKEEPING = new Set(['created_at', 'created_by', 'updated_at', 'updated_by', 'name_pinyin', 'name_initials', 'search_text']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const showValue = (v: unknown) => (typeof v === 'string' && ISO_TIME.test(v) ? `${when(v)}:${String(new Date(v).getSeconds()).padStart(2, '0')}` : show(v));

function Conflicts(props: { conflicts: Conflict[]; theirs: string; choices: Record<string, Choice>; setChoices(c: Record<string, Choice>): void }) {
  const all = (c: Choice) => props.setChoices(Object.fromEntries(props.conflicts.map((x) => [x.gid, c])));
  const picked = (c: Conflict, side: Choice) => ({ style: props.choices[c.gid] === side ? { background: '#e6f4ff', fontWeight: 600 } : {} });
  return (
    <Card
      type="inner"
      style={{ marginTop: 12 }}
      data-testid="conflicts"
      title={`冲突：${props.conflicts.length} 条记录在两端都被修改过，请逐条选择，或统一选择`}
      extra={
        <Space>
          <Button size="small" onClick={() => all('mine')}>
            全部保留本单位
          </Button>
          <Button size="small" onClick={() => all('theirs')}>
            全部采用对方
          </Button>
        </Space>
      }
    >
      {props.conflicts.map((c) => (
        <div key={c.gid} style={{ marginBottom: 20 }} data-testid="conflict-record">
          <Space style={{ marginBottom: 6 }} wrap>
            <Typography.Text strong>
              {c.table_label}「{c.label}」
            </Typography.Text>
            {c.deleted_by_sender && <Tag color="orange">对方已删除</Tag>}
            <Radio.Group
              size="small"
              optionType="button"
              buttonStyle="solid"
              value={props.choices[c.gid]}
              onChange={(e) => props.setChoices({ ...props.choices, [c.gid]: e.target.value as Choice })}
              options={[
                { value: 'mine', label: '保留本单位' },
                { value: 'theirs', label: c.deleted_by_sender ? '采用对方（删除）' : '采用对方' },
              ]}
            />
            {!props.choices[c.gid] && <Typography.Text type="danger">未选择</Typography.Text>}
          </Space>
          <Table
            size="small"
            bordered
            pagination={false}
            rowKey="field"
            tableLayout="fixed"
            dataSource={[...c.fields].sort((x, y) => Number(BOOKKEEPING.has(x.field)) - Number(BOOKKEEPING.has(y.field)))}
            locale={{ emptyText: '对方已删除此记录：采用对方即在本台账中删除，保留本单位则不删除' }}
            onRow={(f) => ({ style: BOOKKEEPING.has(f.field) ? { color: 'rgba(0,0,0,0.45)' } : {} })}
            columns={[
              { title: '字段', dataIndex: 'label', width: 160, render: (v: string, f) => <span title={f.field}>{v}</span> },
              { title: <span title={`版本 ${c.mine_version}`}>本单位台账的值</span>, dataIndex: 'mine', render: showValue, onCell: () => picked(c, 'mine') },
              { title: <span title={`版本 ${c.theirs_version}`}>{props.theirs}的值</span>, dataIndex: 'theirs', render: showValue, onCell: () => picked(c, 'theirs') },
            ]}
          />
        </div>
      ))}
    </Card>
  );
}
