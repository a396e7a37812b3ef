import type { Database } from 'better-sqlite3';
import type { IndicatorDef, TownLevel } from './rules.js';
import type { DesignationRow, MemberRow, PlatformRow, ProjectRow, RuleSetRow, TownListQuery, TownRow, TransitionRow } from './schema.js';
import { originCondition } from '../ownership/origin.js';

/** A region code selects what lies beneath it: 140000 → '14', 140500 → '1405', 140525 → itself. */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

export function getTown(db: Database, id: number): TownRow | undefined {
  return db.prepare('SELECT * FROM town WHERE id = ?').get(id) as TownRow | undefined;
}

export function findTownByName(db: Database, countyCode: string, name: string): TownRow | undefined {
  return db.prepare('SELECT * FROM town WHERE county_code = ? AND name = ?').get(countyCode, name) as TownRow | undefined;
}

export interface ListedTown extends TownRow {
  county_name: string | null;
  valid_to: string | null;
  member_count: number;
}

export function listTowns(db: Database, f: TownListQuery): ListedTown[] {
  const parts: string[] = [];
  const p: Record<string, unknown> = {};
  if (f.status) (parts.push('t.status = @status'), (p.status = f.status));
  if (f.level) (parts.push('t.level = @level'), (p.level = f.level));
  if (f.category) (parts.push('t.category = @category'), (p.category = f.category));
  if (f.region_code) (parts.push("t.county_code LIKE @prefix || '%'"), (p.prefix = regionPrefix(f.region_code)));
  if (f.origin_office) (parts.push(originCondition('t.origin_office')), (p.origin = f.origin_office));
  if (f.q) (parts.push('(instr(t.name, @q) > 0 OR instr(t.leading_industry, @q) > 0)'), (p.q = f.q));
  return db
    .prepare(
      `SELECT t.*, r.name AS county_name,
         (SELECT d.valid_to FROM town_designation d WHERE d.town_id = t.id AND d.ended_on IS NULL ORDER BY d.valid_from DESC, d.id DESC LIMIT 1) AS valid_to,
         (SELECT count(*) FROM town_member m WHERE m.town_id = t.id AND m.left_on IS NULL) AS member_count
       FROM town t LEFT JOIN region r ON r.code = t.county_code
       ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''}
       ORDER BY t.county_code, t.name`,
    )
    .all(p) as ListedTown[];
}

type RawDesignation = Omit<DesignationRow, 'bodies'> & { bodies: string };
const designation = (r: RawDesignation): DesignationRow => ({ ...r, bodies: JSON.parse(r.bodies) as string[] });

export function designationsOf(db: Database, townId: number): DesignationRow[] {
  return (db.prepare('SELECT * FROM town_designation WHERE town_id = ? ORDER BY valid_from, id').all(townId) as RawDesignation[]).map(designation);
}

/** The designation in force: the latest one not ended (a lapsed one still counts until 复核 or 撤销 decides). */
export function currentDesignation(db: Database, townId: number): DesignationRow | undefined {
  const r = db
    .prepare('SELECT * FROM town_designation WHERE town_id = ? AND ended_on IS NULL ORDER BY valid_from DESC, id DESC LIMIT 1')
    .get(townId) as RawDesignation | undefined;
  return r ? designation(r) : undefined;
}

export function getDesignation(db: Database, id: number): DesignationRow {
  return designation(db.prepare('SELECT * FROM town_designation WHERE id = ?').get(id) as RawDesignation);
}

export function transitionsOf(db: Database, townId: number): TransitionRow[] {
  return db.prepare('SELECT * FROM town_transition WHERE town_id = ? ORDER BY id').all(townId) as TransitionRow[];
}

export function lastTransition(db: Database, townId: number, action?: string): TransitionRow | undefined {
  return (action
    ? db.prepare('SELECT * FROM town_transition WHERE town_id = ? AND action = ? ORDER BY id DESC LIMIT 1').get(townId, action)
    : db.prepare('SELECT * FROM town_transition WHERE town_id = ? ORDER BY id DESC LIMIT 1').get(townId)) as TransitionRow | undefined;
}

export function membersOf(db: Database, townId: number, includeLeft = false): MemberRow[] {
  return db
    .prepare(
      `SELECT m.id, m.gid, m.town_id, m.enterprise_id, e.name AS enterprise_name, e.uscc, e.scale, m.role, m.joined_on, m.left_on, m.left_reason
       FROM town_member m JOIN enterprise e ON e.id = m.enterprise_id
       WHERE m.town_id = ? ${includeLeft ? '' : 'AND m.left_on IS NULL'}
       ORDER BY CASE m.role WHEN 'leader' THEN 1 WHEN 'chain_master' THEN 2 WHEN 'supporting' THEN 3 ELSE 4 END, e.name_pinyin`,
    )
    .all(townId) as MemberRow[];
}

export function platformsOf(db: Database, townId: number): PlatformRow[] {
  const rows = db.prepare('SELECT * FROM town_platform WHERE town_id = ? ORDER BY id').all(townId) as Array<Omit<PlatformRow, 'services'>>;
  const svc = db.prepare('SELECT year, services FROM town_platform_year WHERE platform_id = ? ORDER BY year');
  return rows.map((r) => ({ ...r, services: svc.all(r.id) as Array<{ year: number; services: number }> }));
}

export function projectsOf(db: Database, townId: number): ProjectRow[] {
  return db.prepare('SELECT * FROM town_project WHERE town_id = ? ORDER BY start_date DESC, id DESC').all(townId) as ProjectRow[];
}

export function indicatorDefs(db: Database): IndicatorDef[] {
  return db.prepare('SELECT code, name, unit, kind FROM town_indicator_def ORDER BY sort').all() as IndicatorDef[];
}

export type YearRow = Record<string, number | string | null> & { id: number; town_id: number; year: number };

export function yearRowsOf(db: Database, townId: number): YearRow[] {
  return db.prepare('SELECT * FROM town_year WHERE town_id = ? ORDER BY year').all(townId) as YearRow[];
}

export function yearRow(db: Database, townId: number, year: number): YearRow | undefined {
  return db.prepare('SELECT * FROM town_year WHERE town_id = ? AND year = ?').get(townId, year) as YearRow | undefined;
}

export interface Policy {
  id: number;
  name: string;
  validity_years: number;
  rereview_notice_days: number;
  unit_check_ratio: number;
}

/** The policy in force for a county on a date: the most specific region scope, then the latest effective date. */
export function policyFor(db: Database, countyCode: string, date: string): Policy {
  return db
    .prepare(
      `SELECT id, name, validity_years, rereview_notice_days, unit_check_ratio FROM town_policy
       WHERE effective_from <= @date AND substr(@county, 1, length(region_code)) = region_code
       ORDER BY length(region_code) DESC, effective_from DESC, id DESC LIMIT 1`,
    )
    .get({ date, county: countyCode }) as Policy;
}

export function getRuleSet(db: Database, id: number): RuleSetRow | undefined {
  return db.prepare('SELECT * FROM town_rule_set WHERE id = ?').get(id) as RuleSetRow | undefined;
}

/** Every version, newest first within a code; `latestOnly` keeps one row per code. */
export function listRuleSets(db: Database, latestOnly: boolean): RuleSetRow[] {
  return db
    .prepare(
      `SELECT * FROM town_rule_set r ${latestOnly ? 'WHERE r.version = (SELECT max(version) FROM town_rule_set x WHERE x.code = r.code)' : ''}
       ORDER BY r.region_code, r.code, r.version DESC`,
    )
    .all() as RuleSetRow[];
}

/** Registry-derived counts for a town: members by scale and by tier in force on `date`, for 企业数 cross-checks. */
export function registryCounts(db: Database, townId: number, date: string): Record<string, number> {
  const r = db
    .prepare(
      `SELECT count(*) AS enterprises_total,
         coalesce(sum(e.scale = 'above'), 0) AS above_scale,
         coalesce(sum(EXISTS (SELECT 1 FROM enterprise_tier t WHERE t.enterprise_id = e.id AND t.tier_code = 'little_giant' AND t.revoked_at IS NULL
           AND t.valid_from <= @date AND (t.valid_to IS NULL OR t.valid_to >= @date))), 0) AS little_giants,
         coalesce(sum(EXISTS (SELECT 1 FROM enterprise_tier t WHERE t.enterprise_id = e.id AND t.tier_code = 'single_champion' AND t.revoked_at IS NULL
           AND t.valid_from <= @date AND (t.valid_to IS NULL OR t.valid_to >= @date))), 0) AS single_champions,
         coalesce(sum(EXISTS (SELECT 1 FROM enterprise_tier t WHERE t.enterprise_id = e.id AND t.tier_code = 'zjtx_sme' AND t.level = 'provincial'
           AND t.revoked_at IS NULL AND t.valid_from <= @date AND (t.valid_to IS NULL OR t.valid_to >= @date))), 0) AS provincial_zjtx,
         coalesce(sum(EXISTS (SELECT 1 FROM enterprise_tier t WHERE t.enterprise_id = e.id AND t.tier_code = 'innovative_sme' AND t.revoked_at IS NULL
           AND t.valid_from <= @date AND (t.valid_to IS NULL OR t.valid_to >= @date))), 0) AS innovative_smes,
         coalesce(sum(EXISTS (SELECT 1 FROM enterprise_tier t WHERE t.enterprise_id = e.id AND t.tier_code = 'high_tech' AND t.revoked_at IS NULL
           AND t.valid_from <= @date AND (t.valid_to IS NULL OR t.valid_to >= @date))), 0) AS high_tech
       FROM town_member m JOIN enterprise e ON e.id = m.enterprise_id
       WHERE m.town_id = @town AND m.joined_on <= @date AND (m.left_on IS NULL OR m.left_on >= @date) AND e.status = 'active'`,
    )
    .get({ town: townId, date }) as Record<string, number>;
  return r;
}

export const LEVELS: readonly TownLevel[] = ['county', 'city', 'province'];
