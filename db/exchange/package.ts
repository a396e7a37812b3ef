// The .cxpkg container (docs/exchange-format.md): manifest.json, manifest.sig, sender.pub and the parts the
// manifest lists with their SHA-256. Parts are written and read as streams; nothing holds a whole package.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync, type Hash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../result.js';
import { ZipReader, ZipWriter, DEFAULT_LIMITS, type ReadLimits } from './zip.js';
import { fingerprintOf, parsePublicKey, signBytes, verifyBytes, type OfficeKey } from './keys.js';
import { auditAnchorSchema } from '../audit/audit.js';

export const FORMAT = 'county-ledger-exchange';
/** Released format versions; every one keeps a fixture in tests/fixtures/exchange/. */
export const FORMAT_VERSION = 1;

export const KINDS = ['report', 'receipt', 'return', 'rules', 'checkout', 'checkin', 'backup'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_LABEL: Record<Kind, string> = {
  report: '上报', receipt: '回执', return: '退回', rules: '下发', checkout: '外勤领出', checkin: '外勤交回', backup: '完整备份',
};

const level = z.enum(['county', 'city', 'province']);
const partSchema = z.object({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  table: z.string().optional(),
  records: z.number().int().nonnegative().optional(),
  iv: z.string().optional(),
  tag: z.string().optional(),
});
export type Part = z.infer<typeof partSchema>;

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  format_version: z.number().int().positive(),
  app: z.object({ name: z.string(), version: z.string() }),
  schema_version: z.number().int().positive(),
  package_id: z.string().min(1).max(64),
  kind: z.enum(KINDS),
  period: z.string().max(20).nullable(),
  sender: z.object({ office_code: z.string().regex(/^\d{6}$/), level, name: z.string().max(100), fingerprint: z.string() }),
  receiver: z.object({ office_code: z.string().regex(/^\d{6}$/), level: level.nullable(), name: z.string().max(100).nullable() }),
  created_at: z.string(),
  sequence: z.number().int().positive(),
  // scrypt's cost is the sender's to choose, within what an office PC derives in a moment (a hostile N would hang it).
  encryption: z.object({
    alg: z.literal('AES-256-GCM'), kdf: z.literal('scrypt'), salt: z.string().max(64),
    N: z.number().int().refine((n) => n >= 1024 && n <= 1 << 20 && (n & (n - 1)) === 0, '应为 1024～1048576 之间的 2 的幂'),
    r: z.number().int().min(1).max(16), p: z.number().int().min(1).max(4),
  }).nullable(),
  tables: z.record(z.string(), z.number().int().nonnegative()),
  parts: z.array(partSchema).max(100_000),
  scope: z.record(z.string(), z.string()).optional(),
  refers_to: z.string().nullable().optional(),
  /** The sender's audit chain head when the package was made (optional: format 1 readers ignore it). */
  audit_anchor: auditAnchorSchema.optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

const SCRYPT = { N: 16384, r: 8, p: 1 };
export function deriveKey(passphrase: string, saltB64: string, p = SCRYPT): Buffer {
  try {
    return scryptSync(passphrase.normalize('NFC'), Buffer.from(saltB64, 'base64'), 32, { N: p.N, r: p.r, p: p.p, maxmem: 64 * 1024 * 1024 });
  } catch {
    throw new AppError('BAD_PACKAGE', `交换包的加密参数（scrypt N=${p.N}, r=${p.r}, p=${p.p}）超出本程序允许的范围。未写入任何数据。`);
  }
}

/** Writes parts one after another; finish() adds the signed manifest. */
export class PackageWriter {
  private zip: ZipWriter;
  readonly parts: Part[] = [];
  private key: Buffer | null = null;
  readonly encryption: Manifest['encryption'];
  /** SHA-256 of the manifest bytes, known after finish(). */
  manifestSha256 = '';
  constructor(file: string, passphrase: string | null) {
    this.zip = new ZipWriter(file);
    if (passphrase) {
      const salt = randomBytes(16).toString('base64');
      this.encryption = { alg: 'AES-256-GCM', kdf: 'scrypt', salt, ...SCRYPT };
      this.key = deriveKey(passphrase, salt);
    } else {
      this.encryption = null;
    }
  }

  /** A streamed part: write() text or bytes, then end(). Buffers ~256 KB before compressing. */
  part(path: string, extra: { table?: string } = {}) {
    const entry = this.zip.entry(path);
    const hash = createHash('sha256');
    let bytes = 0;
    let records = 0;
    const iv = this.key ? randomBytes(12) : null;
    const cipher = this.key && iv ? createCipheriv('aes-256-gcm', this.key, iv) : null;
    let pending: string[] = [];
    let pendingLen = 0;
    const out = (b: Buffer) => {
      const stored = cipher ? cipher.update(b) : b;
      if (stored.length) {
        hash.update(stored);
        bytes += stored.length;
        entry.push(stored);
      }
    };
    const flush = () => {
      if (pending.length) out(Buffer.from(pending.join(''), 'utf8'));
      pending = [];
      pendingLen = 0;
    };
    return {
      line: (text: string) => {
        records++;
        pending.push(text);
        pendingLen += text.length;
        if (pendingLen > 256 * 1024) flush();
      },
      bytes: (b: Buffer) => {
        flush();
        out(b);
      },
      end: (): Part => {
        flush();
        let tag: string | undefined;
        if (cipher) {
          const fin = cipher.final();
          if (fin.length) {
            hash.update(fin);
            bytes += fin.length;
            entry.push(fin);
          }
          tag = cipher.getAuthTag().toString('base64');
        }
        entry.end();
        const p: Part = { path, sha256: hash.digest('hex'), bytes, ...(extra.table ? { table: extra.table, records } : {}) };
        if (iv) Object.assign(p, { iv: iv.toString('base64'), tag });
        this.parts.push(p);
        return p;
      },
    };
  }

  finish(manifest: Omit<Manifest, 'parts' | 'encryption'>, key: OfficeKey): Manifest {
    const full: Manifest = { ...manifest, encryption: this.encryption, parts: this.parts };
    const bytes = Buffer.from(JSON.stringify(full, null, 1), 'utf8');
    this.manifestSha256 = createHash('sha256').update(bytes).digest('hex');
    for (const [name, data] of [
      ['manifest.json', bytes],
      ['manifest.sig', Buffer.from(`${signBytes(key, bytes)}\n`)],
      ['sender.pub', Buffer.from(key.publicKeyPem)],
    ] as const) {
      const e = this.zip.entry(name);
      e.push(data);
      e.end();
    }
    this.zip.close();
    return full;
  }

  abort(): void {
    try {
      this.zip.close();
    } catch {
      /* the caller removes the partial file */
    }
  }
}

const refuse = (code: string, msg: string, details?: unknown) => new AppError(code, `${msg}。未写入任何数据。`, details);
const FIXED_ENTRIES = ['manifest.json', 'manifest.sig', 'sender.pub'];

export interface OpenPackage {
  reader: ZipReader;
  manifest: Manifest;
  manifestSha256: string;
  publicKeyPem: string;
  fingerprint: string;
  close(): void;
}

/** Opens a package and checks everything but the part contents: structure, format version, signature, entry set. */
export function openPackage(file: string, limits: ReadLimits = DEFAULT_LIMITS): OpenPackage {
  const reader = new ZipReader(file, limits);
  try {
    if (!reader.entries.has('manifest.json')) throw refuse('NOT_PACKAGE', '此 zip 文件不是交换包（缺少 manifest.json）');
    const bytes = reader.readAll('manifest.json', 16 * 1024 * 1024);
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw refuse('BAD_PACKAGE', '交换包无效：manifest.json 不是有效的 JSON');
    }
    const head = raw as { format?: unknown; format_version?: unknown };
    if (head?.format !== FORMAT) throw refuse('NOT_PACKAGE', '此 zip 文件不是县域产业台账交换包（格式标识不符）');
    if (typeof head.format_version === 'number' && head.format_version > FORMAT_VERSION) {
      throw refuse('FORMAT_TOO_NEW', `交换包由更新版本的程序生成（格式版本 ${head.format_version}，本程序支持到 ${FORMAT_VERSION}），请升级程序后再导入`, { format_version: head.format_version });
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw refuse('BAD_PACKAGE', `交换包无效：manifest.json 的「${i.path.join('.')}」${i.message}`);
    }
    const manifest = parsed.data;
    if (!reader.entries.has('manifest.sig') || !reader.entries.has('sender.pub')) throw refuse('BAD_SIGNATURE', '交换包没有签名或发送单位公钥');
    const publicKeyPem = reader.readAll('sender.pub', 4096).toString('utf8');
    const pub = parsePublicKey(publicKeyPem);
    const fingerprint = fingerprintOf(publicKeyPem);
    if (fingerprint !== manifest.sender.fingerprint) throw refuse('BAD_SIGNATURE', '交换包的公钥与清单中登记的指纹不符');
    const sig = reader.readAll('manifest.sig', 4096).toString('utf8');
    if (!verifyBytes(pub, bytes, sig)) throw refuse('BAD_SIGNATURE', '交换包签名校验失败：清单（manifest.json）被改动或签名不属于该公钥');
    const listed = new Set(manifest.parts.map((p) => p.path));
    if (listed.size !== manifest.parts.length) throw refuse('BAD_PACKAGE', '交换包无效：清单中的文件重复');
    for (const name of reader.entries.keys()) {
      if (!listed.has(name) && !FIXED_ENTRIES.includes(name)) throw refuse('BAD_PACKAGE', `交换包无效：文件「${name}」未在清单中登记`);
    }
    for (const p of manifest.parts) {
      if (FIXED_ENTRIES.includes(p.path)) throw refuse('BAD_PACKAGE', `交换包无效：清单登记了保留文件名「${p.path}」`);
      if (!reader.entries.has(p.path)) throw refuse('BAD_PACKAGE', `交换包无效：清单中的文件「${p.path}」缺失`);
      if (reader.entries.get(p.path)!.size !== p.bytes) throw refuse('HASH_MISMATCH', `交换包无效：文件「${p.path}」的大小与清单不符`, { part: p.path });
    }
    for (const [t, n] of Object.entries(manifest.tables)) {
      const part = manifest.parts.find((p) => p.table === t);
      if ((part?.records ?? 0) !== n) throw refuse('COUNT_MISMATCH', `交换包无效：清单中表「${t}」的记录数 ${n} 与数据文件登记的 ${part?.records ?? 0} 不符`, { table: t });
    }
    const manifestSha256 = createHash('sha256').update(bytes).digest('hex');
    return { reader, manifest, manifestSha256, publicKeyPem, fingerprint, close: () => reader.close() };
  } catch (e) {
    reader.close();
    throw e;
  }
}

/**
 * One part's plaintext, chunk by chunk, checking its SHA-256 (over the stored bytes) and, if encrypted, the GCM
 * tag. Both are only known at the end: callers that write must do so inside a transaction.
 */
export function* partChunks(pkg: OpenPackage, part: Part, key: Buffer | null): Generator<Uint8Array, void, undefined> {
  const hash: Hash = createHash('sha256');
  const decipher = part.iv ? (key ? createDecipheriv('aes-256-gcm', key, Buffer.from(part.iv, 'base64')) : null) : null;
  if (part.iv && !decipher) throw refuse('NEEDS_PASSPHRASE', '交换包已加密，请输入发送单位告知的口令');
  if (decipher) decipher.setAuthTag(Buffer.from(part.tag ?? '', 'base64'));
  for (const b of pkg.reader.chunks(part.path)) {
    hash.update(b);
    yield decipher ? decipher.update(b) : b;
  }
  if (hash.digest('hex') !== part.sha256) throw refuse('HASH_MISMATCH', `交换包被改动或损坏：文件「${part.path}」的 SHA-256 与清单不符`, { part: part.path });
  if (decipher) {
    let fin: Buffer;
    try {
      fin = decipher.final();
    } catch {
      throw refuse('BAD_PASSPHRASE', '解密口令不正确（也可能是加密数据被改动）：请向发送单位核对口令后重新输入');
    }
    if (fin.length) yield fin;
  }
}

/** partChunks to a callback; hashOnly checks the stored bytes' hash without decrypting. */
export function streamPart(pkg: OpenPackage, part: Part, key: Buffer | null, onChunk: (b: Uint8Array) => void, hashOnly = false): void {
  if (hashOnly) {
    const hash: Hash = createHash('sha256');
    pkg.reader.stream(part.path, (b) => hash.update(b));
    if (hash.digest('hex') !== part.sha256) throw refuse('HASH_MISMATCH', `交换包被改动或损坏：文件「${part.path}」的 SHA-256 与清单不符`, { part: part.path });
    return;
  }
  for (const b of partChunks(pkg, part, key)) onChunk(b);
}

/** NDJSON lines of a part (a generator, so an import can pause between chunks), counted against the manifest. */
export function* partLines(pkg: OpenPackage, part: Part, key: Buffer | null): Generator<string, number, undefined> {
  const dec = new TextDecoder('utf-8', { fatal: true });
  const decode = (b?: Uint8Array): string => {
    try {
      return b ? dec.decode(b, { stream: true }) : dec.decode();
    } catch {
      throw refuse('BAD_PACKAGE', `交换包无效：文件「${part.path}」不是 UTF-8 文本`);
    }
  };
  let rest = '';
  let n = 0;
  const lines: string[] = [];
  const take = (text: string) => {
    rest += text;
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i);
      rest = rest.slice(i + 1);
      if (line.length) {
        n++;
        lines.push(line);
      }
    }
    if (rest.length > 64 * 1024 * 1024) throw refuse('BAD_PACKAGE', `交换包无效：文件「${part.path}」中有过长的行`);
  };
  // Encrypted: check the GCM tag in a first pass, so a wrong passphrase is named as such, not as bad data.
  if (part.iv) streamPart(pkg, part, key, () => {});
  for (const b of partChunks(pkg, part, key)) {
    take(decode(b));
    yield* lines.splice(0);
  }
  take(decode());
  yield* lines.splice(0);
  if (rest.trim().length) throw refuse('BAD_PACKAGE', `交换包无效：文件「${part.path}」的最后一行不完整`);
  if (part.records !== undefined && n !== part.records) {
    throw refuse('COUNT_MISMATCH', `交换包无效：文件「${part.path}」有 ${n} 条记录，清单登记为 ${part.records} 条`, { part: part.path });
  }
  return n;
}

/** partLines to a callback; returns the number of lines. */
export function streamLines(pkg: OpenPackage, part: Part, key: Buffer | null, onLine: (line: string) => void): number {
  const it = partLines(pkg, part, key);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    onLine(r.value);
  }
}

export function keyFor(m: Manifest, passphrase: string | null | undefined): Buffer | null {
  if (!m.encryption) return null;
  if (!passphrase) throw refuse('NEEDS_PASSPHRASE', '交换包已加密（AES-256-GCM），请输入发送单位告知的口令');
  return deriveKey(passphrase, m.encryption.salt, m.encryption);
}

export { DEFAULT_LIMITS, type ReadLimits };
