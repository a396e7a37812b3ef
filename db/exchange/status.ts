// 报送情况: for a period, every office directly below, whether and when it reported, its status, overdue ones.
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { periodInfo, periodSchema } from './period.js';
import { explanationsFor, runChecks, withKnownExplanations, type CheckFailure } from './checks.js';
import { requireOffice } from './relations.js';

export type ReportStatus = 'draft' | 'reviewed' | 'reported' | 'accepted' | 'returned';
export const STATUS_LABEL: Record<ReportStatus, string> = { draft: '草稿', reviewed: '已审核', reported: '已上报', accepted: '已接收', returned: '已退回' };

export interface SubmissionRow {
  office_code: string;
  office_name: string;
  status: ReportStatus | 'missing';
  status_label: string;
  reported_at: string | null;
  package_id: string | null;
  due: string | null;
  overdue: boolean;
  /** 迟报: reported, but the package was made (its created_at, China time) after the due date. */
  late: boolean;
}

export const periodInput = z.object({ period: periodSchema });

export function submissions(ctx: Ctx, raw: unknown): { period: string; label: string; due: string | null; rows: SubmissionRow[]; overdue: number; late: number } {
  const { period } = parseInput(periodInput, raw, { period: '报送期' });
  const office = requireOffice(ctx.db);
  if (office.level === 'county') throw new AppError('VALIDATION', '报送情况用于市级、省级单位查看下级的报送');
  const info = periodInfo(period);
  const kind = office.level === 'city' ? 'county' : 'prefecture';
  const below = ctx.db.prepare(`SELECT code, name FROM region WHERE parent_code = ? AND kind = ? AND valid_to IS NULL ORDER BY code`).all(office.region_code, kind) as Array<{ code: string; name: string }>;
  const today = isoDate(ctx.clock.now());
  const st = ctx.db.prepare('SELECT status, reported_at, package_id FROM report_status WHERE office_code = ? AND period = ?');
  const rows = below.map((r): SubmissionRow => {
    const s = st.get(r.code, period) as { status: ReportStatus; reported_at: string | null; package_id: string | null } | undefined;
    const submitted = s && (s.status === 'reported' || s.status === 'accepted');
    // When the report was made is the sender's signed created_at, not when it reached this office.
    const late = !!s?.reported_at && info.due !== null && isoDate(new Date(s.reported_at)) > info.due;
    return {
      office_code: r.code,
      office_name: r.name,
      status: s?.status ?? 'missing',
      status_label: s ? `${STATUS_LABEL[s.status]}${late ? '（迟报）' : ''}` : '未报送',
      reported_at: s?.reported_at ?? null,
      package_id: s?.package_id ?? null,
      due: info.due,
      overdue: !submitted && info.due !== null && today > info.due,
      late,
    };
  });
  return { period, label: info.label, due: info.due, rows, overdue: rows.filter((r) => r.overdue).length, late: rows.filter((r) => r.late).length };
}

export function ownStatus(ctx: Ctx, raw: unknown): { period: string; status: ReportStatus; status_label: string; checks: CheckFailure[] } {
  const { period } = parseInput(periodInput, raw, { period: '报送期' });
  const office = requireOffice(ctx.db);
  const s = (ctx.db.prepare('SELECT status FROM report_status WHERE office_code = ? AND period = ?').pluck().get(office.region_code, period) as ReportStatus | undefined) ?? 'draft';
  return { period, status: s, status_label: STATUS_LABEL[s], checks: withKnownExplanations(ctx.db, runChecks(ctx.db, period)) };
}

export const reviewInput = z.object({ period: periodSchema, explanations: z.record(z.string(), z.string().trim().min(2).max(500)).default({}) });

/** 草稿 → 已审核: a reviewer confirms the period's data; failing checks need an explanation here too. */
export function markReviewed(ctx: Ctx, raw: unknown): { status: ReportStatus } {
  requireRole(ctx.actor, 'reviewer', '审核报表');
  const i = parseInput(reviewInput, raw, { period: '报送期', explanations: '出错说明' });
  const office = requireOffice(ctx.db);
  const checks = withKnownExplanations(ctx.db, runChecks(ctx.db, i.period));
  const explained = explanationsFor(checks, i.explanations);
  const failing = checks.filter((c) => !explained[c.id]);
  if (failing.length) throw new AppError('CHECKS_FAILED', `审核公式未通过 ${failing.length} 项（如：${failing[0]!.message}），请修正数据或填写出错说明`, failing);
  const now = isoTimestamp(ctx.clock.now());
  ctx.db.transaction(() => {
    ctx.db.prepare(`INSERT INTO report_status(office_code, period, status, updated_at, updated_by) VALUES (?, ?, 'reviewed', ?, ?)
      ON CONFLICT(office_code, period) DO UPDATE SET status = 'reviewed', updated_at = excluded.updated_at, updated_by = excluded.updated_by`).run(office.region_code, i.period, now, ctx.actor.username);
    audit(ctx, 'exchange.review', 'report_status', `${office.region_code}:${i.period}`, { explained: Object.keys(explained) });
  })();
  return { status: 'reviewed' };
}

export interface PackageLogRow {
  id: number;
  direction: 'in' | 'out';
  package_id: string;
  kind: string;
  period: string | null;
  sender_code: string;
  sender_name: string;
  receiver_code: string;
  sequence: number;
  manifest_sha256: string;
  /** JSON: records per table (export) or outcome counts per table (import). */
  counts: string;
  created_at: string;
  applied_at: string | null;
  status: string;
}
export interface CommentRow {
  id: number;
  package_id: string;
  direction: 'in' | 'out';
  office_code: string;
  period: string | null;
  table_name: string;
  gid: string;
  comment: string;
  created_at: string;
}
export interface ExplanationRow {
  id: number;
  package_id: string;
  office_code: string;
  period: string | null;
  check_id: string;
  table_name: string | null;
  gid: string | null;
  field: string | null;
  message: string;
  explanation: string;
  created_at: string;
}

export function packageLog(ctx: Ctx, raw: { limit?: number } = {}): PackageLogRow[] {
  const limit = Math.min(Math.max(raw?.limit ?? 200, 1), 1000);
  return ctx.db.prepare(`SELECT id, direction, package_id, kind, period, sender_code, sender_name, receiver_code, sequence, manifest_sha256, counts, created_at, applied_at, status
    FROM exchange_package ORDER BY id DESC LIMIT ?`).all(limit) as PackageLogRow[];
}

export function commentsAndExplanations(ctx: Ctx, raw: { gid?: string; period?: string } = {}): { comments: CommentRow[]; explanations: ExplanationRow[] } {
  const comments = ctx.db.prepare(`SELECT * FROM exchange_comment WHERE (@gid IS NULL OR gid = @gid) AND (@period IS NULL OR period = @period) ORDER BY id`).all({ gid: raw?.gid ?? null, period: raw?.period ?? null }) as CommentRow[];
  const explanations = ctx.db.prepare(`SELECT * FROM exchange_explanation WHERE (@gid IS NULL OR gid = @gid) AND (@period IS NULL OR period = @period) ORDER BY id`).all({ gid: raw?.gid ?? null, period: raw?.period ?? null }) as ExplanationRow[];
  return { comments, explanations };
}
