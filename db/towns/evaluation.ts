// Rule sets as versioned data, evaluating towns against them, and the year's 考核结果 with its proposed step.
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { audit } from '../audit/audit.js';
import { requireOwnRules } from '../ownership/origin.js';
import {
  evaluate,
  formatEvaluation,
  validateDefinition,
  type EvaluationResult,
  type EventKind,
  type RecordedEvent,
  type RuleDefinition,
  type Severity,
  type TownYearData,
} from './assessment.js';
import type { IndicatorDef, TransitionAction } from './rules.js';
import * as q from './queries.js';
import {
  DECIDE_LABELS,
  decideProposalInput,
  EVALUATE_LABELS,
  evaluateInput,
  RULE_SET_LABELS,
  ruleSetInput,
  type RuleSetRow,
} from './schema.js';
import { fieldError, mustTown, transition } from './service.js';
import { currentYear } from './indicators.js';

export interface RuleSet extends Omit<RuleSetRow, 'definition'> {
  definition: RuleDefinition;
}

export function loadRuleSet(db: Database, id: number): RuleSet {
  const r = q.getRuleSet(db, id);
  if (!r) throw fieldError('ruleSetId', '规则', `评价规则 ${id} 不存在`, 'NOT_FOUND');
  return { ...r, definition: JSON.parse(r.definition) as RuleDefinition };
}

export function listRuleSets(ctx: Pick<Ctx, 'db'>, raw?: { all?: boolean }): RuleSet[] {
  return q.listRuleSets(ctx.db, !raw?.all).map((r) => ({ ...r, definition: JSON.parse(r.definition) as RuleDefinition }));
}

/** Checks a definition without saving (the editor calls this as the administrator types). */
export function validateRuleSet(ctx: Pick<Ctx, 'db'>, raw: unknown): RuleDefinition {
  return validateDefinition(raw, q.indicatorDefs(ctx.db));
}

/**
 * Saves a rule set as data. A new code starts at version 1; an existing code gets its next version, so results
 * saved against an older version keep pointing at the rules they were judged by.
 */
export function saveRuleSet(ctx: Ctx, raw: unknown): RuleSet {
  requireRole(ctx.actor, 'admin', '编辑评价规则');
  const input = parseInput(ruleSetInput, raw, RULE_SET_LABELS);
  const definition = validateDefinition(input.definition, q.indicatorDefs(ctx.db));
  if (input.region_code && !ctx.db.prepare('SELECT 1 FROM region WHERE code = ?').get(input.region_code)) {
    throw fieldError('region_code', '适用地区', `「${input.region_code}」不存在于 GB/T 2260 代码表`);
  }
  const latest = ctx.db.prepare('SELECT name, origin_office FROM town_rule_set WHERE code = ? ORDER BY version DESC LIMIT 1').get(input.code) as { name: string; origin_office: string | null } | undefined;
  if (latest) requireOwnRules(ctx.db, latest.origin_office, `评价规则「${latest.name}」（${input.code}）`);
  return ctx.db.transaction(() => {
    const version = ((ctx.db.prepare('SELECT max(version) FROM town_rule_set WHERE code = ?').pluck().get(input.code) as number | null) ?? 0) + 1;
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_rule_set(gid, code, version, name, purpose, region_code, level, effective_from, source, definition, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), input.code, version, input.name, input.purpose, input.region_code, input.level ?? null, input.effective_from,
          input.source, JSON.stringify(definition), isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.ruleset_save', 'town_rule_set', id, { code: input.code, version, name: input.name, criteria: definition.criteria.length });
    return loadRuleSet(ctx.db, id);
  })();
}

// ---------------------------------------------------------------- loading figures for evaluation

/**
 * Figures and veto events of many towns in two queries each: evaluating thousands of towns must not cost a
 * query per town.
 */
export function loadTownData(db: Database, townIds: readonly number[] | 'all', fromYear: number, toYear: number, codes: readonly string[]): Map<number, TownYearData> {
  const out = new Map<number, { years: Map<number, Record<string, number | string | null>>; events: RecordedEvent[] }>();
  const ensure = (id: number) => {
    let d = out.get(id);
    if (!d) out.set(id, (d = { years: new Map(), events: [] }));
    return d;
  };
  const ids = townIds === 'all' ? null : townIds;
  if (ids) for (const id of ids) ensure(id);
  // Columns come from the indicator catalogue (validated codes), never from user text.
  const cols = codes.length ? `, ${codes.map((c) => `y.${c}`).join(', ')}` : '';
  const filter = ids ? `AND y.town_id IN (SELECT value FROM json_each(@ids))` : '';
  const params = { from: fromYear, to: toYear, ids: JSON.stringify(ids ?? []) };
  for (const r of db.prepare(`SELECT y.town_id, y.year${cols} FROM town_year y WHERE y.year BETWEEN @from AND @to ${filter}`).iterate(params) as IterableIterator<
    Record<string, number | string | null> & { town_id: number; year: number }
  >) {
    ensure(r.town_id).years.set(r.year, r);
  }
  const evFilter = ids ? `AND t IN (SELECT value FROM json_each(@ids))` : '';
  const evParams = { from: `${fromYear}-01-01`, to: `${toYear}-12-31`, ids: params.ids };
  const events = db.prepare(
    `SELECT * FROM (
       SELECT ev.town_id AS t, ev.kind, ev.severity, ev.date, ev.description, 'town' AS subject FROM town_event ev
       WHERE ev.town_id IS NOT NULL AND ev.date BETWEEN @from AND @to
       UNION ALL
       SELECT m.town_id AS t, ev.kind, ev.severity, ev.date, ev.description, e.name AS subject FROM town_event ev
       JOIN town_member m ON m.enterprise_id = ev.enterprise_id AND m.joined_on <= ev.date AND (m.left_on IS NULL OR m.left_on >= ev.date)
       JOIN enterprise e ON e.id = ev.enterprise_id
       WHERE ev.date BETWEEN @from AND @to
       UNION ALL
       -- a 信用惩戒 sanction on a member counts as 严重失信
       SELECT m.town_id AS t, 'serious_dishonesty', NULL, s.start_date, s.reason, e.name FROM sanction s
       JOIN town_member m ON m.enterprise_id = s.enterprise_id AND m.joined_on <= s.start_date AND (m.left_on IS NULL OR m.left_on >= s.start_date)
       JOIN enterprise e ON e.id = s.enterprise_id
       WHERE s.kind = 'credit_penalty' AND s.lifted_at IS NULL AND s.start_date BETWEEN @from AND @to
     ) WHERE 1 = 1 ${evFilter}`,
  );
  for (const e of events.iterate(evParams) as IterableIterator<{ t: number; kind: EventKind; severity: Severity | null; date: string; description: string; subject: string }>) {
    ensure(e.t).events.push({ kind: e.kind, severity: e.severity, date: e.date, description: e.description, subject: e.subject });
  }
  return out;
}

/** Indicator codes and the earliest year a rule set looks at for `year`. */
export function ruleScope(def: RuleDefinition, year: number): { codes: string[]; fromYear: number } {
  const codes = new Set<string>();
  let span = 1;
  for (const c of def.criteria) {
    if (c.kind === 'threshold' || c.kind === 'growth') codes.add(c.indicator);
    if (c.kind === 'tier') for (const a of c.alternatives) for (const i of a.indicators) codes.add(i);
    span = Math.max(span, 'years' in c ? c.years : 1);
  }
  return { codes: [...codes], fromYear: year - span + 1 };
}

export interface TownEvaluation extends EvaluationResult {
  town: { id: number; name: string; county_code: string; status: string; level: string | null };
  ruleSet: { id: number; code: string; version: number; name: string };
  text: string;
}

export function defsMap(db: Database): Map<string, IndicatorDef> {
  return new Map(q.indicatorDefs(db).map((d) => [d.code, d]));
}

/** CLI hook and the 评价 screen: every criterion with the figures used, pass/fail, score, grade and a printable text. */
export function evaluateTown(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown): TownEvaluation {
  const input = parseInput(evaluateInput, raw, EVALUATE_LABELS);
  const town = mustTown(ctx, input.townId);
  if (input.year > currentYear(ctx)) throw fieldError('year', '年度', `${input.year} 年尚未到来`);
  const rs = loadRuleSet(ctx.db, input.ruleSetId);
  const scope = ruleScope(rs.definition, input.year);
  const data = loadTownData(ctx.db, [town.id], scope.fromYear, input.year, scope.codes).get(town.id)!;
  const r = evaluate(rs.definition, data, input.year, defsMap(ctx.db));
  const ruleSet = { id: rs.id, code: rs.code, version: rs.version, name: rs.name };
  return {
    ...r,
    town: { id: town.id, name: town.name, county_code: town.county_code, status: town.status, level: town.level },
    ruleSet,
    text: formatEvaluation({ town: town.name, ruleSet: `${rs.name}（第 ${rs.version} 版）` }, r),
  };
}

export interface BatchEvaluation {
  ruleSet: { id: number; code: string; version: number; name: string };
  year: number;
  rows: Array<{ town_id: number; name: string; score: number; grade: string | null; passed: boolean | null; vetoed: boolean; missing: number }>;
}

export const evaluateAllInput = evaluateInput.omit({ townId: true }).extend({ region_code: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional() });

/** Which towns meet a rule set for a year: every town (or those of a region) in one pass. */
export function evaluateAll(ctx: Pick<Ctx, 'db' | 'clock'>, raw: unknown): BatchEvaluation {
  const input = parseInput(evaluateAllInput, raw, { ...EVALUATE_LABELS, region_code: '地区' });
  const rs = loadRuleSet(ctx.db, input.ruleSetId);
  const scope = ruleScope(rs.definition, input.year);
  const prefix = input.region_code ? q.regionPrefix(input.region_code) : '';
  const towns = ctx.db
    .prepare(`SELECT id, name FROM town WHERE status <> 'revoked' AND county_code LIKE ? || '%' ORDER BY county_code, name`)
    .all(prefix) as Array<{ id: number; name: string }>;
  const data = loadTownData(ctx.db, prefix ? towns.map((t) => t.id) : 'all', scope.fromYear, input.year, scope.codes);
  const defs = defsMap(ctx.db);
  const empty: TownYearData = { years: new Map(), events: [] };
  return {
    ruleSet: { id: rs.id, code: rs.code, version: rs.version, name: rs.name },
    year: input.year,
    rows: towns.map((t) => {
      const r = evaluate(rs.definition, data.get(t.id) ?? empty, input.year, defs, false);
      return { town_id: t.id, name: t.name, score: r.score, grade: r.grade, passed: r.passed, vetoed: r.vetoed, missing: r.missing.length };
    }),
  };
}

// ---------------------------------------------------------------- 考核结果 and proposals

export interface AssessmentRow {
  id: number;
  gid: string;
  town_id: number;
  year: number;
  rule_set_id: number;
  score: number;
  grade: string | null;
  passed: 0 | 1 | null;
  result: string;
  proposed_action: TransitionAction | null;
  proposal_status: 'pending' | 'applied' | 'dismissed' | null;
  proposal_decided_by: string | null;
  proposal_decided_at: string | null;
  proposal_note: string | null;
  transition_id: number | null;
  created_at: string;
  created_by: string;
}

export function getAssessment(db: Database, id: number): AssessmentRow {
  const r = db.prepare('SELECT * FROM town_assessment WHERE id = ?').get(id) as AssessmentRow | undefined;
  if (!r) throw fieldError('assessment_id', '考核结果', `考核结果 ${id} 不存在`, 'NOT_FOUND');
  return r;
}

/**
 * Saves the evaluation as the year's 考核结果 (frozen with the figures used). A grade that proposes a step
 * (不合格 → 警示) leaves it pending: only a person applies it, with decideProposal.
 */
export function saveAssessment(ctx: Ctx, raw: unknown): AssessmentRow {
  requireRole(ctx.actor, 'reviewer', '保存年度考核结果');
  // An incomplete result (资料不全, no grade) is saved too: it is what the office files, and it proposes nothing.
  const ev = evaluateTown(ctx, raw);
  return ctx.db.transaction(() => {
    const existing = ctx.db.prepare('SELECT id, proposal_status FROM town_assessment WHERE town_id = ? AND year = ? AND rule_set_id = ?').get(
      ev.town.id, ev.year, ev.ruleSet.id) as { id: number; proposal_status: string | null } | undefined;
    if (existing) {
      throw new AppError('CONFLICT', `「${ev.town.name}」${ev.year} 年按「${ev.ruleSet.name}」第 ${ev.ruleSet.version} 版的考核结果已保存（编号 ${existing.id}）`);
    }
    const { text: _t, ...frozen } = ev;
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_assessment(gid, town_id, year, rule_set_id, score, grade, passed, result, proposed_action, proposal_status, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), ev.town.id, ev.year, ev.ruleSet.id, ev.score, ev.grade, ev.passed === null ? null : ev.passed ? 1 : 0,
          JSON.stringify(frozen), ev.proposal?.action ?? null, ev.proposal ? 'pending' : null, isoTimestamp(ctx.clock.now()), ctx.actor.username)
        .lastInsertRowid,
    );
    audit(ctx, 'town.assessment_save', 'town', ev.town.id, {
      assessment_id: id, year: ev.year, rule_set: `${ev.ruleSet.code}@${ev.ruleSet.version}`, score: ev.score, grade: ev.grade,
      passed: ev.passed, proposed: ev.proposal?.action ?? null,
    });
    return getAssessment(ctx.db, id);
  })();
}

export function assessmentsOf(ctx: Pick<Ctx, 'db'>, townId: number): AssessmentRow[] {
  return ctx.db.prepare('SELECT * FROM town_assessment WHERE town_id = ? ORDER BY year DESC, id DESC').all(townId) as AssessmentRow[];
}

/** A person applies the proposed step (through the lifecycle, with its checks) or dismisses it, with a reason either way. */
export function decideProposal(ctx: Ctx, raw: unknown): AssessmentRow {
  const d = parseInput(decideProposalInput, raw, DECIDE_LABELS);
  requireRole(ctx.actor, 'reviewer', '处理考核建议');
  const a = getAssessment(ctx.db, d.assessment_id);
  if (!a.proposed_action) throw new AppError('CONFLICT', '该考核结果没有建议的状态变更');
  if (a.proposal_status !== 'pending') throw new AppError('CONFLICT', `该建议已${a.proposal_status === 'applied' ? '执行' : '决定不执行'}`);
  return ctx.db.transaction(() => {
    const now = isoTimestamp(ctx.clock.now());
    if (d.decision === 'apply') {
      const step = transition(ctx, {
        town_id: a.town_id, action: a.proposed_action, date: d.date, doc_no: d.doc_no, reason: d.reason, level: d.level ?? null,
        designation: d.designation ?? null, assessment_id: a.id,
      });
      ctx.db
        .prepare(`UPDATE town_assessment SET proposal_status = 'applied', proposal_decided_by = ?, proposal_decided_at = ?, proposal_note = ?, transition_id = ? WHERE id = ?`)
        .run(ctx.actor.username, now, d.reason, step.transition.id, a.id);
    } else {
      ctx.db
        .prepare(`UPDATE town_assessment SET proposal_status = 'dismissed', proposal_decided_by = ?, proposal_decided_at = ?, proposal_note = ? WHERE id = ?`)
        .run(ctx.actor.username, now, d.reason, a.id);
    }
    audit(ctx, `town.proposal_${d.decision}`, 'town', a.town_id, { assessment_id: a.id, action: a.proposed_action, reason: d.reason, date: isoDate(ctx.clock.now()) });
    return getAssessment(ctx.db, a.id);
  })();
}
