// SQL for the exhibition area: one place for every statement, shaped (db, ...args).
import type { EventStep } from './workflow.js';
import { ownOrigin } from '../ownership/versions.js';
import type { Database } from 'better-sqlite3';
import { AppError } from '../result.js';
import type { ItemType, PaymentMethod, RuleTable } from './rules.js';
import type { AttachmentRow, BoothRow, ClaimRow, FairRow, ItemRow, PaymentRow, RuleSetRow } from './schema.js';

export function fairById(db: Database, id: number): FairRow {
  const f = db.prepare('SELECT * FROM exhibition_fair WHERE id = ?').get(id) as FairRow | undefined;
  if (!f) throw new AppError('NOT_FOUND', `展会 ${id} 不存在`);
  return f;
}

export function claimById(db: Database, id: number): ClaimRow {
  const c = db.prepare('SELECT * FROM exhibition_claim WHERE id = ?').get(id) as ClaimRow | undefined;
  if (!c) throw new AppError('NOT_FOUND', `参展补贴申请 ${id} 不存在`);
  return c;
}

export function ruleSetById(db: Database, id: number): RuleSetRow {
  const r = db.prepare('SELECT * FROM exhibition_rule_set WHERE id = ?').get(id) as RuleSetRow | undefined;
  if (!r) throw new AppError('NOT_FOUND', `补贴规则 ${id} 不存在`);
  return r;
}

export interface LoadedRules {
  set: RuleSetRow;
  version: number;
  rules: RuleTable;
}

/** The latest version of a rule set (rules were validated when written). */
export function latestRules(db: Database, ruleSetId: number): LoadedRules {
  const set = ruleSetById(db, ruleSetId);
  const v = db
    .prepare('SELECT version, rules_json FROM exhibition_rule_version WHERE rule_set_id = ? ORDER BY version DESC LIMIT 1')
    .get(ruleSetId) as { version: number; rules_json: string } | undefined;
  // A set without versions can only come from a package that left them behind: say so rather than fail inside.
  if (!v) throw new AppError('NO_RULES', `参展补贴规则「${set.name}」没有任何版本，无法计算；请让制定规则的单位重新下发或上报`);
  return { set, version: v.version, rules: JSON.parse(v.rules_json) as RuleTable };
}

export function boothsOf(db: Database, claimId: number): BoothRow[] {
  return db.prepare('SELECT id, gid, claim_id, seq, booth_no, area_m2, kind FROM exhibition_booth WHERE claim_id = ? ORDER BY seq').all(claimId) as BoothRow[];
}

export function itemsOf(db: Database, claimId: number): ItemRow[] {
  return db
    .prepare(
      `SELECT id, gid, claim_id, seq, item_type, booth_seq, amount_fen, invoice_no, invoice_date, payment_method, voucher_no,
        volume_m3, weight_t, other_subsidy_fen, note FROM exhibition_item WHERE claim_id = ? ORDER BY seq`,
    )
    .all(claimId) as ItemRow[];
}

export function attachmentsOf(db: Database, claimId: number): AttachmentRow[] {
  return db
    .prepare(
      `SELECT id, gid, claim_id, material, file_name, mime, size_bytes, sha256, storage, created_at, created_by
       FROM exhibition_attachment WHERE claim_id = ? AND removed_at IS NULL ORDER BY id`,
    )
    .all(claimId) as AttachmentRow[];
}

export function paymentsOf(db: Database, claimId: number): PaymentRow[] {
  return db.prepare('SELECT * FROM exhibition_payment WHERE claim_id = ? ORDER BY entry_date, id').all(claimId) as PaymentRow[];
}

export function moneyOf(db: Database, claimId: number): { paid_fen: number; recovered_fen: number } {
  return db
    .prepare(
      `SELECT COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount_fen END), 0) AS paid_fen,
              COALESCE(SUM(CASE WHEN kind = 'recovery' THEN amount_fen END), 0) AS recovered_fen
       FROM exhibition_payment WHERE claim_id = ?`,
    )
    .get(claimId) as { paid_fen: number; recovered_fen: number };
}

export interface EventRow {
  id: number;
  from_status: string | null;
  to_status: string;
  comment: string | null;
  created_at: string;
  created_by: string;
  /** The step given (migration 13); its 审核意见 and the giver's display name at the time. */
  step: EventStep | null;
  opinion: string | null;
  actor_name: string | null;
}
export function eventsOf(db: Database, claimId: number): EventRow[] {
  return db
    .prepare('SELECT id, from_status, to_status, comment, created_at, created_by, step, opinion, actor_name FROM exhibition_claim_event WHERE claim_id = ? ORDER BY id')
    .all(claimId) as EventRow[];
}

/** What recalculation reads of a claim (not calc_json, which can be large). */
export const CLAIM_CALC_COLUMNS = `id, claim_no, enterprise_id, fair_id, rule_set_id, subsidy_year, claim_date, status, calc_fen, calc_rule_version, approved_fen`;

/** Claims of one enterprise and year, the unit over which the annual cap is shared. */
export function claimsOfEnterpriseYear(db: Database, enterpriseId: number, year: number): ClaimRow[] {
  return db
    .prepare('SELECT * FROM exhibition_claim WHERE enterprise_id = ? AND subsidy_year = ? ORDER BY id')
    .all(enterpriseId, year) as ClaimRow[];
}

/** Booths and items of many claims in two queries (recalculating 50,000 claims must not run 100,000 queries). */
export type CalcBoothRow = Pick<BoothRow, 'claim_id' | 'seq' | 'booth_no' | 'area_m2' | 'kind'>;
export type CalcItemRow = Pick<ItemRow, 'claim_id' | 'seq' | 'item_type' | 'booth_seq' | 'amount_fen' | 'invoice_date' | 'payment_method' | 'volume_m3' | 'weight_t' | 'other_subsidy_fen'>;
export function boothsAndItemsFor(db: Database, claimIds: number[]): { booths: Map<number, CalcBoothRow[]>; items: Map<number, CalcItemRow[]> } {
  const booths = new Map<number, CalcBoothRow[]>();
  const items = new Map<number, CalcItemRow[]>();
  if (claimIds.length === 0) return { booths, items };
  db.exec('CREATE TEMP TABLE IF NOT EXISTS exh_ids (id INTEGER PRIMARY KEY)');
  db.exec('DELETE FROM temp.exh_ids');
  const ins = db.prepare('INSERT OR IGNORE INTO temp.exh_ids(id) VALUES (?)');
  for (const id of claimIds) ins.run(id);
  // Only the columns the calculation reads, as raw arrays: 400,000 item rows cost far less without their text
  // fields and without a keyed object per row from the driver.
  for (const r of db
    .prepare('SELECT b.claim_id, b.seq, b.booth_no, b.area_m2, b.kind FROM temp.exh_ids t JOIN exhibition_booth b ON b.claim_id = t.id ORDER BY b.claim_id, b.seq')
    .raw()
    .all() as Array<[number, number, string, number, CalcBoothRow['kind']]>) {
    let l = booths.get(r[0]);
    if (!l) booths.set(r[0], (l = []));
    l.push({ claim_id: r[0], seq: r[1], booth_no: r[2], area_m2: r[3], kind: r[4] });
  }
  for (const r of db
    .prepare(
      `SELECT i.claim_id, i.seq, i.item_type, i.booth_seq, i.amount_fen, i.invoice_date, i.payment_method, i.volume_m3, i.weight_t,
        i.other_subsidy_fen FROM temp.exh_ids t JOIN exhibition_item i ON i.claim_id = t.id ORDER BY i.claim_id, i.seq`,
    )
    .raw()
    .all() as Array<[number, number, ItemType, number | null, number, string, PaymentMethod, number | null, number | null, number]>) {
    let l = items.get(r[0]);
    if (!l) items.set(r[0], (l = []));
    l.push({
      claim_id: r[0], seq: r[1], item_type: r[2], booth_seq: r[3], amount_fen: r[4], invoice_date: r[5], payment_method: r[6],
      volume_m3: r[7], weight_t: r[8], other_subsidy_fen: r[9],
    });
  }
  db.exec('DELETE FROM temp.exh_ids');
  return { booths, items };
}

export function nextClaimNo(db: Database, year: number): string {
  const prefix = `CZ${year}-`;
  const last = db
    .prepare("SELECT claim_no FROM exhibition_claim WHERE origin_office = ? AND claim_no LIKE ? || '%' ORDER BY claim_no DESC LIMIT 1")
    .pluck()
    .get(ownOrigin(db), prefix) as string | undefined;
  const n = last ? Number(last.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(n).padStart(4, '0')}`;
}

export function insertEvent(
  db: Database,
  e: { gid: string; claim_id: number; from: string | null; to: string; comment: string | null; at: string; by: string; step: EventStep; opinion: string | null; actor_name: string },
): void {
  db.prepare(
    `INSERT INTO exhibition_claim_event(gid, claim_id, from_status, to_status, comment, created_at, created_by, step, opinion, actor_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(e.gid, e.claim_id, e.from, e.to, e.comment, e.at, e.by, e.step, e.opinion, e.actor_name);
}
