import { useEffect, useState } from 'react';
import { Alert, Spin } from 'antd';
import type { OpOutput } from '../../../../db/api';
import { training } from '../../stores/training';
import { useApp } from '../../stores/app';
import { PrintToolbar } from '../../components/PrintToolbar';
import { errorText } from '../../components/errors';
import { LEVEL_LABEL, STATUS_LABEL, yuan } from './format';

const cn = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

/** 企业新型学徒制培训进展情况 in the office's filing layout: title, 文号 line, table, date and seal line. */
export function ProgressPrintPage({ year, origin }: { year: number; origin?: string }) {
  const [data, setData] = useState<OpOutput<'training:progress'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const office = useApp((s) => s.status?.office?.name ?? '');
  useEffect(() => void training.progress(year, origin).then(setData).catch((e) => setError(errorText(e))), [year, origin]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!data) return <Spin />;
  const t = data.totals;
  return (
    <>
      <PrintToolbar back="/training/reports" pdfName={`学徒制进展${data.origin_name ? `-${data.origin_name}` : ''}-${year}.pdf`} />
      <div className="print-doc" data-testid="progress-print">
        <h1>
          {year}年{data.origin_name ?? ''}企业新型学徒制培训进展情况
        </h1>
        <div className="doc-no">
          {office}
          {data.origin_name ? `　上报单位：${data.origin_name}` : ''}　截至 {cn(data.as_of)}
        </div>
        <table>
          <thead>
            <tr>
              <th style={{ width: '6%' }}>序号</th>
              <th>企业名称</th>
              <th style={{ width: '13%' }}>职业(工种)等级</th>
              <th style={{ width: '7%' }}>计划人数</th>
              <th style={{ width: '7%' }}>在册</th>
              <th style={{ width: '7%' }}>结业</th>
              <th style={{ width: '7%' }}>取证</th>
              <th style={{ width: '12%' }}>已预拨(元)</th>
              <th style={{ width: '18%' }}>需报告的情况</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r, i) => (
              <tr key={r.plan_id}>
                <td>{i + 1}</td>
                <td className="left">
                  {r.enterprise_name}
                  <br />
                  <span style={{ fontSize: '9pt' }}>
                    {r.code}（{STATUS_LABEL[r.status]}）
                  </span>
                </td>
                <td>
                  {r.occupation_name}
                  <br />
                  {LEVEL_LABEL[r.target_level].split('/')[1]}
                </td>
                <td>{r.planned_count}</td>
                <td>{r.enrolled}</td>
                <td>{r.completed}</td>
                <td>{r.certified}</td>
                <td>{yuan(r.advance_fen)}</td>
                <td className="left" style={{ fontSize: '9pt' }}>
                  {r.risk ?? '按计划推进'}
                </td>
              </tr>
            ))}
            {data.rows.length === 0 && (
              <tr>
                <td colSpan={9}>本年度无企业新型学徒制计划</td>
              </tr>
            )}
            <tr>
              <td colSpan={3}>合计</td>
              <td>{t.planned_count}</td>
              <td>{t.enrolled}</td>
              <td>{t.completed}</td>
              <td>{t.certified}</td>
              <td>{yuan(t.advance_fen)}</td>
              <td></td>
            </tr>
          </tbody>
        </table>
        <p style={{ fontSize: '10.5pt', lineHeight: 1.8, marginTop: '4mm' }}>
          说明：预计不能完成计划的企业须在 10 月底前报告，可在总量内调剂计划。“需报告的情况”列出名额未满、未结业和社保未核验的人数。
        </p>
        <div className="sign">
          {office}
          <br />
          {cn(data.as_of)}
        </div>
      </div>
    </>
  );
}
