// Backups of one office's ledger: a .cxbak archive (zip) holding the SQLite online backup, every attachment
// (申报材料, kept beside the ledger in attachments/<sha256>) and backup.json, which lists them with their SHA-256
// and records the audit chain's head. Files ending in .sqlite are the old format (the database alone); they still
// restore, with their attachments left as they are. A backup file is hostile until checked: restore stages every
// entry, checks names, sizes, hashes and integrity_check, and only then saves the current file and swaps.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { AppError } from '../result.js';
import { APPLICATION_ID } from '../connection.js';
import { LATEST_VERSION } from '../migrations/index.js';
import { APP_VERSION } from '../version.js';
import { auditAnchorSchema, type AuditAnchor } from '../audit/audit.js';
import { ZipReader, ZipWriter, type ReadLimits } from '../exchange/zip.js';

export const KEEP_DAILY = 14;
export const BACKUP_EXT = '.cxbak';
const DAILY_RE = /^ledger-(\d{4}-\d{2}-\d{2})\.(cxbak|sqlite)$/;
const FORMAT = 'county-ledger-backup';
const FORMAT_VERSION = 1;
const MANIFEST = 'backup.json';
const DB_ENTRY = 'ledger.sqlite';
const SHA_RE = /^[0-9a-f]{64}$/;
const ATTACHMENT_ENTRY = /^attachments\/([0-9a-f]{64})$/;
/** One attachment: the form takes 20 MB; exchanged ones may be larger, but no scan is this big. */
export const MAX_BACKUP_ATTACHMENT_BYTES = 256 * 1024 * 1024;
const MAX_ATTACHMENTS = 100_000;
/** The zip writer has no zip64: the archive must stay under 4 GB (deflate can grow incompressible scans a little). */
const MAX_ARCHIVE_INPUT_BYTES = 0xf0000000;
/** Entries are streamed to disk, never held whole: the database may be as large as the archive allows. */
const LIMITS: ReadLimits = { maxEntryBytes: MAX_ARCHIVE_INPUT_BYTES, maxEntries: MAX_ATTACHMENTS + 2, what: '备份文件' };

const hex64 = z.string().regex(SHA_RE);
export const backupManifestSchema = z.object({
  format: z.literal(FORMAT),
  format_version: z.number().int().positive(),
  app: z.object({ name: z.string().max(100), version: z.string().max(40) }),
  schema_version: z.number().int().positive(),
  created_at: z.string().max(40),
  office: z.object({ office_code: z.string().regex(/^\d{6}$/), level: z.string().max(20), name: z.string().max(100) }).nullable(),
  database: z.object({ path: z.literal(DB_ENTRY), sha256: hex64, bytes: z.number().int().positive() }),
  attachments: z.array(z.object({ sha256: hex64, bytes: z.number().int().nonnegative().max(MAX_BACKUP_ATTACHMENT_BYTES) })).max(MAX_ATTACHMENTS),
  /** Attachments the ledger names whose file was missing or damaged when the backup was made. */
  missing_attachments: z.array(hex64).max(MAX_ATTACHMENTS),
  audit_anchor: auditAnchorSchema.nullable(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

export interface BackupInfo {
  file: string;
  name: string;
  date: string | null;
  size: number;
  mtime: string;
  /** archive: database and attachments (.cxbak); sqlite: the old format, the database alone. */
  format: 'archive' | 'sqlite';
  /** Attachments carried (archives whose manifest reads; null otherwise). */
  attachments: number | null;
  /** Made just now: what it could not carry. */
  warnings?: string[];
}

export function backupDir(dataDir: string): string {
  return join(dataDir, 'backups');
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const CHUNK = 1 << 20;

/** Reads a file in 1 MB chunks (bounded memory for a database of any size). */
function* fileChunks(file: string): Generator<Buffer, void, undefined> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield Buffer.from(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

function hashFile(file: string): string {
  const h = createHash('sha256');
  for (const b of fileChunks(file)) h.update(b);
  return h.digest('hex');
}

/** What the snapshot itself says: its office, its audit head, the attachment files its rows name. */
function snapshotFacts(file: string): { office: BackupManifest['office']; anchor: AuditAnchor | null; named: Set<string> } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const o = db.prepare('SELECT region_code, level, name FROM office WHERE id = 1').get() as { region_code: string; level: string; name: string } | undefined;
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const hasAttachments = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'exhibition_attachment'`).get();
    const named = new Set(
      hasAttachments ? (db.prepare(`SELECT DISTINCT sha256 FROM exhibition_attachment WHERE storage = 'file'`).pluck().all() as string[]) : [],
    );
    return {
      office: o ? { office_code: o.region_code, level: o.level, name: o.name } : null,
      anchor: last ? { count: last.seq, hash: last.hash } : null,
      named,
    };
  } finally {
    db.close();
  }
}

/**
 * SQLite's online backup (consistent while the app keeps writing) and every attachment, in one archive. The
 * snapshot passes integrity_check first; each attachment is hashed before it goes in, and one whose bytes no
 * longer hash to its name is left out and named in the warnings (it would be refused on restore).
 */
export async function backupTo(db: Db, file: string, dataDir: string | null, clock: Clock): Promise<BackupInfo> {
  mkdirSync(dirname(file), { recursive: true });
  const snap = `${file}.snapshot`;
  const tmp = `${file}.partial`;
  rmSync(snap, { force: true });
  rmSync(tmp, { force: true });
  let writer: ZipWriter | null = null;
  try {
    await db.backup(snap);
    // The copy inherits WAL mode; the database in a backup must be one self-contained file.
    const copy = new Database(snap, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const check = checkSqliteFile(snap);
    if (!check.ok) throw new AppError('BACKUP_FAILED', `备份文件校验失败：${check.message}`);
    const facts = snapshotFacts(snap);

    const warnings: string[] = [];
    const dir = dataDir ? join(dataDir, 'attachments') : null;
    const onDisk = dir && existsSync(dir) ? readdirSync(dir).filter((n) => SHA_RE.test(n)) : [];
    const carried: Array<{ sha256: string; bytes: number }> = [];
    const missing: string[] = [];
    let total = statSync(snap).size;
    for (const sha of [...new Set([...onDisk, ...facts.named])].sort()) {
      const path = dir ? join(dir, sha) : null;
      if (!path || !existsSync(path)) {
        missing.push(sha);
        warnings.push(`附件 ${sha.slice(0, 12)}… 的文件不在附件文件夹中，未能放入备份`);
        continue;
      }
      const size = statSync(path).size;
      await tick();
      if (size > MAX_BACKUP_ATTACHMENT_BYTES || hashFile(path) !== sha) {
        if (facts.named.has(sha)) missing.push(sha);
        warnings.push(size > MAX_BACKUP_ATTACHMENT_BYTES
          ? `附件 ${sha.slice(0, 12)}… 大于 ${MAX_BACKUP_ATTACHMENT_BYTES / 1048576} MB，未放入备份`
          : `附件 ${sha.slice(0, 12)}… 的文件已损坏（内容与名称中的 SHA-256 不符），未放入备份`);
        continue;
      }
      carried.push({ sha256: sha, bytes: size });
      total += size;
    }
    if (total > MAX_ARCHIVE_INPUT_BYTES) {
      throw new AppError('BACKUP_TOO_LARGE', `台账与附件共 ${(total / 1024 ** 3).toFixed(1)} GB，超过一个备份文件的上限（约 3.7 GB），未生成备份`);
    }

    writer = new ZipWriter(tmp);
    const put = async (name: string, path: string): Promise<{ sha256: string; bytes: number }> => {
      const e = writer!.entry(name);
      const h = createHash('sha256');
      let bytes = 0;
      for (const b of fileChunks(path)) {
        h.update(b);
        bytes += b.length;
        e.push(b);
        await tick(); // a large ledger deflates for seconds: let the app answer meanwhile
      }
      e.end();
      return { sha256: h.digest('hex'), bytes };
    };
    const database = await put(DB_ENTRY, snap);
    for (const a of carried) {
      const got = await put(`attachments/${a.sha256}`, join(dir!, a.sha256));
      if (got.sha256 !== a.sha256) throw new AppError('BACKUP_FAILED', `备份时附件 ${a.sha256.slice(0, 12)}… 的文件被改动，请重试`);
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      format_version: FORMAT_VERSION,
      app: { name: 'county-ledger', version: APP_VERSION },
      schema_version: check.version,
      created_at: isoTimestamp(clock.now()),
      office: facts.office,
      database: { path: DB_ENTRY, ...database },
      attachments: carried,
      missing_attachments: missing,
      audit_anchor: facts.anchor,
    };
    const m = writer.entry(MANIFEST);
    m.push(Buffer.from(JSON.stringify(manifest, null, 1), 'utf8'));
    m.end();
    writer.close();
    writer = null;
    // Read back what was written: the entry set and the manifest (the contents were hashed on the way in).
    readArchive(tmp).reader.close();
    renameSync(tmp, file);
    return { ...info(file), attachments: carried.length, ...(warnings.length ? { warnings } : {}) };
  } catch (e) {
    try {
      writer?.close();
    } catch {
      /* the partial file goes below */
    }
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    rmSync(snap, { force: true });
  }
}

function formatOf(file: string): 'archive' | 'sqlite' {
  return file.endsWith(BACKUP_EXT) ? 'archive' : 'sqlite';
}

function info(file: string): BackupInfo {
  const st = statSync(file);
  const m = DAILY_RE.exec(basename(file));
  return { file, name: basename(file), date: m?.[1] ?? null, size: st.size, mtime: st.mtime.toISOString(), format: formatOf(file), attachments: null };
}

/** Both formats, newest first; an archive's attachment count comes from its manifest (only read, nothing checked). */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(BACKUP_EXT) || n.endsWith('.sqlite'))
    .filter((n) => statSync(join(dir, n)).isFile())
    .map((n) => {
      const b = info(join(dir, n));
      if (b.format === 'archive') {
        try {
          const a = readArchive(b.file);
          a.reader.close();
          b.attachments = a.manifest.attachments.length;
        } catch {
          /* shown without a count; restore names what is wrong */
        }
      }
      return b;
    })
    .sort((a, b) => (a.mtime < b.mtime ? 1 : -1));
}

/** Once a day, on open and then while running; keeps the newest 14 daily files (of either format). */
export async function dailyBackup(db: Db, dataDir: string, clock: Clock): Promise<BackupInfo | null> {
  const today = isoDate(clock.now());
  const file = join(backupDir(dataDir), `ledger-${today}${BACKUP_EXT}`);
  if (existsSync(file)) return null;
  const made = await backupTo(db, file, dataDir, clock);
  const daily = listBackups(dataDir)
    .filter((b) => b.date)
    .sort((a, b) => (a.date! < b.date! ? 1 : a.date! > b.date! ? -1 : a.format === 'archive' ? -1 : 1));
  for (const old of daily.slice(KEEP_DAILY)) rmSync(old.file, { force: true });
  return made;
}

/** A database file alone: ours, not newer than this program, and passing integrity_check. */
function checkSqliteFile(file: string): { ok: true; version: number } | { ok: false; message: string } {
  if (!existsSync(file)) return { ok: false, message: `文件不存在：${file}` };
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) return { ok: false, message: '不是县域产业台账的数据文件' };
    if (version > LATEST_VERSION) return { ok: false, message: `备份来自更新版本的程序（数据版本 ${version}），请先升级程序` };
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    if (rows.length !== 1 || rows[0]!.integrity_check !== 'ok') {
      return { ok: false, message: `完整性检查未通过：${rows.map((r) => r.integrity_check).slice(0, 3).join('；')}` };
    }
    return { ok: true, version };
  } catch (e) {
    return { ok: false, message: `无法读取：${e instanceof Error ? e.message : String(e)}` };
  } finally {
    db?.close();
  }
}

const invalid = (message: string, details?: Record<string, unknown>) => new AppError('BACKUP_INVALID', message, details);

function leadingBytes(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Opens an archive and checks its structure: safe bounded entries (the zip reader), the manifest, the entry set. */
function readArchive(file: string): { reader: ZipReader; manifest: BackupManifest } {
  const reader = new ZipReader(file, LIMITS);
  try {
    if (!reader.entries.has(MANIFEST)) throw invalid(`备份文件中缺少清单 ${MANIFEST}`);
    let raw: unknown;
    try {
      raw = JSON.parse(reader.readAll(MANIFEST, 16 * 1024 * 1024).toString('utf8'));
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw invalid(`备份清单 ${MANIFEST} 不是有效的 JSON`);
    }
    const head = raw as { format?: unknown; format_version?: unknown };
    if (head?.format !== FORMAT) throw invalid('此 zip 文件不是县域产业台账的备份（清单格式标识不符）');
    if (typeof head.format_version === 'number' && head.format_version > FORMAT_VERSION) {
      throw invalid(`备份由更新版本的程序生成（备份格式版本 ${head.format_version}，本程序支持到 ${FORMAT_VERSION}），请先升级程序`);
    }
    const parsed = backupManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw invalid(`备份清单 ${MANIFEST} 的「${i.path.join('.')}」${i.message}`, { field: i.path.join('.') });
    }
    const manifest = parsed.data;
    const listed = new Map(manifest.attachments.map((a) => [`attachments/${a.sha256}`, a.bytes]));
    if (listed.size !== manifest.attachments.length) throw invalid('备份清单中的附件重复登记');
    for (const [name, e] of reader.entries) {
      if (name === MANIFEST) continue;
      if (name === DB_ENTRY) {
        if (e.size !== manifest.database.bytes) throw invalid(`备份中的数据库 ${DB_ENTRY} 大小 ${e.size} 字节，与清单登记的 ${manifest.database.bytes} 字节不符`, { entry: name });
        continue;
      }
      if (!ATTACHMENT_ENTRY.test(name)) throw invalid(`备份文件中有不应出现的文件「${name}」`, { entry: name });
      const bytes = listed.get(name);
      if (bytes === undefined) throw invalid(`备份文件中的附件「${name}」未在清单中登记`, { entry: name });
      if (e.size !== bytes) throw invalid(`备份中的附件「${name}」大小 ${e.size} 字节，与清单登记的 ${bytes} 字节不符`, { entry: name });
    }
    if (!reader.entries.has(DB_ENTRY)) throw invalid(`备份文件中缺少数据库 ${DB_ENTRY}`);
    for (const name of listed.keys()) if (!reader.entries.has(name)) throw invalid(`清单登记的附件「${name}」不在备份文件中`, { entry: name });
    return { reader, manifest };
  } catch (e) {
    reader.close();
    throw e;
  }
}

/** Inflates one entry to `dest` (or only reads it), checking its SHA-256 against `sha`. */
function extractEntry(reader: ZipReader, name: string, sha: string, dest: string | null, what: string): void {
  const h = createHash('sha256');
  const fd = dest ? openSync(dest, 'w') : -1;
  try {
    reader.stream(name, (b) => {
      h.update(b);
      if (fd >= 0) {
        let off = 0;
        while (off < b.length) off += writeSync(fd, b, off);
      }
    });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  const got = h.digest('hex');
  if (got !== sha) throw invalid(`${what}的内容与登记的 SHA-256 不符（应为 ${sha.slice(0, 12)}…，实为 ${got.slice(0, 12)}…），文件被改动或损坏`, { entry: name });
}

export interface CheckedBackup {
  format: 'archive' | 'sqlite';
  version: number;
  /** Attachments the backup carries (0 for the old format). */
  attachments: number;
  /** Attachments named by the ledger in the backup but missing from it (recorded when it was made). */
  missingAttachments: number;
  anchor: AuditAnchor | null;
  office: BackupManifest['office'];
}

/**
 * Checks a backup of either format completely, throwing BACKUP_INVALID naming the problem. With `stage`, the
 * database goes to stage.dir/ledger.sqlite and each attachment not already good in stage.attachmentsDir to
 * stage.dir/attachments/; without, everything is only read (the database to a temporary file for integrity_check).
 */
export function inspectBackup(file: string, stage?: { dir: string; attachmentsDir: string }): CheckedBackup & { staged: string[] } {
  try {
    return inspect(file, stage);
  } catch (e) {
    if (e instanceof AppError && e.code !== 'BACKUP_INVALID') {
      // The zip reader's refusals (unsafe name, oversized, damaged entry) keep their words, under one code.
      throw invalid(e.message.replace(/。?未写入任何数据。$/, ''), { cause: e.code, ...(e.details as Record<string, unknown> | undefined) });
    }
    throw e;
  }
}

function inspect(file: string, stage?: { dir: string; attachmentsDir: string }): CheckedBackup & { staged: string[] } {
  if (!existsSync(file) || !statSync(file).isFile()) throw invalid(`文件不存在：${file}`);
  const head = leadingBytes(file, 16);
  if (head.toString('latin1') === 'SQLite format 3\u0000') {
    const c = checkSqliteFile(file);
    if (!c.ok) throw invalid(c.message);
    const facts = snapshotFacts(file);
    return { format: 'sqlite', version: c.version, attachments: 0, missingAttachments: 0, anchor: facts.anchor, office: facts.office, staged: [] };
  }
  if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) throw invalid('不是县域产业台账的备份文件（既不是 .cxbak 备份，也不是 SQLite 数据文件）');
  const { reader, manifest } = readArchive(file);
  const own = stage ? null : mkdtempSync(join(tmpdir(), 'ledger-backup-check-'));
  try {
    const dbFile = join(stage?.dir ?? own!, DB_ENTRY);
    extractEntry(reader, DB_ENTRY, manifest.database.sha256, dbFile, `备份中的数据库 ${DB_ENTRY} `);
    const c = checkSqliteFile(dbFile);
    if (!c.ok) throw invalid(`备份中的数据库 ${DB_ENTRY}：${c.message}`, { entry: DB_ENTRY });
    const staged: string[] = [];
    if (stage) mkdirSync(join(stage.dir, 'attachments'), { recursive: true });
    for (const a of manifest.attachments) {
      const name = `attachments/${a.sha256}`;
      const have = stage ? join(stage.attachmentsDir, a.sha256) : null;
      // Content-addressed: a file already there that hashes to its name is this very attachment.
      const needed = stage !== undefined && !(existsSync(have!) && hashFile(have!) === a.sha256);
      extractEntry(reader, name, a.sha256, needed ? join(stage!.dir, name) : null, `备份中的附件「${name}」`);
      if (needed) staged.push(a.sha256);
    }
    return {
      format: 'archive', version: c.version, attachments: manifest.attachments.length, missingAttachments: manifest.missing_attachments.length,
      anchor: manifest.audit_anchor, office: manifest.office, staged,
    };
  } finally {
    reader.close();
    if (own) rmSync(own, { recursive: true, force: true });
  }
}

export function checkBackupFile(file: string): ({ ok: true } & CheckedBackup) | { ok: false; message: string; details?: unknown } {
  try {
    const { staged: _s, ...c } = inspectBackup(file);
    return { ok: true, ...c };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, message: e.message, details: e.details };
    return { ok: false, message: `无法读取：${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The newest backup that passes every check, offered when the ledger itself is corrupt. */
export function latestGoodBackup(dataDir: string): BackupInfo | null {
  for (const b of listBackups(dataDir)) if (checkBackupFile(b.file).ok) return b;
  return null;
}

export interface RestoreResult {
  keptAs: string | null;
  format: 'archive' | 'sqlite';
  /** Attachments the backup carries, and how many of them were not (intact) in the attachments folder. */
  attachments: number;
  attachmentsRestored: number;
  /** In Chinese, for the user: what this restore did about attachments. */
  note: string;
}

/**
 * Replace the (closed) ledger file by a checked backup. Everything is staged and checked in the data folder
 * first; a refusal leaves the ledger and the attachments folder as they were. Then the current file is kept
 * beside it (so even a wrong restore loses nothing), the attachments are moved in (never removed: files the
 * current ledger names stay for the kept copy), and the database is renamed into place last.
 */
export function restoreFile(ledgerFile: string, backupFile: string, clock: Clock): RestoreResult {
  const dataDir = dirname(ledgerFile);
  const attachmentsDir = join(dataDir, 'attachments');
  mkdirSync(dataDir, { recursive: true });
  const stage = mkdtempSync(join(dataDir, '.restoring-'));
  try {
    let checked: ReturnType<typeof inspectBackup>;
    try {
      checked = inspectBackup(backupFile, { dir: stage, attachmentsDir });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      throw new AppError('BACKUP_INVALID', `不能用此备份恢复（${basename(backupFile)}）：${e.message}。当前台账未做任何改动。`, {
        file: backupFile, ...(e.details as Record<string, unknown> | undefined),
      });
    }
    let keptAs: string | null = null;
    if (existsSync(ledgerFile)) {
      const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
      keptAs = join(dataDir, 'backups', `before-restore-${stamp}.sqlite`);
      mkdirSync(dirname(keptAs), { recursive: true });
      copyFileSync(ledgerFile, keptAs);
    }
    if (checked.staged.length) mkdirSync(attachmentsDir, { recursive: true });
    for (const sha of checked.staged) renameSync(join(stage, 'attachments', sha), join(attachmentsDir, sha));
    const tmp = `${ledgerFile}.restoring`;
    if (checked.format === 'archive') renameSync(join(stage, DB_ENTRY), tmp);
    else copyFileSync(backupFile, tmp);
    for (const ext of ['-wal', '-shm']) rmSync(`${ledgerFile}${ext}`, { force: true });
    renameSync(tmp, ledgerFile);
    const note = checked.format === 'sqlite'
      ? '此备份为旧格式（只有数据库文件），不含申请材料附件：附件文件夹保持原样，缺少的附件需从其他备份或原件补回'
      : `备份含附件 ${checked.attachments} 份，已补回 ${checked.staged.length} 份（其余已在附件文件夹中且校验一致）${checked.missingAttachments ? `；备份时有 ${checked.missingAttachments} 份附件的文件已缺失，未能备份` : ''}`;
    return { keptAs, format: checked.format, attachments: checked.attachments, attachmentsRestored: checked.staged.length, note };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The audit head a backup recorded (only the manifest is read: an anchor is a claim, checked against the chain). */
export function backupAnchor(file: string): { anchor: AuditAnchor | null; office: BackupManifest['office']; created_at: string | null } {
  if (!existsSync(file) || !statSync(file).isFile()) throw invalid(`文件不存在：${file}`);
  const head = leadingBytes(file, 16);
  if (head.toString('latin1') === 'SQLite format 3\u0000') {
    const c = checkSqliteFile(file);
    if (!c.ok) throw invalid(c.message);
    const facts = snapshotFacts(file);
    return { anchor: facts.anchor, office: facts.office, created_at: null };
  }
  if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) throw invalid('不是县域产业台账的备份文件或交换包');
  const { reader, manifest } = readArchive(file);
  reader.close();
  return { anchor: manifest.audit_anchor, office: manifest.office, created_at: manifest.created_at };
}
