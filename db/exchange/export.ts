// Export: choose the records a kind carries, write them as sorted NDJSON (same data, same bytes), sign, log.
import { existsSync, readFileSync, rmSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { regionWithin } from '../codes/regions.js';
import { hasRole, requireRole, type Role } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { levelOfCode } from './ownership.js';
import { uuidv7 } from '../ids.js';
import { audit, auditHead } from '../audit/audit.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { LATEST_VERSION } from '../migrations/index.js';
import { TABLES, TABLE_BY_NAME, RULE_TABLES, SHIPPED_ORIGIN, tableShapes, contentJson, contentHash, recordLine } from './tables.js';
import { APP_VERSION } from '../version.js';
import { FORMAT, FORMAT_VERSION, KINDS, KIND_LABEL, PackageWriter, type Kind, type Manifest } from './package.js';
import { officeKey } from './keys.js';
import { periodSchema, periodInfo } from './period.js';
import { explanationsFor, runChecks, withKnownExplanations, type CheckFailure } from './checks.js';
import { checkRelation, KIND_DIRECTION, officeRefFor, requireOffice, type OfficeRef } from './relations.js';
import { officeName } from '../ownership/origin.js';


export const exportInput = z.object({
  kind: z.enum(KINDS),
  /** Receiving office's 行政区划代码; the own code for field-laptop and backup packages. */
  to: z.string().trim().regex(/^\d{6}$/, '应为 6 位行政区划代码'),
  period: periodSchema.nullish(),
  passphrase: z.string().min(8, '口令至少 8 个字符').max(200).nullish(),
  /** 出错说明 per failing check id. */
  explanations: z.record(z.string(), z.string().trim().min(2, '出错说明至少 2 个字').max(500)).default({}),
  /** 外勤 check-out scope: one town (its members, indicators…) or one enterprise (its training plans, exhibition claims, sanctions). */
  town_gid: z.string().nullish(),
  enterprise_gid: z.string().nullish(),
  /** 回执/退回: the package_id of the report answered. */
  refers_to: z.string().nullish(),
  comments: z.array(z.object({ table: z.string().max(64), gid: z.string().max(64), comment: z.string().trim().min(1).max(500) })).max(10_000).default([]),
});
export type ExportInput = z.input<typeof exportInput>;

export interface ExportResult {
  file: string;
  manifest: Manifest;
  checks: CheckFailure[];
  warnings: string[];
}

const LABELS = { kind: '类型', to: '接收单位', period: '报送期', passphrase: '口令', explanations: '出错说明', comments: '退回意见' };

/** The rows of `table` a selection holds: the whole table (bar shipped rows) or the single rows in temp.x_sel. */
const selected = (full: Set<string>, table: string) =>
  full.has(table) ? `t.origin_office IS NOT '${SHIPPED_ORIGIN}'` : `t.id IN (SELECT id FROM temp.x_sel WHERE tbl = '${table}')`;

/**
 * The rows a kind carries: whole tables (returned; every row but shipped ones) and single rows in temp.x_sel,
 * then every row they point to (not shipped ones), so the receiver can resolve each reference.
 */
function select(ctx: Ctx, kind: Kind, i: z.output<typeof exportInput>, me: OfficeRef): Set<string> {
  const db = ctx.db;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS x_sel (tbl TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID; DELETE FROM temp.x_sel;');
  const full = new Set<string>();
  const all = (names: string[]) => {
    for (const t of names) full.add(t);
  };
  const dataTables = TABLES.filter((t) => !t.rule).map((t) => t.name);
  if (kind === 'report' || kind === 'checkin') all(dataTables);
  else if (kind === 'backup') all(TABLES.map((t) => t.name));
  if (kind !== 'backup' && kind !== 'receipt' && kind !== 'return') {
    const origins = ruleOrigins(db, kind, me);
    for (const t of RULE_TABLES) db.prepare(`INSERT OR IGNORE INTO temp.x_sel SELECT '${t}', id FROM ${t} WHERE origin_office IN (SELECT value FROM json_each(?))`).run(JSON.stringify(origins));
  }
  if (kind === 'checkout') {
    const seed = (t: string, where: string, ...args: unknown[]) => db.prepare(`INSERT OR IGNORE INTO temp.x_sel SELECT '${t}', id FROM ${t} WHERE ${where}`).run(...args);
    if (i.town_gid) {
      const town = db.prepare('SELECT id FROM town WHERE gid = ?').pluck().get(i.town_gid) as number | undefined;
      if (!town) throw new AppError('NOT_FOUND', `没有这个专业镇（${i.town_gid}）`);
      seed('town', 'id = ?', town);
      for (const t of ['town_designation', 'town_transition', 'town_member', 'town_platform', 'town_project', 'town_year', 'town_plan', 'town_assessment']) seed(t, 'town_id = ?', town);
      seed('town_platform_year', 'platform_id IN (SELECT id FROM town_platform WHERE town_id = ?)', town);
      seed('town_plan_target', 'plan_id IN (SELECT id FROM town_plan WHERE town_id = ?)', town);
      const members = 'SELECT enterprise_id FROM town_member WHERE town_id = ?';
      seed('town_event', `town_id = ? OR enterprise_id IN (${members})`, town, town);
      seed('enterprise_tier', `enterprise_id IN (${members})`, town);
    } else if (i.enterprise_gid) {
      const ent = db.prepare('SELECT id FROM enterprise WHERE gid = ?').pluck().get(i.enterprise_gid) as number | undefined;
      if (!ent) throw new AppError('NOT_FOUND', `没有这家企业（${i.enterprise_gid}）`);
      seed('enterprise', 'id = ?', ent);
      seed('enterprise_tier', 'enterprise_id = ?', ent);
      seed('training_plan', 'enterprise_id = ?', ent);
      for (const t of ['training_plan_step', 'trainee', 'training_certificate', 'training_money']) seed(t, 'plan_id IN (SELECT id FROM training_plan WHERE enterprise_id = ?)', ent);
      // The same person's earlier certificate of the same occupation and level in another enterprise's plan: the
      // laptop must see it to refuse the second subsidy as the office does (its trainee and plan follow by closure).
      seed('training_certificate', `id IN (SELECT e.id FROM training_certificate c JOIN training_plan p ON p.id = c.plan_id
        JOIN training_certificate e ON e.id_no = c.id_no AND e.occupation_code = c.occupation_code AND e.level = c.level AND e.id < c.id
        WHERE p.enterprise_id = ?)`, ent);
      // Its exhibition claims, all of them: the annual cap is shared by the enterprise's claims of a year.
      seed('exhibition_claim', 'enterprise_id = ?', ent);
      for (const t of ['exhibition_booth', 'exhibition_item', 'exhibition_attachment', 'exhibition_claim_event', 'exhibition_payment']) seed(t, 'claim_id IN (SELECT id FROM exhibition_claim WHERE enterprise_id = ?)', ent);
      seed('sanction', 'enterprise_id = ?', ent);
    } else {
      throw new AppError('VALIDATION', '外勤领出需要选择一个专业镇或一家企业');
    }
  }
  // Closure: a record travels with what it points to, so the receiver can resolve every reference.
  const shapes = tableShapes(db);
  for (let round = 0; round < 10; round++) {
    let added = 0;
    for (const s of shapes.values()) {
      for (const r of s.refs.values()) {
        const targets = r.table ? [[r.table, null] as const] : Object.entries(r.byKind!.tables).map(([k, tb]) => [tb, k] as const);
        for (const [tb, k] of targets) {
          if (full.has(tb)) continue;
          const from = selected(full, s.spec.name);
          added += db.prepare(`INSERT OR IGNORE INTO temp.x_sel SELECT '${tb}', t.${r.column} FROM ${s.spec.name} t
            JOIN ${tb} p ON p.id = t.${r.column}
            WHERE ${from} AND p.origin_office IS NOT '${SHIPPED_ORIGIN}'
            ${k ? `AND t.${r.byKind!.column} = '${k}'` : ''}`).run().changes;
        }
      }
    }
    if (added === 0) break;
  }
  // Rule sets travel whole: a set that goes brings its bands, shortage occupations and versions, without which
  // the receiver settles a plan to 0 or cannot calculate a claim at all.
  for (const s of shapes.values()) {
    if (!s.spec.rule || full.has(s.spec.name)) continue;
    for (const r of s.refs.values()) {
      if (!r.table || !TABLE_BY_NAME.get(r.table)?.rule) continue;
      const parents = full.has(r.table) ? `p.origin_office IS NOT '${SHIPPED_ORIGIN}'` : `p.id IN (SELECT id FROM temp.x_sel WHERE tbl = '${r.table}')`;
      db.prepare(`INSERT OR IGNORE INTO temp.x_sel SELECT '${s.spec.name}', t.id FROM ${s.spec.name} t JOIN ${r.table} p ON p.id = t.${r.column} WHERE ${parents}`).run();
    }
  }
  return full;
}

/**
 * 谁可以导出什么 (docs/exchange-format.md): the lowest role for each kind. Records travel as stored, 身份证号 in
 * clear: a package carries records back, and a masked number would overwrite the real one at the receiver. So
 * where the role that sees numbers masked (录入员) may export at all, it is refused a package holding any.
 */
export const EXPORT_ROLE: Record<Kind, Role> = {
  report: 'reviewer', receipt: 'reviewer', return: 'reviewer', checkout: 'reviewer', checkin: 'clerk', rules: 'admin', backup: 'admin',
};
/** Columns of 身份证号 (trainee, certificate): shown whole only to 审核人 and 管理员 (training/service.ts presentTrainee). */
const ID_NUMBER_COLUMN = 'id_no';

/** Refuses an actor who may not see 身份证号 a package that would carry some, naming the tables and counts. */
function refuseIdNumbers(ctx: Ctx, kind: Kind, i: z.output<typeof exportInput>, me: OfficeRef): void {
  if (hasRole(ctx.actor, 'reviewer')) return;
  const full = select(ctx, kind, i, me);
  const shapes = tableShapes(ctx.db);
  const held = TABLES.filter((t) => shapes.get(t.name)!.columns.includes(ID_NUMBER_COLUMN))
    .map((t) => ({ table: t.name, label: t.label, count: ctx.db.prepare(`SELECT count(*) FROM ${t.name} t WHERE ${selected(full, t.name)}`).pluck().get() as number }))
    .filter((x) => x.count > 0);
  if (held.length) {
    throw new AppError('FORBIDDEN', `此${KIND_LABEL[kind]}包含有${held.map((x) => `${x.label} ${x.count} 条`).join('、')}的身份证号；录入员只能看到部分号码，不能导出带完整身份证号的交换包，请审核人或管理员导出。未生成任何文件。`, held);
  }
}

/**
 * Whose rule tables a kind carries whole, besides those its records point to. Upwards (报表) and back from the
 * field laptop: the sender's own and its lower offices' (a city passes its counties' rule sets on). Downwards
 * (下发) and to the field laptop: the sender's own and those its offices above published, passed on down; never
 * another office's sideways, and never a lower office's rules back to it.
 */
function ruleOrigins(db: Database, kind: Kind, me: OfficeRef): string[] {
  const present = new Set<string>();
  for (const t of RULE_TABLES) {
    for (const o of db.prepare(`SELECT DISTINCT origin_office FROM ${t} WHERE origin_office IS NOT NULL AND origin_office <> '${SHIPPED_ORIGIN}'`).pluck().all() as string[]) present.add(o);
  }
  const up = kind === 'report' || kind === 'checkin';
  return [...present].filter((o) =>
    o === me.office_code || (up ? regionWithin(o, me.office_code, me.level) : levelOfCode(o) !== 'county' && regionWithin(me.office_code, o, levelOfCode(o))),
  ).sort();
}

const withAnchor = (head: ReturnType<typeof auditHead>) => (head ? { audit_anchor: head } : {});

function attachmentBytes(ctx: Ctx, sha: string): Buffer | null {
  if (ctx.dataDir) {
    const f = join(ctx.dataDir, 'attachments', sha);
    if (existsSync(f)) return readFileSync(f);
  }
  const b = ctx.db.prepare('SELECT data FROM exhibition_blob WHERE sha256 = ?').pluck().get(sha) as Buffer | undefined;
  return b ?? null;
}

/**
 * The name a package is offered under: who sent what to whom, and which one, so that ten counties' files in one
 * folder never collide: 泽州县140525-上报-2025-至140500-第3号.cxpkg. Packages without a period carry their date;
 * those between ledgers of one office (field laptops, backups) also the sender key's first fingerprint group,
 * since two laptops of one office number their packages independently.
 */
export function packageFileName(db: Database, m: Pick<Manifest, 'kind' | 'period' | 'sender' | 'receiver' | 'sequence' | 'created_at'>): string {
  const parts = [`${officeName(db, m.sender.office_code)}${m.sender.office_code === officeName(db, m.sender.office_code) ? '' : m.sender.office_code}`, KIND_LABEL[m.kind]];
  parts.push(m.period ?? isoDate(new Date(m.created_at)).replaceAll('-', ''));
  parts.push(`至${m.receiver.office_code}`);
  if (KIND_DIRECTION[m.kind] === 'same') parts.push(`密钥${m.sender.fingerprint.replaceAll('-', '').slice(0, 8)}`);
  parts.push(`第${m.sequence}号`);
  // Names come from the region table or a pinned peer: keep only what every file system takes.
  return `${parts.join('-').replace(/[\\/:*?"<>|\s]/g, '_')}.cxpkg`;
}

/**
 * Writes the package to `target`: a file path, or `{ dir }` to write it there under its packageFileName (known
 * only once the sequence is taken). An existing file of that name is never overwritten.
 */
export function exportPackage(ctx: Ctx, raw: ExportInput, target: string | { dir: string }): ExportResult {
  const i = parseInput(exportInput, raw, LABELS);
  const kind = i.kind;
  requireRole(ctx.actor, EXPORT_ROLE[kind], `导出${KIND_LABEL[kind]}包`);
  const office = requireOffice(ctx.db);
  const me: OfficeRef = { office_code: office.region_code, level: office.level, name: office.name };
  const to = i.to === me.office_code ? me : officeRefFor(ctx.db, i.to);
  checkRelation(kind, KIND_LABEL[kind], me, to);
  const needsPeriod = kind === 'report' || kind === 'receipt' || kind === 'return';
  let period = i.period ?? null;
  let refersTo: string | null = null;
  if (kind === 'receipt' || kind === 'return') {
    if (!i.refers_to) throw new AppError('VALIDATION', `${KIND_LABEL[kind]}需要指明所答复的上报包（refers_to）`);
    const rep = ctx.db.prepare(`SELECT period, sender_code FROM exchange_package WHERE direction = 'in' AND kind = 'report' AND package_id = ?`).get(i.refers_to) as { period: string; sender_code: string } | undefined;
    if (!rep) throw new AppError('NOT_FOUND', `本台账没有导入过编号为 ${i.refers_to} 的上报包`);
    if (rep.sender_code !== to.office_code) throw new AppError('VALIDATION', `上报包 ${i.refers_to} 来自 ${rep.sender_code}，不是 ${to.office_code}`);
    period = rep.period;
    refersTo = i.refers_to;
  }
  if (needsPeriod && !period) throw new AppError('VALIDATION', `${KIND_LABEL[kind]}需要报送期（--period）`, [{ field: 'period', label: '报送期', message: '必填' }]);
  if (period && periodInfo(period).year > ctx.clock.now().getUTCFullYear() + 1) throw new AppError('WRONG_PERIOD', `报送期 ${period} 尚未到来`);
  if (kind === 'return' && i.comments.length === 0) throw new AppError('VALIDATION', '退回需要至少一条意见', [{ field: 'comments', label: '退回意见', message: '必填' }]);

  let checks: CheckFailure[] = [];
  let explained: Record<string, string> = {};
  if (kind === 'report') {
    checks = withKnownExplanations(ctx.db, runChecks(ctx.db, period!));
    explained = explanationsFor(checks, i.explanations);
    const unexplained = checks.filter((c) => !explained[c.id]);
    if (unexplained.length) {
      throw new AppError('CHECKS_FAILED', `审核公式未通过 ${unexplained.length} 项（如：${unexplained[0]!.message}），请修正数据或填写出错说明后再导出`, unexplained);
    }
  }

  // Before the key is made on first use (a write) and before any file exists.
  refuseIdNumbers(ctx, kind, i, me);
  const key = officeKey(ctx);
  let file = typeof target === 'string' ? target : '';
  const tmp = typeof target === 'string' ? `${target}.partial` : join(target.dir, `.${uuidv7(ctx.clock)}.cxpkg.partial`);
  const w = new PackageWriter(tmp, i.passphrase ?? null);
  const warnings: string[] = [];
  const now = isoTimestamp(ctx.clock.now());
  try {
    const result = ctx.db.transaction(() => {
      const tables: Record<string, number> = {};
      if (kind !== 'receipt' && kind !== 'return') {
        const full = select(ctx, kind, i, me);
        const shapes = tableShapes(ctx.db);
        const shas = new Set<string>();
        for (const spec of TABLES) {
          const s = shapes.get(spec.name)!;
          const where = selected(full, spec.name);
          const n = ctx.db.prepare(`SELECT count(*) FROM ${spec.name} t WHERE ${where}`).pluck().get() as number;
          if (n === 0) continue;
          const part = w.part(`data/${spec.name}.ndjson`, { table: spec.name });
          const stmt = ctx.db.prepare(`${s.exportSql} WHERE ${where} ORDER BY t.gid`);
          for (const row of stmt.iterate({ peer: to.office_code }) as IterableIterator<Record<string, unknown>>) {
            part.line(recordLine({ base: (row._base as string | null) ?? null, origin: (row._origin as string | null) ?? me.office_code, version: row._v as number }, contentJson(s, row)));
            if (spec.name === 'exhibition_attachment') shas.add(row.sha256 as string);
          }
          tables[spec.name] = part.end().records!;
        }
        if (kind !== 'checkout' && kind !== 'rules') {
          const names = kind === 'backup' ? TABLES.map((t) => t.name) : TABLES.filter((t) => !t.rule).map((t) => t.name);
          const tomb = ctx.db.prepare(`SELECT gid, table_name, origin_office, version FROM exchange_tombstone WHERE table_name IN (${names.map(() => '?').join(',')}) ORDER BY gid`).all(...names) as Array<{ gid: string; table_name: string; origin_office: string | null; version: number }>;
          if (tomb.length) {
            const part = w.part('data/_tombstones.ndjson', { table: '_tombstones' });
            for (const t of tomb) part.line(`{"_origin":${JSON.stringify(t.origin_office ?? me.office_code)},"_v":${t.version},"gid":${JSON.stringify(t.gid)},"table":${JSON.stringify(t.table_name)}}\n`);
            tables._tombstones = part.end().records!;
          }
        }
        for (const sha of [...shas].sort()) {
          const bytes = attachmentBytes(ctx, sha);
          if (!bytes) {
            warnings.push(`附件 ${sha} 的文件在本台账中找不到，未随包导出`);
            continue;
          }
          const part = w.part(`attachments/${sha}`);
          part.bytes(bytes);
          part.end();
        }
      }
      if (kind === 'report' && checks.length) {
        const part = w.part('checks.json');
        // explained_by stays only where the lower office's explanation went on unchanged.
        const entry = ({ explanation: _e, explained_by: by, ...c }: CheckFailure) =>
          ({ ...c, explanation: explained[c.id]!, ...(by && !i.explanations[c.id] ? { explained_by: by } : {}) });
        part.bytes(Buffer.from(JSON.stringify(checks.map(entry), null, 1)));
        part.end();
      }
      const packageId = uuidv7(ctx.clock);
      if (kind === 'receipt') {
        const part = w.part('receipt.json');
        part.bytes(Buffer.from(JSON.stringify({ refers_to: refersTo, period, accepted: true }, null, 1)));
        part.end();
      }
      if (kind === 'return') {
        const part = w.part('returns.ndjson', { table: '_returns' });
        const ins = ctx.db.prepare(`INSERT INTO exchange_comment(package_id, direction, office_code, period, table_name, gid, comment, created_at) VALUES (?, 'out', ?, ?, ?, ?, ?, ?)`);
        for (const c of i.comments) {
          part.line(`${JSON.stringify({ comment: c.comment, gid: c.gid, table: c.table })}\n`);
          ins.run(packageId, to.office_code, period, c.table, c.gid, c.comment, now);
        }
        tables._returns = part.end().records!;
      }
      const sequence = 1 + ((ctx.db.prepare(`SELECT max(sequence) FROM exchange_package WHERE direction = 'out' AND receiver_code = ? AND sender_fingerprint = ?`).pluck().get(to.office_code, key.fingerprint) as number | null) ?? 0);
      const manifest = w.finish({
        format: FORMAT,
        format_version: FORMAT_VERSION,
        app: { name: 'county-ledger', version: APP_VERSION },
        schema_version: LATEST_VERSION,
        package_id: packageId,
        kind,
        period,
        sender: { ...me, fingerprint: key.fingerprint },
        receiver: { office_code: to.office_code, level: to.level, name: to.name },
        created_at: now,
        sequence,
        tables,
        ...(kind === 'checkout' ? { scope: Object.fromEntries(Object.entries({ town_gid: i.town_gid, enterprise_gid: i.enterprise_gid }).filter(([, v]) => v)) as Record<string, string> } : {}),
        refers_to: refersTo,
        // The chain's head as this package leaves: whoever holds the package can later show a rewrite of the log.
        ...withAnchor(auditHead(ctx.db)),
      }, key);
      const manifestSha = w.manifestSha256;
      if (typeof target !== 'string') {
        file = join(target.dir, packageFileName(ctx.db, manifest));
        if (existsSync(file)) throw new AppError('FILE_EXISTS', `文件已存在，未覆盖：${file}`);
      }
      ctx.db.prepare(`INSERT INTO exchange_package(direction, package_id, kind, period, sender_code, sender_level, sender_name, sender_fingerprint,
          receiver_code, sequence, manifest_sha256, file_name, counts, created_at, status)
        VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'exported')`).run(
        packageId, kind, period, me.office_code, me.level, me.name, key.fingerprint, to.office_code, sequence, manifestSha, file, JSON.stringify(tables), now);
      const setStatus = (code: string, status: string) =>
        ctx.db.prepare(`INSERT INTO report_status(office_code, period, status, package_id, reported_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(office_code, period) DO UPDATE SET status = excluded.status, package_id = excluded.package_id,
            reported_at = coalesce(excluded.reported_at, report_status.reported_at), updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
          .run(code, period, status, packageId, status === 'reported' ? now : null, now, ctx.actor.username);
      if (kind === 'report') setStatus(me.office_code, 'reported');
      if (kind === 'receipt') setStatus(to.office_code, 'accepted');
      if (kind === 'return') setStatus(to.office_code, 'returned');
      audit(ctx, 'exchange.export', 'exchange_package', packageId, { kind, period, to: to.office_code, sequence, tables, explained: checks.map((c) => c.id) });
      return manifest;
    })();
    renameSync(tmp, file);
    return { file, manifest: result, checks, warnings };
  } catch (e) {
    w.abort();
    rmSync(tmp, { force: true });
    throw e;
  }
}
