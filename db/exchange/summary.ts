// 汇总 by lower office: after a city (or province) consolidated its counties' packages, one row per office of
// origin with the counts and amounts of every domain area, and the same table to Excel. Records keep the
// origin_office they were written at (migration 6), so the figures trace back to the county that reported them.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { parseInput } from '../validate.js';
import { writeWorkbook } from '../excel/write.js';
import { SHIPPED_ORIGIN } from './tables.js';
import { ownOrigin } from '../ownership/versions.js';
import { officeName } from '../ownership/origin.js';

export const summaryInput = z.object({
  /** county: one row per origin office; city: counties folded into their prefecture (for a province). */
  by: z.enum(['county', 'city']).default('county'),
  /** Plans starting and claims for subsidies in this year; enterprises and towns are always the current registry. */
  year: z.number().int().min(2000).max(2100).optional(),
});
export const SUMMARY_LABELS = { by: '汇总方式', year: '年度' };

export interface SummaryRow {
  office_code: string;
  office_name: string;
  /** This ledger's own records (本级), not a lower office's. */
  own: boolean;
  enterprises: number;
  towns: number;
  plans: number;
  trainees: number;
  claims: number;
  approved_fen: number;
  paid_fen: number;
}
type Figures = Omit<SummaryRow, 'office_code' | 'office_name' | 'own'>;
const FIGURES: Array<keyof Figures> = ['enterprises', 'towns', 'plans', 'trainees', 'claims', 'approved_fen', 'paid_fen'];

export function summaryByOffice(ctx: Pick<Ctx, 'db'>, raw: unknown): { by: 'county' | 'city'; year: number | null; rows: SummaryRow[]; totals: Figures } {
  const i = parseInput(summaryInput, raw ?? {}, SUMMARY_LABELS);
  const db = ctx.db;
  const key = (col: string) => (i.by === 'city' ? `substr(${col}, 1, 4) || '00'` : col);
  const y = i.year ?? null;
  // Children count under their parent's origin: a trainee or payment belongs to the county whose plan or claim it is.
  const queries: Array<[keyof Figures, string]> = [
    ['enterprises', `SELECT ${key('origin_office')} AS k, count(*) AS n FROM enterprise WHERE status = 'active' GROUP BY k`],
    ['towns', `SELECT ${key('origin_office')} AS k, count(*) AS n FROM town GROUP BY k`],
    ['plans', `SELECT ${key('origin_office')} AS k, count(*) AS n FROM training_plan WHERE @y IS NULL OR substr(start_date, 1, 4) = CAST(@y AS TEXT) GROUP BY k`],
    ['trainees', `SELECT ${key('p.origin_office')} AS k, count(*) AS n FROM trainee t JOIN training_plan p ON p.id = t.plan_id
      WHERE @y IS NULL OR substr(p.start_date, 1, 4) = CAST(@y AS TEXT) GROUP BY k`],
    ['claims', `SELECT ${key('origin_office')} AS k, count(*) AS n FROM exhibition_claim WHERE @y IS NULL OR subsidy_year = @y GROUP BY k`],
    ['approved_fen', `SELECT ${key('origin_office')} AS k, sum(approved_fen) AS n FROM exhibition_claim
      WHERE status IN ('approved', 'paid') AND (@y IS NULL OR subsidy_year = @y) GROUP BY k`],
    ['paid_fen', `SELECT ${key('c.origin_office')} AS k, sum(CASE m.kind WHEN 'payment' THEN m.amount_fen ELSE -m.amount_fen END) AS n
      FROM exhibition_payment m JOIN exhibition_claim c ON c.id = m.claim_id WHERE @y IS NULL OR c.subsidy_year = @y GROUP BY k`],
  ];
  const byKey = new Map<string, Figures>();
  for (const [field, sql] of queries) {
    for (const r of db.prepare(sql).all({ y }) as Array<{ k: string | null; n: number | null }>) {
      const k = r.k ?? SHIPPED_ORIGIN;
      if (k.startsWith(SHIPPED_ORIGIN.slice(0, i.by === 'city' ? 4 : 6))) continue;
      const f = byKey.get(k) ?? (Object.fromEntries(FIGURES.map((x) => [x, 0])) as unknown as Figures);
      f[field] += r.n ?? 0;
      byKey.set(k, f);
    }
  }
  const own = ownOrigin(db);
  const ownKey = i.by === 'city' ? `${own.slice(0, 4)}00` : own;
  const regionName = db.prepare('SELECT name FROM region WHERE code = ? ORDER BY valid_to IS NULL DESC LIMIT 1').pluck();
  const peerName = db.prepare('SELECT name FROM exchange_peer WHERE office_code = ? ORDER BY id DESC LIMIT 1').pluck();
  const rows = [...byKey.entries()]
    .sort(([a], [b]) => (a === ownKey ? -1 : b === ownKey ? 1 : a.localeCompare(b)))
    .map(([k, f]): SummaryRow => ({
      office_code: k,
      office_name: (regionName.get(k) as string | undefined) ?? (peerName.get(k) as string | undefined) ?? k,
      own: k === ownKey,
      ...f,
    }));
  const totals = Object.fromEntries(FIGURES.map((x) => [x, rows.reduce((s, r) => s + r[x], 0)])) as unknown as Figures;
  return { by: i.by, year: y, rows, totals };
}

/** The lists a consolidating office can filter by 上报单位 (origin_office). */
export const ORIGIN_LISTS = { enterprise: 'enterprise', town: 'town', plan: 'training_plan', claim: 'exhibition_claim', course: 'entrepreneur_course' } as const;
export const originsInput = z.object({ list: z.enum(['enterprise', 'town', 'plan', 'claim', 'course'], { error: '未知的列表' }) });

export interface OriginOption {
  code: string;
  name: string;
  /** How many of the list's records came from this office. */
  count: number;
}

/**
 * 上报单位 options for one list: the lower offices that have records in it, by name. A county has no offices
 * below, so it gets none and its lists show no such filter; the ledger's own and shipped records are not options.
 */
export function originOffices(ctx: Pick<Ctx, 'db'>, raw: unknown): OriginOption[] {
  const i = parseInput(originsInput, raw, { list: '列表' });
  const db = ctx.db;
  const level = db.prepare('SELECT level FROM office WHERE id = 1').pluck().get() as string | undefined;
  if (level !== 'city' && level !== 'province') return [];
  const rows = db
    .prepare(
      `SELECT origin_office AS code, count(*) AS count FROM ${ORIGIN_LISTS[i.list]}
       WHERE origin_office IS NOT NULL AND origin_office NOT IN (@own, @shipped) GROUP BY origin_office ORDER BY origin_office`,
    )
    .all({ own: ownOrigin(db), shipped: SHIPPED_ORIGIN }) as Array<{ code: string; count: number }>;
  // At a province a city's entry counts its counties' records too, as its filter takes them: cities before their counties.
  const offered = level === 'province' ? withCities(rows) : rows;
  return offered.map((r) => ({ ...r, name: officeName(db, r.code) }));
}

function withCities(rows: Array<{ code: string; count: number }>): Array<{ code: string; count: number }> {
  const cities = new Map<string, number>();
  for (const r of rows) {
    const city = `${r.code.slice(0, 4)}00`;
    cities.set(city, (cities.get(city) ?? 0) + r.count);
  }
  return [...[...cities].map(([code, count]) => ({ code, count })), ...rows.filter((r) => !cities.has(r.code))].sort((a, b) => a.code.localeCompare(b.code));
}

/** The 汇总 table as on screen, with a 合计 row; amounts in yuan. */
export async function summaryExcel(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown): Promise<{ fileName: string; bytes: Buffer; count: number }> {
  const s = summaryByOffice(ctx, raw);
  const line = (code: string, name: string, f: Figures): Array<string | number> => [
    code, name, f.enterprises, f.towns, f.plans, f.trainees, f.claims, f.approved_fen / 100, f.paid_fen / 100,
  ];
  const bytes = await writeWorkbook([{
    name: '汇总',
    columns: [
      { header: i18nBy(s.by), width: 12 }, { header: '单位', width: 24 }, { header: '企业数', kind: 'number' }, { header: '专业镇数', kind: 'number' },
      { header: '培训计划数', kind: 'number' }, { header: '培训人数', kind: 'number' }, { header: '参展补贴申请数', kind: 'number' },
      { header: '参展补贴核定金额(元)', kind: 'money', width: 20 }, { header: '参展补贴已拨付(元)', kind: 'money', width: 20 },
    ],
    rows: [...s.rows.map((r) => line(r.office_code, r.own ? `${r.office_name}（本级）` : r.office_name, r)), line('', '合计', s.totals)],
  }]);
  return { fileName: `分单位汇总${s.year ? `-${s.year}` : ''}-${isoDate(ctx.clock.now())}.xlsx`, bytes, count: s.rows.length };
}

const i18nBy = (by: 'county' | 'city') => (by === 'city' ? '市级代码' : '上报单位代码');
