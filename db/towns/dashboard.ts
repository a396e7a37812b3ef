// The 专业镇 overview: counts by level/category/status, 复核 due, unreported towns, indicator totals by year.
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { parseInput } from '../validate.js';
import { addDays, CATEGORY_LABEL, LEVEL_LABEL, STATUS_LABEL, type TownCategory, type TownLevel, type TownStatus } from './rules.js';
import * as q from './queries.js';
import { dashboardQuery, DASHBOARD_LABELS } from './schema.js';
import { byOrigin, officeName, originCondition } from '../ownership/origin.js';

/** The towns of an area (county-code prefix) and, after consolidation, of one 上报单位 (null: all). */
const scope = (prefix: string, origin: string | null = null) =>
  // Without a 上报单位 the condition is left out, not passed as NULL: the overview is timed at 5,000 towns.
  origin
    ? { sql: `t.county_code >= @lo AND t.county_code < @hi AND ${originCondition('t.origin_office')}`, params: { lo: prefix, hi: `${prefix}~`, origin } }
    : { sql: `t.county_code >= @lo AND t.county_code < @hi`, params: { lo: prefix, hi: `${prefix}~` } };

export function townCounts(db: Database, prefix: string, origin: string | null = null) {
  const s = scope(prefix, origin);
  const rows = db
    .prepare(`SELECT t.level, t.category, t.status, count(*) AS n FROM town t WHERE ${s.sql} GROUP BY t.level, t.category, t.status`)
    .all(s.params) as Array<{ level: TownLevel | null; category: TownCategory; status: TownStatus; n: number }>;
  const by = <K extends string>(key: (r: (typeof rows)[number]) => K, label: (k: K) => string) => {
    const m = new Map<K, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.n);
    return [...m].map(([k, n]) => ({ key: k, label: label(k), count: n })).sort((a, b) => b.count - a.count);
  };
  return {
    total: rows.reduce((s2, r) => s2 + r.n, 0),
    byLevel: by((r) => (r.level ?? 'none') as TownLevel | 'none', (k) => (k === 'none' ? '未认定' : LEVEL_LABEL[k])),
    byCategory: by((r) => r.category, (k) => CATEGORY_LABEL[k]),
    byStatus: by((r) => r.status, (k) => STATUS_LABEL[k]),
    /** 按上报单位: towns per office of origin (本级 first). */
    byOffice: byOrigin(db, db.prepare(`SELECT t.origin_office AS k, count(*) AS count FROM town t WHERE ${s.sql} GROUP BY k`).all(s.params) as Array<{ k: string | null; count: number }>),
  };
}

/** Designations in force that end within the notice window (or have already lapsed) and are not yet under 复核. */
export function rereviewDue(db: Database, prefix: string, today: string, windowDays: number, origin: string | null = null) {
  const s = scope(prefix, origin);
  return (
    db
      .prepare(
        `SELECT t.id AS town_id, t.name, t.county_code, t.status, d.level, d.doc_no, d.valid_to
         FROM town_designation d JOIN town t ON t.id = d.town_id
         WHERE d.ended_on IS NULL AND d.valid_to <= @until AND t.status NOT IN ('rereview','revoked','applied','reviewing','publicizing') AND ${s.sql}
         ORDER BY d.valid_to, t.name`,
      )
      .all({ until: addDays(today, windowDays), ...s.params }) as Array<{
      town_id: number;
      name: string;
      county_code: string;
      status: TownStatus;
      level: TownLevel;
      doc_no: string;
      valid_to: string;
    }>
  ).map((r) => {
    const days = Math.round((Date.parse(`${r.valid_to}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400_000);
    return { ...r, days_left: days, overdue: days < 0 };
  });
}

/** Designated towns (any state after 认定, not 撤销) without a row for `year`. */
export function missingIndicators(db: Database, prefix: string, year: number, origin: string | null = null) {
  const s = scope(prefix, origin);
  return db
    .prepare(
      `SELECT t.id AS town_id, t.name, t.county_code, t.level, t.status FROM town t
       WHERE t.status IN ('designated','rereview','warned','downgraded') AND ${s.sql}
         AND NOT EXISTS (SELECT 1 FROM town_year y WHERE y.town_id = t.id AND y.year = @year)
       ORDER BY t.county_code, t.name`,
    )
    .all({ year, ...s.params }) as Array<{ town_id: number; name: string; county_code: string; level: TownLevel | null; status: TownStatus }>;
}

/** Sum of every numeric indicator per year, with how many towns reported each. */
export function indicatorTotals(db: Database, prefix: string, origin: string | null = null) {
  const defs = q.indicatorDefs(db).filter((d) => d.kind === 'count' || d.kind === 'wan');
  const s = scope(prefix, origin);
  const join = prefix || origin ? `JOIN town t ON t.id = y.town_id WHERE ${s.sql}` : '';
  const rows = db
    .prepare(
      `SELECT y.year, count(*) AS towns, ${defs.map((d) => `sum(y.${d.code}) AS ${d.code}`).join(', ')}
       FROM town_year y ${join} GROUP BY y.year ORDER BY y.year`,
    )
    .all(prefix || origin ? s.params : {}) as Array<Record<string, number | null> & { year: number; towns: number }>;
  return {
    indicators: defs.map((d) => ({ code: d.code, name: d.name, unit: d.unit })),
    years: rows.map((r) => {
      const out: Record<string, number | null> = {};
      for (const d of defs) out[d.code] = r[d.code] === null ? null : Math.round(r[d.code]! * 100) / 100;
      return { year: r.year, towns: r.towns, totals: out };
    }),
  };
}

/**
 * The whole overview; `region_code` narrows a city or province office to one area, `origin_office` to the towns
 * one lower office reported, `year` defaults to last year.
 */
export function townDashboard(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown) {
  const f = parseInput(dashboardQuery, raw ?? {}, DASHBOARD_LABELS);
  const origin = f.origin_office ?? null;
  const today = isoDate(ctx.clock.now());
  const office = ctx.db.prepare('SELECT region_code FROM office WHERE id = 1').pluck().get() as string | undefined;
  const region = f.region_code ?? office ?? '';
  const prefix = region ? q.regionPrefix(region) : '';
  const year = f.year ?? Number(today.slice(0, 4)) - 1;
  const policy = q.policyFor(ctx.db, region || '000000', today);
  return {
    today,
    year,
    origin_office: origin,
    origin_name: origin ? officeName(ctx.db, origin) : null,
    counts: townCounts(ctx.db, prefix, origin),
    rereviewDue: rereviewDue(ctx.db, prefix, today, policy.rereview_notice_days, origin),
    noticeDays: policy.rereview_notice_days,
    missingIndicators: missingIndicators(ctx.db, prefix, year, origin),
    totals: indicatorTotals(ctx.db, prefix, origin),
  };
}
