// Yearly indicators of a town (年度指标) with 同比 and registry cross-checks, and development plans (发展方案).
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { audit } from '../audit/audit.js';
import { checkIndicatorValues, normalizeValue, yoy, type IndicatorDef, type IndicatorValues } from './rules.js';
import * as q from './queries.js';
import { indicatorsInput, PLAN_LABELS, planInput } from './schema.js';
import { fieldError, mustTown } from './service.js';

export function valuesOf(row: q.YearRow | undefined, defs: readonly IndicatorDef[]): IndicatorValues | null {
  if (!row) return null;
  const v: IndicatorValues = {};
  for (const d of defs) v[d.code] = row[d.code] ?? null;
  return v;
}

/**
 * Writes one town-year inside the caller's transaction (form and Excel import share it). `values` holds every
 * indicator: the row is replaced as a whole, so clearing a cell clears the figure.
 */
export function writeYear(
  ctx: Ctx,
  defs: readonly IndicatorDef[],
  townId: number,
  year: number,
  values: IndicatorValues,
  note: string | null,
  via: string | null,
): 'created' | 'updated' | 'unchanged' {
  const before = q.yearRow(ctx.db, townId, year);
  const now = isoTimestamp(ctx.clock.now());
  const cols = defs.map((d) => d.code);
  if (!before) {
    ctx.db
      .prepare(
        `INSERT INTO town_year(gid, town_id, year, ${cols.join(', ')}, note, created_at, created_by, updated_at, updated_by)
         VALUES (@gid, @town_id, @year, ${cols.map((c) => `@${c}`).join(', ')}, @note, @at, @by, @at, @by)`,
      )
      .run({ ...values, gid: uuidv7(ctx.clock), town_id: townId, year, note, at: now, by: ctx.actor.username });
    audit(ctx, 'town.indicators_create', 'town', townId, { year, values, ...(via ? { via } : {}) });
    return 'created';
  }
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const c of [...cols, 'note']) {
    const to = c === 'note' ? note : (values[c] ?? null);
    if ((before[c] ?? null) !== to) changes[c] = { from: before[c] ?? null, to };
  }
  if (Object.keys(changes).length === 0) return 'unchanged';
  ctx.db
    .prepare(`UPDATE town_year SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, note = @note, updated_at = @at, updated_by = @by WHERE id = @id`)
    .run({ ...values, note, at: now, by: ctx.actor.username, id: before.id });
  audit(ctx, 'town.indicators_update', 'town', townId, { year, changes, ...(via ? { via } : {}) });
  return 'updated';
}

export function currentYear(ctx: Pick<Ctx, 'clock'>): number {
  return Number(isoDate(ctx.clock.now()).slice(0, 4));
}

/** Saves a year's figures from the form. Unknown codes, bad numbers and a 元-for-万元 slip are refused naming the field. */
export function saveIndicators(ctx: Ctx, raw: unknown) {
  const input = parseInput(indicatorsInput, raw, { town_id: '专业镇', year: '年度', values: '指标', note: '备注' });
  const town = mustTown(ctx, input.town_id);
  if (input.year > currentYear(ctx)) throw fieldError('year', '年度', `${input.year} 年尚未到来`);
  const defs = q.indicatorDefs(ctx.db);
  const known = new Set(defs.map((d) => d.code));
  for (const k of Object.keys(input.values)) if (!known.has(k)) throw fieldError(`values.${k}`, '指标', `未知指标「${k}」`);
  const values: IndicatorValues = {};
  for (const d of defs) {
    const v = input.values[d.code];
    // true, NaN or an object cannot be a figure; name the indicator rather than the whole 指标 map.
    if (v !== undefined && v !== null && typeof v !== 'string' && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw fieldError(`values.${d.code}`, d.name, `「${String(v)}」不是${d.kind === 'text' ? '文字' : '数字'}`);
    }
    const blank = v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    // A number typed as text ("12.5") is a number; anything else stays text and is refused as 不是数字 below.
    values[d.code] = blank ? null : typeof v === 'string' && d.kind !== 'text' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
  }
  const previous = valuesOf(q.yearRow(ctx.db, town.id, input.year - 1), defs);
  const policy = q.policyFor(ctx.db, town.county_code, isoDate(ctx.clock.now()));
  const issues = checkIndicatorValues(values, defs, previous, policy.unit_check_ratio);
  if (issues.length) {
    const f = issues[0]!;
    throw new AppError('VALIDATION', `「${f.label}」${f.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
  }
  for (const d of defs) {
    const v = values[d.code];
    if (typeof v === 'number') values[d.code] = normalizeValue(d.kind, v);
  }
  const result = ctx.db.transaction(() => writeYear(ctx, defs, town.id, input.year, values, input.note, null))();
  return { result, table: indicatorTable(ctx, { town_id: town.id }) };
}

export interface IndicatorCell {
  value: number | string | null;
  /** 同比 in percent against the year before. */
  yoy: number | null;
  /** What the enterprise registry counts for this figure (members by scale/tier), where it can. */
  registry?: number;
  /** Set where the reported figure and the registry's count differ. */
  warning?: string;
}

export interface IndicatorTable {
  defs: IndicatorDef[];
  years: Array<{ year: number; note: string | null; cells: Record<string, IndicatorCell> }>;
}

const REGISTRY_DERIVED = ['enterprises_total', 'above_scale', 'little_giants', 'single_champions', 'provincial_zjtx', 'innovative_smes', 'high_tech'];

/**
 * Every reported year of a town with 同比, and beside the counts the registry can derive (members at the end of that
 * year) the registry's figure, with a warning where they differ.
 */
export function indicatorTable(ctx: Ctx, raw: unknown): IndicatorTable {
  const { town_id } = parseInput(z.object({ town_id: z.number().int().positive() }), raw, { town_id: '专业镇' });
  mustTown(ctx, town_id);
  const defs = q.indicatorDefs(ctx.db);
  const rows = q.yearRowsOf(ctx.db, town_id);
  const byYear = new Map(rows.map((r) => [r.year, r]));
  const hasMembers = (ctx.db.prepare('SELECT count(*) FROM town_member WHERE town_id = ?').pluck().get(town_id) as number) > 0;
  const years = rows.map((r) => {
    const prev = byYear.get(r.year - 1);
    const reg = hasMembers ? q.registryCounts(ctx.db, town_id, `${r.year}-12-31`) : null;
    const cells: Record<string, IndicatorCell> = {};
    for (const d of defs) {
      const value = r[d.code] ?? null;
      const p = prev?.[d.code] ?? null;
      const cell: IndicatorCell = { value, yoy: typeof value === 'number' && typeof p === 'number' ? yoy(value, p) : null };
      if (reg && REGISTRY_DERIVED.includes(d.code)) {
        cell.registry = reg[d.code]!;
        if (typeof value === 'number' && value !== cell.registry) {
          cell.warning = `填报 ${value}，企业库中本镇成员为 ${cell.registry}`;
        }
      }
      cells[d.code] = cell;
    }
    return { year: r.year, note: (r.note as string | null) ?? null, cells };
  });
  return { defs, years };
}

/** 复制上期: last year's figures as the starting values for `year` (nothing is written). */
export function indicatorDraft(ctx: Ctx, raw: unknown): { year: number; copiedFrom: number | null; values: IndicatorValues } {
  const { town_id, year } = parseInput(z.object({ town_id: z.number().int().positive(), year: z.number().int().min(1990).max(2100) }), raw, {
    town_id: '专业镇',
    year: '年度',
  });
  mustTown(ctx, town_id);
  const defs = q.indicatorDefs(ctx.db);
  const existing = q.yearRow(ctx.db, town_id, year);
  if (existing) return { year, copiedFrom: year, values: valuesOf(existing, defs)! };
  const prev = ctx.db.prepare('SELECT * FROM town_year WHERE town_id = ? AND year < ? ORDER BY year DESC LIMIT 1').get(town_id, year) as q.YearRow | undefined;
  const empty = Object.fromEntries(defs.map((d) => [d.code, null])) as IndicatorValues;
  return { year, copiedFrom: prev?.year ?? null, values: prev ? valuesOf(prev, defs)! : empty };
}

// ---------------------------------------------------------------- development plans

export function savePlan(ctx: Ctx, raw: unknown) {
  const p = parseInput(planInput, raw, PLAN_LABELS);
  mustTown(ctx, p.town_id);
  const defs = new Map(q.indicatorDefs(ctx.db).map((d) => [d.code, d]));
  const seen = new Set<string>();
  p.targets.forEach((t, i) => {
    const d = defs.get(t.indicator);
    if (!d || d.kind === 'text') throw fieldError(`targets.${i}.indicator`, `第 ${i + 1} 个目标的指标`, `未知或不可量化的指标「${t.indicator}」`);
    if (t.year < p.start_year || t.year > p.end_year) {
      throw fieldError(`targets.${i}.year`, `第 ${i + 1} 个目标的年度`, `${t.year} 不在方案期 ${p.start_year}–${p.end_year} 内`);
    }
    if (d.kind === 'percent' && t.target > 100) throw fieldError(`targets.${i}.target`, `第 ${i + 1} 个目标的目标值`, '占比应在 0–100 之间');
    const key = `${t.indicator}:${t.year}`;
    if (seen.has(key)) throw fieldError(`targets.${i}`, `第 ${i + 1} 个目标`, `${t.year} 年「${d.name}」重复`);
    seen.add(key);
  });
  return ctx.db.transaction(() => {
    const now = isoTimestamp(ctx.clock.now());
    const id = Number(
      ctx.db
        .prepare('INSERT INTO town_plan(gid, town_id, title, doc_no, start_year, end_year, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(uuidv7(ctx.clock), p.town_id, p.title, p.doc_no, p.start_year, p.end_year, now, ctx.actor.username).lastInsertRowid,
    );
    const ins = ctx.db.prepare('INSERT INTO town_plan_target(gid, plan_id, indicator, year, target, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const t of p.targets) ins.run(uuidv7(ctx.clock), id, t.indicator, t.year, normalizeValue(defs.get(t.indicator)!.kind, t.target), now, ctx.actor.username);
    audit(ctx, 'town.plan_create', 'town', p.town_id, { plan_id: id, title: p.title, targets: p.targets.length });
    return planProgress(ctx, { plan_id: id });
  })();
}

export interface PlanProgress {
  plan: { id: number; town_id: number; title: string; doc_no: string | null; start_year: number; end_year: number };
  targets: Array<{ indicator: string; name: string; unit: string; year: number; target: number; actual: number | null; percent: number | null; met: boolean | null }>;
}

/** Progress against target per indicator and year; an unreported year shows as null, not as 0 %. */
export function planProgress(ctx: Pick<Ctx, 'db'>, raw: unknown): PlanProgress {
  const { plan_id } = parseInput(z.object({ plan_id: z.number().int().positive() }), raw, { plan_id: '发展方案' });
  const plan = ctx.db.prepare('SELECT id, town_id, title, doc_no, start_year, end_year FROM town_plan WHERE id = ?').get(plan_id) as PlanProgress['plan'] | undefined;
  if (!plan) throw new AppError('NOT_FOUND', `发展方案 ${plan_id} 不存在`);
  return { plan, targets: progressRows(ctx.db, plan) };
}

function progressRows(db: Database, plan: PlanProgress['plan']): PlanProgress['targets'] {
  const defs = new Map(q.indicatorDefs(db).map((d) => [d.code, d]));
  const targets = db.prepare('SELECT indicator, year, target FROM town_plan_target WHERE plan_id = ? ORDER BY indicator, year').all(plan.id) as Array<{
    indicator: string;
    year: number;
    target: number;
  }>;
  return targets.map((t) => {
    const d = defs.get(t.indicator)!;
    const v = q.yearRow(db, plan.town_id, t.year)?.[t.indicator];
    const actual = typeof v === 'number' ? v : null;
    return {
      ...t,
      name: d.name,
      unit: d.unit,
      actual,
      percent: actual === null || t.target === 0 ? null : Math.round((actual / t.target) * 1000) / 10,
      met: actual === null ? null : actual >= t.target,
    };
  });
}

export function plansOf(ctx: Pick<Ctx, 'db'>, townId: number): PlanProgress[] {
  const plans = ctx.db.prepare('SELECT id, town_id, title, doc_no, start_year, end_year FROM town_plan WHERE town_id = ? ORDER BY start_year DESC, id DESC').all(townId) as PlanProgress['plan'][];
  return plans.map((plan) => ({ plan, targets: progressRows(ctx.db, plan) }));
}
