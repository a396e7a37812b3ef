import { useEffect, useState } from 'react';
import { Alert, Spin } from 'antd';
import type { Settlement, TraineeLine } from '../../../../db/types';
import { training } from '../../stores/training';
import { useApp } from '../../stores/app';
import { PrintToolbar } from '../../components/PrintToolbar';
import { errorText } from '../../components/errors';
import { LEVEL_LABEL, todayIso, yuan } from './format';

const cn = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const BASIS: Record<TraineeLine['basis'], string> = { certified: '取证', completed: '结业未取证', not_completed: '未结业', in_training: '在训', ineligible: '不予补贴' };

/**
 * 培训补贴清算表: one plan's explained settlement on paper — every trainee's line with its reason, the totals,
 * what was advanced and paid, and what remains due or must be returned. Names only, never ID numbers.
 */
export function SettlementPrintPage({ id }: { id: number }) {
  const [s, setS] = useState<Settlement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const office = useApp((st) => st.status?.office?.name ?? '');
  useEffect(() => void training.settlement(id).then(setS).catch((e) => setError(errorText(e))), [id]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!s) return <Spin />;
  const p = s.plan;
  const pos = s.position;
  const l = s.ledger;
  const sum = s.summary;
  return (
    <>
      <PrintToolbar back={`/training/plans/${id}`} pdfName={`培训补贴清算表-${p.code}.pdf`} />
      <div className="print-doc" data-testid="settlement-print">
        <h1>培训补贴清算表</h1>
        <div className="doc-no">
          计划编号 {p.code}　核算日期 {cn(s.claim_date)}
        </div>
        <table style={{ marginBottom: '4mm' }}>
          <tbody>
            <tr>
              <th style={{ width: '16%' }}>企业</th>
              <td className="left" colSpan={3}>
                {p.enterprise_name}
              </td>
            </tr>
            <tr>
              <th>培训类型</th>
              <td className="left">{p.plan_type}</td>
              <th style={{ width: '16%' }}>计划状态</th>
              <td className="left">{p.status}</td>
            </tr>
            <tr>
              <th>职业(工种)</th>
              <td className="left">{p.occupation}</td>
              <th>目标等级</th>
              <td className="left">{p.target_level}</td>
            </tr>
            <tr>
              <th>计划人数</th>
              <td className="left">{p.planned_count} 人（名册 {sum.trainees} 人）</td>
              <th>补贴规则</th>
              <td className="left">{s.rule.code}</td>
            </tr>
          </tbody>
        </table>
        <table>
          <thead>
            <tr>
              <th style={{ width: '8%' }}>序号</th>
              <th style={{ width: '11%' }}>姓名</th>
              <th style={{ width: '10%' }}>结果</th>
              <th style={{ width: '20%' }}>证书</th>
              <th style={{ width: '12%' }}>金额(元)</th>
              <th>计算依据</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((t, i) => (
              <tr key={t.trainee_id}>
                <td>{i + 1}</td>
                <td>{t.name}</td>
                <td>{BASIS[t.basis]}</td>
                <td style={{ fontSize: '9pt' }}>{t.level ? `${LEVEL_LABEL[t.level]} ${t.cert_no ?? ''}` : ''}</td>
                <td>{yuan(t.amount_fen)}</td>
                <td className="left" style={{ fontSize: '9pt' }}>
                  {t.text}
                </td>
              </tr>
            ))}
            {s.lines.length === 0 && (
              <tr>
                <td colSpan={6}>名册中没有学员</td>
              </tr>
            )}
            <tr>
              <td colSpan={4}>应得补贴合计</td>
              <td>{yuan(s.entitlement_fen)}</td>
              <td className="left" style={{ fontSize: '9pt' }}>
                取证 {sum.certified}，结业未取证 {sum.completed_without_certificate}，未结业 {sum.not_completed}，在训 {sum.in_training}，不予补贴 {sum.ineligible}
              </td>
            </tr>
          </tbody>
        </table>
        <table style={{ marginTop: '4mm' }} data-testid="settlement-print-totals">
          <tbody>
            <tr>
              <th style={{ width: '25%' }}>已预拨(元)</th>
              <td>{yuan(l.advance_fen)}</td>
              <th style={{ width: '25%' }}>结算拨付(元)</th>
              <td>{yuan(l.settlement_fen)}</td>
            </tr>
            <tr>
              <th>已下达收回(元)</th>
              <td>{yuan(l.recovery_order_fen)}</td>
              <th>已退回到账(元)</th>
              <td>{yuan(l.recovery_received_fen)}</td>
            </tr>
            <tr>
              <th>尚应拨付(元)</th>
              <td>{yuan(pos.remaining_due_fen)}</td>
              <th>应退回未到账(元)</th>
              <td>{yuan(pos.clawback_fen + pos.outstanding_recovery_fen)}</td>
            </tr>
          </tbody>
        </table>
        <div style={{ fontSize: '10.5pt', lineHeight: 1.8, marginTop: '4mm' }}>
          {pos.lines.map((x, i) => (
            <div key={i}>{x}</div>
          ))}
        </div>
        <div className="sign">
          {office}
          <br />
          {cn(todayIso())}
        </div>
      </div>
    </>
  );
}
