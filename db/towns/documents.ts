// The documents an office files for a batch of specialized towns (专业镇): the 公示名单 (towns put up for public
// notice together, i.e. one publicity period) and the 认定名单 (towns designated by one numbered document).
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { getOffice } from '../office/service.js';
import { officeFullName, officeName, originCondition, originOfficeField } from '../ownership/origin.js';
import { CATEGORY_LABEL, LEVEL_LABEL, type TownCategory, type TownLevel } from './rules.js';

export interface Batch {
  kind: 'publicity' | 'designation';
  /** Publicity: 'start|end'; designation: the 文号. */
  key: string;
  title: string;
  doc_no: string | null;
  date: string;
  level: TownLevel | null;
  towns: number;
}

export interface BatchDocument extends Batch {
  office: string;
  region: string | null;
  publicity_start: string | null;
  publicity_end: string | null;
  batch_no: string | null;
  bodies: string[];
  rows: Array<{ town_id: number; name: string; county: string | null; category: string; leading_industry: string; level: string | null; valid_from: string | null; valid_to: string | null }>;
  printed_on: string;
  /** 上报单位 chosen at a consolidating office, and its name for the heading. */
  origin_office: string | null;
  origin_name: string | null;
  /** Who signs: the chosen lower office, else this ledger's office. */
  issuer: string;
}

export const batchListInput = z.object({ origin_office: originOfficeField.optional() });

const LEVEL_ORDER = "CASE level WHEN 'province' THEN 3 WHEN 'city' THEN 2 WHEN 'county' THEN 1 ELSE 0 END";

/**
 * Every batch on file, newest first: one per publicity period, one per designating document. With 上报单位 only
 * the documents that office filed (the publicity or designation records it wrote), counted over its towns only.
 */
export function listBatches(ctx: Pick<Ctx, 'db'>, raw?: unknown): Batch[] {
  const { origin_office } = parseInput(batchListInput, raw ?? {}, { origin_office: '上报单位' });
  const origin = origin_office ?? null;
  const pubs = ctx.db
    .prepare(
      `SELECT p.publicity_start AS s, p.publicity_end AS e, max(p.doc_no) AS doc_no, min(p.date) AS date, count(DISTINCT p.town_id) AS towns,
         max((SELECT ${LEVEL_ORDER} FROM town_transition a WHERE a.town_id = p.town_id AND a.action = 'apply' AND a.date <= p.date ORDER BY a.date DESC, a.id DESC LIMIT 1)) AS rank
       FROM town_transition p WHERE p.action = 'publicize' AND p.publicity_start IS NOT NULL AND p.publicity_end IS NOT NULL
         AND ${originCondition('p.origin_office')}
       GROUP BY p.publicity_start, p.publicity_end`,
    )
    .all({ origin }) as Array<{ s: string; e: string; doc_no: string | null; date: string; towns: number; rank: number | null }>;
  const rankLevel = (r: number | null): TownLevel | null => (r === 3 ? 'province' : r === 2 ? 'city' : r === 1 ? 'county' : null);
  const desigs = ctx.db
    .prepare(
      `SELECT d.doc_no, min(coalesce(tr.date, d.valid_from)) AS date, max(${LEVEL_ORDER.replace('level', 'd.level')}) AS rank,
         count(DISTINCT d.town_id) AS towns, max(d.batch_no) AS batch_no
       FROM town_designation d LEFT JOIN town_transition tr ON tr.designation_id = d.id WHERE ${originCondition('d.origin_office')} GROUP BY d.doc_no`,
    )
    .all({ origin }) as Array<{ doc_no: string; date: string; rank: number; towns: number; batch_no: string | null }>;
  const out: Batch[] = [
    ...pubs.map((p) => ({
      kind: 'publicity' as const, key: `${p.s}|${p.e}`, title: `公示名单（${p.s} 至 ${p.e}）`, doc_no: p.doc_no, date: p.date,
      level: rankLevel(p.rank), towns: p.towns,
    })),
    ...desigs.map((d) => ({
      kind: 'designation' as const, key: d.doc_no, title: `认定名单（${d.doc_no}${d.batch_no ? `，${d.batch_no}` : ''}）`, doc_no: d.doc_no, date: d.date,
      level: rankLevel(d.rank), towns: d.towns,
    })),
  ];
  return out.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.kind.localeCompare(b.kind)));
}

export const batchDocumentInput = z.object({
  kind: z.enum(['publicity', 'designation'], { error: '应为公示名单或认定名单' }),
  key: z.string().min(1).max(200),
  origin_office: originOfficeField.optional(),
});

/** The rows and heading of one batch's 公示名单 or 认定名单, in the order an office lists them (县, 名称). */
export function batchDocument(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown): BatchDocument {
  const input = parseInput(batchDocumentInput, raw, { kind: '名单类型', key: '批次', origin_office: '上报单位' });
  const origin = input.origin_office ?? null;
  const office = getOffice(ctx.db);
  const batch = listBatches(ctx, { origin_office: input.origin_office }).find((b) => b.kind === input.kind && b.key === input.key);
  if (!batch) throw new AppError('NOT_FOUND', origin ? `${officeName(ctx.db, origin)}没有这一批次的记录` : '没有这一批次的记录');
  const base = {
    ...batch, office: office?.name ?? '', region: office?.region_name ?? null, printed_on: isoDate(ctx.clock.now()),
    origin_office: origin, origin_name: origin ? officeName(ctx.db, origin) : null, issuer: origin ? officeFullName(ctx.db, origin) : (office?.name ?? ''),
  };
  type Row = { town_id: number; name: string; county: string | null; category: TownCategory; leading_industry: string; level: TownLevel | null; valid_from: string | null; valid_to: string | null };
  const label = (r: Row) => ({ ...r, category: CATEGORY_LABEL[r.category], level: r.level ? LEVEL_LABEL[r.level] : null });
  if (input.kind === 'publicity') {
    const [s, e] = input.key.split('|');
    const rows = ctx.db
      .prepare(
        `SELECT t.id AS town_id, t.name, r.name AS county, t.category, t.leading_industry, NULL AS valid_from, NULL AS valid_to,
           (SELECT a.level FROM town_transition a WHERE a.town_id = t.id AND a.action = 'apply' AND a.date <= p.date ORDER BY a.date DESC, a.id DESC LIMIT 1) AS level
         FROM town_transition p JOIN town t ON t.id = p.town_id LEFT JOIN region r ON r.code = t.county_code
         WHERE p.action = 'publicize' AND p.publicity_start = @s AND p.publicity_end = @e AND ${originCondition('p.origin_office')}
         GROUP BY t.id ORDER BY t.county_code, t.name`,
      )
      .all({ s, e, origin }) as Row[];
    return { ...base, publicity_start: s!, publicity_end: e!, batch_no: null, bodies: [], rows: rows.map(label) };
  }
  const rows = ctx.db
    .prepare(
      `SELECT t.id AS town_id, t.name, r.name AS county, t.category, t.leading_industry, d.level, d.valid_from, d.valid_to, d.batch_no, d.bodies,
         d.publicity_start, d.publicity_end
       FROM town_designation d JOIN town t ON t.id = d.town_id LEFT JOIN region r ON r.code = t.county_code
       WHERE d.doc_no = @doc AND ${originCondition('d.origin_office')} ORDER BY t.county_code, t.name`,
    )
    .all({ doc: input.key, origin }) as Array<Row & { batch_no: string | null; bodies: string; publicity_start: string | null; publicity_end: string | null }>;
  const first = rows[0];
  return {
    ...base,
    publicity_start: first?.publicity_start ?? null,
    publicity_end: first?.publicity_end ?? null,
    batch_no: first?.batch_no ?? null,
    bodies: first ? (JSON.parse(first.bodies) as string[]) : [],
    rows: rows.map(label),
  };
}
