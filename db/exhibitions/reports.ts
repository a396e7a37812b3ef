// Data for documents (审核表, 公示名单) and the overview. Structured only: the renderer lays them out for print/PDF.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { fmtYuan } from './money.js';
import { GOV_LEVEL_LABEL, MARKET_LABEL, PAYMENT_LABEL, SCOPE_LABEL, type MarketType, type Scope } from './rules.js';
import * as q from './queries.js';
import { LIVE_STATUSES, STATUS_LABEL, CLAIM_STATUSES, type ClaimStatus } from './schema.js';
import { getClaim, type BatchRow } from './service.js';
import { STEP_LABEL, type EventStep } from './workflow.js';
import { byOrigin, officeFullName, officeName, originCondition, originOfficeField } from '../ownership/origin.js';
import { ownOrigin } from '../ownership/versions.js';

function officeOf(ctx: Ctx): { name: string; region_code: string; region_name: string | null } {
  return (ctx.db
    .prepare('SELECT o.name, o.region_code, r.full_name AS region_name FROM office o LEFT JOIN region r ON r.code = o.region_code WHERE o.id = 1')
    .get() ?? { name: '', region_code: '', region_name: null }) as { name: string; region_code: string; region_name: string | null };
}

function displayName(ctx: Ctx, username: string): string {
  return (ctx.db.prepare('SELECT display_name FROM app_user WHERE username = ?').pluck().get(username) as string | undefined) ?? username;
}

/** 参展补贴申请审核表: everything a reviewer signs, with the explained calculation. */
export function reviewSheet(ctx: Ctx, claimId: number) {
  const d = getClaim(ctx, claimId);
  // Event times are stored in UTC; the date an official signs is the ledger's calendar day (China Standard Time).
  const step = (e: (typeof d.events)[number]) => ({
    step: e.step!, label: STEP_LABEL[e.step!], by: e.actor_name ?? displayName(ctx, e.created_by), at: isoDate(new Date(e.created_at)),
    opinion: e.opinion, note: e.comment,
  });
  const signOff = (s: EventStep) => {
    const e = [...d.events].reverse().find((x) => x.step === s);
    return e ? { by: step(e).by, at: step(e).at, comment: e.opinion ?? e.comment } : null;
  };
  return {
    title: '参展补贴申请审核表',
    office: officeOf(ctx),
    claim: {
      claim_no: d.claim.claim_no, status: d.claim.status, status_label: d.claim.status_label, subsidy_year: d.claim.subsidy_year,
      claim_date: d.claim.claim_date, submitted_on: d.claim.submitted_on, approved_on: d.claim.approved_on, deadline: d.claim.deadline,
      agent_used: d.claim.agent_used === 1, late_override_reason: d.claim.late_override_reason, return_comment: d.claim.return_comment,
      reject_reason: d.claim.reject_reason,
    },
    enterprise: d.enterprise,
    fair: {
      name: d.fair.name, organiser: d.fair.organiser, organising_gov: d.fair.organising_gov, gov_level_label: GOV_LEVEL_LABEL[d.fair.gov_level],
      scope_label: SCOPE_LABEL[d.fair.scope], market_label: MARKET_LABEL[d.fair.market_type], country: d.fair.country, city: d.fair.city,
      venue: d.fair.venue, start_date: d.fair.start_date, end_date: d.fair.end_date, art36_eligible: d.fair.art36_eligible,
      art36_reason: d.fair.art36_reason,
    },
    rule_set: d.calc.rule_set,
    booths: d.booths.map((b) => ({ booth_no: b.booth_no, area_m2: b.area_m2, kind_label: b.kind === 'standard' ? '标准展位' : '特装' })),
    items: d.items.map((i) => {
      const line = d.calc.items.find((l) => l.seq === i.seq);
      return {
        seq: i.seq, type_label: i.type_label, booth_no: i.booth_no, amount_fen: i.amount_fen, invoice_no: i.invoice_no,
        invoice_date: i.invoice_date, payment_label: PAYMENT_LABEL[i.payment_method], voucher_no: i.voucher_no,
        eligible: line?.eligible ?? false, subsidy_fen: line?.subsidy_fen ?? 0, reason: line?.reason ?? '',
      };
    }),
    totals: {
      total_cost_fen: d.calc.total_cost_fen, eligible_cost_fen: d.calc.eligible_cost_fen, result_fen: d.calc.result_fen,
      applied_fen: d.claim.applied_fen, approved_fen: d.claim.approved_fen, paid_fen: d.paid_fen, recovered_fen: d.recovered_fen,
    },
    explanation: { lines: d.calc.lines, caps: d.calc.caps, annual: d.calc.annual, frozen: d.calc.frozen },
    materials: d.materials.items.map((m) => ({
      label: m.label, required: m.required, files: m.attachments.map((a) => a.file_name), ok: !m.required || m.attachments.length > 0,
    })),
    history: d.events.map((e) => ({
      at: e.created_at, by: displayName(ctx, e.created_by), from_label: e.from_status ? (STATUS_LABEL[e.from_status as ClaimStatus] ?? e.from_status) : null,
      to_label: e.to_label, comment: e.comment,
    })),
    payments: d.payments.map((p) => ({ kind_label: p.kind === 'payment' ? '拨付' : '收回', date: p.entry_date, amount_fen: p.amount_fen, voucher_no: p.voucher_no })),
    sign_offs: { first_review: signOff('first_review'), second_review: signOff('second_review'), approve: signOff('approve') },
    /** Every step after entry in order, each with who gave it, the 审核意见 and the date: the sheet's 审核意见 table. */
    steps: d.events.filter((e) => e.step && e.step !== 'create').map(step),
    printed_at: isoTimestamp(ctx.clock.now()),
  };
}

/** 公示名单 of one batch, in the order the claims were filed. */
export function publicityList(ctx: Ctx, batchId: number) {
  const b = ctx.db.prepare('SELECT * FROM exhibition_publicity_batch WHERE id = ?').get(batchId) as BatchRow | undefined;
  if (!b) throw new AppError('NOT_FOUND', `公示批次 ${batchId} 不存在`);
  const office = officeOf(ctx);
  const rows = ctx.db
    .prepare(
      `SELECT c.id, c.claim_no, c.status, c.calc_fen, c.approved_fen, e.name AS enterprise_name, e.uscc, f.name AS fair_name, f.scope,
        f.market_type, f.start_date, f.end_date
       FROM exhibition_claim c JOIN enterprise e ON e.id = c.enterprise_id JOIN exhibition_fair f ON f.id = c.fair_id
       WHERE c.publicity_batch_id = ? ORDER BY c.id`,
    )
    .all(batchId) as Array<{
      id: number; claim_no: string; status: ClaimStatus; calc_fen: number; approved_fen: number | null; enterprise_name: string; uscc: string;
      fair_name: string; scope: Scope; market_type: MarketType; start_date: string; end_date: string;
    }>;
  const list = rows.map((r, i) => ({
    seq: i + 1, claim_id: r.id, claim_no: r.claim_no, enterprise_name: r.enterprise_name, uscc: r.uscc, fair_name: r.fair_name,
    fair_dates: `${r.start_date} 至 ${r.end_date}`, scope_label: SCOPE_LABEL[r.scope], market_label: MARKET_LABEL[r.market_type],
    amount_fen: r.approved_fen ?? r.calc_fen, status_label: STATUS_LABEL[r.status],
  }));
  const total = list.reduce((s, r) => s + r.amount_fen, 0);
  // A lower office's batch (after consolidation) is that office's notice: its name heads the list.
  const lower = b.origin_office && b.origin_office !== ownOrigin(ctx.db) ? b.origin_office : null;
  return {
    title: b.title,
    batch_no: b.batch_no,
    office,
    origin_office: lower,
    origin_name: lower ? officeName(ctx.db, lower) : null,
    issuer: lower ? officeFullName(ctx.db, lower) : office.name,
    start_date: b.start_date,
    end_date: b.end_date,
    notice:
      `根据《山西省制造业高质量发展促进条例》第三十六条及本地参展补贴规则，经企业申报、初审、复审，拟对以下 ${list.length} 家次企业给予参展补贴，合计 ${fmtYuan(total)} 元，现予公示。` +
      `公示期为 ${b.start_date} 至 ${b.end_date}。如有异议，请在公示期内以书面形式向${lower ? officeFullName(ctx.db, lower) : office.name}反映（提供虚假材料骗取补贴的，依条例第四十一条收回资金并实施信用惩戒）。`,
    rows: list,
    total_fen: total,
    count: list.length,
  };
}

export const dashboardInput = z.object({
  year: z.number().int().min(2000).max(2100),
  /** Enterprises whose use of the annual cap is at or above this percentage are listed. */
  near_cap_pct: z.number().min(1).max(100).default(80),
  /** 上报单位: claims a lower office reported (a city's code takes its counties' too). */
  origin_office: originOfficeField.optional(),
});

interface Sums {
  count: number;
  applied_fen: number;
  approved_fen: number;
  paid_fen: number;
}

export function dashboard(ctx: Ctx, raw: unknown) {
  const i = parseInput(dashboardInput, raw, { year: '年度', near_cap_pct: '接近上限比例', origin_office: '上报单位' });
  const db = ctx.db;
  const y = String(i.year);
  const origin = i.origin_office ?? null;
  const inOrigin = (alias: string) => originCondition(`${alias}.origin_office`);
  const paidSql = `(SELECT COALESCE(SUM(CASE kind WHEN 'payment' THEN amount_fen ELSE -amount_fen END), 0) FROM exhibition_payment p WHERE p.claim_id = c.id)`;
  const byStatusRows = db
    .prepare(
      `SELECT status, count(*) AS count, COALESCE(SUM(calc_fen), 0) AS calc_fen FROM exhibition_claim c WHERE subsidy_year = @year AND ${inOrigin('c')} GROUP BY status`,
    )
    .all({ year: i.year, origin }) as Array<{ status: ClaimStatus; count: number; calc_fen: number }>;
  const by_status = CLAIM_STATUSES.map((s) => {
    const r = byStatusRows.find((x) => x.status === s);
    return { status: s, label: STATUS_LABEL[s], count: r?.count ?? 0, amount_fen: r?.calc_fen ?? 0 };
  });

  const months = Array.from({ length: 12 }, (_, m) => ({ month: `${y}-${String(m + 1).padStart(2, '0')}`, applied_fen: 0, approved_fen: 0, paid_fen: 0 }));
  const monthIdx = (d: string | null) => (d && d.startsWith(y) ? Number(d.slice(5, 7)) - 1 : -1);
  for (const r of db.prepare(`SELECT submitted_on, applied_fen FROM exhibition_claim c WHERE submitted_on LIKE @y || '%' AND applied_fen IS NOT NULL AND ${inOrigin('c')}`).iterate({ y, origin }) as IterableIterator<{ submitted_on: string; applied_fen: number }>) {
    months[monthIdx(r.submitted_on)]!.applied_fen += r.applied_fen;
  }
  for (const r of db.prepare(`SELECT approved_on, approved_fen FROM exhibition_claim c WHERE approved_on LIKE @y || '%' AND approved_fen IS NOT NULL AND ${inOrigin('c')}`).iterate({ y, origin }) as IterableIterator<{ approved_on: string; approved_fen: number }>) {
    months[monthIdx(r.approved_on)]!.approved_fen += r.approved_fen;
  }
  for (const r of db.prepare(`SELECT m.entry_date, m.kind, m.amount_fen FROM exhibition_payment m JOIN exhibition_claim c ON c.id = m.claim_id WHERE m.entry_date LIKE @y || '%' AND ${inOrigin('c')}`).iterate({ y, origin }) as IterableIterator<{ entry_date: string; kind: string; amount_fen: number }>) {
    months[monthIdx(r.entry_date)]!.paid_fen += r.kind === 'payment' ? r.amount_fen : -r.amount_fen;
  }

  const grouped = (select: string, key: string) =>
    db
      .prepare(
        `SELECT ${select}, count(*) AS count, COALESCE(SUM(c.applied_fen), 0) AS applied_fen, COALESCE(SUM(c.approved_fen), 0) AS approved_fen,
          COALESCE(SUM(${paidSql}), 0) AS paid_fen
         FROM exhibition_claim c JOIN exhibition_fair f ON f.id = c.fair_id
         WHERE c.subsidy_year = @year AND c.status NOT IN ('draft') AND ${inOrigin('c')} GROUP BY ${key} ORDER BY applied_fen DESC`,
      )
      .all({ year: i.year, origin });
  const by_market = (grouped('f.scope, f.market_type', 'f.scope, f.market_type') as Array<Sums & { scope: Scope; market_type: MarketType }>).map((r) => ({
    ...r, label: `${SCOPE_LABEL[r.scope]}·${MARKET_LABEL[r.market_type]}`,
  }));
  const by_fair = grouped('f.id AS fair_id, f.name AS fair_name', 'f.id') as Array<Sums & { fair_id: number; fair_name: string }>;
  // 按上报单位汇总: the same sums per office of origin.
  const by_office = byOrigin(db, grouped('c.origin_office AS k', 'c.origin_office') as Array<Sums & { k: string | null }>);

  // Use of the annual cap: approved/paid amounts plus the current amounts of claims under review.
  const live = LIVE_STATUSES.map((s) => `'${s}'`).join(',');
  const usage = db
    .prepare(
      `SELECT c.enterprise_id, e.name AS enterprise_name, c.rule_set_id,
        SUM(CASE WHEN c.status IN ('approved','paid') THEN c.approved_fen WHEN c.status IN (${live}) THEN c.calc_fen ELSE 0 END) AS used_fen,
        count(*) AS claims
       FROM exhibition_claim c JOIN enterprise e ON e.id = c.enterprise_id
       WHERE c.subsidy_year = @year AND ${inOrigin('c')} GROUP BY c.enterprise_id, c.rule_set_id`,
    )
    .all({ year: i.year, origin }) as Array<{ enterprise_id: number; enterprise_name: string; rule_set_id: number; used_fen: number; claims: number }>;
  const capCache = new Map<number, { cap: number | null; name: string }>();
  const near_cap = usage
    .map((u) => {
      let c = capCache.get(u.rule_set_id);
      if (!c) {
        // A lower office's rule versions do not travel up with its claims (only the set they point to): the cap is
        // unknown at a consolidating office, and such claims are not listed here.
        const known = db.prepare('SELECT 1 FROM exhibition_rule_version WHERE rule_set_id = ?').get(u.rule_set_id);
        const l = known ? q.latestRules(db, u.rule_set_id) : null;
        capCache.set(u.rule_set_id, (c = { cap: l?.rules.annual_cap_fen ?? null, name: l?.set.name ?? q.ruleSetById(db, u.rule_set_id).name }));
      }
      return { ...u, rule_set_name: c.name, cap_fen: c.cap, remaining_fen: c.cap === null ? null : Math.max(0, c.cap - u.used_fen),
        used_pct: c.cap ? Math.round((u.used_fen * 1000) / c.cap) / 10 : null };
    })
    .filter((u) => u.used_pct !== null && u.used_pct >= i.near_cap_pct)
    .sort((a, b) => (b.used_pct ?? 0) - (a.used_pct ?? 0));

  return { year: i.year, origin_office: origin, origin_name: origin ? officeName(db, origin) : null, by_status, by_month: months, by_market, by_fair, by_office, near_cap };
}
