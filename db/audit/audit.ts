import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { isoTimestamp } from '../clock.js';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  // Field separator \u001f cannot appear in a JSON detail unescaped, so no two entries hash alike by shifting text.
  const text = [e.prev_hash, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', e.detail].join('\u001f');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Append one entry; call inside the same transaction as the write it records. */
export function audit(
  ctx: Pick<Ctx, 'db' | 'clock' | 'actor'>,
  action: string,
  entity: string,
  entityId: string | number | null,
  detail: Record<string, unknown> = {},
): void {
  const db = ctx.db;
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined;
  const e = {
    seq: (last?.seq ?? 0) + 1,
    at: isoTimestamp(ctx.clock.now()),
    actor: ctx.actor.username,
    action,
    entity,
    entity_id: entityId === null ? null : String(entityId),
    detail: JSON.stringify(detail),
    prev_hash: last?.hash ?? GENESIS,
  };
  db.prepare(
    `INSERT INTO audit_log(seq, at, actor, action, entity, entity_id, detail, prev_hash, hash)
     VALUES (@seq, @at, @actor, @action, @entity, @entity_id, @detail, @prev_hash, @hash)`,
  ).run({ ...e, hash: entryHash(e) });
  db.prepare(`INSERT INTO meta(key, value) VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
    `${e.seq}:${entryHash(e)}`,
  );
}

/**
 * The chain's head at one moment: how many entries it had and the last one's hash. Kept outside the ledger (in a
 * backup, in a package another office holds, on paper), it pins every entry up to `count`: whoever re-hashes the
 * chain from an edited entry on changes the hash at `count` too.
 */
export const auditAnchorSchema = z.object({
  count: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/, '应为 64 位十六进制 SHA-256'),
});
export type AuditAnchor = z.infer<typeof auditAnchorSchema>;

/** The head now: null while the log is empty. */
export function auditHead(db: Database): AuditAnchor | null {
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return last ? { count: last.seq, hash: last.hash } : null;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  /** First broken entry (seq) and why, in Chinese. */
  firstProblem?: { seq: number; message: string };
  /** The anchor compared against, when one was given (verification passed it only if ok). */
  anchor?: AuditAnchor;
}

/**
 * Walk the chain. An edited entry breaks its own hash; a deleted one leaves a gap in seq or a prev_hash that
 * no longer matches; a truncated tail no longer matches the head kept in meta. With an anchor, the entry at
 * its position must still carry its hash: a chain re-hashed from an edited entry on passes every other check.
 */
export function verifyAudit(db: Database, anchor?: AuditAnchor): AuditVerification {
  const v = verifyChain(db);
  if (!anchor || !v.ok) return anchor ? { ...v, anchor } : v;
  if (v.count < anchor.count) {
    return {
      ok: false, count: v.count, anchor,
      firstProblem: { seq: v.count + 1, message: `审计日志现有 ${v.count} 条，少于锚点登记的 ${anchor.count} 条：锚点之后有记录被删除` },
    };
  }
  const at = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(anchor.count) as string;
  if (at !== anchor.hash) {
    return {
      ok: false, count: v.count, anchor,
      firstProblem: {
        seq: anchor.count,
        message: `第 ${anchor.count} 条记录的哈希与锚点不符（锚点 ${anchor.hash.slice(0, 12)}…，现为 ${at.slice(0, 12)}…）：第 1～${anchor.count} 条中有记录在锚点之后被改写并重新计算了哈希`,
      },
    };
  }
  return { ...v, anchor };
}

function verifyChain(db: Database): AuditVerification {
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  for (const e of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditEntry>) {
    count++;
    if (e.seq !== expectedSeq) {
      return { ok: false, count, firstProblem: { seq: expectedSeq, message: `第 ${expectedSeq} 条记录缺失（已被删除）` } };
    }
    if (e.prev_hash !== prev) {
      return { ok: false, count, firstProblem: { seq: e.seq, message: `第 ${e.seq} 条记录与前一条的链接不符（前一条被改动或删除）` } };
    }
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) {
      return { ok: false, count, firstProblem: { seq: e.seq, message: `第 ${e.seq} 条记录的内容被改动（哈希不符）` } };
    }
    prev = hash;
    expectedSeq++;
  }
  const head = db.prepare(`SELECT value FROM meta WHERE key = 'audit_head'`).get() as { value: string } | undefined;
  if (head) {
    const [seqText, hash] = head.value.split(':');
    if (Number(seqText) !== count || hash !== prev) {
      return {
        ok: false,
        count,
        firstProblem: { seq: count + 1, message: `审计日志末尾的记录被删除（应有 ${seqText} 条，现有 ${count} 条）` },
      };
    }
  } else if (count > 0) {
    return { ok: false, count, firstProblem: { seq: count, message: '审计日志的链头记录缺失' } };
  }
  return { ok: true, count };
}

export function auditForEntity(db: Database, entity: string, entityId: string, limit = 200): AuditEntry[] {
  return db
    .prepare('SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT ?')
    .all(entity, entityId, limit) as AuditEntry[];
}
