import { ownOrigin } from '../ownership/versions.js';
import { originCondition, originOfficeField, requireOwnRules } from '../ownership/origin.js';
import { z } from 'zod';
import type { Actor, Ctx } from '../context.js';
import { hasRole, requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError, type FieldIssue } from '../result.js';
import { parseInput } from '../validate.js';
import { audit } from '../audit/audit.js';
import { checkUscc } from '../enterprises/uscc.js';
import { assertNotSanctioned, registerRecoveryHandler } from '../sanctions/service.js';
import { ageOn, checkIdNo, maskIdNo } from '../idcard/idcard.js';
import * as q from './queries.js';
import {
  advanceCap,
  checkBands,
  checkTransition,
  contractProblem,
  fmtYuan,
  OUTCOME_EDITABLE,
  position,
  ROSTER_EDITABLE,
  settleTrainee,
  TRANSITIONS,
  type AdvanceCap,
  type Ledger,
  type Position,
  type Rule,
  type TraineeLine,
} from './rules.js';
import {
  ATTENDEE_LABELS,
  attendeeInput,
  CERT_LABELS,
  certificateInput,
  COURSE_LABELS,
  courseInput,
  INSTITUTION_LABELS,
  institutionInput,
  LEVEL_LABEL,
  MONEY_KIND_LABEL,
  moneyInput,
  PLAN_LABELS,
  PLAN_TYPE_LABEL,
  PLAN_TYPE_SHORT,
  PLAN_TYPES,
  planInput,
  RULE_SET_LABELS,
  ruleSetInput,
  STATUS_LABEL,
  STATUSES,
  TRAINEE_LABELS,
  traineeInput,
  traineeUpdateInput,
  TRANSITION_LABELS,
  transitionInput,
  type BandRow,
  type CertificateRow,
  type InstitutionRow,
  type MoneyKind,
  type MoneyRow,
  type PlanRow,
  type PlanStatus,
  type RuleSetRow,
  type StepRow,
  type TraineeData,
  type TraineeRow,
} from './schema.js';

const now = (ctx: Ctx) => isoTimestamp(ctx.clock.now());
const today = (ctx: Pick<Ctx, 'clock'>) => isoDate(ctx.clock.now());

function invalid(issues: FieldIssue[]): AppError {
  const f = issues[0]!;
  return new AppError('VALIDATION', `「${f.label}」${f.message}` + (issues.length > 1 ? `（另有 ${issues.length - 1} 处问题）` : ''), issues);
}

function planOrThrow(ctx: Pick<Ctx, 'db'>, id: number): PlanRow {
  const p = q.getPlan(ctx.db, id);
  if (!p) throw new AppError('NOT_FOUND', `培训计划 ${id} 不存在`);
  return p;
}

function ruleOrThrow(ctx: Pick<Ctx, 'db'>, id: number, cache?: Map<number, Rule>): Rule {
  const r = q.loadRule(ctx.db, id, cache);
  if (!r) throw new AppError('NOT_FOUND', `补贴规则 ${id} 不存在`);
  return r;
}

// ---------------------------------------------------------------- institutions (培训机构)

export function createInstitution(ctx: Ctx, raw: unknown): InstitutionRow {
  const d = parseInput(institutionInput, raw, INSTITUTION_LABELS);
  const c = checkUscc(d.uscc);
  if (!c.ok) throw invalid([{ field: 'uscc', label: '统一社会信用代码', message: c.message }]);
  return ctx.db.transaction(() => {
    const dup = ctx.db.prepare('SELECT name FROM training_institution WHERE uscc = ? AND origin_office = ?').pluck().get(c.code, ownOrigin(ctx.db)) as string | undefined;
    if (dup) throw new AppError('DUPLICATE', `统一社会信用代码 ${c.code} 已登记为培训机构「${dup}」`);
    const t = now(ctx);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO training_institution(gid, name, uscc, qualification, contact_name, contact_phone, address, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), d.name, c.code, d.qualification, d.contact_name, d.contact_phone, d.address, t, ctx.actor.username, t, ctx.actor.username)
        .lastInsertRowid,
    );
    audit(ctx, 'training.institution.create', 'training_institution', id, { name: d.name, uscc: c.code });
    return ctx.db.prepare('SELECT * FROM training_institution WHERE id = ?').get(id) as InstitutionRow;
  })();
}

export function updateInstitution(ctx: Ctx, raw: unknown): InstitutionRow {
  const { id, ...rest } = parseInput(z.object({ id: z.number().int().positive() }).passthrough(), raw);
  const d = parseInput(institutionInput, rest, INSTITUTION_LABELS);
  const before = ctx.db.prepare('SELECT * FROM training_institution WHERE id = ?').get(id) as InstitutionRow | undefined;
  if (!before) throw new AppError('NOT_FOUND', `培训机构 ${id} 不存在`);
  const c = checkUscc(d.uscc);
  if (!c.ok) throw invalid([{ field: 'uscc', label: '统一社会信用代码', message: c.message }]);
  return ctx.db.transaction(() => {
    const dup = ctx.db.prepare('SELECT name FROM training_institution WHERE uscc = ? AND origin_office = ? AND id <> ?').pluck().get(c.code, ownOrigin(ctx.db), id) as string | undefined;
    if (dup) throw new AppError('DUPLICATE', `统一社会信用代码 ${c.code} 已登记为培训机构「${dup}」`);
    const after = { ...d, uscc: c.code };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['name', 'uscc', 'qualification', 'contact_name', 'contact_phone', 'address'] as const) {
      if ((before[k] ?? null) !== (after[k] ?? null)) changes[k] = { from: before[k], to: after[k] };
    }
    if (!Object.keys(changes).length) return before;
    ctx.db
      .prepare(
        `UPDATE training_institution SET name = ?, uscc = ?, qualification = ?, contact_name = ?, contact_phone = ?, address = ?,
         updated_at = ?, updated_by = ? WHERE id = ?`,
      )
      .run(after.name, after.uscc, after.qualification, after.contact_name, after.contact_phone, after.address, now(ctx), ctx.actor.username, id);
    audit(ctx, 'training.institution.update', 'training_institution', id, { changes });
    return ctx.db.prepare('SELECT * FROM training_institution WHERE id = ?').get(id) as InstitutionRow;
  })();
}

export function listInstitutions(ctx: Ctx): InstitutionRow[] {
  return ctx.db.prepare('SELECT * FROM training_institution ORDER BY name').all() as InstitutionRow[];
}

// ---------------------------------------------------------------- subsidy rule tables (补贴标准)

export interface RuleSetDetail extends RuleSetRow {
  bands: BandRow[];
  shortage_occupations: Array<{ occupation_code: string; occupation_name: string }>;
  plans_using: number;
}

export function getRuleSetDetail(ctx: Pick<Ctx, 'db'>, id: number): RuleSetDetail {
  const s = q.getRuleSet(ctx.db, id);
  if (!s) throw new AppError('NOT_FOUND', `补贴规则 ${id} 不存在`);
  return {
    ...s,
    bands: q.bandsOf(ctx.db, id),
    shortage_occupations: q.shortageOf(ctx.db, id),
    plans_using: ctx.db.prepare('SELECT count(*) FROM training_plan WHERE rule_set_id = ?').pluck().get(id) as number,
  };
}

export const ruleListQuery = z.object({
  plan_type: z.enum(PLAN_TYPES).optional(),
  include_inactive: z.boolean().default(false),
});

export function listRuleSets(ctx: Ctx, raw: unknown): RuleSetDetail[] {
  const f = parseInput(ruleListQuery, raw ?? {});
  const ids = ctx.db
    .prepare(
      `SELECT id FROM subsidy_rule_set WHERE (@t IS NULL OR plan_type = @t) AND (@all = 1 OR status = 'active')
       ORDER BY is_sample, year DESC, region_code, plan_type, version DESC`,
    )
    .pluck()
    .all({ t: f.plan_type ?? null, all: f.include_inactive ? 1 : 0 }) as number[];
  return ids.map((id) => getRuleSetDetail(ctx, id));
}

/**
 * Adds a rule table. The same region, year and plan type as an existing table makes the next version and
 * supersedes the old one; plans already filed keep the version they were filed under.
 */
export function createRuleSet(ctx: Ctx, raw: unknown): RuleSetDetail {
  requireRole(ctx.actor, 'admin', '维护补贴规则');
  const d = parseInput(ruleSetInput, raw, RULE_SET_LABELS);
  const issues = checkBands(d.bands);
  const seen = new Set<string>();
  d.shortage_occupations.forEach((o, i) => {
    if (seen.has(o.code)) issues.push({ field: `shortage_occupations.${i}`, label: '紧缺职业目录', message: `职业代码 ${o.code} 重复` });
    seen.add(o.code);
  });
  if (d.shortage_occupations.length && d.shortage_bonus_percent === 0) {
    issues.push({ field: 'shortage_bonus_percent', label: '紧缺职业加成', message: '列了紧缺职业目录时须填写加成比例' });
  }
  if (issues.length) throw invalid(issues);
  const latest = ctx.db
    .prepare('SELECT name, origin_office FROM subsidy_rule_set WHERE region_code = ? AND year = ? AND plan_type = ? ORDER BY version DESC LIMIT 1')
    .get(d.region_code, d.year, d.plan_type) as { name: string; origin_office: string | null } | undefined;
  // The next version of another office's table would be one its owner never made (and clash with the owner's own).
  if (latest) requireOwnRules(ctx.db, latest.origin_office, `补贴规则「${latest.name}」（${d.region_code} ${d.year} 年 ${PLAN_TYPE_LABEL[d.plan_type]}）`);
  return ctx.db.transaction(() => {
    const prev = ctx.db
      .prepare('SELECT id, version FROM subsidy_rule_set WHERE region_code = ? AND year = ? AND plan_type = ? ORDER BY version DESC LIMIT 1')
      .get(d.region_code, d.year, d.plan_type) as { id: number; version: number } | undefined;
    const t = now(ctx);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO subsidy_rule_set(gid, code, name, region_code, year, plan_type, version, max_advance_bp, shortage_bonus_bp,
             shortage_min_level, claim_window_months, require_social_insurance, is_sample, source, note, status, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'active', ?, ?)`,
        )
        .run(uuidv7(ctx.clock), d.code, d.name, d.region_code, d.year, d.plan_type, (prev?.version ?? 0) + 1, d.max_advance_percent,
          d.shortage_bonus_percent, d.shortage_min_level ?? null, d.claim_window_months ?? null, d.require_social_insurance ? 1 : 0,
          d.source, d.note, t, ctx.actor.username).lastInsertRowid,
    );
    const band = ctx.db.prepare(
      `INSERT INTO subsidy_rule_band(gid, rule_set_id, level_from, level_to, label, certified_fen, completed_fen, not_completed_fen, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const b of d.bands) {
      const label = b.label ?? LEVEL_LABEL[b.level_from].split('/').pop()!.replace(/工$/, '');
      band.run(uuidv7(ctx.clock), id, b.level_from, b.level_to, label, b.certified, b.completed, b.not_completed, t, ctx.actor.username);
    }
    const sh = ctx.db.prepare(
      'INSERT INTO subsidy_rule_shortage(gid, rule_set_id, occupation_code, occupation_name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const o of d.shortage_occupations) sh.run(uuidv7(ctx.clock), id, o.code, o.name, t, ctx.actor.username);
    if (prev) ctx.db.prepare(`UPDATE subsidy_rule_set SET status = 'superseded' WHERE id = ? AND status = 'active'`).run(prev.id);
    audit(ctx, 'training.rule.create', 'subsidy_rule_set', id, {
      code: d.code, region_code: d.region_code, year: d.year, plan_type: d.plan_type, version: (prev?.version ?? 0) + 1,
      supersedes: prev?.id ?? null, bands: d.bands.length,
    });
    return getRuleSetDetail(ctx, id);
  })();
}

export function retireRuleSet(ctx: Ctx, raw: unknown): RuleSetDetail {
  requireRole(ctx.actor, 'admin', '停用补贴规则');
  const i = parseInput(z.object({ id: z.number().int().positive(), reason: z.string().trim().min(1, '必填').max(200) }), raw, { reason: '停用原因' });
  const s = getRuleSetDetail(ctx, i.id);
  requireOwnRules(ctx.db, s.origin_office, `补贴规则「${s.name}」`);
  if (s.status === 'retired') throw new AppError('CONFLICT', `补贴规则「${s.name}」已停用`);
  ctx.db.transaction(() => {
    ctx.db.prepare(`UPDATE subsidy_rule_set SET status = 'retired' WHERE id = ?`).run(i.id);
    audit(ctx, 'training.rule.retire', 'subsidy_rule_set', i.id, { reason: i.reason });
  })();
  return getRuleSetDetail(ctx, i.id);
}

// ---------------------------------------------------------------- plans (培训计划)

export interface PlanListed extends PlanRow {
  enterprise_name: string;
  institution_name: string | null;
  rule_code: string;
  roster_count: number;
}

export const planListQuery = z.object({
  plan_type: z.enum(PLAN_TYPES).optional(),
  status: z.enum(STATUSES).optional(),
  enterprise_id: z.number().int().positive().optional(),
  year: z.number().int().min(2000).max(2100).optional(),
  /** 上报单位: the lower office a consolidated plan came from (origin_office). */
  origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  q: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
});

export function listPlans(ctx: Ctx, raw: unknown): { rows: PlanListed[]; total: number } {
  const f = parseInput(planListQuery, raw ?? {});
  const where = `WHERE (@t IS NULL OR p.plan_type = @t) AND (@s IS NULL OR p.status = @s) AND (@e IS NULL OR p.enterprise_id = @e)
    AND (@y IS NULL OR (p.start_date <= @y || '-12-31' AND p.end_date >= @y || '-01-01'))
    AND ${originCondition('p.origin_office', 'o')}
    AND (@q IS NULL OR instr(p.code, @q) > 0 OR instr(e.name, @q) > 0 OR instr(p.occupation_name, @q) > 0)`;
  const params = { t: f.plan_type ?? null, s: f.status ?? null, e: f.enterprise_id ?? null, y: f.year ? String(f.year) : null, o: f.origin_office ?? null, q: f.q || null };
  const total = ctx.db.prepare(`SELECT count(*) FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id ${where}`).pluck().get(params) as number;
  const rows = ctx.db
    .prepare(
      `SELECT p.*, e.name AS enterprise_name, i.name AS institution_name, r.code AS rule_code,
         (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id) AS roster_count
       FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id
       LEFT JOIN training_institution i ON i.id = p.institution_id JOIN subsidy_rule_set r ON r.id = p.rule_set_id
       ${where} ORDER BY p.start_date DESC, p.id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: f.pageSize, offset: (f.page - 1) * f.pageSize }) as PlanListed[];
  return { rows, total };
}

function nextPlanCode(ctx: Ctx, year: string, type: PlanRow['plan_type']): string {
  const prefix = `${year}-${PLAN_TYPE_SHORT[type]}-`;
  const last = ctx.db
    .prepare(`SELECT code FROM training_plan WHERE origin_office = ? AND code >= ? AND code < ? ORDER BY code DESC LIMIT 1`)
    .pluck()
    .get(ownOrigin(ctx.db), prefix, `${prefix}~`) as string | undefined;
  const n = last ? Number(last.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(n).padStart(4, '0')}`;
}

export function createPlan(ctx: Ctx, raw: unknown): PlanRow {
  const d = parseInput(planInput, raw, PLAN_LABELS);
  const issues: FieldIssue[] = [];
  const ent = ctx.db.prepare('SELECT id, name, status FROM enterprise WHERE id = ?').get(d.enterprise_id) as
    | { id: number; name: string; status: string }
    | undefined;
  if (!ent) issues.push({ field: 'enterprise_id', label: '企业', message: `企业 ${d.enterprise_id} 不存在` });
  else if (ent.status !== 'active') issues.push({ field: 'enterprise_id', label: '企业', message: `「${ent.name}」已停用` });
  if (d.institution_id) {
    const inst = ctx.db.prepare('SELECT 1 FROM training_institution WHERE id = ?').get(d.institution_id);
    if (!inst) issues.push({ field: 'institution_id', label: '培训机构', message: `培训机构 ${d.institution_id} 不存在` });
  } else if (d.plan_type === 'apprentice') {
    issues.push({ field: 'institution_id', label: '培训机构', message: '企业新型学徒制须有合作培训机构' });
  }
  const rule = q.getRuleSet(ctx.db, d.rule_set_id);
  if (!rule) issues.push({ field: 'rule_set_id', label: '补贴规则', message: `补贴规则 ${d.rule_set_id} 不存在` });
  else if (rule.plan_type !== d.plan_type) {
    issues.push({ field: 'rule_set_id', label: '补贴规则', message: `「${rule.name}」适用于${PLAN_TYPE_LABEL[rule.plan_type]}，不适用于${PLAN_TYPE_LABEL[d.plan_type]}` });
  } else if (rule.status !== 'active') {
    issues.push({ field: 'rule_set_id', label: '补贴规则', message: `「${rule.name}」已${rule.status === 'retired' ? '停用' : '被新版本取代'}` });
  }
  if (d.declared_date > today(ctx)) issues.push({ field: 'declared_date', label: '申报日期', message: `${d.declared_date} 晚于今天` });
  if (issues.length) throw invalid(issues);
  return ctx.db.transaction(() => {
    assertNotSanctioned(ctx, d.enterprise_id, '申报新的培训计划', { entity: 'training_plan', id: null }, d.override_reason);
    const t = now(ctx);
    const code = nextPlanCode(ctx, d.start_date.slice(0, 4), d.plan_type);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO training_plan(gid, code, enterprise_id, institution_id, plan_type, occupation_code, occupation_name, target_level,
             planned_count, start_date, end_date, rule_set_id, status, note, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'declared', ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), code, d.enterprise_id, d.institution_id ?? null, d.plan_type, d.occupation_code, d.occupation_name,
          d.target_level, d.planned_count, d.start_date, d.end_date, d.rule_set_id, d.note, t, ctx.actor.username, t, ctx.actor.username)
        .lastInsertRowid,
    );
    insertStep(ctx, id, null, 'declared', d.declared_date, d.doc_no, d.note);
    audit(ctx, 'training.plan.create', 'training_plan', id, {
      code, enterprise: ent!.name, plan_type: PLAN_TYPE_LABEL[d.plan_type], occupation: d.occupation_name, level: LEVEL_LABEL[d.target_level],
      planned_count: d.planned_count, rule: rule!.code, doc_no: d.doc_no,
    });
    return q.getPlan(ctx.db, id)!;
  })();
}

function insertStep(ctx: Ctx, planId: number, from: PlanStatus | null, to: PlanStatus, date: string, docNo: string, note: string | null): void {
  ctx.db
    .prepare(
      `INSERT INTO training_plan_step(gid, plan_id, from_status, to_status, step_date, doc_no, note, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(uuidv7(ctx.clock), planId, from, to, date, docNo, note, now(ctx), ctx.actor.username);
}

function addMoney(
  ctx: Ctx,
  plan: PlanRow,
  kind: MoneyKind,
  amountFen: number,
  date: string,
  docNo: string | null,
  explanation: string,
  sanctionId: number | null = null,
): MoneyRow {
  const id = q.insertMoney(ctx.db, {
    gid: uuidv7(ctx.clock), plan_id: plan.id, kind, amount_fen: amountFen, entry_date: date, doc_no: docNo, explanation,
    sanction_id: sanctionId, created_at: now(ctx), created_by: ctx.actor.username,
  });
  audit(ctx, `training.money.${kind}`, 'training_money', id, { plan: plan.code, kind: MONEY_KIND_LABEL[kind], amount_fen: amountFen, doc_no: docNo });
  return ctx.db.prepare('SELECT * FROM training_money WHERE id = ?').get(id) as MoneyRow;
}

export interface TransitionResult {
  plan: PlanRow;
  step: StepRow;
  money: MoneyRow[];
  explanation: string[];
}

/** Moves a plan one step along its lifecycle; 预拨, 清算 and 终止 write the money entries they imply. */
export function transitionPlan(ctx: Ctx, raw: unknown): TransitionResult {
  const d = parseInput(transitionInput, raw, TRANSITION_LABELS);
  const plan = planOrThrow(ctx, d.plan_id);
  const bad = checkTransition(plan.status, d.to);
  if (bad) throw new AppError('ILLEGAL_TRANSITION', bad, { from: plan.status, to: d.to });
  const steps = q.stepsOf(ctx.db, plan.id);
  const lastDate = steps[steps.length - 1]?.step_date ?? '0000-00-00';
  if (d.date > today(ctx)) throw invalid([{ field: 'date', label: '日期', message: `${d.date} 晚于今天` }]);
  if (d.date < lastDate) throw invalid([{ field: 'date', label: '日期', message: `${d.date} 早于上一步「${STATUS_LABEL[plan.status]}」的日期 ${lastDate}` }]);
  if (d.amount !== undefined && d.amount !== null && d.to !== 'advanced') {
    throw invalid([{ field: 'amount', label: '金额', message: `只有「预拨」需要填写金额` }]);
  }
  const rule = ruleOrThrow(ctx, plan.rule_set_id);
  return ctx.db.transaction(() => {
    const money: MoneyRow[] = [];
    let explanation: string[] = [];
    if (d.to === 'opened' && q.traineeCount(ctx.db, plan.id) === 0) {
      throw new AppError('PRECONDITION', `计划 ${plan.code} 还没有学员名册，不能开班`);
    }
    if (d.to === 'advanced') {
      const cap = advanceCap(plan, rule, q.traineeCount(ctx.db, plan.id), q.ledgerOf(ctx.db, plan.id).advance_fen);
      explanation = cap.lines;
      const amount = d.amount ?? cap.available_fen;
      if (cap.available_fen === 0) throw new AppError('ADVANCE_CAP', `计划 ${plan.code} 不能预拨：${cap.lines.join('；')}`, { cap });
      if (amount === 0) throw invalid([{ field: 'amount', label: '金额', message: '预拨金额须大于 0' }]);
      if (amount > cap.available_fen) {
        throw new AppError('ADVANCE_CAP', `预拨 ${fmtYuan(amount)} 元超过可预拨上限 ${fmtYuan(cap.available_fen)} 元：${cap.lines.join('；')}`, { cap });
      }
      assertNotSanctioned(ctx, plan.enterprise_id, '拨付预拨资金', { entity: 'training_plan', id: plan.id }, d.override_reason);
      money.push(addMoney(ctx, plan, 'advance', amount, d.date, d.doc_no, [`预拨 ${fmtYuan(amount)} 元`, ...cap.lines].join('\n')));
    }
    if (d.to === 'completed') {
      const open = ctx.db.prepare(`SELECT name FROM trainee WHERE plan_id = ? AND outcome = 'in_training' LIMIT 4`).pluck().all(plan.id) as string[];
      if (open.length) {
        throw new AppError('PRECONDITION', `还有学员未登记结业结果（${open.slice(0, 3).join('、')}${open.length > 3 ? ' 等' : ''}），不能结业`);
      }
    }
    if (d.to === 'settled') {
      const s = computeSettlement(ctx, plan, rule, d.date);
      explanation = [...s.text];
      if (s.position.remaining_due_fen > 0) {
        assertNotSanctioned(ctx, plan.enterprise_id, '拨付结算资金', { entity: 'training_plan', id: plan.id }, d.override_reason);
        money.push(addMoney(ctx, plan, 'settlement', s.position.remaining_due_fen, d.date, d.doc_no, s.text.join('\n')));
      }
      if (s.position.clawback_fen > 0) {
        money.push(addMoney(ctx, plan, 'recovery_order', s.position.clawback_fen, d.date, d.doc_no, s.text.join('\n')));
      }
    }
    if (d.to === 'terminated') {
      const l = q.ledgerOf(ctx.db, plan.id);
      const kept = l.advance_fen + l.settlement_fen - l.recovery_order_fen;
      if (kept > 0) {
        explanation = [`计划终止，已拨付且未下达收回的 ${fmtYuan(kept)} 元应全部退回`];
        money.push(addMoney(ctx, plan, 'recovery_order', kept, d.date, d.doc_no, explanation[0]!));
      }
    }
    if (d.to === 'closed') {
      const l = q.ledgerOf(ctx.db, plan.id);
      const outstanding = l.recovery_order_fen - l.recovery_received_fen;
      if (outstanding > 0) throw new AppError('PRECONDITION', `计划 ${plan.code} 尚有 ${fmtYuan(outstanding)} 元应退回资金未到账，不能关闭`);
    }
    insertStep(ctx, plan.id, plan.status, d.to, d.date, d.doc_no, d.note);
    ctx.db.prepare('UPDATE training_plan SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?').run(d.to, now(ctx), ctx.actor.username, plan.id);
    audit(ctx, 'training.plan.transition', 'training_plan', plan.id, {
      code: plan.code, from: STATUS_LABEL[plan.status], to: STATUS_LABEL[d.to], date: d.date, doc_no: d.doc_no,
    });
    const stepsAfter = q.stepsOf(ctx.db, plan.id);
    return { plan: q.getPlan(ctx.db, plan.id)!, step: stepsAfter[stepsAfter.length - 1]!, money, explanation };
  })();
}

export function recordRecoveryReceived(ctx: Ctx, raw: unknown): MoneyRow {
  const d = parseInput(moneyInput, raw, { amount: '金额', date: '到账日期', doc_no: '凭证号', note: '说明' });
  const plan = planOrThrow(ctx, d.plan_id);
  if (d.date > today(ctx)) throw invalid([{ field: 'date', label: '到账日期', message: `${d.date} 晚于今天` }]);
  return ctx.db.transaction(() => {
    const l = q.ledgerOf(ctx.db, plan.id);
    const outstanding = l.recovery_order_fen - l.recovery_received_fen;
    if (d.amount === 0) throw invalid([{ field: 'amount', label: '金额', message: '须大于 0' }]);
    if (d.amount > outstanding) {
      throw invalid([{ field: 'amount', label: '金额', message: `${fmtYuan(d.amount)} 元超过尚未到账的应退回金额 ${fmtYuan(outstanding)} 元` }]);
    }
    return addMoney(ctx, plan, 'recovery_received', d.amount, d.date, d.doc_no, `退回到账 ${fmtYuan(d.amount)} 元${d.note ? `：${d.note}` : ''}`);
  })();
}

// A 收回资金 sanction on a plan orders the recovery in the plan's money ledger (same transaction as the sanction).
registerRecoveryHandler('training_plan', (ctx, planId, amountFen, sanction) => {
  const plan = q.getPlan(ctx.db, planId);
  if (!plan) throw new AppError('NOT_FOUND', `培训计划 ${planId} 不存在`);
  if (plan.enterprise_id !== sanction.enterprise_id) {
    throw new AppError('VALIDATION', `培训计划 ${plan.code} 不属于被处理的企业`, [{ field: 'source_id', label: '关联编号', message: '计划与企业不符' }]);
  }
  // Only money that went out and has not already been ordered back can be recovered.
  const l = q.ledgerOf(ctx.db, plan.id);
  const kept = l.advance_fen + l.settlement_fen - l.recovery_order_fen;
  if (kept <= 0) throw new AppError('CONFLICT', `培训计划 ${plan.code} 没有已拨付且未下达收回的资金，无法收回`);
  if (amountFen > kept) {
    throw new AppError('VALIDATION', `收回金额 ${fmtYuan(amountFen)} 元超过培训计划 ${plan.code} 已拨付且未下达收回的 ${fmtYuan(kept)} 元`, [
      { field: 'amount_fen', label: '金额', message: `不能超过 ${fmtYuan(kept)} 元` },
    ]);
  }
  addMoney(ctx, plan, 'recovery_order', amountFen, sanction.start_date, sanction.doc_no,
    `依据处理措施（收回资金，${sanction.doc_no}）收回 ${fmtYuan(amountFen)} 元：${sanction.reason}`, sanction.id);
});

// ---------------------------------------------------------------- roster (学员名册)

/** Masked unless the actor is 审核人 or 管理员; done here so that no transport or export can leak a number. */
export interface TraineeOut extends Omit<TraineeRow, 'birth_date'> {
  birth_date: string | null;
  id_masked: boolean;
  certificate: CertificateRow | null;
}
export function presentTrainee(actor: Actor, t: TraineeRow, cert: CertificateRow | null = null): TraineeOut {
  const full = hasRole(actor, 'reviewer');
  const c = cert && !full ? { ...cert, id_no: maskIdNo(cert.id_no) } : cert;
  return full
    ? { ...t, id_masked: false, certificate: c }
    : { ...t, id_no: maskIdNo(t.id_no), birth_date: null, id_masked: true, certificate: c };
}

export interface CheckedTrainee {
  idNo: string;
  birthDate: string;
  gender: 'M' | 'F';
  converted: boolean;
  issues: FieldIssue[];
}

/** Row-level checks shared by the form and the Excel import. */
export function checkTrainee(plan: Pick<PlanRow, 'plan_type' | 'start_date'>, d: TraineeData, todayIso: string): CheckedTrainee {
  const issues: FieldIssue[] = [];
  const id = checkIdNo(d.id_no, todayIso);
  if (!id.ok) issues.push({ field: 'id_no', label: TRAINEE_LABELS.id_no, message: id.message });
  else if (ageOn(id.birthDate, plan.start_date) < 16) {
    issues.push({ field: 'id_no', label: TRAINEE_LABELS.id_no, message: `出生于 ${id.birthDate}，开班时未满 16 周岁` });
  }
  if (d.contract_end && d.contract_start && d.contract_end < d.contract_start) {
    issues.push({ field: 'contract_end', label: TRAINEE_LABELS.contract_end, message: '早于劳动合同起始日期' });
  } else if (d.contract_end && !d.contract_start) {
    issues.push({ field: 'contract_start', label: TRAINEE_LABELS.contract_start, message: '填写了合同止日期时必填' });
  } else {
    const c = contractProblem(d.contract_start ?? null, d.contract_end ?? null, plan.plan_type);
    if (c) issues.push({ field: d.contract_start ? 'contract_end' : 'contract_start', label: TRAINEE_LABELS[d.contract_start ? 'contract_end' : 'contract_start'], message: c });
  }
  if (d.social_insurance_date && !d.social_insurance_verified) {
    issues.push({ field: 'social_insurance_date', label: TRAINEE_LABELS.social_insurance_date, message: '社保未核验时不应填写核验日期' });
  }
  if (d.social_insurance_verified && !d.social_insurance_date) {
    issues.push({ field: 'social_insurance_date', label: TRAINEE_LABELS.social_insurance_date, message: '社保已核验时须填写核验日期' });
  }
  if (d.social_insurance_date && d.social_insurance_date > todayIso) {
    issues.push({ field: 'social_insurance_date', label: TRAINEE_LABELS.social_insurance_date, message: `${d.social_insurance_date} 晚于今天` });
  }
  return id.ok
    ? { idNo: id.idNo, birthDate: id.birthDate, gender: id.gender, converted: id.convertedFrom15, issues }
    : { idNo: id.idNo, birthDate: '', gender: 'M', converted: false, issues };
}

export function assertRosterEditable(plan: PlanRow): void {
  if (!ROSTER_EDITABLE.includes(plan.status)) {
    throw new AppError('PRECONDITION', `计划 ${plan.code} 当前为「${STATUS_LABEL[plan.status]}」，名册已锁定（${ROSTER_EDITABLE.map((s) => STATUS_LABEL[s]).join('、')}阶段可以增减学员）`);
  }
}

export function traineeRecord(ctx: Ctx, planId: number, d: TraineeData, c: CheckedTrainee, t: string) {
  return {
    gid: uuidv7(ctx.clock), plan_id: planId, name: d.name, id_no: c.idNo, birth_date: c.birthDate, gender: c.gender, phone: d.phone,
    contract_start: d.contract_start ?? null, contract_end: d.contract_end ?? null, social_insurance_verified: d.social_insurance_verified ? 1 : 0,
    social_insurance_date: d.social_insurance_date ?? null, sessions_attended: d.sessions_attended, hours_attended: d.hours_attended,
    outcome: 'in_training', outcome_date: null, created_at: t, created_by: ctx.actor.username, updated_at: t, updated_by: ctx.actor.username,
  };
}

export function addTrainee(ctx: Ctx, raw: unknown): TraineeOut & { converted_from_15: boolean } {
  const { plan_id, ...rest } = parseInput(z.object({ plan_id: z.number().int().positive() }).passthrough(), raw);
  const plan = planOrThrow(ctx, plan_id);
  assertRosterEditable(plan);
  const d = parseInput(traineeInput, rest, TRAINEE_LABELS);
  const c = checkTrainee(plan, d, today(ctx));
  if (c.issues.length) throw invalid(c.issues);
  return ctx.db.transaction(() => {
    const dup = ctx.db.prepare('SELECT name FROM trainee WHERE plan_id = ? AND id_no = ?').pluck().get(plan.id, c.idNo) as string | undefined;
    if (dup) throw new AppError('DUPLICATE', `身份证号 ${maskIdNo(c.idNo)} 已在本计划名册中（${dup}），同一人不能重复登记`);
    if (q.traineeCount(ctx.db, plan.id) >= plan.planned_count) {
      throw new AppError('PRECONDITION', `计划 ${plan.code} 名册已满（计划 ${plan.planned_count} 人）`);
    }
    const id = Number(q.insertTrainee(ctx.db).run(traineeRecord(ctx, plan.id, d, c, now(ctx))).lastInsertRowid);
    audit(ctx, 'training.trainee.add', 'trainee', id, { plan: plan.code, name: d.name, id_no: maskIdNo(c.idNo), converted_from_15: c.converted });
    return { ...presentTrainee(ctx.actor, q.getTrainee(ctx.db, id)!), converted_from_15: c.converted };
  })();
}

export function updateTrainee(ctx: Ctx, raw: unknown): TraineeOut {
  const d = parseInput(traineeUpdateInput, raw, { ...TRAINEE_LABELS, outcome: '结业结果', outcome_date: '结业日期' });
  const before = q.getTrainee(ctx.db, d.id);
  if (!before) throw new AppError('NOT_FOUND', `学员 ${d.id} 不存在`);
  const plan = planOrThrow(ctx, before.plan_id);
  const changesOutcome = d.outcome !== undefined && d.outcome !== before.outcome;
  if (changesOutcome && !OUTCOME_EDITABLE.includes(plan.status)) {
    throw new AppError('PRECONDITION', `计划 ${plan.code} 当前为「${STATUS_LABEL[plan.status]}」，不能登记结业结果（开班后、清算前可以登记）`);
  }
  if (!changesOutcome && ![...ROSTER_EDITABLE, 'completed'].includes(plan.status)) {
    throw new AppError('PRECONDITION', `计划 ${plan.code} 当前为「${STATUS_LABEL[plan.status]}」，学员信息已锁定`);
  }
  const merged = {
    name: before.name, id_no: before.id_no,
    phone: d.phone !== undefined ? d.phone : before.phone,
    contract_start: d.contract_start !== undefined ? d.contract_start : before.contract_start,
    contract_end: d.contract_end !== undefined ? d.contract_end : before.contract_end,
    social_insurance_verified: d.social_insurance_verified ?? before.social_insurance_verified === 1,
    social_insurance_date: d.social_insurance_date !== undefined ? d.social_insurance_date : before.social_insurance_date,
    sessions_attended: d.sessions_attended ?? before.sessions_attended,
    hours_attended: d.hours_attended ?? before.hours_attended,
  };
  const c = checkTrainee(plan, merged, today(ctx));
  const outcome = d.outcome ?? before.outcome;
  const outcomeDate = outcome === 'in_training' ? null : (d.outcome_date !== undefined ? d.outcome_date : before.outcome_date) ?? today(ctx);
  if (outcomeDate && outcomeDate > today(ctx)) c.issues.push({ field: 'outcome_date', label: '结业日期', message: `${outcomeDate} 晚于今天` });
  if (outcomeDate && outcomeDate < plan.start_date) c.issues.push({ field: 'outcome_date', label: '结业日期', message: `早于计划开始日期 ${plan.start_date}` });
  if (outcome !== 'completed') {
    const cert = ctx.db.prepare('SELECT cert_no FROM training_certificate WHERE trainee_id = ?').pluck().get(before.id) as string | undefined;
    if (cert) c.issues.push({ field: 'outcome', label: '结业结果', message: `已登记证书 ${cert}，结果只能为「结业」` });
  }
  if (c.issues.length) throw invalid(c.issues);
  return ctx.db.transaction(() => {
    const after = { ...merged, social_insurance_verified: merged.social_insurance_verified ? 1 : 0, outcome, outcome_date: outcomeDate };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of Object.keys(after) as Array<keyof typeof after>) {
      const b = (before as unknown as Record<string, unknown>)[k] ?? null;
      if (b !== (after[k] ?? null)) changes[k] = { from: b, to: after[k] ?? null };
    }
    if (!Object.keys(changes).length) return presentTrainee(ctx.actor, before);
    ctx.db
      .prepare(
        `UPDATE trainee SET phone = @phone, contract_start = @contract_start, contract_end = @contract_end,
           social_insurance_verified = @social_insurance_verified, social_insurance_date = @social_insurance_date,
           sessions_attended = @sessions_attended, hours_attended = @hours_attended, outcome = @outcome, outcome_date = @outcome_date,
           updated_at = @t, updated_by = @by WHERE id = @id`,
      )
      .run({ ...after, t: now(ctx), by: ctx.actor.username, id: before.id });
    audit(ctx, 'training.trainee.update', 'trainee', before.id, { plan: plan.code, changes });
    return presentTrainee(ctx.actor, q.getTrainee(ctx.db, before.id)!);
  })();
}

export function removeTrainee(ctx: Ctx, raw: unknown): { removed: number } {
  const i = parseInput(z.object({ id: z.number().int().positive(), reason: z.string().trim().min(1, '必填').max(200) }), raw, { reason: '删除原因' });
  const t = q.getTrainee(ctx.db, i.id);
  if (!t) throw new AppError('NOT_FOUND', `学员 ${i.id} 不存在`);
  const plan = planOrThrow(ctx, t.plan_id);
  assertRosterEditable(plan);
  if (plan.status !== 'declared' && plan.status !== 'filed') {
    throw new AppError('PRECONDITION', `计划 ${plan.code} 已开班，学员不能删除，请登记为「未结业」`);
  }
  ctx.db.transaction(() => {
    ctx.db.prepare('DELETE FROM trainee WHERE id = ?').run(i.id);
    audit(ctx, 'training.trainee.remove', 'trainee', i.id, { plan: plan.code, name: t.name, id_no: maskIdNo(t.id_no), reason: i.reason });
  })();
  return { removed: i.id };
}

export function listTrainees(ctx: Ctx, raw: unknown): TraineeOut[] {
  const { plan_id } = parseInput(z.object({ plan_id: z.number().int().positive() }), raw);
  planOrThrow(ctx, plan_id);
  const certs = new Map(q.certificatesOf(ctx.db, plan_id).map((c) => [c.trainee_id, c]));
  return q.traineesOf(ctx.db, plan_id).map((t) => presentTrainee(ctx.actor, t, certs.get(t.id) ?? null));
}

// ---------------------------------------------------------------- certificates (证书)

export interface CertificateResult {
  certificate: CertificateRow;
  /** Set when the person already had a certificate for this occupation and level: a second claim. */
  flag: { message: string; earlier: { id: number; cert_no: string; plan_code: string; issue_date: string } } | null;
}

export function recordCertificate(ctx: Ctx, raw: unknown): CertificateResult {
  const d = parseInput(certificateInput, raw, CERT_LABELS);
  const t = q.getTrainee(ctx.db, d.trainee_id);
  if (!t) throw new AppError('NOT_FOUND', `学员 ${d.trainee_id} 不存在`);
  const plan = planOrThrow(ctx, t.plan_id);
  if (!OUTCOME_EDITABLE.includes(plan.status)) {
    throw new AppError('PRECONDITION', `计划 ${plan.code} 当前为「${STATUS_LABEL[plan.status]}」，不能登记证书（开班后、清算前可以登记）`);
  }
  const issues: FieldIssue[] = [];
  if (d.issue_date > today(ctx)) issues.push({ field: 'issue_date', label: '发证日期', message: `${d.issue_date} 晚于今天` });
  if (d.issue_date < plan.start_date) issues.push({ field: 'issue_date', label: '发证日期', message: `${d.issue_date} 早于计划开始日期 ${plan.start_date}` });
  if (t.outcome === 'not_completed') issues.push({ field: 'trainee_id', label: '学员', message: `${t.name} 已登记为未结业，不能登记证书` });
  if (issues.length) throw invalid(issues);
  return ctx.db.transaction(() => {
    const same = ctx.db
      .prepare(
        `SELECT c.trainee_id, t.name, p.code FROM training_certificate c JOIN trainee t ON t.id = c.trainee_id JOIN training_plan p ON p.id = c.plan_id
         WHERE c.cert_no = ?`,
      )
      .get(d.cert_no) as { trainee_id: number; name: string; code: string } | undefined;
    if (same) {
      throw new AppError('DUPLICATE', same.trainee_id === t.id
        ? `学员 ${t.name} 已登记证书 ${d.cert_no}`
        : `证书编号 ${d.cert_no} 已登记在计划 ${same.code} 的学员 ${same.name} 名下，同一证书不能重复使用`);
    }
    const own = ctx.db.prepare('SELECT cert_no FROM training_certificate WHERE trainee_id = ?').pluck().get(t.id) as string | undefined;
    if (own) throw new AppError('DUPLICATE', `学员 ${t.name} 在本计划已登记证书 ${own}，每人每计划一本证书`);
    const earlier = q.earlierCertificate(ctx.db, t.id_no, plan.occupation_code, d.level);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO training_certificate(gid, trainee_id, plan_id, id_no, occupation_code, occupation_name, level, cert_no, issuer, issue_date,
             duplicate_of, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), t.id, plan.id, t.id_no, plan.occupation_code, plan.occupation_name, d.level, d.cert_no, d.issuer, d.issue_date,
          earlier?.id ?? null, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    if (t.outcome === 'in_training') {
      ctx.db.prepare(`UPDATE trainee SET outcome = 'completed', outcome_date = ?, updated_at = ?, updated_by = ? WHERE id = ?`)
        .run(d.issue_date, now(ctx), ctx.actor.username, t.id);
    }
    const flag = earlier
      ? {
          message: `${t.name} 的${plan.occupation_name}${LEVEL_LABEL[d.level]}已于计划 ${earlier.plan_code} 登记证书 ${earlier.cert_no}（${earlier.issue_date}），同一职业同一等级只补贴一次，本证书不再计发补贴`,
          earlier,
        }
      : null;
    audit(ctx, 'training.certificate.add', 'training_certificate', id, {
      plan: plan.code, trainee: t.name, cert_no: d.cert_no, level: LEVEL_LABEL[d.level], duplicate_of: earlier?.cert_no ?? null,
    });
    const row = ctx.db.prepare('SELECT * FROM training_certificate WHERE id = ?').get(id) as CertificateRow;
    return { certificate: hasRole(ctx.actor, 'reviewer') ? row : { ...row, id_no: maskIdNo(row.id_no) }, flag };
  })();
}

// ---------------------------------------------------------------- money, explained

export interface Settlement {
  plan: {
    id: number; code: string; enterprise_id: number; enterprise_name: string; plan_type: string; occupation: string;
    target_level: string; planned_count: number; status: string;
  };
  rule: { id: number; code: string };
  claim_date: string;
  lines: TraineeLine[];
  summary: { trainees: number; certified: number; completed_without_certificate: number; not_completed: number; in_training: number; ineligible: number };
  entitlement_fen: number;
  advance: AdvanceCap;
  ledger: Ledger;
  position: Position;
  /** Everything above as printable lines. */
  text: string[];
}

/**
 * The explained settlement of a plan on `claimDate`: each trainee's line, the advance cap, what was paid and
 * recovered, and what remains due or must be returned. Reads only.
 */
export function computeSettlement(ctx: Pick<Ctx, 'db'>, plan: PlanRow, rule: Rule, claimDate: string): Settlement {
  const rows = q.settleRows(ctx.db, plan.id);
  const terminated = plan.status === 'terminated';
  const lines = rows.map((r) => {
    const l = settleTrainee(plan, rule, {
      id: r.id, name: r.name, outcome: r.outcome, social_insurance_verified: r.social_insurance_verified === 1,
      certificate: r.cert_no
        ? {
            cert_no: r.cert_no, level: r.level!, issue_date: r.issue_date!, occupation_code: r.occupation_code!,
            earlier: r.earlier_cert_no ? { cert_no: r.earlier_cert_no, plan_code: r.earlier_plan_code!, issue_date: r.earlier_issue_date! } : null,
          }
        : null,
    }, claimDate);
    return terminated ? { ...l, amount_fen: 0, base_fen: 0, bonus_fen: 0, basis: 'ineligible' as const, text: `${r.name} 0 元 (计划已终止)` } : l;
  });
  const entitlement = lines.reduce((s, l) => s + l.amount_fen, 0);
  const ledger = q.ledgerOf(ctx.db, plan.id);
  const pos = position(entitlement, ledger);
  const adv = advanceCap(plan, rule, rows.length, ledger.advance_fen);
  const count = (b: TraineeLine['basis']) => lines.filter((l) => l.basis === b).length;
  const ent = q.stmt(ctx.db, 'SELECT name FROM enterprise WHERE id = ?').pluck().get(plan.enterprise_id) as string;
  const summary = {
    trainees: lines.length, certified: count('certified'), completed_without_certificate: count('completed'),
    not_completed: count('not_completed'), in_training: count('in_training'), ineligible: count('ineligible'),
  };
  const text = [
    `计划 ${plan.code} ${ent} ${PLAN_TYPE_LABEL[plan.plan_type]} ${plan.occupation_name} ${LEVEL_LABEL[plan.target_level]}（${STATUS_LABEL[plan.status]}）`,
    `补贴规则 ${rule.code}，核算日期 ${claimDate}`,
    ...lines.map((l) => l.text),
    `学员 ${summary.trainees} 人：取证 ${summary.certified}，结业未取证 ${summary.completed_without_certificate}，未结业 ${summary.not_completed}，在训 ${summary.in_training}，不予补贴 ${summary.ineligible}`,
    ...pos.lines,
  ];
  return {
    plan: {
      id: plan.id, code: plan.code, enterprise_id: plan.enterprise_id, enterprise_name: ent, plan_type: PLAN_TYPE_LABEL[plan.plan_type],
      occupation: `${plan.occupation_code} ${plan.occupation_name}`, target_level: LEVEL_LABEL[plan.target_level],
      planned_count: plan.planned_count, status: STATUS_LABEL[plan.status],
    },
    rule: { id: rule.id, code: rule.code },
    claim_date: claimDate,
    lines,
    summary,
    entitlement_fen: entitlement,
    advance: adv,
    ledger,
    position: pos,
    text,
  };
}

function claimDateOf(ctx: Ctx, plan: PlanRow): string {
  const settled = q.stmt(ctx.db, `SELECT step_date FROM training_plan_step WHERE plan_id = ? AND to_status = 'settled' ORDER BY id DESC LIMIT 1`)
    .pluck()
    .get(plan.id) as string | undefined;
  return settled ?? today(ctx);
}

/** `plan-settle`: the explained settlement as it stands (JSON-able); writes nothing. */
export function settlePlan(ctx: Ctx, planId: number): Settlement {
  const plan = planOrThrow(ctx, planId);
  return computeSettlement(ctx, plan, ruleOrThrow(ctx, plan.rule_set_id), claimDateOf(ctx, plan));
}

/** Many plans at once (reports, bench): rule tables loaded once each. */
export function settlePlans(ctx: Ctx, planIds: Iterable<number>): Settlement[] {
  const rules = new Map<number, Rule>();
  const out: Settlement[] = [];
  for (const id of planIds) {
    const plan = planOrThrow(ctx, id);
    out.push(computeSettlement(ctx, plan, ruleOrThrow(ctx, plan.rule_set_id, rules), claimDateOf(ctx, plan)));
  }
  return out;
}

export interface PlanDetail {
  plan: PlanListed;
  rule: RuleSetDetail;
  steps: StepRow[];
  allowed_next: PlanStatus[];
  money: MoneyRow[];
  settlement: Settlement;
}

export function getPlanDetail(ctx: Ctx, id: number): PlanDetail {
  const plan = planOrThrow(ctx, id);
  const listed = ctx.db
    .prepare(
      `SELECT p.*, e.name AS enterprise_name, i.name AS institution_name, r.code AS rule_code,
         (SELECT count(*) FROM trainee t WHERE t.plan_id = p.id) AS roster_count
       FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id
       LEFT JOIN training_institution i ON i.id = p.institution_id JOIN subsidy_rule_set r ON r.id = p.rule_set_id WHERE p.id = ?`,
    )
    .get(id) as PlanListed;
  return {
    plan: listed,
    rule: getRuleSetDetail(ctx, plan.rule_set_id),
    steps: q.stepsOf(ctx.db, id),
    allowed_next: [...TRANSITIONS[plan.status]],
    money: q.moneyOf(ctx.db, id),
    settlement: settlePlan(ctx, id),
  };
}

// ---------------------------------------------------------------- entrepreneur courses (企业家培训)

export interface CourseRow {
  id: number; gid: string; title: string; organiser: string; start_date: string; end_date: string; hours: number; location: string | null;
  created_at: string; created_by: string;
}
export interface AttendeeRow {
  id: number; gid: string; course_id: number; enterprise_id: number; person_name: string; position: string | null; hours_attended: number;
  created_at: string; created_by: string;
}

export function createCourse(ctx: Ctx, raw: unknown): CourseRow {
  const d = parseInput(courseInput, raw, COURSE_LABELS);
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO entrepreneur_course(gid, title, organiser, start_date, end_date, hours, location, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), d.title, d.organiser, d.start_date, d.end_date, d.hours, d.location, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'training.course.create', 'entrepreneur_course', id, { title: d.title, organiser: d.organiser, start_date: d.start_date });
    return ctx.db.prepare('SELECT * FROM entrepreneur_course WHERE id = ?').get(id) as CourseRow;
  })();
}

export function addAttendee(ctx: Ctx, raw: unknown): AttendeeRow {
  const d = parseInput(attendeeInput, raw, ATTENDEE_LABELS);
  const course = ctx.db.prepare('SELECT * FROM entrepreneur_course WHERE id = ?').get(d.course_id) as CourseRow | undefined;
  if (!course) throw new AppError('NOT_FOUND', `课程 ${d.course_id} 不存在`);
  const ent = ctx.db.prepare('SELECT name FROM enterprise WHERE id = ?').pluck().get(d.enterprise_id) as string | undefined;
  const issues: FieldIssue[] = [];
  if (!ent) issues.push({ field: 'enterprise_id', label: '企业', message: `企业 ${d.enterprise_id} 不存在` });
  if (d.hours_attended > course.hours) issues.push({ field: 'hours_attended', label: '参训学时', message: `${d.hours_attended} 超过课程学时 ${course.hours}` });
  if (issues.length) throw invalid(issues);
  return ctx.db.transaction(() => {
    const dup = ctx.db.prepare('SELECT 1 FROM entrepreneur_attendee WHERE course_id = ? AND enterprise_id = ? AND person_name = ?').get(d.course_id, d.enterprise_id, d.person_name);
    if (dup) throw new AppError('DUPLICATE', `${ent} 的 ${d.person_name} 已登记参加「${course.title}」`);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO entrepreneur_attendee(gid, course_id, enterprise_id, person_name, position, hours_attended, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), d.course_id, d.enterprise_id, d.person_name, d.position, d.hours_attended, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'training.course.attendee', 'entrepreneur_attendee', id, { course: course.title, enterprise: ent, person: d.person_name });
    return ctx.db.prepare('SELECT * FROM entrepreneur_attendee WHERE id = ?').get(id) as AttendeeRow;
  })();
}

/** 企业家培训 of a year; after consolidation, optionally those one lower office (上报单位) reported. */
const courseQuery = z.object({ year: z.number().int().min(2000).max(2100), origin_office: originOfficeField.optional() });
const COURSE_QUERY_LABELS = { year: '年度', origin_office: '上报单位' };

export function listCourses(ctx: Ctx, raw: unknown): Array<CourseRow & { attendees: Array<AttendeeRow & { enterprise_name: string }> }> {
  const { year, origin_office } = parseInput(courseQuery, raw, COURSE_QUERY_LABELS);
  const courses = ctx.db
    .prepare(
      `SELECT * FROM entrepreneur_course c WHERE start_date >= @from AND start_date <= @to AND ${originCondition('c.origin_office')}
       ORDER BY start_date, id`,
    )
    .all({ from: `${year}-01-01`, to: `${year}-12-31`, origin: origin_office ?? null }) as CourseRow[];
  const att = ctx.db.prepare(
    `SELECT a.*, e.name AS enterprise_name FROM entrepreneur_attendee a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.course_id = ? ORDER BY a.id`,
  );
  return courses.map((c) => ({ ...c, attendees: att.all(c.id) as Array<AttendeeRow & { enterprise_name: string }> }));
}

export interface EnterpriseCourseTotal {
  enterprise_id: number;
  enterprise_name: string;
  courses: number;
  attendees: number;
  hours: number;
}

/** 企业家培训 totals per enterprise for a year (by course start date). */
export function courseTotals(ctx: Ctx, raw: unknown): EnterpriseCourseTotal[] {
  const { year, origin_office } = parseInput(courseQuery, raw, COURSE_QUERY_LABELS);
  return ctx.db
    .prepare(
      `SELECT a.enterprise_id, e.name AS enterprise_name, count(DISTINCT a.course_id) AS courses, count(DISTINCT a.person_name) AS attendees,
         sum(a.hours_attended) AS hours
       FROM entrepreneur_attendee a JOIN entrepreneur_course c ON c.id = a.course_id JOIN enterprise e ON e.id = a.enterprise_id
       WHERE c.start_date >= @from AND c.start_date <= @to AND ${originCondition('c.origin_office')}
       GROUP BY a.enterprise_id ORDER BY hours DESC, e.name`,
    )
    .all({ from: `${year}-01-01`, to: `${year}-12-31`, origin: origin_office ?? null }) as EnterpriseCourseTotal[];
}
