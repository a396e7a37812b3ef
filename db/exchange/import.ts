// Import: open and check the package (signature, pinned key, addressing, replay), then read it in ONE
// transaction: tombstones, every table in order, attachments, comments. A dry run is the same pass rolled back,
// so it reports exactly what an apply would do (including references and unique keys); an apply commits it.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { requireRole } from '../context.js';
import type { ProgressFn } from '../op.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { audit } from '../audit/audit.js';
import { searchText } from '../enterprises/queries.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { CHUNK_ROWS, inTransaction, runNow, type Steps } from '../steps.js';
import { TABLES, TABLE_BY_NAME, SHIPPED_ORIGIN, tableShapes, contentJson, contentHash, type TableShape, type Value } from './tables.js';
import { KIND_LABEL, keyFor, openPackage, partLines, streamLines, streamPart, type Manifest, type OpenPackage, type Part, type ReadLimits } from './package.js';
import { periodInfo, PERIOD_RE } from './period.js';
import { fieldLabel } from './labels.js';
import { checkRelation, requireOffice, type OfficeRef } from './relations.js';
import { GID_RE, MAX_VERSION, labelOf, recordChecker } from './records.js';
import { ownership } from './ownership.js';
import { keyTrust, untrustedKey, type KeyTrust } from './trust.js';

export const importOptions = z.object({
  /** true or the fingerprint itself: a person compared the sender's fingerprint and trusts it. */
  pin: z.union([z.boolean(), z.string()]).optional(),
  /** Import a package older than one already applied from the same sender (replay). */
  force: z.boolean().optional(),
  passphrase: z.string().max(200).nullish(),
  /** The period the user expects; a package for another period is refused. */
  period: z.string().nullish(),
  /** Conflict choices per record gid, and/or one for all. */
  choices: z.record(z.string(), z.enum(['mine', 'theirs'])).default({}),
  choiceAll: z.enum(['mine', 'theirs']).nullish(),
});
export type ImportOptions = z.input<typeof importOptions> & { limits?: ReadLimits; fileName?: string; onProgress?: ProgressFn };

export type Outcome = 'added' | 'updated' | 'unchanged' | 'conflict' | 'deleted' | 'merged';
export interface RecordRef {
  gid: string;
  label: string;
}
export interface FieldDiff {
  field: string;
  /** The column's Chinese name. */
  label: string;
  mine: Value;
  theirs: Value;
}
export interface Conflict extends RecordRef {
  table: string;
  table_label: string;
  deleted_by_sender?: boolean;
  mine_version: number;
  theirs_version: number;
  fields: FieldDiff[];
  choice: 'mine' | 'theirs' | null;
}
/**
 * 合并到已有企业: an incoming enterprise record of another office whose 统一社会信用代码 is already registered here
 * (or whose gid was merged before). It is not written as its own entry: its gid becomes an alias of the existing one.
 */
export interface Merge {
  /** The incoming record (its gid, as the other office knows it). */
  gid: string;
  label: string;
  uscc: string;
  origin: string;
  origin_name: string;
  /** The registry entry it is merged into. */
  into_gid: string;
  into_label: string;
  into_origin: string;
  into_origin_name: string;
  /** The office whose fields the entry keeps (登记地: USCC characters 3–8; else the entry's first office). */
  owner: string;
  owner_name: string;
  /** First time this gid is merged (the alias is recorded by this package). */
  first: boolean;
  /** true: the incoming office owns the fields and they were written; false: listed only (差异（未覆盖）). */
  applied: boolean;
  /** Fields that differ: mine = the entry here, theirs = the incoming record. */
  fields: FieldDiff[];
}
export interface TableSummary {
  table: string;
  label: string;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  conflict: number;
  /** Incoming enterprise records merged into an existing entry of the same USCC (合并到已有企业). */
  merged: number;
  /** Up to LIST_CAP records per outcome (counts are always complete). */
  records: Record<Exclude<Outcome, 'conflict'>, RecordRef[]>;
}
export interface ImportResult {
  mode: 'dry' | 'apply';
  applied: boolean;
  alreadyApplied: boolean;
  message: string;
  package: { package_id: string; kind: string; kind_label: string; period: string | null; sender: Manifest['sender']; receiver: Manifest['receiver']; sequence: number; created_at: string; encrypted: boolean };
  tables: TableSummary[];
  conflicts: Conflict[];
  /** Up to LIST_CAP merges, with their differing fields. */
  merges: Merge[];
  explanations: Array<{ id: string; message: string; explanation: string; table: string; gid: string; field: string }>;
  comments: Array<{ table: string; gid: string; comment: string }>;
  warnings: string[];
}

export const LIST_CAP = 200;
const shortText = (max: number) => z.string().max(max, `不能超过 ${max} 个字符`);
/** 出错说明 as they travel in checks.json: the form's bounds (a check id, where, and the explanation typed). */
const explanationList = z.array(z.object({
  id: shortText(200), message: shortText(2000), explanation: shortText(2000), table: shortText(64), gid: shortText(64), field: shortText(64),
})).max(100_000);
const returnComment = z.object({ table: shortText(64), gid: shortText(64), comment: shortText(2000) });
/** Enterprise columns not compared when merging: the gid, what is derived from the name, and bookkeeping. */
const NOT_MASTER = new Set(['gid', 'search_text', 'name_initials', 'name_pinyin', 'created_at', 'created_by', 'updated_at', 'updated_by']);
class DryRun extends Error {}


interface Checked {
  pkg: OpenPackage;
  me: OfficeRef;
  pinNeeded: boolean;
  forced: boolean;
  already: boolean;
}

/** Everything that can be decided before reading data: trust, addressing, period, replay. */
function checkHeader(ctx: Ctx, pkg: OpenPackage, o: z.output<typeof importOptions>): Checked {
  const m = pkg.manifest;
  const office = requireOffice(ctx.db);
  const me: OfficeRef = { office_code: office.region_code, level: office.level, name: office.name };
  const label = KIND_LABEL[m.kind];
  if (m.receiver.office_code !== me.office_code) {
    throw new AppError('WRONG_RECEIVER', `此${label}包是发给 ${m.receiver.name ?? ''}（${m.receiver.office_code}）的，不是本单位（${me.office_code}）。未写入任何数据。`, { receiver: m.receiver });
  }
  // Read, not made: an import never creates this office's key (it would be a write outside the transaction).
  const own = ctx.db.prepare('SELECT fingerprint FROM exchange_key WHERE id = 1').pluck().get() as string | undefined;
  if (own === pkg.fingerprint) throw new AppError('SELF_PACKAGE', '这是本台账自己导出的交换包，不能导入本台账。未写入任何数据。');
  checkRelation(m.kind, `${label}包`, m.sender, me);
  if (m.kind === 'report' || m.kind === 'receipt' || m.kind === 'return') {
    if (!m.period || !PERIOD_RE.test(m.period)) throw new AppError('WRONG_PERIOD', `${label}包没有有效的报送期。未写入任何数据。`);
    if (periodInfo(m.period).year > ctx.clock.now().getUTCFullYear() + 1) throw new AppError('WRONG_PERIOD', `${label}包的报送期 ${m.period} 尚未到来。未写入任何数据。`);
  }
  if (o.period && m.period !== o.period) {
    throw new AppError('WRONG_PERIOD', `此${label}包的报送期是 ${m.period ?? '（无）'}，不是所选的 ${o.period}。未写入任何数据。`, { period: m.period });
  }
  // Pinned keys (trust.ts): one per other office; ledgers of this office (field laptops) may have several, each
  // pinned by an administrator. A different key is a key change, refused until an administrator re-trusts it.
  const untrusted = untrustedKey(ctx, m.sender, pkg.fingerprint, o.pin === true || o.pin === pkg.fingerprint);
  if (untrusted) throw untrusted;
  const pinNeeded = keyTrust(ctx.db, m.sender.office_code, pkg.fingerprint).status === 'new';
  const prev = ctx.db.prepare(`SELECT manifest_sha256 FROM exchange_package WHERE direction = 'in' AND package_id = ?`).pluck().get(m.package_id) as string | undefined;
  if (prev !== undefined) {
    if (prev !== pkg.manifestSha256) throw new AppError('DUPLICATE_PACKAGE', `已导入过编号相同（${m.package_id}）但内容不同的交换包，已拒绝。未写入任何数据。`);
    return { pkg, me, pinNeeded, forced: false, already: true };
  }
  const last = ctx.db.prepare(`SELECT max(sequence) FROM exchange_package WHERE direction = 'in' AND sender_code = ? AND sender_fingerprint = ?`).pluck().get(m.sender.office_code, pkg.fingerprint) as number | null;
  let forced = false;
  if (last !== null && m.sequence <= last) {
    if (m.sequence === last) throw new AppError('DUPLICATE_SEQUENCE', `已导入过 ${m.sender.name} 序号为 ${m.sequence} 的另一个交换包，已拒绝。未写入任何数据。`);
    if (!o.force) {
      throw new AppError('REPLAY', `此包序号 ${m.sequence} 早于已导入的 ${m.sender.name} 第 ${last} 号包，可能是重放的旧包，已拒绝。确需导入请选择"强制导入"。未写入任何数据。`, { sequence: m.sequence, last });
    }
    forced = true;
  }
  return { pkg, me, pinNeeded, forced, already: false };
}

function emptySummary(t: string): TableSummary {
  return { table: t, label: TABLE_BY_NAME.get(t)?.label ?? t, added: 0, updated: 0, unchanged: 0, deleted: 0, conflict: 0, merged: 0, records: { added: [], updated: [], unchanged: [], deleted: [], merged: [] } };
}

interface Fixup {
  table: string;
  id: number;
  column: string;
  refTable: string;
  gid: string;
}

/** The transaction body shared by dry run and apply; it pauses (yields) every CHUNK_ROWS records. */
/** An attachment file written under a temporary name inside the transaction, renamed once it commits. */
interface Staged {
  tmp: string;
  final: string;
}

function* readAndWrite(ctx: Ctx, c: Checked, o: z.output<typeof importOptions>, mode: 'dry' | 'apply', progress: ProgressFn, fileName: string | null, staged: Staged[]): Steps<ImportResult> {
  const db = ctx.db;
  const { pkg, me } = c;
  const m = pkg.manifest;
  const sender = m.sender.office_code;
  const key = keyFor(m, o.passphrase);
  const shapes = tableShapes(db);
  const now = isoTimestamp(ctx.clock.now());
  const summaries = new Map<string, TableSummary>();
  const conflicts: Conflict[] = [];
  const warnings: string[] = [];
  const fixups: Fixup[] = [];
  let maxV = 0;
  /** Rules of an office above the sender that were missing here, kept as read-only copies. */
  let references = 0;
  /** The files the package's 申请材料 records name. */
  const namedShas = new Set<string>();
  let done = 0;
  const total = Object.entries(m.tables).filter(([t]) => !t.startsWith('_')).reduce((a, [, n]) => a + n, 0);
  const summary = (t: string) => summaries.get(t) ?? (summaries.set(t, emptySummary(t)), summaries.get(t)!);
  const note = (t: string, outcome: Exclude<Outcome, 'conflict'>, ref: RecordRef) => {
    const s = summary(t);
    s[outcome]++;
    if (s.records[outcome].length < LIST_CAP) s.records[outcome].push(ref);
  };
  const byUscc = db.prepare('SELECT gid FROM enterprise WHERE uscc = ?').pluck();
  const aliasOrigins = db.prepare('SELECT origin_office FROM enterprise_alias WHERE enterprise_id = ?').pluck();
  const insertAlias = db.prepare(`INSERT INTO enterprise_alias(gid, enterprise_id, origin_office, sender_code, uscc, package_id, merged_at, merged_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const getBase = db.prepare('SELECT version, row_hash FROM sync_base WHERE gid = ? AND peer = ?');
  const putBase = db.prepare('INSERT INTO sync_base(gid, peer, version, row_hash) VALUES (?, ?, ?, ?) ON CONFLICT(gid, peer) DO UPDATE SET version = excluded.version, row_hash = excluded.row_hash');
  const bump = db.prepare('UPDATE exchange_clock SET counter = counter + 1 WHERE id = 1 RETURNING counter').pluck();
  const idOf = new Map<string, ReturnType<Database['prepare']>>();
  const resolve = (table: string, gid: string): number | undefined => {
    let st = idOf.get(table);
    if (!st) idOf.set(table, (st = db.prepare(`SELECT id FROM ${table} WHERE gid = ?`).pluck()));
    return st.get(gid) as number | undefined;
  };
  const choiceFor = (gid: string) => o.choices[gid] ?? o.choiceAll ?? null;
  const partsByTable = new Map(m.parts.filter((p) => p.table).map((p) => [p.table!, p]));
  // Enterprises merged here (migration 9): another office's gid → the surviving entry's gid. Few: held in memory,
  // and grown as this package merges, so its plans and claims later in the package resolve too.
  const aliases = new Map(db.prepare('SELECT a.gid, e.gid FROM enterprise_alias a JOIN enterprise e ON e.id = a.enterprise_id').raw().all() as Array<[string, string]>);
  const mergedIds = new Set(db.prepare('SELECT DISTINCT enterprise_id FROM enterprise_alias').pluck().all() as number[]);
  const merges: Merge[] = [];
  const names = new Map<string, string>();
  const officeName = (code: string): string => {
    let n = names.get(code);
    if (n === undefined) {
      n = (db.prepare('SELECT name FROM region WHERE code = ? ORDER BY valid_to IS NULL DESC LIMIT 1').pluck().get(code) as string | undefined) ?? code;
      names.set(code, n);
    }
    return n;
  };

  const own = ownership(m.kind, m.sender, me);
  const today = isoDate(ctx.clock.now());
  const notOwner = (table: string, rec: Record<string, unknown>, origin: string, what: string) =>
    new AppError('NOT_OWNER', `交换包中${TABLE_BY_NAME.get(table)?.label ?? table}「${labelOf(rec)}」属于 ${officeName(origin)}（${origin}），${m.sender.name}（${sender}）无权${what}。未写入任何数据。`, {
      table, gid: typeof rec.gid === 'string' ? rec.gid : null, origin,
    });
  for (const p of m.parts) {
    if (p.path.startsWith('attachments/') && !/^attachments\/[0-9a-f]{64}$/.test(p.path)) {
      throw new AppError('BAD_PACKAGE', `交换包无效：附件文件名「${p.path.slice(0, 80)}」不是 64 位小写十六进制的 SHA-256。未写入任何数据。`, { part: p.path });
    }
    if (!p.table) continue;
    if (p.table !== '_tombstones' && p.table !== '_returns' && !TABLE_BY_NAME.has(p.table)) {
      throw new AppError('UNKNOWN_TABLE', `交换包中有本程序不认识的数据表「${p.table.slice(0, 64)}」（文件「${p.path.slice(0, 80)}」），请升级程序后再导入。未写入任何数据。`, { part: p.path });
    }
    if (own.tables && TABLE_BY_NAME.has(p.table) && (p.records ?? 0) > 0 && !own.tables(p.table)) {
      throw new AppError('NOT_OWNER', `${KIND_LABEL[m.kind]}包不能携带「${TABLE_BY_NAME.get(p.table)!.label}」（文件「${p.path}」）。未写入任何数据。`, { part: p.path });
    }
  }

  db.prepare('UPDATE exchange_clock SET suppress = 1 WHERE id = 1').run();

  // Deletions first (children before parents), so a claim's re-numbered items do not collide with the old ones.
  const tombPart = partsByTable.get('_tombstones');
  if (tombPart) {
    const tombs: Array<{ gid: string; table: string; _v: number; _origin: string }> = [];
    for (const line of partLines(pkg, tombPart, key)) tombs.push(parseLine(line, tombPart) as never);
    const order = new Map(TABLES.map((t, i) => [t.name, i]));
    tombs.sort((a, b) => (order.get(b.table) ?? -1) - (order.get(a.table) ?? -1));
    let k = 0;
    for (const t of tombs) {
      if (++k % CHUNK_ROWS === 0) yield;
      const s = typeof t.table === 'string' ? shapes.get(t.table) : undefined;
      if (!s) throw new AppError('BAD_PACKAGE', `交换包无效：删除记录中的表「${String(t.table).slice(0, 64)}」不认识。未写入任何数据。`, { part: tombPart.path });
      if (typeof t.gid !== 'string' || !GID_RE.test(t.gid)) throw new AppError('BAD_RECORD', `交换包文件「${tombPart.path}」中删除${s.spec.label}的记录编号（gid）格式不对。未写入任何数据。`, { part: tombPart.path, table: t.table });
      if (typeof t._v !== 'number' || !Number.isSafeInteger(t._v) || t._v < 1 || t._v > MAX_VERSION) {
        throw new AppError('BAD_RECORD', `交换包文件「${tombPart.path}」中删除${s.spec.label}（${t.gid}）的版本不是 1～${MAX_VERSION} 的整数。未写入任何数据。`, { part: tombPart.path, table: t.table, gid: t.gid });
      }
      if (t._origin !== undefined && t._origin !== null && (typeof t._origin !== 'string' || !/^\d{6}$/.test(t._origin))) {
        throw new AppError('BAD_RECORD', `交换包文件「${tombPart.path}」中删除${s.spec.label}（${t.gid}）的来源单位不是 6 位行政区划代码。未写入任何数据。`, { part: tombPart.path, table: t.table, gid: t.gid });
      }
      if (own.tables && !own.tables(t.table)) throw new AppError('NOT_OWNER', `${KIND_LABEL[m.kind]}包不能删除「${s.spec.label}」。未写入任何数据。`, { part: tombPart.path });
      maxV = Math.max(maxV, t._v);
      const local = db.prepare(`${s.selectSql} WHERE t.gid = ?`).get(t.gid) as Record<string, unknown> | undefined;
      // A merged enterprise stays: other offices' records point at the entry (deleting it would lose them), and an
      // office dropping its own copy (an alias) leaves the entry the others registered. Neither travels on.
      if (t.table === 'enterprise' && (aliases.has(t.gid) || (local && mergedIds.has(local._id as number)))) {
        const entry = local ?? (db.prepare(`${s.selectSql} WHERE t.gid = ?`).get(aliases.get(t.gid)) as Record<string, unknown> | undefined);
        warnings.push(`${officeName(t._origin ?? sender)}删除了企业「${entry ? labelOf(entry) : t.gid}」，但该企业已与其他单位报来的同一企业合并，仍有记录引用，本台账保留`);
        continue;
      }
      // Only the owner deletes: the record here (or, when unknown here, the tombstone's own claim) must be the sender's or below.
      const delOrigin = local ? ((local._origin as string | null) ?? me.office_code) : (t._origin ?? sender);
      if (!own.writable(delOrigin)) throw notOwner(t.table, local ?? { gid: t.gid }, delOrigin, '删除');
      db.prepare('INSERT OR REPLACE INTO exchange_tombstone(gid, table_name, origin_office, version) VALUES (?, ?, ?, ?)').run(t.gid, t.table, t._origin ?? null, Number(t._v) || 0);
      if (!local) continue;
      const lh = contentHash(contentJson(s, local));
      const base = getBase.get(t.gid, sender) as { version: number; row_hash: string } | undefined;
      const ref = { gid: t.gid, label: labelOf(local) };
      let del = base?.row_hash === lh;
      if (!del) {
        const choice = choiceFor(t.gid);
        conflicts.push({ table: t.table, table_label: s.spec.label, ...ref, deleted_by_sender: true, mine_version: local._v as number, theirs_version: Number(t._v), fields: [], choice });
        summary(t.table).conflict++;
        if (!choice) continue;
        audit(ctx, 'exchange.conflict', t.table, t.gid, { package_id: m.package_id, kind: m.kind, sender, sender_name: m.sender.name, choice, table_label: s.spec.label, label: ref.label, deleted_by_sender: true });
        del = choice === 'theirs';
      }
      if (del) {
        db.prepare(`DELETE FROM ${t.table} WHERE id = ?`).run(local._id);
        db.prepare('DELETE FROM sync_base WHERE gid = ?').run(t.gid);
        note(t.table, 'deleted', ref);
      }
    }
  }

  for (const spec of TABLES) {
    const part = partsByTable.get(spec.name);
    if (!part) continue;
    const s = shapes.get(spec.name)!;
    const local = db.prepare(`${s.selectSql} WHERE t.gid = ?`);
    const extra = spec.name === 'exhibition_attachment' ? ['storage'] : [];
    const insert = db.prepare(`INSERT INTO ${spec.name}(${[...s.columns, ...extra, 'origin_office', 'row_version'].join(', ')}) VALUES (${[...s.columns, ...extra, 'origin_office', 'row_version'].map((col) => `@${col}`).join(', ')})`);
    const update = db.prepare(`UPDATE ${spec.name} SET ${[...s.columns, 'origin_office', 'row_version'].map((col) => `${col} = @${col}`).join(', ')} WHERE id = @_id`);
    const keep = db.prepare(`UPDATE ${spec.name} SET row_version = ? WHERE id = ?`);
    const known = new Set([...s.columns, '_base', '_origin', '_v']);
    const enterpriseRefs = [...s.refs.values()].filter((r) => r.table === 'enterprise').map((r) => r.column);
    const check = recordChecker(db, s, { part: part.path, sender: m.sender, today });

    /** Package values → row values: gids of references become local ids (forward ones fixed up at the end). */
    const toRow = (rec: Record<string, unknown>, id: number | null): Record<string, unknown> => {
      const row: Record<string, unknown> = {};
      for (const col of s.columns) row[col] = rec[col] ?? null;
      for (const r of s.refs.values()) {
        const g = rec[r.column];
        if (g === null || g === undefined) continue;
        const refTable = r.table ?? r.byKind!.tables[String(rec[r.byKind!.column])];
        if (!refTable || typeof g !== 'string') throw new AppError('BAD_PACKAGE', `交换包无效：${spec.label} ${String(rec.gid)} 的「${r.column}」引用无效。未写入任何数据。`);
        const rid = resolve(refTable, g);
        if (rid !== undefined) row[r.column] = rid;
        else if (r.nullable) {
          row[r.column] = null;
          fixups.push({ table: spec.name, id: id ?? -1, column: r.column, refTable, gid: g });
        } else {
          throw new AppError('MISSING_REFERENCE', `${spec.label}「${labelOf(rec)}」引用的${TABLE_BY_NAME.get(refTable)?.label ?? refTable}（${g}）既不在包中也不在本台账中，无法导入。未写入任何数据。`, { table: spec.name, gid: rec.gid, ref: g });
        }
      }
      row.origin_office = rec._origin ?? sender;
      row.row_version = rec._v;
      if (extra.length) row.storage = ctx.dataDir ? 'file' : 'db';
      // The search column is this program's index format, not data: rebuild it, so a package from another
      // version (or another system) still leaves every enterprise findable.
      if (spec.name === 'enterprise' && typeof row.name === 'string') {
        row.search_text = searchText(row as Parameters<typeof searchText>[0]);
      }
      return row;
    };
    const write = (fn: () => { lastInsertRowid: number | bigint }, rec: Record<string, unknown>) => {
      try {
        return Number(fn().lastInsertRowid);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (/UNIQUE/.test(msg)) throw new AppError('KEY_CLASH', `${spec.label}「${labelOf(rec)}」与本台账中另一条记录的唯一编号冲突（${msg}），无法导入。未写入任何数据。`, { table: spec.name, gid: rec.gid });
        // Every field was checked before; what SQLite still refuses (a cross-field CHECK, a type) is the record's fault,
        // never an internal error.
        throw new AppError('BAD_RECORD', `交换包文件「${part.path}」中${spec.label}「${labelOf(rec)}」不符合本台账的数据约束（${msg.slice(0, 200)}）。未写入任何数据。`, { part: part.path, table: spec.name, gid: rec.gid });
      }
    };

    /**
     * The same company from another office (same 统一社会信用代码, another gid): merged into the existing entry
     * instead of a second one (issue 7). Its gid becomes an alias; the fields stay those of the owner (the office of
     * the USCC's registration county, else the entry's first office); another office's differing fields are listed,
     * not written. Also an owned entry's own gid sent by a non-owner. Returns false for the ordinary path.
     */
    const mergeEnterprise = (rec: Record<string, unknown>, mine: Record<string, unknown> | undefined, h: string, v: number, ref: RecordRef): boolean => {
      const gid = rec.gid as string;
      const origin = String(rec._origin ?? sender);
      let row = mine;
      let first = false;
      if (!row) {
        const into = aliases.get(gid);
        if (into) row = local.get(into) as Record<string, unknown> | undefined;
        else if (typeof rec.uscc === 'string') {
          const same = byUscc.get(rec.uscc) as string | undefined;
          row = same === undefined ? undefined : (local.get(same) as Record<string, unknown>);
          // One office holding a USCC under two gids is no merge: it stays a KEY_CLASH.
          if (row && row._origin === origin) return false;
          first = true;
        }
        if (!row) return false;
      } else if (!mergedIds.has(row._id as number)) return false;
      const into = row;
      const reg = String(into.uscc).slice(2, 8);
      const offices = [String(into._origin), origin, ...(aliasOrigins.all(into._id) as string[])];
      const owner = offices.includes(reg) ? reg : String(into._origin);
      if (mine && origin === owner) return false; // the owner's own entry: updates and conflicts as usual
      const base = getBase.get(gid, sender) as { version: number; row_hash: string } | undefined;
      if (!first && (base?.row_hash === h || (mine && contentHash(contentJson(s, mine)) === h))) {
        note(spec.name, 'unchanged', ref);
        if (!base || base.version < v) putBase.run(gid, sender, v, h);
        return true;
      }
      const a = JSON.parse(contentJson(s, into)) as Record<string, Value>;
      const b = JSON.parse(contentJson(s, rec)) as Record<string, Value>;
      const fields = s.columns.filter((col) => !NOT_MASTER.has(col) && JSON.stringify(a[col] ?? null) !== JSON.stringify(b[col] ?? null))
        .map((col) => ({ field: col, label: fieldLabel(spec.name, col), mine: a[col] ?? null, theirs: b[col] ?? null }));
      const applied = origin === owner && fields.length > 0;
      if (applied) {
        // The entry keeps its gid and first office; a newer version, so the change travels on upwards.
        const nv = Math.max(bump.get() as number, (into._v as number) + 1, v);
        maxV = Math.max(maxV, nv);
        write(() => update.run({ ...toRow(rec, into._id as number), gid: into.gid, origin_office: into._origin, row_version: nv, _id: into._id }) as never, rec);
      }
      if (first) {
        insertAlias.run(gid, into._id, origin, sender, rec.uscc, m.package_id, now, ctx.actor.username);
        aliases.set(gid, into.gid as string);
        mergedIds.add(into._id as number);
      }
      putBase.run(gid, sender, v, h);
      note(spec.name, 'merged', ref);
      if (merges.length < LIST_CAP) {
        merges.push({
          gid, label: ref.label, uscc: String(rec.uscc), origin, origin_name: officeName(origin),
          into_gid: into.gid as string, into_label: labelOf(into), into_origin: String(into._origin), into_origin_name: officeName(String(into._origin)),
          owner, owner_name: officeName(owner), first, applied, fields,
        });
      }
      audit(ctx, first ? 'exchange.merge' : 'exchange.merge.update', spec.name, into._id as number, {
        package_id: m.package_id, sender, gid, into_gid: into.gid, uscc: rec.uscc, origin, owner, applied, fields: fields.map((f) => f.field),
      });
      return true;
    };

    // The per-record work stays in a plain function, where V8 optimizes it as it did the old callback; the
    // generator only counts and pauses.
    const onRecord = (line: string): void => {
      const rec = parseLine(line, part);
      for (const k of Object.keys(rec)) {
        if (!known.has(k)) throw new AppError('UNKNOWN_FIELD', `${spec.label}中有本程序不认识的字段「${k}」（发送方程序版本更新），请升级程序后再导入。未写入任何数据。`, { table: spec.name, field: k });
      }
      check.meta(rec);
      const gid = rec.gid as string;
      const v = rec._v as number;
      const origin = rec._origin as string;
      maxV = Math.max(maxV, v);
      // A merged enterprise's other gid is read as the surviving one: the record then resolves, and its content
      // hash is the one this ledger computes for it (so an unchanged record stays unchanged).
      for (const col of enterpriseRefs) {
        const to = typeof rec[col] === 'string' ? aliases.get(rec[col] as string) : undefined;
        if (to) rec[col] = to;
      }
      let content = contentJson(s, rec);
      let h = contentHash(content);
      const ref = { gid, label: labelOf(rec) };
      const mine = local.get(gid) as Record<string, unknown> | undefined;
      // Another office's record (or the rules of an office above) arrives unchanged, or as a reference copy the
      // receiver lacks; it is never created or changed by this sender.
      if (!own.writable(origin)) {
        if (mine && (origin === SHIPPED_ORIGIN || contentHash(contentJson(s, mine)) === h)) {
          note(spec.name, 'unchanged', ref);
          return;
        }
        if (mine || !own.referenceCopy(origin, spec.name)) throw notOwner(spec.name, rec, origin, mine ? '修改' : '新建');
        references++;
      }
      if (mine) {
        const mineOrigin = (mine._origin as string | null) ?? me.office_code;
        if (mineOrigin !== origin && !(spec.name === 'enterprise' && mergedIds.has(mine._id as number))) {
          // The record here belongs to another office (a claimed _base does not make it the sender's).
          if (!own.writable(mineOrigin)) {
            if (contentHash(contentJson(s, mine)) === h) {
              note(spec.name, 'unchanged', ref);
              return;
            }
            throw notOwner(spec.name, mine, mineOrigin, '修改');
          }
          throw new AppError('NOT_OWNER', `交换包中${spec.label}「${labelOf(rec)}」在本台账属于 ${officeName(mineOrigin)}（${mineOrigin}），包中却标为 ${officeName(origin)}（${origin}）：记录的来源单位不能改变。未写入任何数据。`, { table: spec.name, gid, origin });
        }
      }
      check.full(rec);
      if (spec.name === 'exhibition_attachment') namedShas.add(rec.sha256 as string);
      // The checks normalise codes as the forms do (full-width, lower case): the content is what they leave.
      content = contentJson(s, rec);
      h = contentHash(content);
      if (spec.name === 'enterprise' && mergeEnterprise(rec, mine, h, v, ref)) return;
      if (!mine) {
        const before = fixups.length;
        const row = toRow(rec, null);
        const id = write(() => insert.run(row) as never, rec);
        for (let k = before; k < fixups.length; k++) fixups[k]!.id = id;
        putBase.run(gid, sender, v, h);
        note(spec.name, 'added', ref);
        return;
      }
      const mineContent = contentJson(s, mine);
      const lh = contentHash(mineContent);
      const base = getBase.get(gid, sender) as { version: number; row_hash: string } | undefined;
      const theirBase = typeof rec._base === 'string' ? rec._base : null;
      let outcome: 'unchanged' | 'updated' | 'conflict';
      if (rec._origin === SHIPPED_ORIGIN || lh === h) outcome = 'unchanged';
      else if (base && v < base.version && base.row_hash !== h) outcome = 'unchanged'; // older than what was agreed
      else if (lh === base?.row_hash || lh === theirBase) outcome = 'updated';
      else if (h === base?.row_hash || h === theirBase) outcome = 'unchanged'; // changed here only: keep, the sender has seen it
      else outcome = 'conflict';
      if (outcome === 'conflict') {
        const a = JSON.parse(mineContent) as Record<string, Value>;
        const b = JSON.parse(content) as Record<string, Value>;
        const fields = s.columns
          .filter((col) => JSON.stringify(a[col]) !== JSON.stringify(b[col]))
          .map((col) => ({ field: col, label: fieldLabel(spec.name, col), mine: a[col] ?? null, theirs: b[col] ?? null }));
        const choice = choiceFor(gid);
        conflicts.push({ table: spec.name, table_label: spec.label, ...ref, mine_version: mine._v as number, theirs_version: v, fields, choice });
        summary(spec.name).conflict++;
        if (!choice) return;
        // Both values of every differing field: the log shows what was kept and what was set aside.
        audit(ctx, 'exchange.conflict', spec.name, gid, {
          package_id: m.package_id, kind: m.kind, sender, sender_name: m.sender.name, choice, table_label: spec.label, label: ref.label,
          fields: fields.map((f) => f.field), values: fields.map((f) => ({ label: f.label, mine: f.mine, theirs: f.theirs })), mine_version: mine._v, theirs_version: v,
        });
        if (choice === 'theirs') write(() => update.run({ ...toRow(rec, mine._id as number), _id: mine._id }) as never, rec);
        else keep.run(bump.get() as number, mine._id); // mine wins and travels on with a newer version
        putBase.run(gid, sender, v, h);
        return;
      }
      if (outcome === 'updated') {
        write(() => update.run({ ...toRow(rec, mine._id as number), _id: mine._id }) as never, rec);
        note(spec.name, 'updated', ref);
      } else note(spec.name, 'unchanged', ref);
      if (!base || base.row_hash !== h || base.version < v) putBase.run(gid, sender, v, h);
    };
    for (const line of partLines(pkg, part, key)) {
      if (++done % CHUNK_ROWS === 0) {
        progress(done, total, `${spec.label}`);
        yield;
      }
      onRecord(line);
    }
    progress(done, total, `${spec.label}`);
    yield;
  }

  let fixed = 0;
  for (const f of fixups) {
    if (++fixed % CHUNK_ROWS === 0) yield;
    const rid = resolve(f.refTable, f.gid);
    if (rid === undefined) {
      warnings.push(`${TABLE_BY_NAME.get(f.table)?.label ?? f.table} 的「${f.column}」引用的记录（${f.gid}）不在包中，已留空`);
      continue;
    }
    db.prepare(`UPDATE ${f.table} SET ${f.column} = ? WHERE id = ?`).run(rid, f.id);
  }

  // Attachment bytes: named by their SHA-256 (checked above to be exactly that), which the bytes must hash to. Files
  // are staged under a temporary name and take their own only after the transaction commits (see importSteps), so a
  // refused or failed import leaves nothing in the attachments folder.
  const carried = new Set<string>();
  for (const p of m.parts.filter((x) => x.path.startsWith('attachments/'))) {
    const sha = p.path.slice('attachments/'.length);
    const chunks: Uint8Array[] = [];
    streamPart(pkg, p, key, (b) => chunks.push(b));
    const bytes = Buffer.concat(chunks);
    if (createHash('sha256').update(bytes).digest('hex') !== sha) throw new AppError('HASH_MISMATCH', `交换包被改动或损坏：附件 ${sha} 的内容与名称不符。未写入任何数据。`, { part: p.path });
    carried.add(sha);
    if (mode === 'apply') {
      if (ctx.dataDir) {
        const dir = join(ctx.dataDir, 'attachments');
        if (!existsSync(join(dir, sha))) {
          mkdirSync(dir, { recursive: true });
          const tmp = join(dir, `.incoming-${randomBytes(8).toString('hex')}`);
          staged.push({ tmp, final: join(dir, sha) });
          writeFileSync(tmp, bytes);
        }
      } else db.prepare('INSERT OR IGNORE INTO exhibition_blob(sha256, data) VALUES (?, ?)').run(sha, bytes);
    }
    yield; // one attachment can be megabytes
  }
  const inBlob = db.prepare('SELECT 1 FROM exhibition_blob WHERE sha256 = ?').pluck();
  let lacking = 0;
  for (const sha of namedShas) {
    if (!carried.has(sha) && !inBlob.get(sha) && !(ctx.dataDir && existsSync(join(ctx.dataDir, 'attachments', sha)))) lacking++;
  }
  if (lacking) warnings.push(`有 ${lacking} 份申请材料的文件不在包中，也不在本台账中：相应申请的材料需向报送单位索取`);

  const explanations: ImportResult['explanations'] = [];
  const checksPart = m.parts.find((p) => p.path === 'checks.json');
  if (checksPart) {
    const parsed = explanationList.safeParse(jsonPart(pkg, checksPart, key));
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new AppError('BAD_PACKAGE', `交换包无效：出错说明（checks.json）第 ${Number(i.path[0] ?? 0) + 1} 条的「${String(i.path[1] ?? '')}」${i.message}。未写入任何数据。`, { part: checksPart.path });
    }
    const ins = db.prepare(`INSERT INTO exchange_explanation(package_id, office_code, period, check_id, table_name, gid, field, message, explanation, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const e of parsed.data) {
      explanations.push(e);
      ins.run(m.package_id, sender, m.period, e.id, e.table, e.gid, e.field, e.message, e.explanation, now);
    }
  }
  const comments: ImportResult['comments'] = [];
  const returnsPart = partsByTable.get('_returns');
  if (returnsPart) {
    const ins = db.prepare(`INSERT INTO exchange_comment(package_id, direction, office_code, period, table_name, gid, comment, created_at) VALUES (?, 'in', ?, ?, ?, ?, ?, ?)`);
    for (const line of partLines(pkg, returnsPart, key)) {
      const r = returnComment.safeParse(parseLine(line, returnsPart));
      if (!r.success) throw new AppError('BAD_PACKAGE', `交换包无效：退回意见（${returnsPart.path}）中有一条的「${String(r.error.issues[0]!.path[0] ?? '')}」${r.error.issues[0]!.message}。未写入任何数据。`, { part: returnsPart.path });
      const cm = r.data;
      comments.push(cm);
      ins.run(m.package_id, sender, m.period, cm.table, cm.gid, cm.comment, now);
    }
  }
  const receiptPart = m.parts.find((p) => p.path === 'receipt.json');
  if (receiptPart) jsonPart(pkg, receiptPart, key);

  if (references) warnings.push(`包中有 ${references} 条上级下发的规则本台账尚未收到，已作为只读副本保存（以上级正式下发的为准）`);
  const unresolved = conflicts.filter((x) => !x.choice);
  if (mode === 'apply' && unresolved.length) {
    throw new AppError('CONFLICTS_UNRESOLVED', `有 ${unresolved.length} 条记录在两端都被修改过（如 ${unresolved[0]!.table_label}「${unresolved[0]!.label}」），请逐条或统一选择保留本单位的（mine）还是对方的（theirs）。未写入任何数据。`, unresolved.slice(0, 1000));
  }

  db.prepare('UPDATE exchange_clock SET counter = max(counter, ?), suppress = 0 WHERE id = 1').run(maxV);
  if (c.pinNeeded) {
    db.prepare('INSERT INTO exchange_peer(office_code, level, name, public_key, fingerprint, pinned_at, pinned_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      sender, m.sender.level, m.sender.name, pkg.publicKeyPem, pkg.fingerprint, now, ctx.actor.username);
    audit(ctx, 'exchange.peer.pin', 'exchange_peer', sender, { fingerprint: pkg.fingerprint, name: m.sender.name });
  }
  const counts = Object.fromEntries([...summaries.values()].map((s) => [s.table, { added: s.added, updated: s.updated, unchanged: s.unchanged, deleted: s.deleted, conflict: s.conflict, ...(s.merged ? { merged: s.merged } : {}) }]));
  db.prepare(`INSERT INTO exchange_package(direction, package_id, kind, period, sender_code, sender_level, sender_name, sender_fingerprint, receiver_code,
      sequence, manifest_sha256, file_name, counts, created_at, applied_at, applied_by, status)
    VALUES ('in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    m.package_id, m.kind, m.period, sender, m.sender.level, m.sender.name, pkg.fingerprint, me.office_code, m.sequence, pkg.manifestSha256,
    fileName, JSON.stringify(counts), m.created_at, now, ctx.actor.username, c.forced ? 'forced' : 'applied');
  const setStatus = (code: string, status: string, reportedAt: string | null) =>
    db.prepare(`INSERT INTO report_status(office_code, period, status, package_id, reported_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(office_code, period) DO UPDATE SET status = excluded.status, package_id = excluded.package_id,
        reported_at = coalesce(excluded.reported_at, report_status.reported_at), updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
      .run(code, m.period, status, m.package_id, reportedAt, now, ctx.actor.username);
  if (m.kind === 'report') setStatus(sender, 'reported', m.created_at);
  if (m.kind === 'receipt') setStatus(me.office_code, 'accepted', null);
  if (m.kind === 'return') setStatus(me.office_code, 'returned', null);
  audit(ctx, 'exchange.import', 'exchange_package', m.package_id, { kind: m.kind, period: m.period, sender, sequence: m.sequence, forced: c.forced, counts, conflicts: conflicts.length, merges: merges.length });
  progress(total, total, '完成');

  const result: ImportResult = {
    mode,
    applied: mode === 'apply',
    alreadyApplied: false,
    message: '',
    package: describe(pkg),
    tables: TABLES.map((t) => summaries.get(t.name)).filter((s): s is TableSummary => !!s),
    conflicts,
    merges,
    explanations,
    comments,
    warnings,
  };
  const sum = (k: Exclude<Outcome, 'conflict'>) => result.tables.reduce((a, t) => a + t[k], 0);
  result.message = `${mode === 'dry' ? '试导入（未写入）' : '已导入'}：新增 ${sum('added')}，更新 ${sum('updated')}，未变 ${sum('unchanged')}，删除 ${sum('deleted')}，冲突 ${conflicts.length}${sum('merged') ? `，合并到已有企业 ${sum('merged')}` : ''}`;
  if (mode === 'dry') throw Object.assign(new DryRun(), { result });
  return result;
}

function parseLine(line: string, part: Part): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new AppError('BAD_PACKAGE', `交换包无效：文件「${part.path}」中有一行不是有效的 JSON。未写入任何数据。`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new AppError('BAD_PACKAGE', `交换包无效：文件「${part.path}」中有一行不是记录。未写入任何数据。`);
  return v as Record<string, unknown>;
}

function jsonPart(pkg: OpenPackage, part: Part, key: Buffer | null): unknown {
  if (part.bytes > 64 * 1024 * 1024) throw new AppError('BAD_PACKAGE', `交换包无效：「${part.path}」过大`);
  const chunks: Uint8Array[] = [];
  streamPart(pkg, part, key, (b) => chunks.push(b));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('BAD_PACKAGE', `交换包无效：「${part.path}」不是有效的 JSON。未写入任何数据。`);
  }
}

/**
 * A part's hash is known only at its end, after its lines were read: a byte changed in transit can surface first as
 * a bad record or an unknown field. When a read fails, the parts' stored bytes are checked (cheap, no decryption),
 * so a damaged file is named as damaged rather than by whatever its damage looked like.
 */
function tamperedFirst(pkg: OpenPackage, e: unknown): unknown {
  if (e instanceof AppError && (e.code === 'HASH_MISMATCH' || e.code === 'CONFLICTS_UNRESOLVED')) return e;
  try {
    for (const p of pkg.manifest.parts) streamPart(pkg, p, null, () => {}, true);
  } catch (damage) {
    if (damage instanceof AppError) return damage;
  }
  return e;
}

function describe(pkg: OpenPackage): ImportResult['package'] {
  const m = pkg.manifest;
  return { package_id: m.package_id, kind: m.kind, kind_label: KIND_LABEL[m.kind], period: m.period, sender: m.sender, receiver: m.receiver, sequence: m.sequence, created_at: m.created_at, encrypted: !!m.encryption };
}

/**
 * Dry run ('dry') or apply ('apply') one package file as steps: one transaction that pauses between chunks (see
 * steps.ts). Nothing is written unless an apply succeeds as a whole.
 */
export function* importSteps(ctx: Ctx, file: string, mode: 'dry' | 'apply', raw: ImportOptions = {}): Steps<ImportResult> {
  const o = parseInput(importOptions, { pin: raw.pin, force: raw.force, passphrase: raw.passphrase, period: raw.period, choices: raw.choices, choiceAll: raw.choiceAll });
  requireRole(ctx.actor, mode === 'apply' ? 'reviewer' : 'clerk', mode === 'apply' ? '导入交换包' : '试导入交换包');
  const pkg = openPackage(file, raw.limits);
  try {
    const c = checkHeader(ctx, pkg, o);
    if (c.already) {
      return {
        mode, applied: false, alreadyApplied: true, message: `此交换包（${pkg.manifest.sender.name} 第 ${pkg.manifest.sequence} 号）已经导入过，本次没有任何改动`,
        package: describe(pkg), tables: [], conflicts: [], merges: [], explanations: [], comments: [], warnings: [],
      };
    }
    if (KIND_LABEL[pkg.manifest.kind] && pkg.manifest.kind === 'backup') requireRole(ctx.actor, 'admin', '导入完整备份包');
    if (pkg.manifest.kind === 'rules') requireRole(ctx.actor, 'admin', '导入下发规则包');
    const staged: Staged[] = [];
    try {
      const result = yield* inTransaction(ctx.db, readAndWrite(ctx, c, o, mode, raw.onProgress ?? (() => {}), raw.fileName ?? null, staged));
      for (const f of staged.splice(0)) renameSync(f.tmp, f.final);
      return result;
    } catch (e) {
      if (e instanceof DryRun) return (e as DryRun & { result: ImportResult }).result;
      throw tamperedFirst(pkg, e);
    } finally {
      for (const f of staged) rmSync(f.tmp, { force: true });
    }
  } finally {
    pkg.close();
  }
}

/** importSteps straight through (command line, tests, consolidation outside the host). */
export function importPackage(ctx: Ctx, file: string, mode: 'dry' | 'apply', raw: ImportOptions = {}): ImportResult {
  return runNow(importSteps(ctx, file, mode, raw));
}

export interface VerifyResult {
  ok: true;
  manifest: Manifest;
  fingerprint: string;
  pinned: boolean;
  /** The key's standing here: a changed or retired key is shown as a loud warning, never as 首次. */
  key: KeyTrust;
  parts: Array<{ path: string; sha256: string; ok: true }>;
}

/** verify-package: structure, signature and every part's hash and count; reads no data into the ledger. */
export function verifyPackage(db: Database, file: string, opts: { passphrase?: string | null; limits?: ReadLimits } = {}): VerifyResult {
  const pkg = openPackage(file, opts.limits);
  try {
    const m = pkg.manifest;
    const parts: VerifyResult['parts'] = [];
    for (const p of m.parts) {
      if (p.records !== undefined && !m.encryption) {
        // Count lines on the bytes (a record never holds a raw newline: JSON escapes it).
        let lines = 0;
        let last = 10;
        streamPart(pkg, p, null, (b) => {
          for (let k = b.indexOf(10); k >= 0; k = b.indexOf(10, k + 1)) lines++;
          if (b.length) last = b[b.length - 1]!;
        });
        if (last !== 10) throw new AppError('BAD_PACKAGE', `交换包无效：文件「${p.path}」的最后一行不完整。未写入任何数据。`);
        if (lines !== p.records) throw new AppError('COUNT_MISMATCH', `交换包无效：文件「${p.path}」有 ${lines} 条记录，清单登记为 ${p.records} 条。未写入任何数据。`, { part: p.path });
      } else streamPart(pkg, p, null, () => {}, true); // encrypted: the stored bytes' hash is checked without the passphrase
      parts.push({ path: p.path, sha256: p.sha256, ok: true });
    }
    if (m.encryption && opts.passphrase) {
      const key = keyFor(m, opts.passphrase);
      for (const p of m.parts) if (p.records !== undefined) streamLines(pkg, p, key, () => {});
    }
    const key = keyTrust(db, m.sender.office_code, pkg.fingerprint);
    return { ok: true, manifest: m, fingerprint: pkg.fingerprint, pinned: key.status === 'pinned', key, parts };
  } finally {
    pkg.close();
  }
}

/** Reads only the manifest (cheap): consolidation sorts a folder by sender and sequence with it. */
export function peekManifest(file: string): Manifest {
  const pkg = openPackage(file);
  try {
    return pkg.manifest;
  } finally {
    pkg.close();
  }
}
