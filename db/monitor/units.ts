// The units that fill a form (填报单位): active enterprises the form's rule selects for a period (规上, and those on
// a named list such as the 监测名单), plus any enterprise that already has figures in the report.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { parseInput, requiredText } from '../validate.js';
import { audit } from '../audit/audit.js';
import { industryMatches, periodMonths, unitRuleSchema, type Period } from './rules.js';
import * as q from './queries.js';

export interface Unit {
  enterprise_id: number;
  uscc: string;
  name: string;
  scale: 'above' | 'below';
  /** Selected by the form's rule for the period; false: kept because it has figures, though no longer selected. */
  in_rule: boolean;
}

export function unitsFor(ctx: Pick<Ctx, 'db'>, form: q.FormRow, period: Period, withFigures: readonly number[] = []): Unit[] {
  const rule = unitRuleSchema.parse(JSON.parse(form.unit_rule));
  const listed = q.listedIn(ctx.db, rule.lists, periodMonths(period));
  const out = new Map<number, Unit>();
  for (const e of q.activeEnterprises(ctx.db)) {
    if ((rule.scale.includes(e.scale) || listed.has(e.id)) && industryMatches(rule, e.industry_code)) {
      out.set(e.id, { enterprise_id: e.id, uscc: e.uscc, name: e.name, scale: e.scale, in_rule: true });
    }
  }
  for (const e of q.enterprisesById(ctx.db, withFigures.filter((id) => !out.has(id)))) {
    out.set(e.id, { enterprise_id: e.id, uscc: e.uscc, name: e.name, scale: e.scale, in_rule: false });
  }
  return [...out.values()].sort((a, b) => (a.in_rule !== b.in_rule ? (a.in_rule ? -1 : 1) : a.uscc.localeCompare(b.uscc)));
}

const monthField = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '应为 YYYY-MM，如 2026-03');
export const listEntryInput = z.object({
  list_code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).default('monitor'),
  enterprise_id: z.number().int().positive(),
  from_period: monthField,
  reason: requiredText(200),
});
export const listLeaveInput = z.object({
  list_code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).default('monitor'),
  enterprise_id: z.number().int().positive(),
  to_period: monthField,
});
const LIST_LABELS = { list_code: '名单', enterprise_id: '企业', from_period: '起始月份', to_period: '截止月份', reason: '列入原因' };

/** Puts an enterprise on a monitoring list from a month on (months also cover quarters and years: '2026-03' ≥ '2026'). */
export function addToList(ctx: Ctx, raw: unknown) {
  const i = parseInput(listEntryInput, raw, LIST_LABELS);
  const e = q.enterprisesById(ctx.db, [i.enterprise_id])[0];
  if (!e) throw new AppError('NOT_FOUND', `企业 ${i.enterprise_id} 不存在`);
  if (ctx.db.prepare('SELECT 1 FROM monitor_unit WHERE list_code = ? AND enterprise_id = ? AND to_period IS NULL').get(i.list_code, i.enterprise_id)) {
    throw new AppError('DUPLICATE', `「${e.name}」已在监测名单中`);
  }
  const at = isoTimestamp(ctx.clock.now());
  const id = ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare('INSERT INTO monitor_unit(gid, list_code, enterprise_id, from_period, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(uuidv7(ctx.clock), i.list_code, i.enterprise_id, i.from_period, i.reason, at, ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'monitor.list_add', 'enterprise', i.enterprise_id, { list_code: i.list_code, from_period: i.from_period, reason: i.reason });
    return id;
  })();
  return { id };
}

/** Takes an enterprise off a list after a month (it is still a unit of that month). */
export function removeFromList(ctx: Ctx, raw: unknown) {
  const i = parseInput(listLeaveInput, raw, LIST_LABELS);
  const row = ctx.db.prepare('SELECT id, from_period FROM monitor_unit WHERE list_code = ? AND enterprise_id = ? AND to_period IS NULL').get(i.list_code, i.enterprise_id) as
    | { id: number; from_period: string }
    | undefined;
  if (!row) throw new AppError('NOT_FOUND', '该企业不在监测名单中');
  if (i.to_period < row.from_period) {
    throw new AppError('VALIDATION', `「截止月份」不能早于起始月份 ${row.from_period}`, [{ field: 'to_period', label: '截止月份', message: `不能早于 ${row.from_period}` }]);
  }
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE monitor_unit SET to_period = ? WHERE id = ?').run(i.to_period, row.id);
    audit(ctx, 'monitor.list_remove', 'enterprise', i.enterprise_id, { list_code: i.list_code, to_period: i.to_period });
  })();
  return { id: row.id };
}

export function listEntries(ctx: Ctx, raw: { list_code?: string } | undefined) {
  const code = parseInput(z.object({ list_code: z.string().max(32).default('monitor') }), raw ?? {}).list_code;
  return ctx.db
    .prepare(
      `SELECT u.id, u.list_code, u.enterprise_id, e.uscc, e.name, u.from_period, u.to_period, u.reason
         FROM monitor_unit u JOIN enterprise e ON e.id = u.enterprise_id WHERE u.list_code = ? ORDER BY u.to_period IS NOT NULL, e.uscc`,
    )
    .all(code);
}
