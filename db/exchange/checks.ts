// 审核公式: checks on a period's data before a report leaves the office. A failing check blocks the export unless
// the user writes an explanation (出错说明), which travels in the package and is shown to the receiver.
import type { Database } from 'better-sqlite3';
import { periodInfo } from './period.js';

export interface CheckFailure {
  /** Stable id the explanation is keyed by: check:gid:field. */
  id: string;
  check: 'required' | 'sum' | 'yoy' | 'cap';
  table: string;
  gid: string;
  field: string;
  /** Chinese, naming the record and the figure. */
  message: string;
  /** 出错说明 a lower office already gave for this figure in its report (shown and sent on, not typed again). */
  explanation?: string;
  /** The office that wrote that explanation. */
  explained_by?: string;
}

/**
 * The failures with the 出错说明 a lower office sent with its report for the same figure (the newest one each):
 * a city's report carries its counties' explanations on to the province instead of asking for them again.
 */
export function withKnownExplanations(db: Database, failures: CheckFailure[]): CheckFailure[] {
  if (failures.length === 0) return failures;
  const rows = db.prepare(`SELECT check_id, explanation, office_code FROM exchange_explanation
    WHERE check_id IN (SELECT value FROM json_each(?)) AND office_code IS NOT (SELECT region_code FROM office WHERE id = 1) ORDER BY id`)
    .all(JSON.stringify(failures.map((f) => f.id))) as Array<{ check_id: string; explanation: string; office_code: string }>;
  const known = new Map(rows.map((r) => [r.check_id, r]));
  return failures.map((f) => {
    const k = known.get(f.id);
    return k ? { ...f, explanation: k.explanation, explained_by: k.office_code } : f;
  });
}

/** 出错说明 per check id: those given now win over those a lower office sent. */
export function explanationsFor(failures: CheckFailure[], given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of failures) {
    const e = given[f.id] ?? f.explanation;
    if (e) out[f.id] = e;
  }
  return out;
}

/** 同比 outside ±50 % is flagged. */
export const YOY_LIMIT = 0.5;

export function runChecks(db: Database, period: string): CheckFailure[] {
  const { kind, year } = periodInfo(period);
  const out: CheckFailure[] = [];
  const add = (f: Omit<CheckFailure, 'id'>) => out.push({ ...f, id: `${f.check}:${f.gid}:${f.field}` });

  // 专业镇 indicators are annual: required figures are asked for in the 年报 only.
  if (kind === 'year') {
    const towns = db.prepare(`SELECT t.gid, t.name, y.gid AS ygid, y.output_wan, y.revenue_wan, y.enterprises_total
      FROM town t LEFT JOIN town_year y ON y.town_id = t.id AND y.year = ?
      WHERE t.status IN ('designated','rereview','warned') ORDER BY t.gid`).all(year) as Array<{ gid: string; name: string; ygid: string | null; output_wan: number | null; revenue_wan: number | null; enterprises_total: number | null }>;
    for (const t of towns) {
      if (!t.ygid) {
        add({ check: 'required', table: 'town_year', gid: t.gid, field: 'year', message: `专业镇「${t.name}」缺少 ${year} 年度指标` });
        continue;
      }
      for (const [f, label] of [['output_wan', '主导产业产值'], ['revenue_wan', '营业收入'], ['enterprises_total', '企业总数']] as const) {
        if (t[f] === null) add({ check: 'required', table: 'town_year', gid: t.ygid, field: f, message: `专业镇「${t.name}」${year} 年「${label}」未填报` });
      }
    }
  }
  const years = db.prepare(`SELECT y.gid, t.name, y.above_scale, y.enterprises_total, y.little_giants, y.output_wan, y.revenue_wan,
      p.output_wan AS prev_output, p.revenue_wan AS prev_revenue
    FROM town_year y JOIN town t ON t.id = y.town_id LEFT JOIN town_year p ON p.town_id = y.town_id AND p.year = y.year - 1
    WHERE y.year = ? ORDER BY y.gid`).all(year) as Array<Record<string, number | string | null>>;
  for (const y of years) {
    const total = y.enterprises_total as number | null;
    if (total !== null && y.above_scale !== null && (y.above_scale as number) > total) {
      add({ check: 'sum', table: 'town_year', gid: y.gid as string, field: 'above_scale', message: `专业镇「${y.name}」${year} 年规上企业数 ${y.above_scale} 大于企业总数 ${total}` });
    }
    if (total !== null && y.little_giants !== null && (y.little_giants as number) > total) {
      add({ check: 'sum', table: 'town_year', gid: y.gid as string, field: 'little_giants', message: `专业镇「${y.name}」${year} 年"小巨人"数 ${y.little_giants} 大于企业总数 ${total}` });
    }
    for (const [f, prev, label] of [['output_wan', 'prev_output', '主导产业产值'], ['revenue_wan', 'prev_revenue', '营业收入']] as const) {
      const now = y[f] as number | null;
      const before = y[prev] as number | null;
      if (now !== null && before !== null && before > 0 && Math.abs(now / before - 1) > YOY_LIMIT) {
        const pct = Math.round((now / before - 1) * 1000) / 10;
        add({ check: 'yoy', table: 'town_year', gid: y.gid as string, field: f, message: `专业镇「${y.name}」${year} 年${label}同比 ${pct > 0 ? '+' : ''}${pct}%，超出 ±${YOY_LIMIT * 100}%` });
      }
    }
  }
  const plans = db.prepare(`SELECT p.gid, p.code,
      (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id) AS trainees,
      (SELECT count(*) FROM training_certificate c WHERE c.plan_id = p.id) AS certs
    FROM training_plan p WHERE CAST(substr(p.start_date, 1, 4) AS INTEGER) <= ? ORDER BY p.gid`).all(year) as Array<{ gid: string; code: string; trainees: number; certs: number }>;
  for (const p of plans) {
    if (p.certs > p.trainees) add({ check: 'sum', table: 'training_plan', gid: p.gid, field: 'certificates', message: `培训计划 ${p.code} 证书数 ${p.certs} 多于学员数 ${p.trainees}` });
  }
  const claims = db.prepare(`SELECT c.gid, c.claim_no, c.applied_fen, c.approved_fen, c.calc_fen,
      (SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount_fen ELSE 0 END), 0) FROM exhibition_payment x WHERE x.claim_id = c.id) AS paid
    FROM exhibition_claim c WHERE c.subsidy_year = ? ORDER BY c.gid`).all(year) as Array<{ gid: string; claim_no: string; applied_fen: number | null; approved_fen: number | null; calc_fen: number; paid: number }>;
  const yuan = (f: number) => (f / 100).toFixed(2);
  for (const c of claims) {
    if (c.approved_fen !== null && c.applied_fen !== null && c.approved_fen > c.applied_fen) {
      add({ check: 'cap', table: 'exhibition_claim', gid: c.gid, field: 'approved_fen', message: `参展补贴申请 ${c.claim_no} 核定 ${yuan(c.approved_fen)} 元，超过申请额 ${yuan(c.applied_fen)} 元` });
    }
    if (c.approved_fen !== null && c.calc_fen > 0 && c.approved_fen > c.calc_fen) {
      add({ check: 'cap', table: 'exhibition_claim', gid: c.gid, field: 'approved_fen', message: `参展补贴申请 ${c.claim_no} 核定 ${yuan(c.approved_fen)} 元，超过按规则计算的上限 ${yuan(c.calc_fen)} 元` });
    }
    if (c.paid > (c.approved_fen ?? 0)) {
      add({ check: 'cap', table: 'exhibition_claim', gid: c.gid, field: 'paid', message: `参展补贴申请 ${c.claim_no} 已拨付 ${yuan(c.paid)} 元，超过核定额 ${yuan(c.approved_fen ?? 0)} 元` });
    }
  }
  // Two failures may share an id (two caps on one field): keep the first, explanations are per figure.
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
}
