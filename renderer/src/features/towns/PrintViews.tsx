import { useEffect, useState } from 'react';
import { Alert, Spin, App } from 'antd';
import { call } from '../../api/client';
import { useTowns, num } from '../../stores/towns';
import { useApp } from '../../stores/app';
import { PrintToolbar } from '../../components/PrintToolbar';
import { errorText } from '../../components/errors';
import type { OpOutput } from '../../../../db/api';

type Doc = OpOutput<'town:batchDocument'>;

const cn = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/** 公示名单 / 认定名单 for one batch, in the layout an office files: title, 文号, the list, the signature and date. */
export function BatchPrint({ kind, batchKey, origin }: { kind: 'publicity' | 'designation'; batchKey: string; origin?: string }) {
  const [doc, setDoc] = useState<Doc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  // Toasts from the screen before must not end up on paper.
  useEffect(() => message.destroy(), [message]);
  useEffect(() => {
    call('town:batchDocument', { kind, key: batchKey, ...(origin ? { origin_office: origin } : {}) }).then(setDoc, (e) => setError(errorText(e)));
  }, [kind, batchKey, origin]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!doc) return <Spin />;
  const level = doc.rows[0]?.level ?? '';
  const publicity = kind === 'publicity';
  const title = publicity ? `${level}专业镇拟认定名单公示` : `${level}专业镇认定名单`;
  return (
    <>
      <PrintToolbar back="/towns/batches" pdfName={`${title}${doc.origin_name ? `-${doc.origin_name}` : ''}.pdf`} />
      <div className="print-doc" data-testid="print-doc">
        <h1>{title}</h1>
        {(doc.doc_no || doc.origin_name) && <div className="doc-no">{[doc.doc_no, doc.origin_name && `上报单位：${doc.origin_name}`].filter(Boolean).join('　')}</div>}
        <p style={{ textIndent: '2em', lineHeight: 1.8, fontSize: '12pt' }}>
          {publicity
            ? `经组织申报、专家评审，拟认定以下 ${doc.rows.length} 个专业镇为${level}专业镇，现予以公示。公示期为 ${cn(doc.publicity_start!)} 至 ${cn(doc.publicity_end!)}。公示期内如有异议，请以书面形式向${doc.issuer}反映，并提供联系方式及必要的证明材料。`
            : `根据专业镇培育认定工作安排，经组织申报、专家评审${doc.publicity_start ? `和公示（${cn(doc.publicity_start)} 至 ${cn(doc.publicity_end!)}）` : ''}，认定以下 ${doc.rows.length} 个专业镇为${level}专业镇${doc.batch_no ? `（${doc.batch_no}）` : ''}，有效期三年。`}
        </p>
        <table>
          <thead>
            <tr>
              <th style={{ width: '10mm' }}>序号</th>
              <th>专业镇名称</th>
              <th>所在县（市、区）</th>
              <th>类别</th>
              <th>主导产业</th>
              {!publicity && <th>有效期</th>}
            </tr>
          </thead>
          <tbody>
            {doc.rows.map((r, i) => (
              <tr key={r.town_id}>
                <td>{i + 1}</td>
                <td>{r.name}</td>
                <td>{r.county}</td>
                <td>{r.category}</td>
                <td>{r.leading_industry}</td>
                {!publicity && <td>{r.valid_from ? `${r.valid_from} 至 ${r.valid_to}` : ''}</td>}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="sign">
          {(doc.bodies.length ? doc.bodies : [doc.issuer]).map((b) => (
            <div key={b}>{b}</div>
          ))}
          <div>{cn(doc.date)}</div>
        </div>
      </div>
    </>
  );
}

/** The town's 档案 as a document: the record, designations, members, platforms, projects and the latest figures. */
export function ProfilePrint({ id }: { id: number }) {
  const { detail, loadDetail, codes, loadCodes, indicators, loadIndicators } = useTowns();
  const office = useApp((s) => s.status?.office?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  useEffect(() => message.destroy(), [message]);
  useEffect(() => {
    void loadCodes();
    void loadDetail(id)
      .then(() => loadIndicators(id))
      .catch((e) => setError(errorText(e)));
  }, [id, loadDetail, loadCodes, loadIndicators]);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!detail || detail.town.id !== id || !codes || !indicators) return <Spin />;
  const t = detail.town;
  const latest = indicators.years[indicators.years.length - 1];
  return (
    <>
      <PrintToolbar back={`/towns/${id}`} pdfName={`${t.name}专业镇档案.pdf`} />
      <div className="print-doc" data-testid="print-doc">
        <h1>{t.name}专业镇档案</h1>
        <table>
          <tbody>
            <tr>
              <th>名称</th>
              <td className="left">{t.name}</td>
              <th>所在县</th>
              <td className="left">{t.county_name ?? t.county_code}</td>
            </tr>
            <tr>
              <th>类别</th>
              <td className="left">{codes.category[t.category]}</td>
              <th>主导产业</th>
              <td className="left">{t.leading_industry}{t.industry_codes ? `（${t.industry_codes}）` : ''}</td>
            </tr>
            <tr>
              <th>当前级别</th>
              <td className="left">{t.level ? codes.level[t.level] : '未认定'}</td>
              <th>当前状态</th>
              <td className="left">{codes.status[t.status]}（自 {t.status_since}）</td>
            </tr>
            <tr>
              <th>联系人</th>
              <td className="left">{t.contact_name ?? ''}</td>
              <th>联系电话</th>
              <td className="left">{t.contact_phone ?? ''}</td>
            </tr>
            <tr>
              <th>简介</th>
              <td className="left" colSpan={3}>
                {t.description ?? ''}
              </td>
            </tr>
          </tbody>
        </table>
        <h3>认定记录</h3>
        <table>
          <thead>
            <tr>
              <th>级别</th>
              <th>文号</th>
              <th>认定机构</th>
              <th>有效期</th>
            </tr>
          </thead>
          <tbody>
            {detail.designations.map((d) => (
              <tr key={d.id}>
                <td>{codes.level[d.level]}</td>
                <td>{d.doc_no}</td>
                <td className="left">{d.bodies.join('、')}</td>
                <td>{`${d.valid_from} 至 ${d.ended_on ?? d.valid_to}`}</td>
              </tr>
            ))}
            {detail.designations.length === 0 && (
              <tr>
                <td colSpan={4}>无</td>
              </tr>
            )}
          </tbody>
        </table>
        {latest && (
          <>
            <h3>{latest.year} 年度主要指标</h3>
            <table>
              <tbody>
                {indicators.defs
                  .filter((d) => latest.cells[d.code]?.value !== null && latest.cells[d.code]?.value !== undefined)
                  .map((d) => {
                    const c = latest.cells[d.code]!;
                    return (
                      <tr key={d.code}>
                        <th style={{ width: '60mm' }}>{d.name}{d.unit ? `（${d.unit}）` : ''}</th>
                        <td className="left">
                          {typeof c.value === 'number' ? num(c.value) : c.value}
                          {c.yoy !== null ? `（同比 ${c.yoy > 0 ? '+' : ''}${c.yoy}%）` : ''}
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </>
        )}
        <h3>成员企业（{detail.members.filter((m) => !m.left_on).length} 家）</h3>
        <table>
          <thead>
            <tr>
              <th>序号</th>
              <th>企业名称</th>
              <th>统一社会信用代码</th>
              <th>角色</th>
            </tr>
          </thead>
          <tbody>
            {detail.members
              .filter((m) => !m.left_on)
              .map((m, i) => (
                <tr key={m.id}>
                  <td>{i + 1}</td>
                  <td className="left">{m.enterprise_name}</td>
                  <td>{m.uscc}</td>
                  <td>{codes.memberRole[m.role]}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {detail.platforms.length > 0 && (
          <>
            <h3>公共服务平台</h3>
            <table>
              <tbody>
                {detail.platforms.map((p) => (
                  <tr key={p.id}>
                    <td className="left">{p.name}</td>
                    <td>{codes.platformType[p.type]}</td>
                    <td className="left">{p.operator ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {detail.projects.length > 0 && (
          <>
            <h3>重点项目</h3>
            <table>
              <tbody>
                {detail.projects.map((p) => (
                  <tr key={p.id}>
                    <td className="left">{p.name}</td>
                    <td>{num(p.investment_wan)} 万元</td>
                    <td>{p.start_date}</td>
                    <td>{codes.projectStatus[p.status]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <div className="sign">
          <div>{office}</div>
          <div>{cn(new Date().toISOString().slice(0, 10))}</div>
        </div>
      </div>
    </>
  );
}
