import { z } from 'zod';
import type { Ctx } from '../context.js';
import { parseInput } from '../validate.js';
import type { RegionRow } from './regions.js';

export const regionChildrenInput = z.object({ parent: z.string().regex(/^\d{6}$/).nullable(), includeRetired: z.boolean().default(false) });

export function regionChildren(ctx: Pick<Ctx, 'db'>, raw: unknown): RegionRow[] {
  const input = parseInput(regionChildrenInput, raw);
  const retired = input.includeRetired ? '' : 'AND valid_to IS NULL';
  return (
    input.parent === null
      ? ctx.db.prepare(`SELECT * FROM region WHERE parent_code IS NULL ${retired} ORDER BY code`).all()
      : ctx.db.prepare(`SELECT * FROM region WHERE parent_code = ? ${retired} ORDER BY code`).all(input.parent)
  ) as RegionRow[];
}

export function regionLookup(ctx: Pick<Ctx, 'db'>, raw: unknown): RegionRow | null {
  const code = parseInput(z.string().regex(/^\d{6}$/), raw);
  return (ctx.db.prepare('SELECT * FROM region WHERE code = ?').get(code) as RegionRow | undefined) ?? null;
}

export const searchInput = z.object({ q: z.string().trim().max(50), limit: z.number().int().min(1).max(100).default(30) });

export function industrySearch(ctx: Pick<Ctx, 'db'>, raw: unknown) {
  const input = parseInput(searchInput, raw);
  const like = `%${input.q}%`;
  return ctx.db
    .prepare(
      `SELECT code, name, kind FROM industry WHERE kind IN ('division','group','class') AND (code LIKE ? OR name LIKE ?)
       ORDER BY code LIMIT ?`,
    )
    .all(`${input.q}%`, like, input.limit) as Array<{ code: string; name: string; kind: string }>;
}

/** Counties of the office's area, for filters and pickers. */
export function officeCounties(ctx: Pick<Ctx, 'db'>): RegionRow[] {
  const office = ctx.db.prepare('SELECT level, region_code FROM office WHERE id = 1').get() as
    | { level: string; region_code: string }
    | undefined;
  if (!office) return [];
  const prefix = office.level === 'province' ? office.region_code.slice(0, 2) : office.region_code.slice(0, 4);
  if (office.level === 'county') {
    return ctx.db.prepare('SELECT * FROM region WHERE code = ?').all(office.region_code) as RegionRow[];
  }
  return ctx.db
    .prepare(`SELECT * FROM region WHERE kind = 'county' AND code LIKE ? AND valid_to IS NULL ORDER BY code`)
    .all(`${prefix}%`) as RegionRow[];
}
