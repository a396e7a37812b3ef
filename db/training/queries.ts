import type { Database, Statement } from 'better-sqlite3';
import type { Rule } from './rules.js';
import type { BandRow, CertificateRow, Level, MoneyRow, PlanRow, RuleSetRow, StepRow, TraineeRow } from './schema.js';
import type { Ledger } from './rules.js';

// Statements are compiled once per open ledger: settling 10,000 plans must not re-prepare per plan.
const cache = new WeakMap<Database, Map<string, Statement>>();
export function stmt(db: Database, sql: string): Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export const getPlan = (db: Database, id: number) => stmt(db, 'SELECT * FROM training_plan WHERE id = ?').get(id) as PlanRow | undefined;

export function getRuleSet(db: Database, id: number): RuleSetRow | undefined {
  return stmt(db, 'SELECT * FROM subsidy_rule_set WHERE id = ?').get(id) as RuleSetRow | undefined;
}

export function bandsOf(db: Database, ruleSetId: number): BandRow[] {
  return stmt(db, 'SELECT * FROM subsidy_rule_band WHERE rule_set_id = ? ORDER BY id').all(ruleSetId) as BandRow[];
}

export function shortageOf(db: Database, ruleSetId: number): Array<{ occupation_code: string; occupation_name: string }> {
  return stmt(db, 'SELECT occupation_code, occupation_name FROM subsidy_rule_shortage WHERE rule_set_id = ? ORDER BY occupation_code')
    .all(ruleSetId) as Array<{ occupation_code: string; occupation_name: string }>;
}

export function loadRule(db: Database, id: number, cacheMap?: Map<number, Rule>): Rule | undefined {
  const hit = cacheMap?.get(id);
  if (hit) return hit;
  const s = getRuleSet(db, id);
  if (!s) return undefined;
  const rule: Rule = {
    id: s.id,
    code: s.code,
    plan_type: s.plan_type,
    max_advance_bp: s.max_advance_bp,
    shortage_bonus_bp: s.shortage_bonus_bp,
    shortage_min_level: s.shortage_min_level,
    claim_window_months: s.claim_window_months,
    require_social_insurance: s.require_social_insurance === 1,
    bands: bandsOf(db, id),
    shortage: new Set(shortageOf(db, id).map((x) => x.occupation_code)),
  };
  cacheMap?.set(id, rule);
  return rule;
}

export const stepsOf = (db: Database, planId: number) =>
  stmt(db, 'SELECT * FROM training_plan_step WHERE plan_id = ? ORDER BY id').all(planId) as StepRow[];

export const traineesOf = (db: Database, planId: number) =>
  stmt(db, 'SELECT * FROM trainee WHERE plan_id = ? ORDER BY id').all(planId) as TraineeRow[];

export const traineeCount = (db: Database, planId: number) =>
  stmt(db, 'SELECT count(*) FROM trainee WHERE plan_id = ?').pluck().get(planId) as number;

export const getTrainee = (db: Database, id: number) => stmt(db, 'SELECT * FROM trainee WHERE id = ?').get(id) as TraineeRow | undefined;

export const certificatesOf = (db: Database, planId: number) =>
  stmt(db, 'SELECT * FROM training_certificate WHERE plan_id = ? ORDER BY id').all(planId) as CertificateRow[];

export const moneyOf = (db: Database, planId: number) =>
  stmt(db, 'SELECT * FROM training_money WHERE plan_id = ? ORDER BY entry_date, id').all(planId) as MoneyRow[];

export function ledgerOf(db: Database, planId: number): Ledger {
  const r = stmt(
    db,
    `SELECT
       coalesce(sum(CASE WHEN kind = 'advance' THEN amount_fen END), 0) AS advance_fen,
       coalesce(sum(CASE WHEN kind = 'settlement' THEN amount_fen END), 0) AS settlement_fen,
       coalesce(sum(CASE WHEN kind = 'recovery_order' THEN amount_fen END), 0) AS recovery_order_fen,
       coalesce(sum(CASE WHEN kind = 'recovery_received' THEN amount_fen END), 0) AS recovery_received_fen,
       coalesce(sum(CASE WHEN kind = 'recovery_order' AND sanction_id IS NOT NULL THEN amount_fen END), 0) AS sanction_recovery_fen
     FROM training_money WHERE plan_id = ?`,
  ).get(planId) as Ledger;
  return r;
}

export interface SettleRow {
  id: number;
  name: string;
  outcome: TraineeRow['outcome'];
  social_insurance_verified: 0 | 1;
  cert_id: number | null;
  cert_no: string | null;
  level: Level | null;
  issue_date: string | null;
  occupation_code: string | null;
  earlier_cert_no: string | null;
  earlier_plan_code: string | null;
  earlier_issue_date: string | null;
}

/**
 * The roster with each certificate and, for the one-subsidy rule, the earliest other certificate of the same
 * person, occupation and level in a plan that was not terminated (one probe of the person index each).
 */
export function settleRows(db: Database, planId: number): SettleRow[] {
  return stmt(
    db,
    `SELECT t.id, t.name, t.outcome, t.social_insurance_verified, c.id AS cert_id, c.cert_no, c.level, c.issue_date, c.occupation_code,
       e.cert_no AS earlier_cert_no, ep.code AS earlier_plan_code, e.issue_date AS earlier_issue_date
     FROM trainee t
     LEFT JOIN training_certificate c ON c.trainee_id = t.id
     LEFT JOIN training_certificate e ON e.id = (
       SELECT c2.id FROM training_certificate c2 JOIN training_plan p2 ON p2.id = c2.plan_id
       WHERE c2.id_no = c.id_no AND c2.occupation_code = c.occupation_code AND c2.level = c.level AND c2.id < c.id
         AND p2.status <> 'terminated'
       ORDER BY c2.id LIMIT 1)
     LEFT JOIN training_plan ep ON ep.id = e.plan_id
     WHERE t.plan_id = ? ORDER BY t.id`,
  ).all(planId) as SettleRow[];
}

/** The earlier certificate that a new one would duplicate (same person, occupation, level). */
export function earlierCertificate(db: Database, idNo: string, occupationCode: string, level: Level) {
  return stmt(
    db,
    `SELECT c.id, c.cert_no, c.issue_date, p.code AS plan_code, p.id AS plan_id FROM training_certificate c
     JOIN training_plan p ON p.id = c.plan_id
     WHERE c.id_no = ? AND c.occupation_code = ? AND c.level = ? AND p.status <> 'terminated' ORDER BY c.id LIMIT 1`,
  ).get(idNo, occupationCode, level) as { id: number; cert_no: string; issue_date: string; plan_code: string; plan_id: number } | undefined;
}

export const TRAINEE_COLUMNS = [
  'gid', 'plan_id', 'name', 'id_no', 'birth_date', 'gender', 'phone', 'contract_start', 'contract_end', 'social_insurance_verified',
  'social_insurance_date', 'sessions_attended', 'hours_attended', 'outcome', 'outcome_date', 'created_at', 'created_by', 'updated_at', 'updated_by',
] as const;
export const insertTrainee = (db: Database) =>
  stmt(db, `INSERT INTO trainee(${TRAINEE_COLUMNS.join(', ')}) VALUES (${TRAINEE_COLUMNS.map((c) => `@${c}`).join(', ')})`);

export function insertMoney(
  db: Database,
  e: Omit<MoneyRow, 'id'>,
): number {
  return Number(
    stmt(
      db,
      `INSERT INTO training_money(gid, plan_id, kind, amount_fen, entry_date, doc_no, explanation, sanction_id, created_at, created_by)
       VALUES (@gid, @plan_id, @kind, @amount_fen, @entry_date, @doc_no, @explanation, @sanction_id, @created_at, @created_by)`,
    ).run(e).lastInsertRowid,
  );
}
