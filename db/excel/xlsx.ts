// A lean .xlsx reader for imports: the zip's central directory is read directly, the small parts
// (workbook, relationships, shared strings, styles) are inflated whole, and the first worksheet is inflated
// in slices and scanned as byte chunks, so a 20 MB file never sits in memory inflated whole.
// Only what an import needs: cell values of the sheet a person sees (chooseSheet), dates told by their number format.
import { createInflateRaw, inflateRawSync } from 'node:zlib';

export type XCell = string | number | boolean | Date | null;

// ---------------------------------------------------------------------------------------------- zip

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** Inflated size as the directory states it (what a progress estimate may use, never a limit). */
  size: number;
  /** Offset of the local file header. */
  offset: number;
}

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 0x1_0000_0000;

/** Entries by lower-cased name (OPC part names are case-insensitive). */
function zipDirectory(b: Uint8Array): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = b.length - 22, stop = Math.max(0, b.length - 22 - 0xffff); i >= stop; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('找不到 zip 目录');
  let count = u16(b, eocd + 10);
  let cd = u32(b, eocd + 16);
  if ((count === 0xffff || cd === 0xffffffff) && eocd >= 20 && u32(b, eocd - 20) === 0x07064b50) {
    const z = u64(b, eocd - 12); // zip64 end of central directory record
    if (u32(b, z) === 0x06064b50) {
      count = u64(b, z + 32);
      cd = u64(b, z + 48);
    }
  }
  const map = new Map<string, ZipEntry>();
  const dec = new TextDecoder();
  for (let k = 0, p = cd; k < count; k++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) throw new Error('zip 目录已损坏');
    const method = u16(b, p + 10);
    let compressedSize = u32(b, p + 20);
    const uncompressed = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    let offset = u32(b, p + 42);
    let size = uncompressed;
    const name = dec.decode(b.subarray(p + 46, p + 46 + nameLen)).replace(/\\/g, '/').replace(/^\//, '');
    if (compressedSize === 0xffffffff || uncompressed === 0xffffffff || offset === 0xffffffff) {
      for (let e = p + 46 + nameLen, end = e + extraLen; e + 4 <= end; e += 4 + u16(b, e + 2)) {
        if (u16(b, e) !== 1) continue;
        let q = e + 4;
        if (uncompressed === 0xffffffff) (size = u64(b, q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(b, q)), (q += 8);
        if (offset === 0xffffffff) offset = u64(b, q);
        break;
      }
    }
    map.set(name.toLowerCase(), { name, method, compressedSize, size, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return map;
}

function entryData(b: Uint8Array, e: ZipEntry): Uint8Array {
  if (u32(b, e.offset) !== 0x04034b50) throw new Error(`zip 条目 ${e.name} 已损坏`);
  const start = e.offset + 30 + u16(b, e.offset + 26) + u16(b, e.offset + 28);
  if (start + e.compressedSize > b.length) throw new Error(`zip 条目 ${e.name} 不完整`);
  return b.subarray(start, start + e.compressedSize);
}

const utf8 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('utf8');

/**
 * How far any one zip part may inflate. Real workbooks' XML parts inflate 5 to 20 times (an Excel or exceljs sheet
 * of 50,000 rows: 12–18); a crafted part can inflate a thousand times (a 1.2 MB file whose shared strings made
 * 500 MB, read for 32 s in 1.8 GB). A part is cut off at `maxRatio` times its compressed size (never below
 * `floor`) and at an absolute size whatever its ratio, before that much is ever held: `maxBytes` for the worksheet,
 * which is streamed, `maxWholeBytes` for a part inflated whole (shared strings above all: 64 MB of them parsed
 * into 3.5 million short strings peaked at 440 MB; 200 MB of them at 1.2 GB). The largest real imports stay well
 * under both: 200,000 rows make a sheet of ~120 MB and shared strings of ~17 MB.
 */
export interface InflateLimits {
  maxBytes: number;
  maxWholeBytes: number;
  maxRatio: number;
  floor: number;
}

export const INFLATE_LIMITS: InflateLimits = { maxBytes: 200 * 1024 * 1024, maxWholeBytes: 64 * 1024 * 1024, maxRatio: 100, floor: 1024 * 1024 };

/** A part that would inflate past the limits (read.ts names the file and refuses it). */
export class InflateLimitError extends Error {
  constructor(
    readonly part: string,
    readonly compressedSize: number,
    readonly limit: number,
    /** Which bound: the part's inflated size, or its ratio to the compressed size. */
    readonly bound: 'size' | 'ratio',
  ) {
    super(`zip 条目 ${part} 解压后超过 ${limit} 字节`);
  }
}

/** `whole`: the part is inflated whole (not streamed), so the lower absolute bound applies. */
function inflateLimit(e: ZipEntry, l: InflateLimits, whole: boolean): { limit: number; bound: 'size' | 'ratio' } {
  const max = whole ? Math.min(l.maxBytes, l.maxWholeBytes) : l.maxBytes;
  const byRatio = e.compressedSize * l.maxRatio;
  if (byRatio <= l.floor) return { limit: Math.min(l.floor, max), bound: 'size' };
  return byRatio < max ? { limit: byRatio, bound: 'ratio' } : { limit: max, bound: 'size' };
}

/** Refuses a part whose directory already states more than the limit: nothing is inflated. */
function checkDeclared(e: ZipEntry, l: InflateLimits, whole: boolean): number {
  const { limit, bound } = inflateLimit(e, l, whole);
  if (e.size > limit || (e.method === 0 && e.compressedSize > limit)) throw new InflateLimitError(e.name, e.compressedSize, limit, bound);
  return limit;
}

function entryText(b: Uint8Array, e: ZipEntry, l: InflateLimits): string {
  const data = entryData(b, e);
  if (e.method !== 0 && e.method !== 8) throw new Error(`不支持的压缩方式 ${e.method}`);
  const limit = checkDeclared(e, l, true);
  if (e.method === 0) return utf8(data);
  try {
    // Stops inflating as soon as the output passes the limit (a directory may state any size it likes).
    return utf8(inflateRawSync(data, { maxOutputLength: limit }));
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateLimitError(e.name, e.compressedSize, limit, inflateLimit(e, l, true).bound);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------- text

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML character and entity references; unknown ones are kept as written. */
export function xmlText(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0) break;
    const name = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (name.charCodeAt(0) === 35) {
      const code = name.charCodeAt(1) === 120 || name.charCodeAt(1) === 88 ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff) rep = String.fromCodePoint(code);
    } else rep = ENTITY[name];
    if (rep !== undefined) {
      out += s.slice(last, amp) + rep;
      last = semi + 1;
    }
    amp = s.indexOf('&', rep !== undefined ? semi + 1 : amp + 1);
  }
  return out + s.slice(last);
}

/** Attributes of one start tag's text, by local name (prefixes dropped), values decoded. */
function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(tag); m; m = re.exec(tag)) {
    const k = m[1]!;
    const v = xmlText(m[2] ?? m[3] ?? '');
    out[k] = v;
    const c = k.indexOf(':');
    if (c >= 0 && k.slice(0, c) !== 'xmlns') out[k.slice(c + 1)] ??= v;
  }
  return out;
}

/** Start (or empty) tags with the given local name, with or without a namespace prefix. */
function* tags(xml: string, local: string): Generator<{ at: number; attrs: Record<string, string> }> {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) yield { at: m.index, attrs: attrs(m[1]!) };
}

// ---------------------------------------------------------------------------------------------- workbook parts

/** Resolves a relationship target against the folder of the part holding it ("xl/"). */
function resolvePart(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = (base + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

/**
 * Shared strings in order, trimmed, '' as null: the text of each <si>, rich-text runs joined, phonetic
 * guides (<rPh>) left out. One pass over the tags.
 */
export function parseSharedStrings(xml: string): Array<string | null> {
  const out: Array<string | null> = [];
  const n = xml.length;
  let text = '';
  let inSi = false;
  let inRph = false;
  let p = xml.indexOf('<');
  while (p >= 0 && p < n) {
    const c1 = xml.charCodeAt(p + 1);
    if (c1 === 63 || c1 === 33) {
      // <?xml ?>, <!-- -->
      const e = xml.indexOf(c1 === 63 ? '?>' : xml.startsWith('<!--', p) ? '-->' : '>', p + 2);
      p = e < 0 ? -1 : xml.indexOf('<', e);
      continue;
    }
    const close = c1 === 47;
    let i = close ? p + 2 : p + 1;
    let ns = i;
    for (; i < n; i++) {
      const c = xml.charCodeAt(i);
      if (c === 58) ns = i + 1;
      else if (c <= 32 || c === 47 || c === 62) break;
    }
    const len = i - ns;
    const gt = tagEnd(xml, i);
    if (gt < 0) break;
    const selfClose = xml.charCodeAt(gt - 1) === 47;
    const k0 = xml.charCodeAt(ns);
    if (len === 2 && k0 === 115 && xml.charCodeAt(ns + 1) === 105) {
      // si
      if (close || selfClose) {
        if (inSi || selfClose) {
          const tr = text.trim();
          out.push(tr === '' ? null : tr);
        }
        inSi = false;
      } else {
        inSi = true;
        inRph = false;
        text = '';
      }
    } else if (len === 3 && k0 === 114 && xml.charCodeAt(ns + 1) === 80 && xml.charCodeAt(ns + 2) === 104) {
      inRph = !close && !selfClose; // rPh
    } else if (len === 1 && k0 === 116 && !close && !selfClose && inSi && !inRph) {
      // <t>: text up to </t>, CDATA sections kept as written
      let q = gt + 1;
      for (;;) {
        const lt = xml.indexOf('<', q);
        if (lt < 0) {
          q = n;
          break;
        }
        if (lt > q) text += xmlText(xml.slice(q, lt));
        if (xml.startsWith('<![CDATA[', lt)) {
          const e = xml.indexOf(']]>', lt + 9);
          text += xml.slice(lt + 9, e < 0 ? n : e);
          q = e < 0 ? n : e + 3;
          continue;
        }
        q = lt;
        break;
      }
      p = q;
      continue;
    }
    p = xml.indexOf('<', gt + 1);
  }
  return out;
}

/** Index of the '>' ending the tag whose attributes start at `i` (quoted values may hold '>'), or -1. */
function tagEnd(xml: string, i: number): number {
  for (const n = xml.length; i < n; i++) {
    const c = xml.charCodeAt(i);
    if (c === 62) return i;
    if (c === 34 || c === 39) {
      const e = xml.indexOf(c === 34 ? '"' : "'", i + 1);
      if (e < 0) return -1;
      i = e;
    }
  }
  return -1;
}

const isNameChar = (c: number) => !(c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62 || Number.isNaN(c));

/** Index of the '<' of the next start tag with this local name at or after `from`, or -1. */
function findTag(xml: string, local: string, from: number): number {
  for (let i = xml.indexOf(local, from); i >= 0; i = xml.indexOf(local, i + 1)) {
    if (isNameChar(xml.charCodeAt(i + local.length))) continue;
    const before = xml.charCodeAt(i - 1);
    if (before === 60) return i - 1; // <t
    if (before === 58) {
      // <x:t
      let j = i - 2;
      while (j >= 0 && isNameChar(xml.charCodeAt(j)) && xml.charCodeAt(j) !== 60) j--;
      if (j >= 0 && xml.charCodeAt(j) === 60) return j;
    }
  }
  return -1;
}

/** Index of the '<' of the next end tag with this local name at or after `from`, or -1. */
function findEndTag(xml: string, local: string, from: number): number {
  for (let i = xml.indexOf(local, from); i >= 0; i = xml.indexOf(local, i + 1)) {
    const after = xml.charCodeAt(i + local.length);
    if (after !== 62 && after !== 32 && after !== 9 && after !== 10 && after !== 13) continue;
    const before = xml.charCodeAt(i - 1);
    if (before === 47 && xml.charCodeAt(i - 2) === 60) return i - 2;
    if (before === 58) {
      let j = i - 2;
      while (j >= 0 && isNameChar(xml.charCodeAt(j))) j--;
      if (j >= 1 && xml.charCodeAt(j) === 47 && xml.charCodeAt(j - 1) === 60) return j - 1;
    }
  }
  return -1;
}

/** Built-in number formats that show dates or times: 14–22, 45–47, and the CJK ones (27–36, 50–58). */
const BUILTIN_DATE = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A custom format shows a date or time if, outside quotes, brackets and escapes, it has y/m/d/h/s (or b, Buddhist year). */
export function isDateFormat(code: string): boolean {
  let s = code;
  if (/^\[(h|hh|m|mm|s|ss)\]/i.test(s)) return true; // elapsed time
  s = s.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/[\\_*]./g, '');
  return /[ymdhsb]/i.test(s.replace(/General/gi, '').replace(/AM\/PM|A\/P/gi, 'h'));
}

/** Per cellXfs index: whether numbers in that style are dates. */
export function parseDateStyles(xml: string): Uint8Array {
  const custom = new Map<number, string>();
  for (const t of tags(xml, 'numFmt')) custom.set(Number(t.attrs.numFmtId), t.attrs.formatCode ?? '');
  const start = findTag(xml, 'cellXfs', 0);
  if (start < 0) return new Uint8Array(0);
  const end = findEndTag(xml, 'cellXfs', start);
  const body = xml.slice(start, end < 0 ? xml.length : end);
  const flags: number[] = [];
  for (const t of tags(body, 'xf')) {
    const id = Number(t.attrs.numFmtId ?? 0);
    const code = custom.get(id);
    flags.push(code !== undefined ? (isDateFormat(code) ? 1 : 0) : BUILTIN_DATE.has(id) ? 1 : 0);
  }
  return Uint8Array.from(flags);
}

export interface Workbook {
  bytes: Uint8Array;
  /** The sheet to read (see chooseSheet), or null when the workbook has no visible worksheet. */
  sheet: ZipEntry | null;
  /** Its name on the tab, or null with it. */
  sheetName: string | null;
  /** Worksheets in tab order, hidden ones included (what a refusal may name). */
  sheets: Array<{ name: string; hidden: boolean }>;
  limits: InflateLimits;
  sharedStrings: Array<string | null>;
  dateStyles: Uint8Array;
  date1904: boolean;
}

export interface OpenOptions {
  /** The template's sheet name: read it when the workbook has a visible sheet of that name. */
  sheetName?: string;
  /** Tests make these small; the imports keep INFLATE_LIMITS. */
  limits?: InflateLimits;
}

const REL_NS = /\/(worksheet|sharedStrings|styles)$/;

/**
 * The sheet a person sees: the visible one named like the template's, else the first visible one in tab order.
 * A hidden sheet (state="hidden" or "veryHidden") is never read: a workbook with a hidden first sheet showed one
 * table and imported another.
 */
function chooseSheet<T extends { name: string; hidden: boolean }>(sheets: T[], preferred?: string): T | null {
  const visible = sheets.filter((s) => !s.hidden);
  const want = preferred?.trim();
  return (want ? visible.find((s) => s.name.trim() === want) : undefined) ?? visible[0] ?? null;
}

export function openWorkbook(bytes: Uint8Array, opts: OpenOptions = {}): Workbook {
  const dir = zipDirectory(bytes);
  const limits = opts.limits ?? INFLATE_LIMITS;
  const part = (name: string) => dir.get(name.toLowerCase());
  const text = (name: string) => {
    const e = part(name);
    return e ? entryText(bytes, e, limits) : null;
  };
  let wbPath = 'xl/workbook.xml';
  const root = text('_rels/.rels');
  if (root) {
    for (const t of tags(root, 'Relationship')) {
      if (/\/officeDocument$/.test(t.attrs.Type ?? '') && t.attrs.Target) wbPath = resolvePart('', t.attrs.Target);
    }
  }
  const wbXml = text(wbPath);
  if (wbXml === null) throw new Error(`缺少 ${wbPath}`);
  const base = wbPath.slice(0, wbPath.lastIndexOf('/') + 1);
  const relsXml = text(`${base}_rels/${wbPath.slice(base.length)}.rels`) ?? '';
  const rels = new Map<string, { type: string; target: string }>();
  let sstPath = `${base}sharedStrings.xml`;
  let stylesPath = `${base}styles.xml`;
  for (const t of tags(relsXml, 'Relationship')) {
    const type = REL_NS.exec(t.attrs.Type ?? '')?.[1] ?? '';
    const target = resolvePart(base, t.attrs.Target ?? '');
    rels.set(t.attrs.Id ?? '', { type, target });
    if (type === 'sharedStrings') sstPath = target;
    if (type === 'styles') stylesPath = target;
  }

  let date1904 = false;
  for (const t of tags(wbXml, 'workbookPr')) date1904 = t.attrs.date1904 === '1' || t.attrs.date1904 === 'true';

  const sheets: Array<{ name: string; hidden: boolean; target: string }> = [];
  for (const t of tags(wbXml, 'sheet')) {
    const rel = rels.get(t.attrs.id ?? '');
    if (!rel || rel.type !== 'worksheet') continue;
    const state = t.attrs.state ?? 'visible';
    sheets.push({ name: t.attrs.name ?? '', hidden: state === 'hidden' || state === 'veryHidden', target: rel.target });
  }
  const chosen = chooseSheet(sheets, opts.sheetName);
  let sheet: ZipEntry | null = null;
  if (chosen) {
    sheet = part(chosen.target) ?? null;
    if (!sheet) throw new Error(`缺少工作表 ${chosen.target}`);
    checkDeclared(sheet, limits, false);
  }
  const sstXml = sheet ? text(sstPath) : null;
  const stylesXml = sheet ? text(stylesPath) : null;
  return {
    bytes,
    sheet,
    sheetName: chosen?.name ?? null,
    sheets: sheets.map(({ name, hidden }) => ({ name, hidden })),
    limits,
    sharedStrings: sstXml ? parseSharedStrings(sstXml) : [],
    dateStyles: stylesXml ? parseDateStyles(stylesXml) : new Uint8Array(0),
    date1904,
  };
}

// ---------------------------------------------------------------------------------------------- worksheet

const T_N = 0, T_S = 1, T_STR = 2, T_INLINE = 3, T_B = 4, T_E = 5, T_D = 6;

/** Row callback: 1-based row number and values indexed by 1-based column (holes where empty). */
export type RowSink = (row: number, values: XCell[]) => void;

/** Whether the bytes at `i` are the ASCII text `t`. */
function bytesAt(b: Uint8Array, i: number, t: string): boolean {
  if (i + t.length > b.length) return false;
  for (let k = 0; k < t.length; k++) if (b[i + k] !== t.charCodeAt(k)) return false;
  return true;
}

/**
 * Scans worksheet XML given in arbitrary chunks of UTF-8 bytes: tags, attributes, text and characters may be split
 * anywhere. Markup is read as bytes (every byte of a multi-byte character is 0x80 or above, so no '<', '>' or quote
 * can hide inside one); only the text of a cell is decoded, whole, once its closing '<' is in hand. Decoding all of
 * a 30 MB sheet to a string first took a fifth of the reading time.
 */
export class SheetScanner {
  private pending: Buffer | null = null;
  /** 0 before <sheetData>, 1 inside it, 2 after it. */
  state = 0;
  private rowNum = 0;
  private vals: XCell[] = [];
  private any = false;
  private inRow = false;
  private col = 0;
  private inCell = false;
  private ct = T_N;
  private cs = 0;
  private text: string | null = null;
  /** 1 while inside <v>, 2 inside an inline string's <t>. */
  private capture = 0;
  private inIs = false;
  private inRph = false;
  /** Shared-string index read in place; -1 when the text is to be parsed instead. */
  private sIdx = -1;

  constructor(
    private readonly sst: Array<string | null>,
    private readonly dateStyles: Uint8Array,
    private readonly date1904: boolean,
    private readonly sink: RowSink,
  ) {}

  get done(): boolean {
    return this.state === 2;
  }

  /** A chunk of the sheet's bytes (a string is taken as its UTF-8). */
  push(chunk: Uint8Array | string, final = false): void {
    const c = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const b = this.pending ? Buffer.concat([this.pending, c]) : c;
    const keep = this.scan(b);
    // Copied: the caller may reuse its chunk's memory.
    this.pending = keep < b.length ? Buffer.from(b.subarray(keep)) : null;
    if (final) {
      if (this.state === 1 && this.inRow) this.endRow();
      this.state = 2;
    }
  }

  /** Processes complete constructs and returns where the unprocessed tail begins. */
  private scan(s: Buffer): number {
    const n = s.length;
    let p = 0;
    while (p < n && this.state !== 2) {
      const lt = s.indexOf(60, p);
      if (lt < 0) return this.capture ? p : n;
      if (lt > p && this.capture) {
        if (this.capture === 1 && this.ct === T_S && this.text === null) {
          // shared-string index: read the digits in place, no string
          let v = 0;
          let j = p;
          for (; j < lt; j++) {
            const d = s[j]! - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
          }
          if (j === lt) {
            this.sIdx = v;
            this.text = '';
          } else this.addText(s.toString('utf8', p, lt));
        } else this.addText(s.toString('utf8', p, lt));
      }
      p = lt;
      if (lt + 1 >= n) return lt; // chunk ends at '<'
      const c1 = s[lt + 1]!;
      if (c1 === 47) {
        // end tag
        const gt = s.indexOf(62, lt + 2);
        if (gt < 0) return lt;
        let ns = lt + 2;
        let ne = gt;
        while (ne > ns && s[ne - 1]! <= 32) ne--;
        for (let i = ns; i < ne; i++) if (s[i] === 58) ns = i + 1;
        this.endTag(s, ns, ne - ns);
        p = gt + 1;
        continue;
      }
      if (c1 === 33) {
        // <!-- --> or <![CDATA[ ]]>
        if (bytesAt(s, lt, '<![CDATA[')) {
          const e = s.indexOf(']]>', lt + 9);
          if (e < 0) return lt;
          if (this.capture) this.text = (this.text ?? '') + s.toString('utf8', lt + 9, e);
          p = e + 3;
        } else {
          if (n - lt < 4) return lt;
          const e = s.indexOf(bytesAt(s, lt, '<!--') ? '-->' : '>', lt + 2);
          if (e < 0) return lt;
          p = e + (s[e] === 45 ? 3 : 1);
        }
        continue;
      }
      if (c1 === 63) {
        const e = s.indexOf('?>', lt + 2);
        if (e < 0) return lt;
        p = e + 2;
        continue;
      }
      // start tag: name, then attributes (quote-aware), then '>' or '/>'
      let i = lt + 1;
      let ns = i;
      let c = 0;
      for (; i < n; i++) {
        c = s[i]!;
        if (c === 58) ns = i + 1;
        else if (c <= 32 || c === 47 || c === 62) break;
      }
      if (i >= n) return lt;
      const len = i - ns;
      const k0 = s[ns];
      // which element: 1 row, 2 c, 3 v, 4 is, 5 t, 6 rPh, 7 sheetData, 0 other
      let kind = 0;
      if (len === 1) kind = k0 === 99 ? 2 : k0 === 118 ? 3 : k0 === 116 ? 5 : 0;
      else if (len === 3) kind = k0 === 114 && s[ns + 1] === 111 && s[ns + 2] === 119 ? 1 : k0 === 114 && s[ns + 1] === 80 && s[ns + 2] === 104 ? 6 : 0;
      else if (len === 2) kind = k0 === 105 && s[ns + 1] === 115 ? 4 : 0;
      else if (len === 9) kind = bytesAt(s, ns, 'sheetData') ? 7 : 0;
      let r = -1; // r attribute: row number, or column from a cell reference
      let t = T_N;
      let st = 0;
      let selfClose = false;
      for (;;) {
        while (i < n && s[i]! <= 32) i++;
        if (i >= n) return lt;
        c = s[i]!;
        if (c === 62) break;
        if (c === 47) {
          if (i + 1 >= n) return lt;
          selfClose = true;
          i++;
          continue;
        }
        const an = i;
        while (i < n && (c = s[i]!) !== 61 && c > 32 && c !== 62) i++;
        const ae = i;
        while (i < n && s[i] !== 34 && s[i] !== 39 && s[i] !== 62) i++;
        if (i >= n) return lt;
        if (s[i] === 62) break; // malformed attribute: stop at '>'
        const q = s[i]!;
        const vs = i + 1;
        const ve = s.indexOf(q, vs);
        if (ve < 0) return lt;
        i = ve + 1;
        if ((kind === 1 || kind === 2) && ae - an === 1) {
          const a = s[an];
          if (a === 114) {
            // r
            if (kind === 1) {
              let v = 0;
              let j = vs;
              while (j < ve && s[j]! <= 32) j++;
              const d0 = j;
              for (; j < ve; j++) {
                const d = s[j]! - 48;
                if (d < 0 || d > 9) break;
                v = v * 10 + d;
              }
              r = j > d0 ? v : -1;
            } else {
              let colN = 0;
              for (let j = vs; j < ve; j++) {
                const d = s[j]! | 32;
                if (d < 97 || d > 122) break;
                colN = colN * 26 + (d - 96);
              }
              r = colN;
            }
          } else if (a === 116 && kind === 2) t = cellType(s, vs, ve);
          else if (a === 115 && kind === 2) {
            let v = 0;
            for (let j = vs; j < ve; j++) v = v * 10 + (s[j]! - 48);
            st = v;
          }
        }
      }
      p = i + 1;
      this.startTag(kind, r, t, st, selfClose);
    }
    return p;
  }

  private addText(raw: string): void {
    const v = raw.indexOf('&') >= 0 ? xmlText(raw) : raw;
    this.text = this.text === null ? v : this.text + v;
  }

  private startTag(kind: number, r: number, t: number, st: number, selfClose: boolean): void {
    if (this.state === 0) {
      if (kind === 7) this.state = selfClose ? 2 : 1;
      return;
    }
    switch (kind) {
      case 1: // row
        if (this.inRow) this.endRow();
        this.rowNum = r > 0 ? r : this.rowNum + 1;
        this.col = 0;
        this.inRow = true;
        if (selfClose) this.endRow();
        break;
      case 2: // c
        this.col = r > 0 ? r : this.col + 1;
        this.ct = t;
        this.cs = st;
        this.text = null;
        this.sIdx = -1;
        this.inIs = false;
        this.inRph = false;
        this.capture = 0;
        this.inCell = !selfClose;
        break;
      case 3: // v
        if (this.inCell && !selfClose && this.ct !== T_INLINE) {
          this.text = null;
          this.capture = 1;
        }
        break;
      case 4:
        if (this.inCell && !selfClose) this.inIs = true;
        break;
      case 5: // t
        if (this.inIs && !this.inRph && !selfClose) this.capture = 2;
        break;
      case 6:
        if (this.inIs && !selfClose) this.inRph = true;
        break;
      default:
        break;
    }
  }

  private endTag(s: Uint8Array, ns: number, len: number): void {
    if (this.state !== 1) return;
    const k0 = s[ns];
    if (len === 1) {
      if (k0 === 99) {
        if (this.inCell) this.endCell();
      } else if (k0 === 118 || k0 === 116) this.capture = 0;
    } else if (len === 3 && k0 === 114) {
      if (s[ns + 1] === 111) {
        if (this.inRow) this.endRow();
      } else this.inRph = false;
    } else if (len === 2 && k0 === 105) this.inIs = false;
    else if (len === 9 && bytesAt(s, ns, 'sheetData')) {
      if (this.inRow) this.endRow();
      this.state = 2;
    }
  }

  private endCell(): void {
    this.inCell = false;
    this.capture = 0;
    const text = this.text;
    this.text = null;
    const sIdx = this.sIdx;
    this.sIdx = -1;
    if (text === null) return;
    let v: XCell = null;
    switch (this.ct) {
      case T_S: {
        const idx = sIdx >= 0 ? sIdx : parseInt(text, 10);
        v = this.sst[idx] ?? null;
        break;
      }
      case T_STR:
      case T_INLINE: {
        const tr = text.trim();
        v = tr === '' ? null : tr;
        break;
      }
      case T_B:
        v = text.trim() === '' ? null : parseInt(text, 10) !== 0;
        break;
      case T_E:
        v = null;
        break;
      case T_D: {
        const tr = text.trim();
        if (tr === '') break;
        const d = new Date(/T[^Z+-]*$/.test(tr) ? `${tr}Z` : tr);
        v = Number.isNaN(d.getTime()) ? tr : d;
        break;
      }
      default: {
        if (text.length === 0) break;
        const num = parseFloat(text);
        if (this.dateStyles[this.cs] === 1 && Number.isFinite(num)) {
          v = new Date(Math.round((num - 25569 + (this.date1904 ? 1462 : 0)) * 86400_000));
        } else v = num;
      }
    }
    if (v !== null) {
      this.vals[this.col] = v;
      this.any = true;
    }
  }

  private endRow(): void {
    this.inRow = false;
    if (this.inCell) this.endCell();
    if (this.any) {
      const vals = this.vals;
      this.vals = [];
      this.any = false;
      this.sink(this.rowNum, vals);
    }
  }
}

function cellType(s: Uint8Array, vs: number, ve: number): number {
  const len = ve - vs;
  const c = s[vs];
  if (len === 1) return c === 115 ? T_S : c === 98 ? T_B : c === 101 ? T_E : c === 100 ? T_D : T_N;
  if (len === 3 && c === 115) return T_STR; // str
  if (len === 9 && c === 105) return T_INLINE; // inlineStr
  return T_N;
}

/** Slice of stored (uncompressed) input per scan step; the event loop gets a turn between slices. */
const SLICE = 1024 * 1024;
/** Inflated bytes handed to the scanner at a time. */
const CHUNK = 256 * 1024;

/**
 * Inflates and scans the workbook's chosen worksheet, calling `sink` for each non-empty row. Node's zlib inflates
 * on its thread pool, so on a two-core office PC the next slice inflates while this thread scans the last one.
 */
export async function scanSheet(book: Workbook, sink: RowSink, onBytes?: (scanned: number, size: number) => void): Promise<void> {
  const e = book.sheet;
  if (!e) return;
  const scanner = new SheetScanner(book.sharedStrings, book.dateStyles, book.date1904, sink);
  const data = entryData(book.bytes, e);
  if (e.method === 0) {
    for (let i = 0; i < data.length && !scanner.done; i += SLICE) {
      const end = Math.min(data.length, i + SLICE);
      scanner.push(data.subarray(i, end), end >= data.length);
      await turn();
    }
    scanner.push(new Uint8Array(0), true);
    return;
  }
  if (e.method !== 8) throw new Error(`不支持的压缩方式 ${e.method}`);
  const inflater = createInflateRaw({ chunkSize: CHUNK });
  inflater.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  // Breaking out of the loop (the sink threw, or the scanner is done) destroys the stream.
  let scanned = 0;
  const { limit, bound } = inflateLimit(e, book.limits, false);
  for await (const chunk of inflater as AsyncIterable<Buffer>) {
    if ((scanned += chunk.length) > limit) throw new InflateLimitError(e.name, e.compressedSize, limit, bound);
    onBytes?.(scanned, e.size);
    scanner.push(chunk);
    if (scanner.done) return;
  }
  scanner.push(new Uint8Array(0), true);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
