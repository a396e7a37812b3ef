import { z } from 'zod';
import type { Ctx } from '../context.js';
import { requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { parseInput, requiredText } from '../validate.js';
import { audit, auditForEntity, type AuditEntry } from '../audit/audit.js';
import { pinyinKeys } from './pinyin.js';
import { checkEnterprise, loadLookups } from './rules.js';
import * as q from './queries.js';
import {
  ENTERPRISE_LABELS,
  enterpriseInput,
  listQuery,
  tierInput,
  TIER_LABELS,
  type EnterpriseRow,
  type TierRow,
} from './schema.js';

const EDITABLE = [
  'name', 'region_code', 'township', 'address', 'industry_code', 'scale', 'legal_rep', 'contact_name', 'contact_phone',
] as const;

function validated(ctx: Ctx, raw: unknown) {
  const data = parseInput(enterpriseInput, raw, ENTERPRISE_LABELS);
  const checked = checkEnterprise(data, loadLookups(ctx.db), ctx.actor);
  if (checked.issues.length) {
    const f = checked.issues[0]!;
    const text = f.message.startsWith(f.label) ? f.message : `「${f.label}」${f.message}`;
    throw new AppError('VALIDATION', text + (checked.issues.length > 1 ? `（另有 ${checked.issues.length - 1} 处问题）` : ''), checked.issues);
  }
  return { data, ...checked };
}

function duplicate(uscc: string, existing: EnterpriseRow): AppError {
  return new AppError('DUPLICATE', `统一社会信用代码 ${uscc} 已登记为「${existing.name}」`, [
    { field: 'uscc', label: '统一社会信用代码', message: `已登记为「${existing.name}」` },
  ]);
}

export function createEnterprise(ctx: Ctx, raw: unknown): EnterpriseRow {
  const { data, uscc, overrideReason } = validated(ctx, raw);
  return ctx.db.transaction(() => {
    const existing = q.getByUscc(ctx.db, uscc);
    if (existing) throw duplicate(uscc, existing);
    const now = isoTimestamp(ctx.clock.now());
    const py = pinyinKeys(data.name);
    const row = {
      gid: uuidv7(ctx.clock),
      uscc,
      uscc_override_reason: overrideReason,
      name: data.name,
      name_initials: py.initials,
      name_pinyin: py.full,
      region_code: data.region_code,
      township: data.township,
      address: data.address,
      industry_code: data.industry_code,
      scale: data.scale,
      legal_rep: data.legal_rep,
      contact_name: data.contact_name,
      contact_phone: data.contact_phone,
      status: 'active' as const,
      status_reason: null,
      created_at: now,
      created_by: ctx.actor.username,
      updated_at: now,
      updated_by: ctx.actor.username,
    };
    const id = Number(q.insertStatement(ctx.db).run({ ...row, search_text: q.searchText(row) }).lastInsertRowid);
    audit(ctx, 'enterprise.create', 'enterprise', id, { uscc, name: data.name });
    if (overrideReason) audit(ctx, 'enterprise.uscc_override', 'enterprise', id, { uscc, reason: overrideReason });
    return q.getById(ctx.db, id)!;
  })();
}

/** Field-by-field changes, the shape every update audit entry carries. */
export function diff<T extends object>(before: T, after: Partial<T>, keys: readonly (keyof T)[]) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of keys) {
    if (k in after && (before[k] ?? null) !== (after[k] ?? null)) changes[String(k)] = { from: before[k] ?? null, to: after[k] ?? null };
  }
  return changes;
}

export function updateEnterprise(ctx: Ctx, id: number, raw: unknown): EnterpriseRow {
  const before = q.getById(ctx.db, id);
  if (!before) throw new AppError('NOT_FOUND', `企业 ${id} 不存在`);
  const { data, uscc, overrideReason } = validated(ctx, raw);
  return ctx.db.transaction(() => {
    if (uscc !== before.uscc) {
      const other = q.getByUscc(ctx.db, uscc);
      if (other) throw duplicate(uscc, other);
    }
    const changes = diff(before, { ...data, uscc } as Partial<EnterpriseRow>, ['uscc', ...EDITABLE]);
    if (Object.keys(changes).length === 0 && !overrideReason) return before;
    const py = pinyinKeys(data.name);
    const next = { ...before, ...data, uscc, name_initials: py.initials, name_pinyin: py.full };
    ctx.db
      .prepare(
        `UPDATE enterprise SET uscc = @uscc, uscc_override_reason = @uscc_override_reason, name = @name, name_initials = @name_initials,
          name_pinyin = @name_pinyin, search_text = @search_text, region_code = @region_code, township = @township,
          address = @address, industry_code = @industry_code, scale = @scale, legal_rep = @legal_rep,
          contact_name = @contact_name, contact_phone = @contact_phone, updated_at = @updated_at, updated_by = @updated_by
         WHERE id = @id`,
      )
      .run({
        ...next,
        uscc_override_reason: overrideReason ?? (uscc === before.uscc ? before.uscc_override_reason : null),
        search_text: q.searchText(next),
        updated_at: isoTimestamp(ctx.clock.now()),
        updated_by: ctx.actor.username,
        id,
      });
    audit(ctx, 'enterprise.update', 'enterprise', id, { changes });
    if (overrideReason) audit(ctx, 'enterprise.uscc_override', 'enterprise', id, { uscc, reason: overrideReason });
    return q.getById(ctx.db, id)!;
  })();
}

export const statusInput = z.object({
  id: z.number().int().positive(),
  status: z.enum(['active', 'inactive']),
  reason: requiredText(200),
});

/** Deactivation, never deletion: plans, claims and towns keep pointing at the record. */
export function setEnterpriseStatus(ctx: Ctx, raw: unknown): EnterpriseRow {
  const input = parseInput(statusInput, raw, { reason: '原因', status: '状态' });
  const before = q.getById(ctx.db, input.id);
  if (!before) throw new AppError('NOT_FOUND', `企业 ${input.id} 不存在`);
  if (before.status === input.status) return before;
  return ctx.db.transaction(() => {
    ctx.db
      .prepare('UPDATE enterprise SET status = ?, status_reason = ?, search_text = ?, updated_at = ?, updated_by = ? WHERE id = ?')
      .run(input.status, input.reason, q.searchText({ ...before, status: input.status }), isoTimestamp(ctx.clock.now()), ctx.actor.username, input.id);
    audit(ctx, input.status === 'inactive' ? 'enterprise.deactivate' : 'enterprise.reactivate', 'enterprise', input.id, {
      reason: input.reason,
    });
    return q.getById(ctx.db, input.id)!;
  })();
}

export function listEnterprises(ctx: Ctx, raw: unknown) {
  const query = parseInput(listQuery, raw ?? {});
  return q.listPage(ctx.db, query, isoDate(ctx.clock.now()));
}

export interface EnterpriseDetail {
  enterprise: EnterpriseRow & { region_name: string | null; industry_name: string | null };
  tiers: TierRow[];
  history: AuditEntry[];
}

export function getEnterprise(ctx: Ctx, id: number): EnterpriseDetail {
  const e = q.getById(ctx.db, id);
  if (!e) throw new AppError('NOT_FOUND', `企业 ${id} 不存在`);
  const names = ctx.db
    .prepare(
      `SELECT (SELECT name FROM region WHERE code = ?) AS region_name, (SELECT name FROM industry WHERE code = ?) AS industry_name`,
    )
    .get(e.region_code, e.industry_code) as { region_name: string | null; industry_name: string | null };
  const tiers = q.tiersOf(ctx.db, id);
  // An import writes one entry for all the rows it created (first_id..last_id): show it on each of them.
  const imported = ctx.db
    .prepare(
      `SELECT * FROM audit_log WHERE action = 'enterprise.import'
         AND json_extract(detail, '$.first_id') <= ? AND json_extract(detail, '$.last_id') >= ?`,
    )
    .all(id, id) as AuditEntry[];
  const history = [
    ...imported,
    ...auditForEntity(ctx.db, 'enterprise', String(id)),
    // Exchange entries (conflict choices) name the record by its gid, which is the same in every ledger.
    ...auditForEntity(ctx.db, 'enterprise', e.gid),
    ...tiers.flatMap((t) => auditForEntity(ctx.db, 'enterprise_tier', String(t.id))),
  ].sort((a, b) => b.seq - a.seq);
  const { search_text: _s, ...rest } = e as EnterpriseRow & { search_text?: string };
  return { enterprise: { ...rest, ...names }, tiers, history };
}

export function addTier(ctx: Ctx, raw: unknown): TierRow {
  const t = parseInput(tierInput, raw, TIER_LABELS);
  if (!q.getById(ctx.db, t.enterprise_id)) throw new AppError('NOT_FOUND', `企业 ${t.enterprise_id} 不存在`);
  const known = ctx.db.prepare('SELECT name FROM tier_type WHERE code = ?').pluck().get(t.tier_code) as string | undefined;
  if (!known) {
    throw new AppError('VALIDATION', `「梯度类型」未知：${t.tier_code}`, [{ field: 'tier_code', label: '梯度类型', message: '未知类型' }]);
  }
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO enterprise_tier(gid, enterprise_id, tier_code, level, granted_by, doc_no, valid_from, valid_to, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), t.enterprise_id, t.tier_code, t.level, t.granted_by, t.doc_no, t.valid_from, t.valid_to ?? null,
          isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'tier.add', 'enterprise_tier', id, { enterprise_id: t.enterprise_id, tier: known, level: t.level, doc_no: t.doc_no });
    return q.tiersOf(ctx.db, t.enterprise_id).find((x) => x.id === id)!;
  })();
}

export const revokeTierInput = z.object({ id: z.number().int().positive(), reason: requiredText(200) });

export function revokeTier(ctx: Ctx, raw: unknown): TierRow {
  const input = parseInput(revokeTierInput, raw, { reason: '撤销原因' });
  requireRole(ctx.actor, 'reviewer', '撤销企业梯度认定');
  const row = ctx.db.prepare('SELECT enterprise_id, revoked_at FROM enterprise_tier WHERE id = ?').get(input.id) as
    | { enterprise_id: number; revoked_at: string | null }
    | undefined;
  if (!row) throw new AppError('NOT_FOUND', `梯度记录 ${input.id} 不存在`);
  if (row.revoked_at) throw new AppError('CONFLICT', '该梯度认定已撤销');
  return ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE enterprise_tier SET revoked_at = ?, revoked_reason = ? WHERE id = ?').run(
      isoDate(ctx.clock.now()), input.reason, input.id);
    audit(ctx, 'tier.revoke', 'enterprise_tier', input.id, { reason: input.reason });
    return q.tiersOf(ctx.db, row.enterprise_id).find((x) => x.id === input.id)!;
  })();
}

export function tierTypes(ctx: Ctx): Array<{ code: string; name: string }> {
  return ctx.db.prepare('SELECT code, name FROM tier_type ORDER BY sort').all() as Array<{ code: string; name: string }>;
}
