// Streaming zip for packages, synchronous so that an import can read inside one SQLite transaction.
// Writing uses fflate's streaming Zip; reading goes through the central directory with our own checks (no
// zip64, no `..` or absolute names, no duplicate names, inflated size capped and compared with the declared one).
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Inflate, Zip, ZipDeflate } from 'fflate';
import { AppError } from '../result.js';

const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export class ZipWriter {
  private zip: Zip;
  private fd: number;
  private error: Error | null = null;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
    this.zip = new Zip((err, chunk) => {
      if (err) this.error = err;
      else writeSync(this.fd, chunk);
    });
  }
  /** Starts an entry; push() chunks then end(). Entries are written one after another. */
  entry(name: string): { push(b: Uint8Array): void; end(): void } {
    const f = new ZipDeflate(name, { level: 6 });
    f.mtime = FIXED_MTIME;
    this.zip.add(f);
    return {
      push: (b) => f.push(b, false),
      end: () => f.push(new Uint8Array(0), true),
    };
  }
  close(): void {
    try {
      this.zip.end();
      if (this.error) throw this.error;
    } finally {
      closeSync(this.fd);
    }
  }
}

export interface ZipEntry {
  name: string;
  crc: number;
  method: number;
  compressedSize: number;
  size: number;
  dataOffset: number;
}

export interface ReadLimits {
  /** Largest inflated size of one entry (zip-bomb guard). */
  maxEntryBytes: number;
  maxEntries: number;
  /** What the file is called in messages (交换包 unless a backup reads it). */
  what?: string;
}
export const DEFAULT_LIMITS: ReadLimits = { maxEntryBytes: 2 * 1024 ** 3 - 1, maxEntries: 100_000 };

const badFile = (what: string) => (msg: string, details?: unknown) => new AppError('BAD_PACKAGE', `${what}无效：${msg}。未写入任何数据。`, details);

export function safeEntryName(name: string): boolean {
  if (name === '' || name.length > 512) return false;
  if (name.includes('\\') || name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return false;
  return !name.split('/').some((seg) => seg === '..' || seg === '.' || seg === '');
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  readonly fileSize: number;
  private fd = -1;
  private what: string;
  private bad: ReturnType<typeof badFile>;
  constructor(file: string, private limits: ReadLimits = DEFAULT_LIMITS) {
    this.what = limits.what ?? '交换包';
    this.bad = badFile(this.what);
    try {
      this.fd = openSync(file, 'r');
    } catch {
      throw new AppError('FILE_NOT_FOUND', `文件不存在或无法读取：${file}`);
    }
    try {
      this.fileSize = fstatSync(this.fd).size;
      if (this.fileSize === 0) throw new AppError('EMPTY_FILE', `文件是空的（0 字节），不是${this.what}。未写入任何数据。`);
      const head = this.read(0, Math.min(4, this.fileSize));
      if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) {
        throw new AppError('NOT_PACKAGE', '此文件不是县域产业台账交换包（.cxpkg 应为 zip 格式）。未写入任何数据。');
      }
      this.readDirectory();
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  private read(pos: number, len: number): Buffer {
    const b = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, b, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return got === len ? b : b.subarray(0, got);
  }

  private readDirectory(): void {
    const tailLen = Math.min(this.fileSize, 22 + 65535);
    const tail = this.read(this.fileSize - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw this.bad('文件不完整（缺少 zip 目录，可能被截断）');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw this.bad('不支持 zip64 格式');
    if (count > this.limits.maxEntries) throw this.bad(`文件条目过多（${count}）`);
    if (cdOffset + cdSize > this.fileSize - tailLen + eocd) throw this.bad('文件不完整（zip 目录越界，可能被截断）');
    const cd = this.read(cdOffset, cdSize);
    let p = 0;
    // Every byte before the directory must belong to an entry: entries are contiguous from offset 0.
    let expectedOffset = 0;
    for (let i = 0; i < count; i++) {
      const e0 = p;
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw this.bad('zip 目录损坏');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const size = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      p += 46 + nameLen + extraLen + commentLen;
      if (!safeEntryName(name)) throw new AppError('UNSAFE_ENTRY', `${this.what}中有不安全的文件名「${name}」（含 .. 或绝对路径），已拒绝。未写入任何数据。`, { name });
      if (this.entries.has(name)) throw this.bad(`文件「${name}」重复出现`);
      if (flags & 1) throw this.bad(`文件「${name}」使用了 zip 加密（不支持）`);
      if (method !== 0 && method !== 8) throw this.bad(`文件「${name}」的压缩方式不支持（${method}）`);
      if (size > this.limits.maxEntryBytes) {
        throw new AppError('ENTRY_TOO_LARGE', `${this.what}中的文件「${name}」解压后 ${size} 字节，超过上限 ${this.limits.maxEntryBytes} 字节，已拒绝。未写入任何数据。`, { name });
      }
      const cdHead = cd.subarray(e0 + 6, e0 + 16);
      if (localOffset !== expectedOffset) throw this.bad(`文件「${name}」的位置与 zip 目录不符（文件被改动）`);
      const lh = this.read(localOffset, 30);
      if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) throw this.bad(`文件「${name}」的本地头损坏`);
      const lNameLen = lh.readUInt16LE(26);
      const lName = this.read(localOffset + 30, lNameLen);
      // The local header must say what the directory says (version, flags, method, time, name, sizes).
      if (!lh.subarray(4, 14).equals(cdHead) || !lName.equals(Buffer.from(name, 'utf8'))) throw this.bad(`文件「${name}」的本地头与 zip 目录不符（文件被改动）`);
      const descriptor = (flags & 8) !== 0;
      const lCrc = lh.readUInt32LE(14);
      const lSizes = [lh.readUInt32LE(18), lh.readUInt32LE(22)];
      const exact = lCrc === crc && lSizes[0] === compressedSize && lSizes[1] === size;
      const sizesOk = exact || (descriptor && lCrc === 0 && lSizes[0] === 0 && lSizes[1] === 0);
      if (!sizesOk) throw this.bad(`文件「${name}」的本地头与 zip 目录不符（文件被改动）`);
      const dataOffset = localOffset + 30 + lNameLen + lh.readUInt16LE(28);
      if (dataOffset + compressedSize > cdOffset) throw this.bad(`文件「${name}」越界`);
      let end = dataOffset + compressedSize;
      if (descriptor) {
        const dd = this.read(end, 16);
        const off = dd.length >= 4 && dd.readUInt32LE(0) === 0x08074b50 ? 4 : 0;
        if (dd.length < off + 12 || dd.readUInt32LE(off) !== crc || dd.readUInt32LE(off + 4) !== compressedSize || dd.readUInt32LE(off + 8) !== size) {
          throw this.bad(`文件「${name}」的数据描述与 zip 目录不符（文件被改动）`);
        }
        end += off + 12;
      }
      expectedOffset = end;
      this.entries.set(name, { name, crc, method, compressedSize, size, dataOffset });
    }
    if (expectedOffset !== cdOffset) throw this.bad('zip 目录前有未登记的数据（文件被改动）');
    if (p !== cd.length) throw this.bad('zip 目录长度不符（文件被改动）');
  }

  /**
   * The inflated bytes of one entry, chunk by chunk (a generator, so a reader can pause between chunks); refuses
   * one that inflates past its declared size or the cap. Returns the size once the entry is read and checked.
   */
  *chunks(name: string): Generator<Uint8Array, number, undefined> {
    const e = this.entries.get(name);
    if (!e) throw this.bad(`缺少文件「${name}」`);
    let out = 0;
    let crc = 0;
    const cap = Math.min(e.size, this.limits.maxEntryBytes);
    const ready: Uint8Array[] = [];
    const emit = (b: Uint8Array) => {
      out += b.length;
      if (out > cap) {
        throw out > this.limits.maxEntryBytes
          ? new AppError('ENTRY_TOO_LARGE', `${this.what}中的文件「${name}」解压后超过上限 ${this.limits.maxEntryBytes} 字节（疑似压缩炸弹），已拒绝。未写入任何数据。`, { name })
          : this.bad(`文件「${name}」解压后超过登记的大小 ${e.size} 字节`);
      }
      if (b.length) {
        crc = crc32(b, crc);
        ready.push(b);
      }
    };
    const inflater = e.method === 8 ? new Inflate((chunk) => emit(chunk)) : null;
    // Only reading and inflating are wrapped: the consumer's own errors never pass through here.
    const guarded = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw this.bad(`文件「${name}」解压失败（数据损坏：${err instanceof Error ? err.message : String(err)}）`);
      }
    };
    const CH = 1 << 16; // 64 KB compressed: a few hundred KB inflated per chunk, so a reader can pause often
    for (let pos = 0; pos < e.compressedSize; pos += CH) {
      guarded(() => {
        const len = Math.min(CH, e.compressedSize - pos);
        const buf = this.read(e.dataOffset + pos, len);
        if (buf.length < len) throw this.bad('文件不完整（可能被截断）');
        const last = pos + len >= e.compressedSize;
        if (inflater) inflater.push(buf, last);
        else emit(buf);
      });
      yield* ready.splice(0);
    }
    if (inflater && e.compressedSize === 0) {
      guarded(() => inflater.push(new Uint8Array(0), true));
      yield* ready.splice(0);
    }
    if (out !== e.size) throw this.bad(`文件「${name}」解压后 ${out} 字节，与登记的 ${e.size} 字节不符（数据损坏）`);
    if (crc >>> 0 !== e.crc) throw this.bad(`文件「${name}」的 CRC 校验不符（数据损坏）`);
    return out;
  }

  /** Streams the inflated bytes of one entry to `onChunk` (see chunks). */
  stream(name: string, onChunk: (b: Uint8Array) => void): number {
    const it = this.chunks(name);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      onChunk(r.value);
    }
  }

  readAll(name: string, max: number): Buffer {
    const e = this.entries.get(name);
    if (!e) throw this.bad(`缺少文件「${name}」`);
    if (e.size > max) throw this.bad(`文件「${name}」过大`);
    const parts: Uint8Array[] = [];
    this.stream(name, (b) => parts.push(b));
    return Buffer.concat(parts);
  }

  close(): void {
    closeSync(this.fd);
  }
}
