import { useEffect, useState } from 'react';
import { Alert, Spin } from 'antd';
import { useExhibitions, type PublicityList, type ReviewSheet } from '../../stores/exhibitions';
import { PrintToolbar } from '../../components/PrintToolbar';
import { errorText } from '../../components/errors';
import { cstTime, yuan } from './labels';

function useDoc<T>(load: () => Promise<T>, key: number) {
  const [doc, setDoc] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDoc(null);
    load().then(setDoc).catch((e) => setError(errorText(e)));
  }, [key]);
  return { doc, error };
}

const cn = (iso: string | null | undefined) => (iso ? `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日` : '');

/** 参展补贴申请审核表: the claim, its items with each reason, the caps, the annual allowance and the sign-offs. */
export function ReviewSheetPrint({ id }: { id: number }) {
  const reviewSheet = useExhibitions((s) => s.reviewSheet);
  const { doc: r, error } = useDoc<ReviewSheet>(() => reviewSheet(id), id);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!r) return <Spin />;
  const a = r.explanation.annual;
  return (
    <div className="print-page">
      <PrintToolbar back={`/exhibitions/claims/${id}`} pdfName={`参展补贴审核表-${r.claim.claim_no}.pdf`} />
      <div className="print-doc">
        <h1>{r.title}</h1>
        <div className="doc-meta">
          <span>填报单位：{r.office.name}</span>
          <span>申请编号：{r.claim.claim_no}</span>
        </div>
        <table>
          <tbody>
            <tr><th style={{ width: '20%' }}>企业名称</th><td className="left" colSpan={3}>{r.enterprise.name}</td></tr>
            <tr><th>统一社会信用代码</th><td className="left">{r.enterprise.uscc}</td><th style={{ width: '16%' }}>法定代表人</th><td className="left">{r.enterprise.legal_rep ?? ''}</td></tr>
            <tr><th>联系人</th><td className="left">{r.enterprise.contact_name ?? ''}</td><th>联系电话</th><td className="left">{r.enterprise.contact_phone ?? ''}</td></tr>
            <tr><th>展会名称</th><td className="left" colSpan={3}>{r.fair.name}</td></tr>
            <tr><th>主办单位</th><td className="left">{r.fair.organiser}</td><th>组织参展</th><td className="left">{r.fair.organising_gov ?? ''}（{r.fair.gov_level_label}）</td></tr>
            <tr><th>展会时间</th><td className="left">{r.fair.start_date} 至 {r.fair.end_date}</td><th>地点/类型</th><td className="left">{[r.fair.country, r.fair.city].filter(Boolean).join(' ')}；{r.fair.scope_label}·{r.fair.market_label}</td></tr>
            <tr><th>展位</th><td className="left" colSpan={3}>{r.booths.map((b) => `${b.booth_no}（${b.area_m2} m²，${b.kind_label}）`).join('；') || '无'}</td></tr>
            <tr><th>申请日期</th><td className="left">{r.claim.claim_date}</td><th>补贴规则</th><td className="left">{r.rule_set.name}（第 {r.rule_set.version} 版）</td></tr>
            {r.claim.late_override_reason && <tr><th>逾期例外</th><td className="left" colSpan={3}>{r.claim.late_override_reason}</td></tr>}
          </tbody>
        </table>
        <h2>一、费用明细及核定</h2>
        <table className="small">
          <colgroup>
            <col style={{ width: '6%' }} /><col style={{ width: '15%' }} /><col style={{ width: '15%' }} /><col style={{ width: '10%' }} />
            <col style={{ width: '12%' }} /><col style={{ width: '11%' }} /><col style={{ width: '31%' }} />
          </colgroup>
          <thead>
            <tr><th>序号</th><th>费用类型</th><th>发票号/日期</th><th>支付方式</th><th className="num">金额（元）</th><th className="num">补贴（元）</th><th>核定理由</th></tr>
          </thead>
          <tbody>
            {r.items.map((i) => (
              <tr key={i.seq}>
                <td>{i.seq}</td>
                <td>{i.type_label}{i.booth_no ? `（${i.booth_no}）` : ''}</td>
                <td>{i.invoice_no}<br />{i.invoice_date}</td>
                <td>{i.payment_label}</td>
                <td className="num">{yuan(i.amount_fen)}</td>
                <td className="num">{i.eligible ? yuan(i.subsidy_fen) : '不予补贴'}</td>
                <td className="left">{i.eligible ? `${yuan(i.amount_fen)} ${i.reason}` : i.reason}</td>
              </tr>
            ))}
            <tr>
              <th colSpan={4}>合计</th>
              <td className="num">{yuan(r.totals.total_cost_fen)}</td>
              <td className="num">{yuan(r.totals.result_fen)}</td>
              <td className="left">可补贴费用 {yuan(r.totals.eligible_cost_fen)} 元</td>
            </tr>
          </tbody>
        </table>
        <h2>二、上限及年度额度</h2>
        <table className="small">
          <tbody>
            {r.explanation.caps.length === 0 && <tr><td className="left" colSpan={4}>没有上限起作用</td></tr>}
            {r.explanation.caps.map((c, i) => (
              <tr key={i}><td className="left">{c.label}</td><td className="num">核减前 {yuan(c.before_fen)} 元</td><td className="num">上限 {yuan(c.cap_fen)} 元</td><td className="num">核减 {yuan(c.cut_fen)} 元</td></tr>
            ))}
            <tr>
              <td className="left">企业年度上限 {a.cap_fen === null ? '不限' : `${yuan(a.cap_fen)} 元`}</td>
              <td className="num">本年其他申请已用 {yuan(a.consumed_fen)} 元</td>
              <td className="num">本申请 {yuan(a.granted_fen)} 元</td>
              <td className="num">剩余 {a.remaining_after_fen === null ? '不限' : `${yuan(a.remaining_after_fen)} 元`}</td>
            </tr>
          </tbody>
        </table>
        <h2>三、计算说明</h2>
        <ol className="explain">{r.explanation.lines.map((l, i) => <li key={i}>{l}</li>)}</ol>
        <h2>四、申报材料</h2>
        <table className="small">
          <tbody>
            {r.materials.map((m) => (
              <tr key={m.label}><td className="left" style={{ width: '30%' }}>{m.label}{m.required ? '（必备）' : ''}</td><td style={{ width: '10%' }}>{m.ok ? (m.files.length ? '已附' : '—') : '缺'}</td><td className="left">{m.files.join('；')}</td></tr>
            ))}
          </tbody>
        </table>
        <h2>五、审核意见</h2>
        <table>
          <tbody>
            <tr>
              <th style={{ width: '18%' }}>核定补贴金额</th>
              <td className="left"><b>{yuan(r.totals.approved_fen ?? r.totals.result_fen)} 元</b>{r.totals.approved_fen === null ? '（尚未批准）' : `（${cn(r.claim.approved_on)}批准）`}</td>
              <th style={{ width: '14%' }}>已拨付</th>
              <td className="num">{yuan(r.totals.paid_fen)} 元</td>
            </tr>
          </tbody>
        </table>
        <table className="small" data-testid="review-steps">
          <colgroup>
            <col style={{ width: '10%' }} /><col style={{ width: '14%' }} /><col style={{ width: '34%' }} /><col style={{ width: '16%' }} /><col style={{ width: '26%' }} />
          </colgroup>
          <thead>
            <tr><th>环节</th><th>办理人</th><th>审核意见</th><th>日期</th><th>备注</th></tr>
          </thead>
          <tbody>
            {r.steps.length === 0 && <tr><td colSpan={5}>尚未提交</td></tr>}
            {r.steps.map((x, i) => (
              <tr key={i}>
                <td>{x.label}</td>
                <td>{x.by}</td>
                <td className="left">{x.opinion ?? '—'}</td>
                <td>{cn(x.at)}</td>
                <td className="left">{x.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="signatures" data-testid="signatures">
          <div>经办人：<span className="line" /></div>
          <div>审核人：<span className="line" /></div>
          <div>负责人：<span className="line" /></div>
          <div>日期：<span className="line" /></div>
          <div className="seal">
            单位（盖章）：{r.office.name}
            <div className="small">打印日期：{cn(cstTime(r.printed_at).slice(0, 10))}</div>
          </div>
        </div>
      </div>
    </div>
  );
}

/** 公示名单: title, batch number, notice with the period, the table of enterprises and amounts, office and date. */
export function PublicityPrint({ id }: { id: number }) {
  const publicityList = useExhibitions((s) => s.publicityList);
  const { doc: r, error } = useDoc<PublicityList>(() => publicityList(id), id);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!r) return <Spin />;
  return (
    <div className="print-page">
      <PrintToolbar back="/exhibitions/batches" pdfName={`公示名单-${r.batch_no}.pdf`} />
      <div className="print-doc">
        <h1>{r.title}</h1>
        <div className="doc-no">
          批次：{r.batch_no}
          {r.origin_name ? `　上报单位：${r.origin_name}` : ''}
        </div>
        <p className="notice">{r.notice}</p>
        <table className="small">
          <colgroup>
            <col style={{ width: '6%' }} /><col style={{ width: '22%' }} /><col style={{ width: '21%' }} /><col style={{ width: '21%' }} />
            <col style={{ width: '12%' }} /><col style={{ width: '7%' }} /><col style={{ width: '11%' }} />
          </colgroup>
          <thead>
            <tr><th>序号</th><th>企业名称</th><th>统一社会信用代码</th><th>展会名称</th><th>展会时间</th><th>类型</th><th className="num">补贴金额（元）</th></tr>
          </thead>
          <tbody>
            {r.rows.map((x) => (
              <tr key={x.claim_id}>
                <td>{x.seq}</td>
                <td className="left">{x.enterprise_name}</td>
                <td className="mono small">{x.uscc}</td>
                <td className="left">{x.fair_name}</td>
                <td>{x.fair_dates}</td>
                <td>{x.scope_label}·{x.market_label}</td>
                <td className="num">{yuan(x.amount_fen)}</td>
              </tr>
            ))}
            <tr><th colSpan={6}>合计（{r.count} 家次）</th><td className="num"><b>{yuan(r.total_fen)}</b></td></tr>
          </tbody>
        </table>
        <p className="small" style={{ marginTop: '4mm' }}>公示期：{cn(r.start_date)}至{cn(r.end_date)}</p>
        <div className="sign">
          {r.issuer}
          <br />
          {cn(r.start_date)}
        </div>
      </div>
    </div>
  );
}
