import { useEffect, useState } from 'react';
import { Alert, App, Spin } from 'antd';
import type { OpOutput } from '../../../../db/api';
import { exchange } from '../../stores/exchange';
import { useApp } from '../../stores/app';
import { PrintToolbar } from '../../components/PrintToolbar';
import { errorText } from '../../components/errors';

const cn = (d: Date) => `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;

/** 催报单: the offices below that have not reported for a period (overdue first), to print and send round. */
export function ChasePrint({ period }: { period: string }) {
  const [data, setData] = useState<OpOutput<'exchange:submissions'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const office = useApp((s) => s.status?.office?.name ?? '');
  const { message } = App.useApp();
  // A toast from the screen before would be printed with the document.
  useEffect(() => message.destroy(), [message]);
  useEffect(() => void exchange.submissions(period).then(setData).catch((e) => setError(errorText(e))), [period]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!data) return <Spin />;
  const pending = data.rows.filter((r) => r.status === 'missing' || r.status === 'draft' || r.status === 'reviewed' || r.status === 'returned').sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.office_code.localeCompare(b.office_code));
  return (
    <>
      <PrintToolbar back="/exchange/submissions" pdfName={`催报单-${period}.pdf`} />
      <div className="print-doc" data-testid="chase-print">
        <h1>{data.label.replace(' ', '')}催报单</h1>
        <div className="doc-no">
          {office}　{data.due ? `报送截止日期 ${data.due}` : '专项报送'}
        </div>
        <table>
          <thead>
            <tr>
              <th style={{ width: '8%' }}>序号</th>
              <th style={{ width: '16%' }}>区划代码</th>
              <th>单位</th>
              <th style={{ width: '16%' }}>当前状态</th>
              <th style={{ width: '20%' }}>备注</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((r, i) => (
              <tr key={r.office_code}>
                <td>{i + 1}</td>
                <td>{r.office_code}</td>
                <td className="left">{r.office_name}</td>
                <td>{r.status_label}</td>
                <td>{r.overdue ? '已逾期' : r.status === 'returned' ? '退回待重报' : ''}</td>
              </tr>
            ))}
            {pending.length === 0 && (
              <tr>
                <td colSpan={5}>所有下级单位均已报送</td>
              </tr>
            )}
          </tbody>
        </table>
        <p style={{ marginTop: '6mm', fontSize: '12pt', lineHeight: 1.8 }}>
          以上单位请于收到本通知后尽快通过县域产业台账"数据交换 → 上报/导出"生成{data.label.replace(' ', '')}交换包报送，逾期未报的请说明原因。
        </p>
        <div className="sign">
          {office}
          <br />
          {cn(new Date())}
        </div>
      </div>
    </>
  );
}
