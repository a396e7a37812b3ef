// Exhibition subsidies (参展补贴) use-cases: fairs, rule tables, claims, materials, workflow, payment and recovery.
// Every write runs in one transaction with its audit entry; amounts are integer fen throughout.
import { ownOrigin } from '../ownership/versions.js';
import { originCondition, requireOwnRules } from '../ownership/origin.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { hasRole, requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError, type FieldIssue } from '../result.js';
import { parseInput } from '../validate.js';
import { audit } from '../audit/audit.js';
import { assertNotSanctioned, registerRecoveryHandler, sanctionsInForce, type SanctionRow } from '../sanctions/service.js';
import { fmtYuan } from './money.js';
import {
  BOOTH_LINKED, calculateBatch, calculateClaim, deadlineFor, fairEligibility, ITEM_TYPE_LABEL, MATERIAL_LABEL, MATERIALS,
  ruleTableToInput, subsidyYearOf, typeConsumption, type BatchClaim, type CalcResult, type Material, type RuleTable,
} from './rules.js';
import * as q from './queries.js';
import { allowedActions, assertStep, claimPermissions, opinionFor, publishable, STEP_LABEL, STEPS, type AllowedAction, type ClaimPermissions, type EventStep } from './workflow.js';
import {
  ATTACHMENT_LABELS, attachmentInput, CLAIM_LABELS, CLAIM_ROW_LABELS, claimInput, claimListQuery, EDITABLE_STATUSES, FAIR_LABELS,
  fairInput, FROZEN_STATUSES, LIVE_STATUSES, parseNested, PAYMENT_LABELS, paymentInput, PUBLISH_LABELS, publishInput,
  RULE_ROW_LABELS, RULE_SET_LABELS, ruleSetCreateInput, ruleSetReviseInput, STATUS_LABEL, transitionInput, validationError,
  type AttachmentRow, type BoothRow, type ClaimData, type ClaimRow, type ClaimStatus, type FairRow, type ItemRow, type RuleSetRow,
} from './schema.js';

const today = (ctx: Ctx) => isoDate(ctx.clock.now());
const now = (ctx: Ctx) => isoTimestamp(ctx.clock.now());

// ---------------------------------------------------------------------------------------------------------
// Fairs

export type FairView = FairRow & { art36_eligible: boolean; art36_reason: string; claim_count: number };

function fairView(ctx: Ctx, f: FairRow): FairView {
  const e = fairEligibility({ min_gov_level: 'county' }, f.gov_level);
  const n = ctx.db.prepare('SELECT count(*) FROM exhibition_claim WHERE fair_id = ?').pluck().get(f.id) as number;
  return { ...f, art36_eligible: e.ok, art36_reason: e.reason, claim_count: n };
}

export function createFair(ctx: Ctx, raw: unknown): FairView {
  const f = parseInput(fairInput, raw, FAIR_LABELS);
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO exhibition_fair(gid, name, organiser, organising_gov, gov_level, scope, market_type, country, city, venue,
            start_date, end_date, note, created_at, created_by, updated_at, updated_by)
           VALUES (@gid, @name, @organiser, @organising_gov, @gov_level, @scope, @market_type, @country, @city, @venue,
            @start_date, @end_date, @note, @at, @by, @at, @by)`,
        )
        .run({ ...f, gid: uuidv7(ctx.clock), at: now(ctx), by: ctx.actor.username }).lastInsertRowid,
    );
    audit(ctx, 'exhibition.fair_create', 'exhibition_fair', id, { name: f.name, gov_level: f.gov_level, scope: f.scope });
    return fairView(ctx, q.fairById(ctx.db, id));
  })();
}

export function updateFair(ctx: Ctx, id: number, raw: unknown): FairView {
  const before = q.fairById(ctx.db, id);
  const f = parseInput(fairInput, raw, FAIR_LABELS);
  return ctx.db.transaction(() => {
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of Object.keys(f) as Array<keyof typeof f>) {
      if ((before[k] ?? null) !== (f[k] ?? null)) changes[k] = { from: before[k] ?? null, to: f[k] ?? null };
    }
    if (Object.keys(changes).length === 0) return fairView(ctx, before);
    ctx.db
      .prepare(
        `UPDATE exhibition_fair SET name=@name, organiser=@organiser, organising_gov=@organising_gov, gov_level=@gov_level, scope=@scope,
          market_type=@market_type, country=@country, city=@city, venue=@venue, start_date=@start_date, end_date=@end_date, note=@note,
          updated_at=@at, updated_by=@by WHERE id=@id`,
      )
      .run({ ...f, at: now(ctx), by: ctx.actor.username, id });
    audit(ctx, 'exhibition.fair_update', 'exhibition_fair', id, { changes });
    // Claims not yet decided follow the fair's new facts; a changed end date can move a claim to another year.
    const claims = ctx.db.prepare('SELECT * FROM exhibition_claim WHERE fair_id = ?').all(id) as ClaimRow[];
    const year = subsidyYearOf(f.end_date);
    for (const c of claims) {
      if (c.subsidy_year !== year && !FROZEN_STATUSES.includes(c.status)) {
        ctx.db.prepare('UPDATE exhibition_claim SET subsidy_year = ? WHERE id = ?').run(year, c.id);
        recalcEnterpriseYears(ctx, [[c.enterprise_id, c.subsidy_year]]);
      }
    }
    recalcEnterpriseYears(ctx, claims.map((c) => [c.enterprise_id, year]));
    return fairView(ctx, q.fairById(ctx.db, id));
  })();
}

export function listFairs(ctx: Ctx, raw: unknown): FairView[] {
  const i = parseInput(z.object({ year: z.number().int().optional(), q: z.string().trim().max(100).optional() }), raw ?? {});
  const rows = ctx.db
    .prepare(
      `SELECT * FROM exhibition_fair WHERE (@year IS NULL OR substr(end_date, 1, 4) = @yearText)
        AND (@q IS NULL OR instr(name, @q) > 0 OR instr(organiser, @q) > 0) ORDER BY start_date DESC, id DESC`,
    )
    .all({ year: i.year ?? null, yearText: i.year ? String(i.year) : null, q: i.q || null }) as FairRow[];
  return rows.map((f) => fairView(ctx, f));
}

export function getFair(ctx: Ctx, id: number): FairView {
  return fairView(ctx, q.fairById(ctx.db, id));
}

// ---------------------------------------------------------------------------------------------------------
// Rule tables

export interface RuleSetView extends RuleSetRow {
  version: number;
  rules: RuleTable;
  /** The same rules as the administrator's form (yuan, percent), to start a new version from. */
  rules_input: ReturnType<typeof ruleTableToInput>;
  versions: Array<{ version: number; note: string | null; created_at: string; created_by: string }>;
}

export function getRuleSet(ctx: Ctx, id: number): RuleSetView {
  const l = q.latestRules(ctx.db, id);
  const versions = ctx.db
    .prepare('SELECT version, note, created_at, created_by FROM exhibition_rule_version WHERE rule_set_id = ? ORDER BY version DESC')
    .all(id) as RuleSetView['versions'];
  return { ...l.set, version: l.version, rules: l.rules, rules_input: ruleTableToInput(l.rules), versions };
}

export function listRuleSets(ctx: Ctx): Array<RuleSetRow & { version: number; claim_count: number }> {
  return ctx.db
    .prepare(
      `SELECT s.*, (SELECT max(version) FROM exhibition_rule_version v WHERE v.rule_set_id = s.id) AS version,
        (SELECT count(*) FROM exhibition_claim c WHERE c.rule_set_id = s.id) AS claim_count
       FROM exhibition_rule_set s ORDER BY s.is_sample, s.year DESC, s.name`,
    )
    .all() as Array<RuleSetRow & { version: number; claim_count: number }>;
}

export function createRuleSet(ctx: Ctx, raw: unknown): RuleSetView {
  requireRole(ctx.actor, 'admin', '新建参展补贴规则');
  const i = parseNested(ruleSetCreateInput, raw, RULE_SET_LABELS, RULE_ROW_LABELS);
  const region = ctx.db.prepare('SELECT name FROM region WHERE code = ?').pluck().get(i.region_code);
  if (!region) throw validationError([{ field: 'region_code', label: '行政区划代码', message: `「${i.region_code}」不存在于 GB/T 2260 代码表` }]);
  if (ctx.db.prepare('SELECT 1 FROM exhibition_rule_set WHERE name = ? AND origin_office = ?').get(i.name, ownOrigin(ctx.db))) {
    throw new AppError('DUPLICATE', `已有名为「${i.name}」的补贴规则，请修订它（生成新版本）或换一个名称`, [{ field: 'name', label: '规则名称', message: '重复' }]);
  }
  return ctx.db.transaction(() => {
    const at = now(ctx);
    const id = Number(
      ctx.db
        .prepare('INSERT INTO exhibition_rule_set(gid, name, region_code, year, is_sample, source, created_at, created_by) VALUES (?, ?, ?, ?, 0, ?, ?, ?)')
        .run(uuidv7(ctx.clock), i.name, i.region_code, i.year, i.source, at, ctx.actor.username).lastInsertRowid,
    );
    ctx.db
      .prepare('INSERT INTO exhibition_rule_version(gid, rule_set_id, version, rules_json, note, created_at, created_by) VALUES (?, ?, 1, ?, ?, ?, ?)')
      .run(uuidv7(ctx.clock), id, JSON.stringify(i.rules), i.note ?? '新建', at, ctx.actor.username);
    audit(ctx, 'exhibition.rules_create', 'exhibition_rule_set', id, { name: i.name, region_code: i.region_code, year: i.year, rules: i.rules });
    return getRuleSet(ctx, id);
  })();
}

export interface RecalcChange {
  claim_id: number;
  claim_no: string;
  enterprise_name: string;
  status: ClaimStatus;
  before_fen: number;
  after_fen: number;
  changed: boolean;
}

/**
 * A rule change is a new version. Claims not yet approved under this rule set are recalculated (approved, paid
 * and rejected claims keep their amounts), and each one's before and after comes back for the user to see.
 */
export function reviseRuleSet(ctx: Ctx, raw: unknown): { rule_set: RuleSetView; changes: RecalcChange[]; changed_count: number } {
  requireRole(ctx.actor, 'admin', '修订参展补贴规则');
  const i = parseNested(ruleSetReviseInput, raw, RULE_SET_LABELS, RULE_ROW_LABELS);
  const prev = q.latestRules(ctx.db, i.rule_set_id);
  requireOwnRules(ctx.db, prev.set.origin_office, `参展补贴规则「${prev.set.name}」`);
  return ctx.db.transaction(() => {
    const version = prev.version + 1;
    ctx.db
      .prepare('INSERT INTO exhibition_rule_version(gid, rule_set_id, version, rules_json, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(uuidv7(ctx.clock), i.rule_set_id, version, JSON.stringify(i.rules), i.note, now(ctx), ctx.actor.username);
    const diffs = recalcForRuleSet(ctx, i.rule_set_id);
    const names = new Map<number, string>();
    const changes: RecalcChange[] = [];
    for (const d of diffs) {
      if (d.claim.rule_set_id !== i.rule_set_id) continue;
      let name = names.get(d.claim.enterprise_id);
      if (name === undefined) {
        name = ctx.db.prepare('SELECT name FROM enterprise WHERE id = ?').pluck().get(d.claim.enterprise_id) as string;
        names.set(d.claim.enterprise_id, name);
      }
      changes.push({
        claim_id: d.claim.id, claim_no: d.claim.claim_no, enterprise_name: name, status: d.claim.status,
        before_fen: d.before, after_fen: d.after, changed: d.before !== d.after,
      });
    }
    changes.sort((a, b) => a.claim_id - b.claim_id);
    const changed = changes.filter((c) => c.changed).length;
    audit(ctx, 'exhibition.rules_revise', 'exhibition_rule_set', i.rule_set_id, {
      version, note: i.note, rules: i.rules, recalculated: changes.length, changed,
    });
    return { rule_set: getRuleSet(ctx, i.rule_set_id), changes, changed_count: changed };
  })();
}

/** The county's own rule table for the fair's year: the newest non-sample set of this office's region. */
function defaultRuleSet(ctx: Ctx, year: number): number {
  const office = ctx.db.prepare('SELECT region_code FROM office WHERE id = 1').pluck().get() as string | undefined;
  const id = ctx.db
    .prepare(
      `SELECT id FROM exhibition_rule_set WHERE is_sample = 0 AND region_code = ? AND year <= ? ORDER BY year DESC, id DESC LIMIT 1`,
    )
    .pluck()
    .get(office ?? '', year) as number | undefined;
  if (id === undefined) {
    throw new AppError('NO_RULES', `尚未设置 ${year} 年度本地的参展补贴规则，请管理员先在「补贴规则」中新建（可从示例规则复制），或在申请中选择规则`, [
      { field: 'rule_set_id', label: '补贴规则', message: '未设置' },
    ]);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------------------
// Calculation against the ledger

function calcInputOf(c: Pick<ClaimRow, 'claim_date'>, fair: FairRow, booths: q.CalcBoothRow[], items: q.CalcItemRow[]) {
  // The rows carry exactly the fields the calculation reads, so they are passed as they are (no copy per item).
  return {
    fair: { gov_level: fair.gov_level, scope: fair.scope, market_type: fair.market_type, start_date: fair.start_date, end_date: fair.end_date },
    claim_date: c.claim_date,
    booths,
    items,
  };
}

const isLive = (s: ClaimStatus) => LIVE_STATUSES.includes(s);
const frozenFen = (c: Pick<ClaimRow, 'status' | 'approved_fen'>) =>
  c.status === 'approved' || c.status === 'paid' ? (c.approved_fen ?? 0) : c.status === 'rejected' ? 0 : null;

type CalcClaimRow = Pick<ClaimRow, 'id' | 'claim_no' | 'enterprise_id' | 'fair_id' | 'rule_set_id' | 'subsidy_year' | 'claim_date' | 'status' | 'calc_fen' | 'calc_rule_version' | 'approved_fen'>;

/**
 * Recalculates every undecided claim of the given enterprise-years (the annual cap is shared across them) and
 * stores the new amounts. Returns before/after of each claim recalculated.
 */
export function recalcEnterpriseYears(ctx: Ctx, pairs: Array<[number, number]>): Array<{ claim: CalcClaimRow; before: number; after: number }> {
  const seen = new Set<string>();
  const claims: CalcClaimRow[] = [];
  const byPair = ctx.db.prepare(`SELECT ${q.CLAIM_CALC_COLUMNS} FROM exhibition_claim WHERE enterprise_id = ? AND subsidy_year = ? ORDER BY id`);
  for (const [e, y] of pairs) {
    const k = `${e}:${y}`;
    if (seen.has(k)) continue;
    seen.add(k);
    claims.push(...(byPair.all(e, y) as CalcClaimRow[]));
  }
  return recalcClaims(ctx, claims);
}

/** Every claim sharing an annual cap with a claim under this rule set: one query, for a rule change over 50,000 claims. */
function recalcForRuleSet(ctx: Ctx, ruleSetId: number) {
  const claims = ctx.db
    .prepare(
      `SELECT ${q.CLAIM_CALC_COLUMNS} FROM exhibition_claim WHERE (enterprise_id, subsidy_year) IN
        (SELECT enterprise_id, subsidy_year FROM exhibition_claim WHERE rule_set_id = ?) ORDER BY id`,
    )
    .all(ruleSetId) as CalcClaimRow[];
  return recalcClaims(ctx, claims);
}

const hasTypeAnnualCap = (r: RuleTable) => r.type_caps.some((c) => c.annual_cap_fen != null);

/**
 * The claims as the batch calculation wants them. `unfreeze` calculates that one claim afresh even if approved
 * (to show the live figures of one claim). A frozen claim's share of each type's annual cap is read from its
 * stored calculation, only when some rule table in play has such a cap.
 */
function buildBatch(ctx: Ctx, claims: CalcClaimRow[], unfreeze: number | null = null): { batch: BatchClaim[]; rulesCache: Map<number, q.LoadedRules> } {
  const frozenOf = (c: CalcClaimRow) => (c.id === unfreeze ? null : frozenFen(c));
  const undecided = claims.filter((c) => frozenOf(c) === null).map((c) => c.id);
  const { booths, items } = q.boothsAndItemsFor(ctx.db, undecided);
  const rulesCache = new Map<number, q.LoadedRules>();
  const fairCache = new Map<number, FairRow>();
  for (const c of claims) if (!rulesCache.has(c.rule_set_id)) rulesCache.set(c.rule_set_id, q.latestRules(ctx.db, c.rule_set_id));
  const typeCaps = [...rulesCache.values()].some((r) => hasTypeAnnualCap(r.rules));
  const storedCalc = ctx.db.prepare('SELECT calc_json FROM exhibition_claim WHERE id = ?').pluck();
  const batch: BatchClaim[] = claims.map((c) => {
    const r = rulesCache.get(c.rule_set_id)!;
    let f = fairCache.get(c.fair_id);
    if (!f) fairCache.set(c.fair_id, (f = q.fairById(ctx.db, c.fair_id)));
    const frozen = frozenOf(c);
    let frozenTypes: BatchClaim['frozen_type_fen'];
    if (typeCaps && frozen) {
      const json = storedCalc.get(c.id) as string | null;
      if (json) frozenTypes = typeConsumption(JSON.parse(json) as CalcResult);
    }
    return {
      id: c.id, rules: r.rules, enterprise_id: c.enterprise_id, subsidy_year: c.subsidy_year, live: isLive(c.status),
      frozen_fen: frozen, frozen_type_fen: frozenTypes, ...calcInputOf(c, f, booths.get(c.id) ?? [], items.get(c.id) ?? []),
    };
  });
  return { batch, rulesCache };
}

function recalcClaims(ctx: Ctx, claims: CalcClaimRow[]): Array<{ claim: CalcClaimRow; before: number; after: number }> {
  if (claims.length === 0) return [];
  const { batch, rulesCache } = buildBatch(ctx, claims);
  const results = calculateBatch(batch, { explain: false });
  const upd = ctx.db.prepare('UPDATE exhibition_claim SET calc_fen = ?, calc_rule_version = ? WHERE id = ?');
  const out: Array<{ claim: CalcClaimRow; before: number; after: number }> = [];
  for (const c of claims) {
    const r = results.get(c.id);
    if (!r) continue;
    const version = rulesCache.get(c.rule_set_id)!.version;
    if (r.result_fen !== c.calc_fen || version !== c.calc_rule_version) upd.run(r.result_fen, version, c.id);
    out.push({ claim: c, before: c.calc_fen, after: r.result_fen });
  }
  return out;
}

export interface ClaimCalc extends CalcResult {
  claim_id: number;
  claim_no: string;
  status: ClaimStatus;
  rule_set: { id: number; name: string; version: number };
  frozen: boolean;
}

/** What the enterprise's other claims of the year take from the annual cap, as seen by this claim. */
function consumedBefore(ctx: Ctx, c: ClaimRow): number {
  let sum = 0;
  for (const o of q.claimsOfEnterpriseYear(ctx.db, c.enterprise_id, c.subsidy_year)) {
    if (o.id === c.id) continue;
    const frozen = frozenFen(o);
    if (frozen !== null) sum += frozen;
    else if (isLive(o.status) && o.id < c.id) sum += o.calc_fen;
  }
  return sum;
}

function liveCalc(ctx: Ctx, c: ClaimRow): { result: CalcResult; version: number; set: RuleSetRow } {
  const l = q.latestRules(ctx.db, c.rule_set_id);
  if (hasTypeAnnualCap(l.rules)) {
    // A type's annual cap needs each earlier claim's share per type, which only their own calculation gives:
    // calculate the enterprise's year in order, as recalculation does, with this claim explained.
    const { batch } = buildBatch(ctx, q.claimsOfEnterpriseYear(ctx.db, c.enterprise_id, c.subsidy_year), c.id);
    return { result: calculateBatch(batch, { explain: true, only: c.id }).get(c.id)!, version: l.version, set: l.set };
  }
  const fair = q.fairById(ctx.db, c.fair_id);
  const result = calculateClaim(l.rules, {
    ...calcInputOf(c, fair, q.boothsOf(ctx.db, c.id), q.itemsOf(ctx.db, c.id)),
    annual_consumed_fen: consumedBefore(ctx, c),
  });
  return { result, version: l.version, set: l.set };
}

/** The explained calculation of one claim (JSON-able; the CLI prints it). Approved claims show what was approved. */
export function claimCalc(ctx: Ctx, claimId: number): ClaimCalc {
  const c = q.claimById(ctx.db, claimId);
  const set = q.ruleSetById(ctx.db, c.rule_set_id);
  if ((c.status === 'approved' || c.status === 'paid') && c.calc_json) {
    const stored = JSON.parse(c.calc_json) as CalcResult;
    return { ...stored, claim_id: c.id, claim_no: c.claim_no, status: c.status, rule_set: { id: set.id, name: set.name, version: c.calc_rule_version ?? 0 }, frozen: true };
  }
  const l = liveCalc(ctx, c);
  return { ...l.result, claim_id: c.id, claim_no: c.claim_no, status: c.status, rule_set: { id: set.id, name: set.name, version: l.version }, frozen: false };
}

// ---------------------------------------------------------------------------------------------------------
// Claims

export interface PreparedClaim {
  data: ClaimData;
  fair: FairRow;
  ruleSetId: number;
  rules: RuleTable;
  claimDate: string;
  items: Array<Omit<ItemRow, 'id' | 'claim_id' | 'gid'> & { gid: string | null }>;
}

/** Checks that need the fair, the rules and the other rows: naming the row and field of each problem. */
export function prepareClaim(ctx: Ctx, raw: unknown, selfId: number | null): PreparedClaim {
  const data = parseNested(claimInput, raw, CLAIM_LABELS, CLAIM_ROW_LABELS);
  const ent = ctx.db.prepare('SELECT name, status FROM enterprise WHERE id = ?').get(data.enterprise_id) as { name: string; status: string } | undefined;
  if (!ent) throw validationError([{ field: 'enterprise_id', label: '企业', message: `企业 ${data.enterprise_id} 不存在` }]);
  if (ent.status !== 'active') throw validationError([{ field: 'enterprise_id', label: '企业', message: `「${ent.name}」已停用` }]);
  const fair = ctx.db.prepare('SELECT * FROM exhibition_fair WHERE id = ?').get(data.fair_id) as FairRow | undefined;
  if (!fair) throw validationError([{ field: 'fair_id', label: '展会', message: `展会 ${data.fair_id} 不存在` }]);
  const ruleSetId = data.rule_set_id ?? defaultRuleSet(ctx, subsidyYearOf(fair.end_date));
  if (!ctx.db.prepare('SELECT 1 FROM exhibition_rule_set WHERE id = ?').get(ruleSetId)) {
    throw validationError([{ field: 'rule_set_id', label: '补贴规则', message: `规则 ${ruleSetId} 不存在` }]);
  }
  const { rules } = q.latestRules(ctx.db, ruleSetId);
  const claimDate = data.claim_date ?? today(ctx);
  const issues: FieldIssue[] = [];
  const add = (field: string, label: string, message: string) => issues.push({ field, label, message });
  if (claimDate > today(ctx)) add('claim_date', '申请日期', `${claimDate} 晚于今天`);
  if (claimDate < fair.start_date) add('claim_date', '申请日期', `${claimDate} 早于展会开始日期 ${fair.start_date}`);
  const boothSeq = new Map<string, number>();
  data.booths.forEach((b, i) => {
    if (boothSeq.has(b.booth_no)) add(`booths.${i}.booth_no`, `展位第 ${i + 1} 行·展位号`, `「${b.booth_no}」重复`);
    else boothSeq.set(b.booth_no, i + 1);
  });
  const earliest = rules.invoice_window_days === null ? null : addDaysIso(fair.start_date, -rules.invoice_window_days);
  const items: PreparedClaim['items'] = data.items.map((it, i) => {
    const row = `费用明细第 ${i + 1} 行`;
    let booth_seq: number | null = null;
    if (BOOTH_LINKED.has(it.item_type)) {
      if (it.booth_no) {
        booth_seq = boothSeq.get(it.booth_no) ?? null;
        if (booth_seq === null) add(`items.${i}.booth_no`, `${row}·展位号`, `「${it.booth_no}」不是本申请登记的展位`);
      } else if (data.booths.length === 1) booth_seq = 1;
      else if (data.booths.length === 0) add(`items.${i}.booth_no`, `${row}·展位号`, `「${ITEM_TYPE_LABEL[it.item_type]}」须对应展位，请先登记展位`);
      else add(`items.${i}.booth_no`, `${row}·展位号`, `有多个展位时，「${ITEM_TYPE_LABEL[it.item_type]}」须注明属于哪个展位`);
    }
    if (it.invoice_date > claimDate) add(`items.${i}.invoice_date`, `${row}·发票日期`, `${it.invoice_date} 晚于申请日期 ${claimDate}`);
    if (earliest !== null && it.invoice_date < earliest) {
      add(`items.${i}.invoice_date`, `${row}·发票日期`, `${it.invoice_date} 早于展会开始（${fair.start_date}）前 ${rules.invoice_window_days} 天，与本展会无关`);
    }
    if (it.other_subsidy_yuan !== null && it.other_subsidy_yuan > it.amount_yuan) {
      add(`items.${i}.other_subsidy_yuan`, `${row}·已获其他补贴`, '不能超过该项金额');
    }
    if (it.item_type === 'large_exhibit_return' && rules.large_exhibit_min && (it.volume_m3 == null || it.weight_t == null)) {
      add(`items.${i}.volume_m3`, `${row}·体积`, '大型展品回运费须填写体积(m³)和重量(t)');
    }
    return {
      gid: it.gid ?? null, seq: i + 1, item_type: it.item_type, booth_seq, amount_fen: it.amount_yuan, invoice_no: it.invoice_no,
      invoice_date: it.invoice_date, payment_method: it.payment_method, voucher_no: it.voucher_no, volume_m3: it.volume_m3 ?? null,
      weight_t: it.weight_t ?? null, other_subsidy_fen: it.other_subsidy_yuan ?? 0, note: it.note,
    };
  });
  if (issues.length) throw validationError(issues);
  if (!rules.multiple_claims_per_fair) {
    const other = ctx.db
      .prepare(`SELECT claim_no FROM exhibition_claim WHERE enterprise_id = ? AND fair_id = ? AND status <> 'rejected' AND id <> ? LIMIT 1`)
      .pluck()
      .get(data.enterprise_id, data.fair_id, selfId ?? 0) as string | undefined;
    if (other) {
      throw new AppError('DUPLICATE', `「${ent.name}」已就「${fair.name}」提出申请 ${other}，本规则不允许同一展会多次申请`, [
        { field: 'fair_id', label: '展会', message: `已有申请 ${other}` },
      ]);
    }
  }
  return { data, fair, ruleSetId, rules, claimDate, items };
}

function addDaysIso(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function writeRows(ctx: Ctx, claimId: number, p: PreparedClaim): void {
  const keep = new Set<string>();
  for (const g of ctx.db.prepare('SELECT gid FROM exhibition_booth WHERE claim_id = ? UNION ALL SELECT gid FROM exhibition_item WHERE claim_id = ?').pluck().all(claimId, claimId) as string[]) {
    keep.add(g);
  }
  // Rows are replaced as a whole; a row sent back with its gid keeps its identity for exchange packages.
  ctx.db.prepare('DELETE FROM exhibition_booth WHERE claim_id = ?').run(claimId);
  ctx.db.prepare('DELETE FROM exhibition_item WHERE claim_id = ?').run(claimId);
  const at = now(ctx);
  const gidFor = (g: string | null | undefined) => (g && keep.has(g) ? g : uuidv7(ctx.clock));
  const ib = ctx.db.prepare('INSERT INTO exhibition_booth(gid, claim_id, seq, booth_no, area_m2, kind, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  p.data.booths.forEach((b, i) => ib.run(gidFor(b.gid), claimId, i + 1, b.booth_no, b.area_m2, b.kind, at, ctx.actor.username));
  const ii = ctx.db.prepare(
    `INSERT INTO exhibition_item(gid, claim_id, seq, item_type, booth_seq, amount_fen, invoice_no, invoice_date, payment_method, voucher_no,
      volume_m3, weight_t, other_subsidy_fen, note, created_at, created_by)
     VALUES (@gid, @claim_id, @seq, @item_type, @booth_seq, @amount_fen, @invoice_no, @invoice_date, @payment_method, @voucher_no,
      @volume_m3, @weight_t, @other_subsidy_fen, @note, @at, @by)`,
  );
  for (const it of p.items) ii.run({ ...it, gid: gidFor(it.gid), claim_id: claimId, at, by: ctx.actor.username });
}

/** One step of the claim: who gave it (with the name they had then), its 审核意见 and any note. */
function event(ctx: Ctx, claimId: number, from: ClaimStatus | null, to: ClaimStatus, step: EventStep, opinion: string | null, comment: string | null): void {
  q.insertEvent(ctx.db, {
    gid: uuidv7(ctx.clock), claim_id: claimId, from, to, comment, at: now(ctx), by: ctx.actor.username, step, opinion, actor_name: ctx.actor.displayName,
  });
}

export function createClaim(ctx: Ctx, raw: unknown): ClaimDetail {
  return getClaim(ctx, insertClaim(ctx, prepareClaim(ctx, raw, null)));
}

/** Writes a checked claim as a draft (also used by the all-or-nothing Excel import inside its transaction). */
export function insertClaim(ctx: Ctx, p: PreparedClaim, via?: string): number {
  return ctx.db.transaction(() => {
    const year = subsidyYearOf(p.fair.end_date);
    const at = now(ctx);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO exhibition_claim(gid, claim_no, enterprise_id, fair_id, rule_set_id, subsidy_year, claim_date, agent_used, status, note,
            created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), q.nextClaimNo(ctx.db, year), p.data.enterprise_id, p.fair.id, p.ruleSetId, year, p.claimDate,
          p.data.agent_used ? 1 : 0, p.data.note, at, ctx.actor.username, at, ctx.actor.username).lastInsertRowid,
    );
    writeRows(ctx, id, p);
    event(ctx, id, null, 'draft', 'create', null, null);
    recalcEnterpriseYears(ctx, [[p.data.enterprise_id, year]]);
    const c = q.claimById(ctx.db, id);
    audit(ctx, 'exhibition.claim_create', 'exhibition_claim', id, {
      claim_no: c.claim_no, enterprise_id: c.enterprise_id, fair_id: c.fair_id, booths: p.data.booths.length, items: p.items.length,
      total_fen: p.items.reduce((s, i) => s + i.amount_fen, 0), calc_fen: c.calc_fen, via: via ?? null,
    });
    return id;
  })();
}

export function updateClaim(ctx: Ctx, id: number, raw: unknown): ClaimDetail {
  const before = q.claimById(ctx.db, id);
  if (!EDITABLE_STATUSES.includes(before.status)) {
    throw new AppError('CONFLICT', `申请 ${before.claim_no} 当前为「${STATUS_LABEL[before.status]}」，只有草稿或退回的申请可以修改`);
  }
  const p = prepareClaim(ctx, raw, id);
  ctx.db.transaction(() => {
    const year = subsidyYearOf(p.fair.end_date);
    ctx.db
      .prepare(
        `UPDATE exhibition_claim SET enterprise_id=?, fair_id=?, rule_set_id=?, subsidy_year=?, claim_date=?, agent_used=?, note=?,
          updated_at=?, updated_by=? WHERE id=?`,
      )
      .run(p.data.enterprise_id, p.fair.id, p.ruleSetId, year, p.claimDate, p.data.agent_used ? 1 : 0, p.data.note, now(ctx),
        ctx.actor.username, id);
    const oldItems = q.itemsOf(ctx.db, id);
    writeRows(ctx, id, p);
    recalcEnterpriseYears(ctx, [[before.enterprise_id, before.subsidy_year], [p.data.enterprise_id, year]]);
    const after = q.claimById(ctx.db, id);
    audit(ctx, 'exhibition.claim_update', 'exhibition_claim', id, {
      claim_no: before.claim_no,
      fair_id: before.fair_id !== after.fair_id ? { from: before.fair_id, to: after.fair_id } : undefined,
      items: { from: oldItems.map((i) => [i.item_type, i.amount_fen, i.invoice_no]), to: p.items.map((i) => [i.item_type, i.amount_fen, i.invoice_no]) },
      calc_fen: { from: before.calc_fen, to: after.calc_fen },
    });
  })();
  return getClaim(ctx, id);
}

export interface MaterialCheck {
  material: Material;
  label: string;
  required: boolean;
  attachments: AttachmentRow[];
}

export function materialsChecklist(ctx: Ctx, c: ClaimRow, rules: RuleTable): { items: MaterialCheck[]; missing: string[] } {
  const required = new Set<Material>(rules.required_materials);
  if (c.agent_used && rules.agent_contract_when_agent) required.add('agent_contract');
  const atts = q.attachmentsOf(ctx.db, c.id);
  const items = MATERIALS.filter((m) => required.has(m) || atts.some((a) => a.material === m)).map((m) => ({
    material: m, label: MATERIAL_LABEL[m], required: required.has(m), attachments: atts.filter((a) => a.material === m),
  }));
  return { items, missing: items.filter((i) => i.required && i.attachments.length === 0).map((i) => i.label) };
}

export interface ClaimDetail {
  claim: ClaimRow & { status_label: string; deadline: string | null };
  enterprise: { id: number; name: string; uscc: string; legal_rep: string | null; contact_name: string | null; contact_phone: string | null };
  fair: FairView;
  rule_set: { id: number; name: string; version: number };
  booths: BoothRow[];
  items: Array<ItemRow & { type_label: string; booth_no: string | null }>;
  materials: { items: MaterialCheck[]; missing: string[] };
  events: Array<q.EventRow & { to_label: string; step_label: string | null }>;
  payments: ReturnType<typeof q.paymentsOf>;
  paid_fen: number;
  recovered_fen: number;
  calc: ClaimCalc;
  /** The steps of the current status for this user, each allowed or with why not (the screen draws only these). */
  allowed: AllowedAction[];
  can: ClaimPermissions;
}

export function getClaim(ctx: Ctx, id: number): ClaimDetail {
  const c = q.claimById(ctx.db, id);
  const fair = getFair(ctx, c.fair_id);
  const l = q.latestRules(ctx.db, c.rule_set_id);
  const booths = q.boothsOf(ctx.db, id);
  const boothNo = new Map(booths.map((b) => [b.seq, b.booth_no]));
  const enterprise = ctx.db
    .prepare('SELECT id, name, uscc, legal_rep, contact_name, contact_phone FROM enterprise WHERE id = ?')
    .get(c.enterprise_id) as ClaimDetail['enterprise'];
  const money = q.moneyOf(ctx.db, id);
  const calc = claimCalc(ctx, id);
  return {
    claim: { ...c, status_label: STATUS_LABEL[c.status], deadline: deadlineFor(l.rules, fair.end_date) },
    enterprise,
    fair,
    rule_set: { id: l.set.id, name: l.set.name, version: l.version },
    booths,
    items: q.itemsOf(ctx.db, id).map((i) => ({ ...i, type_label: ITEM_TYPE_LABEL[i.item_type], booth_no: i.booth_seq ? (boothNo.get(i.booth_seq) ?? null) : null })),
    materials: materialsChecklist(ctx, c, l.rules),
    events: q.eventsOf(ctx.db, id).map((e) => ({ ...e, to_label: STATUS_LABEL[e.to_status as ClaimStatus] ?? e.to_status, step_label: e.step ? STEP_LABEL[e.step] : null })),
    payments: q.paymentsOf(ctx.db, id),
    paid_fen: money.paid_fen,
    recovered_fen: money.recovered_fen,
    calc,
    allowed: allowedActions(ctx, c, { calc_fen: calc.result_fen, open_fen: (c.approved_fen ?? 0) - money.paid_fen }),
    can: claimPermissions(ctx.actor, c),
  };
}

export interface ClaimListRow {
  id: number;
  claim_no: string;
  status: ClaimStatus;
  status_label: string;
  enterprise_id: number;
  enterprise_name: string;
  fair_id: number;
  fair_name: string;
  subsidy_year: number;
  claim_date: string;
  total_cost_fen: number;
  calc_fen: number;
  applied_fen: number | null;
  approved_fen: number | null;
  paid_fen: number;
  /** 上报单位: the office the claim was written at (migration 6). */
  origin_office: string | null;
  /** May go into a 公示 batch. */
  publishable: boolean;
}

export function listClaims(ctx: Ctx, raw: unknown): { rows: ClaimListRow[]; total: number } {
  const f = parseInput(claimListQuery, raw ?? {});
  const where = `WHERE (@year IS NULL OR c.subsidy_year = @year) AND (@status IS NULL OR c.status = @status)
    AND (@fair IS NULL OR c.fair_id = @fair) AND (@ent IS NULL OR c.enterprise_id = @ent)
    AND ${originCondition('c.origin_office')}
    AND (@q IS NULL OR instr(e.name, @q) > 0 OR instr(c.claim_no, @q) > 0 OR instr(fa.name, @q) > 0)`;
  const params = { year: f.year ?? null, status: f.status ?? null, fair: f.fair_id ?? null, ent: f.enterprise_id ?? null, origin: f.origin_office ?? null, q: f.q || null };
  const from = 'FROM exhibition_claim c JOIN enterprise e ON e.id = c.enterprise_id JOIN exhibition_fair fa ON fa.id = c.fair_id';
  const total = ctx.db.prepare(`SELECT count(*) ${from} ${where}`).pluck().get(params) as number;
  const rows = ctx.db
    .prepare(
      `SELECT c.id, c.claim_no, c.status, c.enterprise_id, e.name AS enterprise_name, c.fair_id, fa.name AS fair_name, c.subsidy_year,
        c.claim_date, c.calc_fen, c.applied_fen, c.approved_fen, c.origin_office,
        (SELECT COALESCE(SUM(amount_fen), 0) FROM exhibition_item i WHERE i.claim_id = c.id) AS total_cost_fen,
        (SELECT COALESCE(SUM(CASE kind WHEN 'payment' THEN amount_fen ELSE -amount_fen END), 0) FROM exhibition_payment p WHERE p.claim_id = c.id) AS paid_fen
       ${from} ${where} ORDER BY c.id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: f.pageSize, offset: (f.page - 1) * f.pageSize }) as Array<Omit<ClaimListRow, 'status_label' | 'publishable'>>;
  return { rows: rows.map((r) => ({ ...r, status_label: STATUS_LABEL[r.status], publishable: publishable(r.status) })), total };
}

// ---------------------------------------------------------------------------------------------------------
// Attachments: PDF and images only, recognised by their first bytes, at most 20 MB, content-addressed by SHA-256.

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export function sniffMime(b: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return null;
}

function attachmentPath(dataDir: string, sha: string): string {
  return join(dataDir, 'attachments', sha);
}

export function addAttachment(ctx: Ctx, raw: unknown): AttachmentRow {
  const i = parseInput(attachmentInput, raw, ATTACHMENT_LABELS);
  const c = q.claimById(ctx.db, i.claim_id);
  if (FROZEN_STATUSES.includes(c.status)) {
    throw new AppError('CONFLICT', `申请 ${c.claim_no} 已「${STATUS_LABEL[c.status]}」，不能再添加材料`);
  }
  const bytes = Buffer.from(i.dataBase64, 'base64');
  if (bytes.length === 0) throw validationError([{ field: 'dataBase64', label: '文件', message: `「${i.fileName}」是空文件` }]);
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new AppError('FILE_TOO_LARGE', `附件「${i.fileName}」大小 ${(bytes.length / 1048576).toFixed(1)} MB，超过上限 20 MB`, [
      { field: 'dataBase64', label: '文件', message: '超过 20 MB' },
    ]);
  }
  const mime = sniffMime(bytes);
  if (!mime) {
    throw new AppError('BAD_FILE_TYPE', `附件「${i.fileName}」不是 PDF 或图片（JPG、PNG、GIF、WebP、TIFF），请扫描或另存为 PDF 后再添加`, [
      { field: 'dataBase64', label: '文件', message: '不是 PDF 或图片' },
    ]);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const storage: 'file' | 'db' = ctx.dataDir ? 'file' : 'db';
  if (ctx.dataDir) {
    // Content-addressed: the same file twice is stored once, and a file left by a failed transaction is harmless.
    const path = attachmentPath(ctx.dataDir, sha);
    if (!existsSync(path)) {
      mkdirSync(join(ctx.dataDir, 'attachments'), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    }
  }
  return ctx.db.transaction(() => {
    if (!ctx.dataDir) ctx.db.prepare('INSERT OR IGNORE INTO exhibition_blob(sha256, data) VALUES (?, ?)').run(sha, bytes);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO exhibition_attachment(gid, claim_id, material, file_name, mime, size_bytes, sha256, storage, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), c.id, i.material, i.fileName, mime, bytes.length, sha, storage, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'exhibition.attachment_add', 'exhibition_claim', c.id, { attachment_id: id, material: MATERIAL_LABEL[i.material], file: i.fileName, sha256: sha, size: bytes.length });
    return q.attachmentsOf(ctx.db, c.id).find((a) => a.id === id)!;
  })();
}

export function getAttachment(ctx: Ctx, id: number): { fileName: string; mime: string; sha256: string; dataBase64: string } {
  const a = ctx.db.prepare('SELECT * FROM exhibition_attachment WHERE id = ?').get(id) as AttachmentRow | undefined;
  if (!a) throw new AppError('NOT_FOUND', `附件 ${id} 不存在`);
  let bytes: Buffer | undefined;
  if (a.storage === 'db') {
    bytes = ctx.db.prepare('SELECT data FROM exhibition_blob WHERE sha256 = ?').pluck().get(a.sha256) as Buffer | undefined;
  } else if (ctx.dataDir && existsSync(attachmentPath(ctx.dataDir, a.sha256))) {
    bytes = readFileSync(attachmentPath(ctx.dataDir, a.sha256));
  }
  if (!bytes) throw new AppError('ATTACHMENT_MISSING', `附件「${a.file_name}」的文件不见了（SHA-256 ${a.sha256.slice(0, 12)}…），请从备份恢复或重新添加`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== a.sha256) throw new AppError('ATTACHMENT_CORRUPT', `附件「${a.file_name}」的内容与登记的 SHA-256 不符，文件已被改动或损坏`);
  return { fileName: a.file_name, mime: a.mime, sha256: a.sha256, dataBase64: bytes.toString('base64') };
}

export function removeAttachment(ctx: Ctx, raw: unknown): { id: number } {
  const i = parseInput(z.object({ id: z.number().int().positive(), reason: z.string().trim().min(1, '必填').max(200) }), raw, { reason: '删除原因' });
  const a = ctx.db.prepare('SELECT * FROM exhibition_attachment WHERE id = ? AND removed_at IS NULL').get(i.id) as AttachmentRow | undefined;
  if (!a) throw new AppError('NOT_FOUND', `附件 ${i.id} 不存在`);
  const c = q.claimById(ctx.db, a.claim_id);
  if (!EDITABLE_STATUSES.includes(c.status) && c.status !== 'submitted') {
    throw new AppError('CONFLICT', `申请 ${c.claim_no} 已「${STATUS_LABEL[c.status]}」，材料不能删除`);
  }
  ctx.db.transaction(() => {
    // Kept as a record (and the content stays): who removed what is part of the claim's history.
    ctx.db.prepare('UPDATE exhibition_attachment SET removed_at = ?, removed_by = ? WHERE id = ?').run(now(ctx), ctx.actor.username, i.id);
    audit(ctx, 'exhibition.attachment_remove', 'exhibition_claim', c.id, { attachment_id: i.id, file: a.file_name, reason: i.reason });
  })();
  return { id: i.id };
}

// ---------------------------------------------------------------------------------------------------------
// Workflow: 草稿 → 已提交 → 初审 → 复审 → 公示 → 已批准 → 已拨付, with 退回 and 驳回 (the steps: workflow.ts).

export function transition(ctx: Ctx, raw: unknown): ClaimDetail {
  const i = parseInput(transitionInput, raw, { comment: '审核意见', override_reason: '例外说明' });
  const c = q.claimById(ctx.db, i.claim_id);
  const flow = STEPS[i.action];
  const to = flow.to!;
  assertStep(ctx, c, i.action);
  const opinion = opinionFor(i.action, i.comment);
  const fair = q.fairById(ctx.db, c.fair_id);
  const { rules } = q.latestRules(ctx.db, c.rule_set_id);
  const t = today(ctx);
  const target = { entity: 'exhibition_claim', id: c.id };
  const set: Record<string, unknown> = {};
  const detail: Record<string, unknown> = { claim_no: c.claim_no, from: STATUS_LABEL[c.status], to: STATUS_LABEL[to] };

  return ctx.db.transaction(() => {
    if (i.action === 'submit') {
      if (ctx.db.prepare('SELECT count(*) FROM exhibition_item WHERE claim_id = ?').pluck().get(c.id) === 0) {
        throw new AppError('VALIDATION', `申请 ${c.claim_no} 没有费用明细，不能提交`, [{ field: 'items', label: '费用明细', message: '至少一项' }]);
      }
      const deadline = deadlineFor(rules, fair.end_date);
      if (deadline !== null && t > deadline) {
        if (!i.override_reason) {
          throw new AppError('LATE', `已超过申报期限：「${fair.name}」${fair.end_date} 结束，应在 ${deadline} 前（展会结束后 ${rules.deadline_days} 天内）提交，逾期视为放弃。管理员可填写例外说明后提交`, {
            deadline, fair_end: fair.end_date,
          });
        }
        if (!hasRole(ctx.actor, 'admin')) throw new AppError('FORBIDDEN', '逾期申请只有管理员可以例外受理');
        set.late_override_reason = i.override_reason;
        audit(ctx, 'exhibition.late_override', 'exhibition_claim', c.id, { claim_no: c.claim_no, deadline, reason: i.override_reason });
      }
      assertNotSanctioned(ctx, c.enterprise_id, '提交参展补贴申请', target, i.override_reason);
      set.submitted_on = t;
    }
    if (i.action === 'first_review') {
      const m = materialsChecklist(ctx, c, rules);
      if (m.missing.length) {
        throw new AppError('MATERIALS_MISSING', `申请 ${c.claim_no} 缺少必备材料：${m.missing.join('、')}，不能通过初审（可退回企业补正）`, { missing: m.missing });
      }
    }
    if (i.action === 'approve') {
      const batch = c.publicity_batch_id
        ? (ctx.db.prepare('SELECT * FROM exhibition_publicity_batch WHERE id = ?').get(c.publicity_batch_id) as { end_date: string; batch_no: string })
        : null;
      if (batch && t <= batch.end_date) {
        throw new AppError('PUBLICITY_RUNNING', `公示（${batch.batch_no}）到 ${batch.end_date} 结束，公示期满后才能批准`);
      }
      assertNotSanctioned(ctx, c.enterprise_id, '批准参展补贴', target, i.override_reason);
      if (i.override_reason && sanctionsInForce(ctx, c.enterprise_id, t).length) detail.sanction_override_reason = i.override_reason;
    }
    if (i.action === 'return') set.return_comment = opinion;
    if (i.action === 'reject') set.reject_reason = opinion;

    for (const [k, v] of Object.entries(set)) ctx.db.prepare(`UPDATE exhibition_claim SET ${k} = ? WHERE id = ?`).run(v, c.id);
    ctx.db.prepare('UPDATE exhibition_claim SET updated_at = ?, updated_by = ? WHERE id = ?').run(now(ctx), ctx.actor.username, c.id);
    if (i.action !== 'approve') {
      ctx.db.prepare('UPDATE exhibition_claim SET status = ? WHERE id = ?').run(to, c.id);
    } else {
      // Recalculate with the latest rules once more, then freeze the amount and its explanation.
      recalcEnterpriseYears(ctx, [[c.enterprise_id, c.subsidy_year]]);
      const live = liveCalc(ctx, q.claimById(ctx.db, c.id));
      ctx.db
        .prepare(`UPDATE exhibition_claim SET status = 'approved', approved_fen = ?, approved_on = ?, calc_fen = ?, calc_json = ?, calc_rule_version = ? WHERE id = ?`)
        .run(live.result.result_fen, t, live.result.result_fen, JSON.stringify(live.result), live.version, c.id);
      detail.approved_fen = live.result.result_fen;
    }
    recalcEnterpriseYears(ctx, [[c.enterprise_id, c.subsidy_year]]);
    if (i.action === 'submit') {
      const after = q.claimById(ctx.db, c.id);
      ctx.db.prepare('UPDATE exhibition_claim SET applied_fen = ? WHERE id = ?').run(after.calc_fen, c.id);
      detail.applied_fen = after.calc_fen;
    }
    const overrideNote = detail.sanction_override_reason ? `处理期内例外批准：${i.override_reason}` : null;
    event(ctx, c.id, c.status, to, i.action, opinion, overrideNote ?? (flow.opinion === 'none' ? (i.comment ?? null) : null));
    audit(ctx, `exhibition.claim_${i.action}`, 'exhibition_claim', c.id, { ...detail, comment: i.comment, opinion });
    return getClaim(ctx, c.id);
  })();
}

export interface BatchRow {
  id: number;
  gid: string;
  batch_no: string;
  title: string;
  start_date: string;
  end_date: string;
  created_at: string;
  created_by: string;
  /** The office that published the batch (a lower office's, after consolidation). */
  origin_office: string | null;
}

/** Puts claims that passed 复审 into a 公示 batch with its start and end. */
export function publish(ctx: Ctx, raw: unknown): BatchRow {
  requireRole(ctx.actor, 'reviewer', '发布公示');
  const i = parseInput(publishInput, raw, PUBLISH_LABELS);
  const claims = i.claim_ids.map((id) => q.claimById(ctx.db, id));
  const wrong = claims.filter((c) => !publishable(c.status));
  if (wrong.length) {
    throw new AppError('CONFLICT', `只有通过复审的申请可以公示：${wrong.map((c) => `${c.claim_no}（${STATUS_LABEL[c.status]}）`).join('、')}`);
  }
  for (const c of claims) assertStep(ctx, c, 'publish');
  const opinion = opinionFor('publish', i.opinion);
  const year = Number(i.start_date.slice(0, 4));
  const batchNo = i.batch_no ?? nextBatchNo(ctx, year);
  if (ctx.db.prepare('SELECT 1 FROM exhibition_publicity_batch WHERE batch_no = ? AND origin_office = ?').get(batchNo, ownOrigin(ctx.db))) {
    throw validationError([{ field: 'batch_no', label: '批次号', message: `「${batchNo}」已存在` }]);
  }
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare('INSERT INTO exhibition_publicity_batch(gid, batch_no, title, start_date, end_date, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(uuidv7(ctx.clock), batchNo, i.title, i.start_date, i.end_date, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    for (const c of claims) {
      ctx.db.prepare(`UPDATE exhibition_claim SET status = 'publicity', publicity_batch_id = ?, updated_at = ?, updated_by = ? WHERE id = ?`)
        .run(id, now(ctx), ctx.actor.username, c.id);
      event(ctx, c.id, c.status, 'publicity', 'publish', opinion, `${batchNo}：${i.start_date} 至 ${i.end_date}`);
    }
    audit(ctx, 'exhibition.publish', 'exhibition_publicity_batch', id, { batch_no: batchNo, title: i.title, start: i.start_date, end: i.end_date, claims: claims.map((c) => c.claim_no) });
    return ctx.db.prepare('SELECT * FROM exhibition_publicity_batch WHERE id = ?').get(id) as BatchRow;
  })();
}

function nextBatchNo(ctx: Ctx, year: number): string {
  const n = (ctx.db.prepare("SELECT count(*) FROM exhibition_publicity_batch WHERE origin_office = ? AND batch_no LIKE ? || '%'").pluck().get(ownOrigin(ctx.db), `GS${year}-`) as number) + 1;
  return `GS${year}-${String(n).padStart(2, '0')}`;
}

export const batchListInput = z.object({ origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional() });

/** The 公示 batches, newest first; with 上报单位 only those that office published. */
export function listBatches(ctx: Ctx, raw?: unknown): Array<BatchRow & { claim_count: number }> {
  const { origin_office } = parseInput(batchListInput, raw ?? {}, { origin_office: '上报单位' });
  return ctx.db
    .prepare(
      `SELECT b.*, (SELECT count(*) FROM exhibition_claim c WHERE c.publicity_batch_id = b.id) AS claim_count FROM exhibition_publicity_batch b
       WHERE ${originCondition('b.origin_office')} ORDER BY b.id DESC`,
    )
    .all({ origin: origin_office ?? null }) as Array<BatchRow & { claim_count: number }>;
}

/** Records one payment; the claim becomes 已拨付 when the approved amount has been paid in full. */
export function pay(ctx: Ctx, raw: unknown): ClaimDetail {
  const i = parseInput(paymentInput, raw, PAYMENT_LABELS);
  const c = q.claimById(ctx.db, i.claim_id);
  if (c.status !== 'approved') throw new AppError('CONFLICT', `申请 ${c.claim_no} 当前为「${STATUS_LABEL[c.status]}」，只有已批准的申请可以拨付`);
  assertStep(ctx, c, 'pay');
  const opinion = opinionFor('pay', i.opinion);
  const paid = q.moneyOf(ctx.db, c.id).paid_fen;
  const open = (c.approved_fen ?? 0) - paid;
  if (i.amount_yuan > open) {
    throw validationError([{ field: 'amount_yuan', label: '拨付金额', message: `${fmtYuan(i.amount_yuan)} 元超过尚未拨付的 ${fmtYuan(open)} 元（批准 ${fmtYuan(c.approved_fen ?? 0)} 元）` }]);
  }
  if (c.approved_on && i.pay_date < c.approved_on) {
    throw validationError([{ field: 'pay_date', label: '拨付日期', message: `早于批准日期 ${c.approved_on}` }]);
  }
  if (i.pay_date > today(ctx)) throw validationError([{ field: 'pay_date', label: '拨付日期', message: '晚于今天' }]);
  return ctx.db.transaction(() => {
    assertNotSanctioned(ctx, c.enterprise_id, '拨付参展补贴', { entity: 'exhibition_claim', id: c.id }, i.override_reason);
    const overridden = !!i.override_reason && sanctionsInForce(ctx, c.enterprise_id, today(ctx)).length > 0;
    const id = Number(
      ctx.db
        .prepare(`INSERT INTO exhibition_payment(gid, claim_id, kind, entry_date, amount_fen, voucher_no, note, created_at, created_by) VALUES (?, ?, 'payment', ?, ?, ?, ?, ?, ?)`)
        .run(uuidv7(ctx.clock), c.id, i.pay_date, i.amount_yuan, i.voucher_no, i.note, now(ctx), ctx.actor.username).lastInsertRowid,
    );
    const full = paid + i.amount_yuan === c.approved_fen;
    if (full) ctx.db.prepare(`UPDATE exhibition_claim SET status = 'paid', updated_at = ?, updated_by = ? WHERE id = ?`).run(now(ctx), ctx.actor.username, c.id);
    // Every payment is a step with its giver and opinion, a part payment too (the status stays 已批准).
    event(ctx, c.id, 'approved', full ? 'paid' : 'approved', 'pay', opinion,
      `拨付 ${fmtYuan(i.amount_yuan)} 元，凭证 ${i.voucher_no}${overridden ? `；处理期内例外拨付：${i.override_reason}` : ''}`);
    audit(ctx, 'exhibition.payment', 'exhibition_claim', c.id, {
      payment_id: id, claim_no: c.claim_no, amount_fen: i.amount_yuan, voucher_no: i.voucher_no, date: i.pay_date, fully_paid: full,
      ...(overridden ? { sanction_override_reason: i.override_reason } : {}),
    });
    return getClaim(ctx, c.id);
  })();
}

/** A 收回资金 sanction on a paid claim (条例 art. 41) writes the recovery entry into the payment ledger. */
export function recoverFunds(ctx: Ctx, claimId: number, amountFen: number, s: SanctionRow): void {
  const c = q.claimById(ctx.db, claimId);
  if (c.enterprise_id !== s.enterprise_id) {
    throw new AppError('VALIDATION', `申请 ${c.claim_no} 不属于被处理的企业`, [{ field: 'source_id', label: '关联编号', message: '企业不符' }]);
  }
  const m = q.moneyOf(ctx.db, c.id);
  const net = m.paid_fen - m.recovered_fen;
  if (net <= 0) throw new AppError('CONFLICT', `申请 ${c.claim_no} 没有已拨付且未收回的资金，无法收回`);
  if (amountFen > net) {
    throw new AppError('VALIDATION', `收回金额 ${fmtYuan(amountFen)} 元超过申请 ${c.claim_no} 已拨付未收回的 ${fmtYuan(net)} 元`, [
      { field: 'amount_fen', label: '金额', message: `不能超过 ${fmtYuan(net)} 元` },
    ]);
  }
  const id = Number(
    ctx.db
      .prepare(`INSERT INTO exhibition_payment(gid, claim_id, kind, entry_date, amount_fen, voucher_no, sanction_id, note, created_at, created_by) VALUES (?, ?, 'recovery', ?, ?, ?, ?, ?, ?, ?)`)
      .run(uuidv7(ctx.clock), c.id, s.start_date, amountFen, s.doc_no, s.id, s.reason, now(ctx), ctx.actor.username).lastInsertRowid,
  );
  event(ctx, c.id, c.status, c.status, 'recover', s.reason, `收回资金 ${fmtYuan(amountFen)} 元（${s.doc_no}）`);
  audit(ctx, 'exhibition.recovery', 'exhibition_claim', c.id, { payment_id: id, claim_no: c.claim_no, amount_fen: amountFen, sanction_id: s.id, doc_no: s.doc_no });
}

registerRecoveryHandler('exhibition_claim', recoverFunds);
