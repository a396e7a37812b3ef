import { z } from 'zod';
import type { Ctx } from '../context.js';
import { hasRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { isoDateString, optionalText, parseInput, requiredText } from '../validate.js';
import { audit } from '../audit/audit.js';

export type SanctionKind = 'recover_funds' | 'cancel_benefits' | 'bar_applications' | 'credit_penalty';
export const SANCTION_LABEL: Record<SanctionKind, string> = {
  recover_funds: '收回资金',
  cancel_benefits: '取消待遇',
  bar_applications: '取消申报资格',
  credit_penalty: '信用惩戒/失信名单',
};
export type SourceKind = 'training_plan' | 'exhibition_claim';

export interface SanctionRow {
  id: number;
  gid: string;
  enterprise_id: number;
  kind: SanctionKind;
  amount_fen: number | null;
  start_date: string;
  end_date: string | null;
  doc_no: string;
  reason: string;
  source_kind: SourceKind | null;
  source_id: number | null;
  lifted_at: string | null;
  lifted_reason: string | null;
  created_at: string;
  created_by: string;
}

export const sanctionInput = z
  .object({
    enterprise_id: z.number().int().positive(),
    kind: z.enum(['recover_funds', 'cancel_benefits', 'bar_applications', 'credit_penalty'], { error: '处理类型不正确' }),
    /** Yuan as text or number with at most two decimals; stored as integer fen. */
    amount_fen: z.number().int('金额须为整数分').positive('金额须大于 0').nullish(),
    start_date: isoDateString,
    end_date: isoDateString.nullish(),
    doc_no: requiredText(100),
    reason: requiredText(500),
    source_kind: z.enum(['training_plan', 'exhibition_claim']).nullish(),
    source_id: z.number().int().positive().nullish(),
    note: optionalText(200),
  })
  .refine((s) => !s.end_date || s.end_date >= s.start_date, { message: '截止日期不能早于开始日期', path: ['end_date'] })
  .refine((s) => s.kind !== 'recover_funds' || (s.amount_fen ?? 0) > 0, { message: '收回资金须填写金额', path: ['amount_fen'] })
  .refine((s) => !s.source_kind === !s.source_id, { message: '关联的计划或申请须同时给出类型和编号', path: ['source_id'] });
export const SANCTION_LABELS = {
  enterprise_id: '企业', kind: '处理类型', amount_fen: '金额', start_date: '开始日期', end_date: '截止日期', doc_no: '文号',
  reason: '事由', source_kind: '关联类型', source_id: '关联编号',
};

/**
 * A 收回资金 sanction on a plan or claim writes recovery entries into that area's money ledger. The areas
 * register here, so sanctions do not import training or exhibitions.
 */
type RecoveryHandler = (ctx: Ctx, sourceId: number, amountFen: number, sanction: SanctionRow) => void;
const recoveryHandlers = new Map<SourceKind, RecoveryHandler>();
export function registerRecoveryHandler(kind: SourceKind, h: RecoveryHandler): void {
  recoveryHandlers.set(kind, h);
}

export function createSanction(ctx: Ctx, raw: unknown): SanctionRow {
  const s = parseInput(sanctionInput, raw, SANCTION_LABELS);
  const ent = ctx.db.prepare('SELECT name FROM enterprise WHERE id = ?').get(s.enterprise_id) as { name: string } | undefined;
  if (!ent) throw new AppError('NOT_FOUND', `企业 ${s.enterprise_id} 不存在`);
  const handler = s.kind === 'recover_funds' && s.source_kind ? recoveryHandlers.get(s.source_kind) : undefined;
  if (s.kind === 'recover_funds' && s.source_kind && !handler) {
    throw new AppError('UNSUPPORTED', `本版本尚不能对「${s.source_kind}」收回资金`);
  }
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO sanction(gid, enterprise_id, kind, amount_fen, start_date, end_date, doc_no, reason, source_kind, source_id, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), s.enterprise_id, s.kind, s.amount_fen ?? null, s.start_date, s.end_date ?? null, s.doc_no, s.reason,
          s.source_kind ?? null, s.source_id ?? null, isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    const row = getSanction(ctx, id);
    audit(ctx, 'sanction.create', 'sanction', id, { enterprise: ent.name, kind: SANCTION_LABEL[s.kind], doc_no: s.doc_no, amount_fen: s.amount_fen ?? null });
    if (handler) handler(ctx, s.source_id!, s.amount_fen!, row);
    return row;
  })();
}

export function getSanction(ctx: Pick<Ctx, 'db'>, id: number): SanctionRow {
  const r = ctx.db.prepare('SELECT * FROM sanction WHERE id = ?').get(id) as SanctionRow | undefined;
  if (!r) throw new AppError('NOT_FOUND', `处理措施 ${id} 不存在`);
  return r;
}

export function liftSanction(ctx: Ctx, raw: unknown): SanctionRow {
  const i = parseInput(z.object({ id: z.number().int().positive(), reason: requiredText(200) }), raw, { reason: '解除原因' });
  if (!hasRole(ctx.actor, 'admin')) throw new AppError('FORBIDDEN', '解除处理措施需要「管理员」权限');
  const s = getSanction(ctx, i.id);
  if (s.lifted_at) throw new AppError('CONFLICT', '该处理措施已解除');
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE sanction SET lifted_at = ?, lifted_reason = ? WHERE id = ?').run(isoDate(ctx.clock.now()), i.reason, i.id);
    audit(ctx, 'sanction.lift', 'sanction', i.id, { reason: i.reason });
  })();
  return getSanction(ctx, i.id);
}

/** Sanctions in force on `date`: started, not ended, not lifted. Every kind blocks new plans, claims and payments. */
export function sanctionsInForce(ctx: Pick<Ctx, 'db'>, enterpriseId: number, date: string): SanctionRow[] {
  return ctx.db
    .prepare(
      `SELECT * FROM sanction WHERE enterprise_id = ? AND lifted_at IS NULL AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)
       ORDER BY start_date`,
    )
    .all(enterpriseId, date, date) as SanctionRow[];
}

export function describeSanction(s: SanctionRow): string {
  return `${SANCTION_LABEL[s.kind]}（${s.doc_no}，${s.start_date} 起${s.end_date ? `至 ${s.end_date}` : '，未设截止日期'}）`;
}

/**
 * Throws SANCTIONED naming the sanction, unless an administrator gives an override reason (audited against
 * the sanction and the record it lets through).
 */
export function assertNotSanctioned(
  ctx: Ctx,
  enterpriseId: number,
  what: string,
  target: { entity: string; id: number | null },
  overrideReason?: string | null,
): void {
  const active = sanctionsInForce(ctx, enterpriseId, isoDate(ctx.clock.now()));
  if (active.length === 0) return;
  const name = (ctx.db.prepare('SELECT name FROM enterprise WHERE id = ?').pluck().get(enterpriseId) as string | undefined) ?? String(enterpriseId);
  if (overrideReason && overrideReason.trim()) {
    if (!hasRole(ctx.actor, 'admin')) throw new AppError('FORBIDDEN', `企业「${name}」处于处理期内，只有管理员可以例外${what}`);
    for (const s of active) {
      audit(ctx, 'sanction.override', 'sanction', s.id, { what, entity: target.entity, entity_id: target.id, reason: overrideReason.trim() });
    }
    return;
  }
  throw new AppError('SANCTIONED', `企业「${name}」处于处理期内，不能${what}：${active.map(describeSanction).join('；')}`, {
    sanctions: active.map((s) => ({ id: s.id, kind: s.kind, doc_no: s.doc_no, end_date: s.end_date })),
  });
}

export type ListedSanction = SanctionRow & { enterprise_name: string; source_label: string | null };

/** `source_label` names the linked plan or claim by its code, as the user knows it. */
export function listSanctions(ctx: Pick<Ctx, 'db'>, enterpriseId?: number): ListedSanction[] {
  return ctx.db
    .prepare(
      `SELECT s.*, e.name AS enterprise_name,
         CASE s.source_kind
           WHEN 'training_plan' THEN (SELECT '培训计划 ' || code FROM training_plan WHERE id = s.source_id)
           WHEN 'exhibition_claim' THEN (SELECT '参展补贴申请 ' || claim_no FROM exhibition_claim WHERE id = s.source_id)
         END AS source_label
       FROM sanction s JOIN enterprise e ON e.id = s.enterprise_id
       ${enterpriseId ? 'WHERE s.enterprise_id = @e' : ''} ORDER BY s.start_date DESC, s.id DESC`,
    )
    .all(enterpriseId ? { e: enterpriseId } : {}) as ListedSanction[];
}
