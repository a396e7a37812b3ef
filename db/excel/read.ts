import { AppError } from '../result.js';
import { InflateLimitError, openWorkbook, scanSheet, type InflateLimits } from './xlsx.js';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type Cell = string | number | boolean | Date | null;

export interface ColumnSpec {
  key: string;
  header: string;
  required?: boolean;
  /** Other header texts accepted for this column (older templates, WPS renames). */
  aliases?: string[];
  /**
   * 'code': an identifier (身份证号, 统一社会信用代码) that a number can never hold faithfully: Excel keeps 15
   * significant digits and no leading zeros, so a numeric cell in this column is refused whatever its value.
   */
  kind?: 'text' | 'number' | 'date' | 'code';
}

export interface SheetRow {
  /** 1-based row number as Excel shows it. */
  row: number;
  values: Record<string, Cell>;
  /** Cells that cannot be trusted (numbers whose digits Excel changed): the row is refused with these. */
  problems?: RowError[];
}

export interface RowError {
  row: number;
  column: string;
  message: string;
}

const normHeader = (s: string) => s.replace(/[\s*＊:：]/g, '').replace(/（/g, '(').replace(/）/g, ')');

/** Refuse what is not an .xlsx before any parser sees it, naming what it looks like instead. */
export function assertXlsx(bytes: Uint8Array, fileName: string): void {
  if (bytes.length === 0) throw new AppError('FILE_EMPTY', `文件「${fileName}」是空文件`);
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new AppError(
      'FILE_TOO_LARGE',
      `文件「${fileName}」大小 ${(bytes.length / 1048576).toFixed(1)} MB，超过上限 ${MAX_IMPORT_BYTES / 1048576} MB；请分成几个文件导入`,
    );
  }
  const b = bytes;
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) {
    throw new AppError('NOT_XLSX', `文件「${fileName}」是旧版 Excel 97-2003 (.xls) 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再导入`);
  }
  if (!(b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)) {
    throw new AppError('NOT_XLSX', `文件「${fileName}」不是 .xlsx 工作簿（请使用导入模板，CSV、WPS 的 .et 等需先另存为 .xlsx）`);
  }
}

/** Excel's 1900 date system (with its fictitious 1900-02-29), as serial numbers appear in unformatted cells. */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const ms = Math.round((serial - 25569) * 86400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

/** Text of a cell as a person typed it: numbers without float noise, dates as YYYY-MM-DD. */
export function cellText(c: Cell): string | null {
  if (c === null) return null;
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(15)));
  return String(c).trim() || null;
}

export function cellDate(c: Cell): string | null | 'invalid' {
  if (c === null) return null;
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? 'invalid' : c.toISOString().slice(0, 10);
  if (typeof c === 'number') return excelSerialToIso(c) ?? 'invalid';
  const s = String(c).trim().replace(/[./年月]/g, '-').replace(/日$/, '');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return 'invalid';
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : 'invalid';
}

export interface ReadOptions {
  onProgress?: (rowsRead: number) => void;
  /** Share of the worksheet's inflated bytes scanned so far (0–1), where the file states its size. */
  onShare?: (share: number) => void;
  maxRows?: number;
  /** The template's sheet name: read when visible, else the first visible sheet is. */
  sheet?: string;
  /** How far a zip part may inflate (xlsx.ts INFLATE_LIMITS unless a test makes them small). */
  limits?: InflateLimits;
}

/** What was read, and from which sheet (the import results name it: a workbook may hold several). */
export interface SheetRead {
  rows: SheetRow[];
  sheet: string;
}

/**
 * Streams the sheet a person sees (the template's by name, else the first visible one): the header row (the first
 * non-empty row) is matched to the spec, then every non-empty row comes back keyed by column. Wrong or missing
 * headers are refused naming each one.
 */
export async function readSheet(bytes: Uint8Array, fileName: string, spec: ColumnSpec[], opts: ReadOptions = {}): Promise<SheetRead> {
  const rows: SheetRow[] = [];
  const { sheet } = await streamSheet(bytes, fileName, spec, (r) => rows.push(r), opts);
  return { rows, sheet };
}

/** readSheet's checks, with each data row handed to `onRow` as it is read instead of kept; returns the row count. */
export async function streamSheet(
  bytes: Uint8Array,
  fileName: string,
  spec: ColumnSpec[],
  onRow: (r: SheetRow) => void,
  opts: ReadOptions = {},
): Promise<{ count: number; sheet: string }> {
  assertXlsx(bytes, fileName);
  let count = 0;
  let cols: number[] | null = null;
  let keys: string[] = [];
  let specs: ColumnSpec[] = [];
  let sheetName: string | null = null;
  let sheets: Array<{ name: string; hidden: boolean }> = [];
  try {
    const book = openWorkbook(bytes, { sheetName: opts.sheet, limits: opts.limits });
    sheetName = book.sheetName;
    sheets = book.sheets;
    await scanSheet(book, (row, values) => {
      if (!cols) {
        const colIndex = matchHeaders(values, spec, fileName);
        cols = [...colIndex.keys()];
        specs = [...colIndex.values()];
        keys = specs.map((c) => c.key);
        return;
      }
      const rec: Record<string, Cell> = {};
      let problems: RowError[] | undefined;
      for (let j = 0; j < cols.length; j++) {
        const v = values[cols[j]!] ?? null;
        rec[keys[j]!] = v;
        if (typeof v === 'number') {
          const c = specs[j]!;
          const message = numericCellProblem(v, c, `${columnLetters(cols[j]!)}${row}`);
          if (message) (problems ??= []).push({ row, column: c.header, message });
        }
      }
      count++;
      if (opts.maxRows && count > opts.maxRows) {
        throw new AppError('TOO_MANY_ROWS', `文件「${fileName}」超过 ${opts.maxRows} 行上限，请分成几个文件导入`);
      }
      onRow(problems ? { row, values: rec, problems } : { row, values: rec });
      if (opts.onProgress && count % 2000 === 0) opts.onProgress(count);
    }, opts.onShare && ((scanned, size) => size > 0 && opts.onShare!(Math.min(1, scanned / size))));
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof InflateLimitError) throw inflateRefusal(e, fileName);
    throw new AppError('NOT_XLSX', `无法读取工作簿「${fileName}」：文件已损坏或不是有效的 .xlsx（${e instanceof Error ? e.message : e}）`);
  }
  if (sheetName === null) {
    if (!sheets.length) throw new AppError('EMPTY_WORKBOOK', `工作簿「${fileName}」中没有工作表`);
    throw new AppError(
      'EMPTY_WORKBOOK',
      `工作簿「${fileName}」的工作表（${sheets.map((s) => `「${s.name}」`).join('')}）都已隐藏；请在 Excel 或 WPS 中取消隐藏要导入的工作表后重新导入`,
    );
  }
  if (!cols) throw new AppError('EMPTY_WORKBOOK', `工作簿「${fileName}」的工作表「${sheetName}」是空的（没有表头和数据）`);
  if (count === 0) throw new AppError('EMPTY_WORKBOOK', `工作簿「${fileName}」的工作表「${sheetName}」只有表头，没有数据行`);
  return { count, sheet: sheetName };
}

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const TEXT_FORMAT_FIX = '请把该列设置为「文本」格式后重新输入';

/**
 * Why a numeric cell cannot be taken as it reads, or null. Excel stores numbers as doubles shown to 15 significant
 * digits: an 18-digit 身份证号 typed into a numeric cell is kept with its last digits changed (140525199001011032
 * becomes 140525199001011040, which may still pass the check digit), so no integer of 16 digits or more is trusted.
 */
export function numericCellProblem(v: number, spec: Pick<ColumnSpec, 'kind'>, ref: string): string | null {
  if (Math.abs(v) >= 1e15) {
    // Written out as the file holds it (String gives 1e+21 from 21 digits on).
    const digits = v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
    return `单元格 ${ref} 是数字 ${digits.length <= 30 ? digits : cellText(v)}，超过 Excel 能保存的 15 位有效数字，末几位已被改动、原值无法得知；${TEXT_FORMAT_FIX}`;
  }
  if (spec.kind === 'code') {
    return `单元格 ${ref} 是数字 ${cellText(v)}，代码不能按数字保存（会丢失开头的 0 和 15 位以后的数字）；${TEXT_FORMAT_FIX}`;
  }
  return null;
}

const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;

function inflateRefusal(e: InflateLimitError, fileName: string): AppError {
  const why =
    e.bound === 'size'
      ? `解压后超过 ${mb(e.limit)} 的上限`
      : `解压后超过压缩大小（${mb(e.compressedSize)}）的 ${Math.round(e.limit / Math.max(1, e.compressedSize))} 倍（${mb(e.limit)}），正常的工作簿不会如此`;
  return new AppError(
    'XLSX_INFLATE_LIMIT',
    `工作簿「${fileName}」中的「${e.part}」${why}；文件可能是恶意构造的“压缩炸弹”或已损坏，未导入任何数据。请在 Excel 或 WPS 中打开并另存为新的 .xlsx，或分成几个文件导入`,
    { part: e.part, limit_bytes: e.limit, bound: e.bound },
  );
}

function matchHeaders(values: Cell[], spec: ColumnSpec[], fileName: string): Map<number, ColumnSpec> {
  const byHeader = new Map<string, ColumnSpec>();
  for (const c of spec) for (const h of [c.header, ...(c.aliases ?? [])]) byHeader.set(normHeader(h), c);
  const map = new Map<number, ColumnSpec>();
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (v === null) return;
    const c = byHeader.get(normHeader(String(v)));
    if (c && !seen.has(c.key)) {
      map.set(i, c);
      seen.add(c.key);
    }
  });
  const missing = spec.filter((c) => c.required && !seen.has(c.key)).map((c) => c.header);
  if (missing.length) {
    const found = values.filter((v) => v !== null).map(String).slice(0, 12).join('、');
    throw new AppError(
      'BAD_HEADERS',
      `工作簿「${fileName}」缺少必需的列：${missing.join('、')}。第一行应为导入模板的表头，实际为：${found || '（空）'}`,
      { missing },
    );
  }
  return map;
}
