// The lean .xlsx reader behind readSheet gives what the exceljs streaming reader gave, for files written by
// exceljs (both writers) and for hand-built parts shaped like Excel's and WPS's; where exceljs was wrong
// (formula booleans and errors, inline rich text, tab order, CJK date formats) the difference is asserted.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { readSheet, type Cell, type ColumnSpec, type SheetRow } from '../../db/excel/read.js';
import { SheetScanner, isDateFormat, parseSharedStrings, xmlText, type XCell } from '../../db/excel/xlsx.js';
import { AppError } from '../../db/result.js';

// ------------------------------------------------------------------ the previous implementation, as oracle

function oracleCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return oracleCell((o.richText as Array<{ text: string }>).map((r) => r.text).join(''));
    if ('result' in o) return oracleCell(o.result);
    if ('text' in o) return oracleCell(o.text);
    if ('error' in o) return null;
  }
  return String(v);
}

const norm = (s: string) => s.replace(/[\s*＊:：]/g, '').replace(/（/g, '(').replace(/）/g, ')');

/** exceljs's streaming reader now and then loses a shared-strings part that ends the zip (a race), leaving no
 * header matched: try again, so the oracle is the reader on a good day. */
async function oracle(bytes: Uint8Array, spec: ColumnSpec[]): Promise<SheetRow[]> {
  let rows: SheetRow[] = [];
  for (let k = 0; k < 5; k++) {
    rows = await oracleOnce(bytes, spec);
    if (rows.length && Object.keys(rows[0]!.values).length) break;
  }
  return rows;
}

async function oracleOnce(bytes: Uint8Array, spec: ColumnSpec[]): Promise<SheetRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes)), {
    sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'cache', entries: 'emit',
  });
  const rows: SheetRow[] = [];
  let colIndex: Map<number, ColumnSpec> | null = null;
  for await (const ws of reader) {
    for await (const r of ws) {
      const values = (r as unknown as { values: unknown[] }).values.map(oracleCell);
      if (!values.some((v) => v !== null)) continue;
      if (!colIndex) {
        colIndex = new Map();
        const by = new Map(spec.map((c) => [norm(c.header), c]));
        values.forEach((v, i) => {
          const c = v === null ? undefined : by.get(norm(String(v)));
          if (c) colIndex!.set(i, c);
        });
        continue;
      }
      const rec: Record<string, Cell> = {};
      for (const [i, col] of colIndex) rec[col.key] = values[i] ?? null;
      rows.push({ row: (r as unknown as { number: number }).number, values: rec });
    }
    break;
  }
  return rows;
}

// ------------------------------------------------------------------ fixtures

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const SPEC: ColumnSpec[] = KEYS.map((k) => ({ key: k, header: `列${k.toUpperCase()}`, required: k === 'a' }));
const HEAD = SPEC.map((c) => c.header);

/** Every kind of value exceljs writes and reads back the same way. */
function fill(ws: ExcelJS.Worksheet): void {
  ws.addRow(HEAD);
  ws.addRow(['泽州县 & <巴公> "铸造" \'厂\'', 42, -3.25, true, false, new Date(Date.UTC(2024, 1, 29)), '  两边有空格  ', 1e21]);
  ws.addRow([]); // an empty row is skipped
  ws.addRow(['第三行', { formula: '1+1', result: 2 }, { formula: '"a"&"b"', result: 'ab' }, 0, '', null, '9114052' + '5MA0000001', 123456789012]);
  const r = ws.addRow(['富文本']);
  r.getCell(2).value = { richText: [{ text: '加粗', font: { bold: true } }, { text: '与普通' }] };
  const sparse = ws.getRow(8); // rows 6–7 never written
  sparse.getCell(1).value = '稀疏';
  sparse.getCell(5).value = 7;
  sparse.getCell(8).value = '末列';
  const dates = ws.addRow(['日期格式', 45000, 45000.75, 0.5, 45000, 45000, 45000, 3]);
  dates.getCell(2).numFmt = 'yyyy"年"m"月"d"日"';
  dates.getCell(3).numFmt = 'yyyy-mm-dd hh:mm';
  dates.getCell(4).numFmt = 'h:mm:ss';
  dates.getCell(5).numFmt = '#,##0.00 "元"'; // not a date
  dates.getCell(6).numFmt = '[$-F800]dddd, mmmm dd, yyyy';
  dates.getCell(7).numFmt = '0.00%';
  dates.getCell(8).numFmt = '@';
  ws.addRow(['数字文本', '0012', '3391', '  ', '&amp; 实体', '&#20013;', 'a&#x4e2d;b', '\u00a0不换行']);
}

async function exceljsBook(opts: { date1904?: boolean; sharedStrings?: boolean; stream?: boolean } = {}): Promise<Buffer> {
  if (opts.stream) {
    const chunks: Buffer[] = [];
    const sink = new (await import('node:stream')).Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: opts.sharedStrings ?? true, useStyles: true });
    const ws = wb.addWorksheet('数据');
    fill(ws as unknown as ExcelJS.Worksheet);
    (ws as unknown as { commit(): void }).commit();
    const other = wb.addWorksheet('说明');
    other.addRow(HEAD);
    other.addRow(['不应读到']).commit();
    other.commit();
    await wb.commit();
    return Buffer.concat(chunks);
  }
  const wb = new ExcelJS.Workbook();
  if (opts.date1904) wb.properties.date1904 = true;
  fill(wb.addWorksheet('数据'));
  const other = wb.addWorksheet('说明');
  other.addRow(HEAD);
  other.addRow(['不应读到']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const read = async (bytes: Uint8Array, spec = SPEC, opts = {}) => (await readSheet(bytes, 'test.xlsx', spec, opts)).rows;

/** The rows without the cells refused as untrustworthy numbers (exceljs has no such notion), and those cells. */
function splitProblems(rows: SheetRow[]): { rows: SheetRow[]; problems: unknown[] } {
  return { rows: rows.map(({ row, values }) => ({ row, values })), problems: rows.flatMap((r) => r.problems ?? []) };
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Rebuilds a zip from parts in the given order (stored names as given). */
function rezip(parts: Array<[string, string | Uint8Array]>): Uint8Array {
  const z: Zippable = {};
  for (const [name, data] of parts) z[name] = typeof data === 'string' ? strToU8(data) : data;
  return zipSync(z, { level: 6 });
}

// ------------------------------------------------------------------ parity with exceljs

describe('readSheet matches the exceljs reader', () => {
  for (const [label, opts] of [
    ['Workbook.writeBuffer (shared strings)', {}],
    ['Workbook.writeBuffer, 1904 date system', { date1904: true }],
    ['streaming writer, shared strings', { stream: true, sharedStrings: true }],
    ['streaming writer, inline strings (t="str")', { stream: true, sharedStrings: false }],
  ] as const) {
    it(label, async () => {
      const bytes = await exceljsBook(opts);
      const { rows: got, problems } = splitProblems(await read(bytes));
      // 1e21 in a numeric cell: more digits than Excel keeps, so its row is refused by the imports.
      expect(problems).toEqual([{ row: 2, column: '列H', message: expect.stringContaining('单元格 H2 是数字 1000000000000000000000，超过 Excel 能保存的 15 位有效数字') }]);
      const old = await oracle(bytes, SPEC);
      if (label.includes('inline')) {
        // exceljs keeps only the last run of inline rich text and decodes entities twice in t="str" cells
        expect([old[2]!.values.b, old[5]!.values.e]).toEqual(['与普通', '& 实体']);
        old[2]!.values.b = '加粗与普通';
        old[5]!.values.e = '&amp; 实体';
      }
      expect(got).toEqual(old);
      expect(got.map((r) => r.row)).toEqual([2, 4, 5, 8, 9, 10]);
      expect(got[0]!.values).toEqual({
        a: '泽州县 & <巴公> "铸造" \'厂\'', b: 42, c: -3.25, d: true, e: false, f: new Date(Date.UTC(2024, 1, 29)), g: '两边有空格', h: 1e21,
      });
      expect(got[1]!.values).toMatchObject({ b: 2, c: 'ab', d: 0, e: null, f: null, g: '91140525MA0000001', h: 123456789012 });
      expect(got[2]!.values).toMatchObject({ b: '加粗与普通', c: null });
      expect(got[3]!.values).toEqual({ a: '稀疏', b: null, c: null, d: null, e: 7, f: null, g: null, h: '末列' });
      const d = got[4]!.values;
      const shift = 'date1904' in opts ? 1462 * 86400_000 : 0; // serials count from 1904-01-01
      expect(d.b).toEqual(new Date(Date.UTC(2023, 2, 15) + shift));
      expect(d.c).toEqual(new Date(Date.UTC(2023, 2, 15, 18) + shift));
      expect(d.d).toEqual(new Date(Date.UTC(1899, 11, 30, 12) + shift));
      expect([d.e, d.g, d.h]).toEqual([45000, 45000, 3]);
      expect(d.f).toEqual(new Date(Date.UTC(2023, 2, 15) + shift));
      expect(got[5]!.values).toEqual({ a: '数字文本', b: '0012', c: '3391', d: null, e: '&amp; 实体', f: '&#20013;', g: 'a&#x4e2d;b', h: '不换行' });
    });
  }

  it('reads the first sheet in tab order, whatever the zip order', async () => {
    const src = unzipSync(await exceljsBook());
    // Put sheet2.xml ahead of sheet1.xml in the zip: exceljs then reads sheet2 (zip order), this reader still sheet1.
    const names = Object.keys(src).sort((x, y) => (x.endsWith('sheet2.xml') ? -1 : y.endsWith('sheet2.xml') ? 1 : 0));
    const reordered = rezip(names.map((n) => [n, src[n]!]));
    expect(names.indexOf('xl/worksheets/sheet2.xml')).toBeLessThan(names.indexOf('xl/worksheets/sheet1.xml'));
    const got = splitProblems(await read(reordered)).rows;
    expect(got).toEqual(await oracle(await exceljsBook(), SPEC));
    expect((await oracle(reordered, SPEC))[0]!.values.a).toBe('不应读到');

    // And the tabs swapped in workbook.xml: now the second part is the first sheet.
    const wb = new TextDecoder().decode(src['xl/workbook.xml']);
    const sheets = [...wb.matchAll(/<sheet [^>]*\/>/g)].map((m) => m[0]);
    expect(sheets).toHaveLength(2);
    const swapped = wb.replace(sheets[0]! + sheets[1]!, sheets[1]! + sheets[0]!);
    expect(swapped).not.toBe(wb);
    const tabs = rezip(Object.keys(src).map((n) => [n, n === 'xl/workbook.xml' ? swapped : src[n]!]));
    expect((await read(tabs, [{ key: 'a', header: '列A' }])).map((r) => r.values.a)).toEqual(['不应读到']);
  });

  it('reads 3,000 rows of mixed cells the same, row numbers included', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(HEAD);
    for (let i = 0; i < 3000; i++) {
      if (i % 97 === 0) ws.addRow([]);
      const row = ws.addRow([`企业${i}`, i * 1.5, i % 3 === 0 ? null : `镇${i % 17}`, i % 2 === 0, new Date(Date.UTC(2000, 0, 1 + i)), i % 5 ? `x${i}` : '', -i, `&<>${i}`]);
      if (i % 11 === 0) row.getCell(2).numFmt = 'yyyy/m/d';
    }
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await read(bytes)).toEqual(await oracle(bytes, SPEC));
  });
});

// ------------------------------------------------------------------ hand-built parts, as Excel and WPS write them

const CT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WB_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const workbookXml = (date1904 = false) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><fileVersion appName="xl" lastEdited="7"/><workbookPr ${date1904 ? 'date1904="1" ' : ''}defaultThemeVersion="124226"/><bookViews><workbookView xWindow="0" yWindow="0"/></bookViews><sheets><sheet name="企业名录" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" r:id="rId2"/></sheets><calcPr calcId="191029"/></workbook>`;
// cellXfs: 0 General, 1 built-in 14, 2 custom 176 (date with quoted text), 3 custom 177 (money with quoted 'd'), 4 built-in 31 (zh-CN 年月日), 5 built-in 58 (zh-CN 月日)
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/><numFmt numFmtId="177" formatCode="#,##0.00&quot;元/吨 d&quot;;[Red]\\-#,##0.00"/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="2"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="177" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="31" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="58" fontId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
const SST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="10" uniqueCount="9"><si><t>列A</t></si><si><t>列B</t></si><si><t>列C</t></si><si><t>列D</t></si><si><r><rPr><b/><sz val="11"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">晋城 </t></r><r><rPr><sz val="11"/><rFont val="宋体"/></rPr><t>巴公&amp;镇 &#x4E2D;&#22269;</t></r></si><si><t xml:space="preserve">  空格  </t></si><si><t/></si><si><t>&lt;a&gt; &quot;q&quot; &apos;s&apos;</t></si><si><t>列E</t></si></sst>`;
const SHEET1 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><sheetPr codeName="a&gt;b"/><dimension ref="A1:D7"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.15"/><cols><col min="1" max="1" width="20" customWidth="1"/></cols><sheetData>
<row r="1" spans="1:4" x14ac:dyDescent="0.15"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>8</v></c></row>
<row r="2" spans="1:4" x14ac:dyDescent="0.15"><c r="A2" t="s"><v>4</v></c><c r="B2" s="1"><v>45366</v></c><c r="C2" s="2"><v>45366.5</v></c><c r="D2" s="3"><v>1234.5</v></c></row>
<row r="3" spans="1:4" ht="14.25" customHeight="1"><c r="A3" t="s"><v>5</v></c><c r="B3" t="s"><v>6</v></c><c r="C3" t="s"><v>7</v></c><c r="D3"><f>SUM(B2:C2)</f><v>90732.5</v></c></row>
<row r="5" spans="1:4"><c r="A5" s="1"/><c r="B5"/></row>
<row r="7" spans="1:4"><c r="C7" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="D7" t="inlineStr"><is><t>行内 &amp; 文本</t></is></c><c r="E7"><v>1.0000000000000001E-3</v></c></row>
</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="portrait"/></worksheet>`;
const SHEET2 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>列A</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>不应读到</t></is></c></row></sheetData></worksheet>`;

/** Excel's zip order: sheets before styles and shared strings, document properties last (exceljs loses a
 * shared-strings part that is the very last entry). */
function excelLike(sheet1 = SHEET1, opts: { date1904?: boolean; styles?: string } = {}): Uint8Array {
  return rezip([
    ['[Content_Types].xml', CT], ['_rels/.rels', ROOT_RELS], ['xl/workbook.xml', workbookXml(opts.date1904)], ['xl/_rels/workbook.xml.rels', WB_RELS],
    ['xl/worksheets/sheet1.xml', sheet1], ['xl/worksheets/sheet2.xml', SHEET2], ['xl/styles.xml', opts.styles ?? STYLES], ['xl/sharedStrings.xml', SST],
    ['docProps/core.xml', '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'],
    ['docProps/app.xml', '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'],
  ]);
}

const SPEC4: ColumnSpec[] = SPEC.slice(0, 5).map((c, i) => (i === 4 ? { ...c, header: '列E' } : c));

describe('files shaped like Excel and WPS write them', () => {
  it('reads an Excel-style workbook the same as exceljs', async () => {
    const bytes = excelLike();
    const got = await read(bytes, SPEC4);
    expect(got).toEqual(await oracle(bytes, SPEC4));
    expect(got).toEqual([
      { row: 2, values: { a: '晋城 巴公&镇 中国', b: new Date(Date.UTC(2024, 2, 15)), c: new Date(Date.UTC(2024, 2, 15, 12)), d: 1234.5, e: null } },
      { row: 3, values: { a: '空格', b: null, c: '<a> "q" \'s\'', d: 90732.5, e: null } },
      { row: 7, values: { a: null, b: null, c: 'xy', d: '行内 & 文本', e: 0.001 } },
    ]);
  });

  it('reads the WPS flavour (1904 dates, prefixed tags, rows and cells without r, comments and CDATA)', async () => {
    const wps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- WPS 表格 --><x:sheetData>
<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>8</x:v></x:c></x:row>
<x:row ><x:c t="inlineStr"><x:is><x:t><![CDATA[<原样> & 保留]]></x:t></x:is></x:c><x:c s="1"><x:v>0</x:v></x:c><x:c s="4" ><x:v>1</x:v></x:c><x:c r="D2" t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="9"/>
<x:row r="10"><x:c r="AA10"><x:v>5</x:v></x:c><x:c><x:v>6</x:v></x:c><x:c r="B10" s="5"><x:v>2</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`;
    const got = await read(excelLike(wps, { date1904: true }), SPEC4);
    expect(got).toEqual([
      { row: 2, values: { a: '<原样> & 保留', b: new Date(Date.UTC(1904, 0, 1)), c: new Date(Date.UTC(1904, 0, 2)), d: true, e: null } },
      { row: 10, values: { a: null, b: new Date(Date.UTC(1904, 0, 3)), c: null, d: null, e: null } },
    ]);
  });

  it('differs from exceljs where exceljs was wrong', async () => {
    const sheet = SHEET1.replace(
      '<row r="5" spans="1:4"><c r="A5" s="1"/><c r="B5"/></row>',
      '<row r="5"><c r="A5" t="b"><f>1=1</f><v>1</v></c><c r="B5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C5" s="1"><f>B2+1</f><v>45367</v></c>' +
        '<c r="D5" t="inlineStr"><is><r><t>多段</t></r><r><rPr><b/></rPr><t>行内</t></r><rPh sb="0" eb="1"><t>duo</t></rPh></is></c><c r="E5" s="4"><v>45366</v></c></row>',
    );
    const bytes = excelLike(sheet);
    const got = (await read(bytes, SPEC4)).find((r) => r.row === 5)!;
    const old = (await oracle(bytes, SPEC4)).find((r) => r.row === 5)!;
    // formula booleans stay booleans, formula errors are empty, date-formatted formula results are dates,
    // inline rich text keeps every run but not its phonetic guide, and 年月日 built-in formats (id 31) are dates
    expect(got.values).toEqual({ a: true, b: null, c: new Date(Date.UTC(2024, 2, 16)), d: '多段行内', e: new Date(Date.UTC(2024, 2, 15)) });
    expect(old.values).toEqual({ a: 1, b: '[object Object]', c: 45367, d: 'duo', e: 45366 });
  });
});

// ------------------------------------------------------------------ the scanner's pieces

describe('scanner and parts', () => {
  it('gives the same rows however the sheet text is split', () => {
    const run = (chunks: Array<string | Uint8Array>) => {
      const out: Array<[number, XCell[]]> = [];
      const sc = new SheetScanner(parseSharedStrings(SST), Uint8Array.from([0, 1, 1, 0, 1, 1]), false, (r, v) => out.push([r, v]));
      chunks.forEach((c, i) => sc.push(c, i === chunks.length - 1));
      return out;
    };
    const whole = run([SHEET1]);
    expect(whole.map((r) => r[0])).toEqual([1, 2, 3, 7]);
    expect(whole[0]![1]).toEqual([undefined, '列A', '列B', '列C', '列D', '列E']);
    expect(run([...SHEET1])).toEqual(whole);
    for (const size of [2, 3, 7, 64, 1000]) {
      const parts: string[] = [];
      for (let i = 0; i < SHEET1.length; i += size) parts.push(SHEET1.slice(i, i + size));
      expect(run(parts)).toEqual(whole);
    }
    // As inflated bytes come: split anywhere, inside a multi-byte character too.
    const bytes = Buffer.from(SHEET1, 'utf8');
    expect(bytes.length).toBeGreaterThan(SHEET1.length);
    for (const size of [1, 2, 5, 13, 4096]) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
      expect(run(parts)).toEqual(whole);
    }
  });

  it('keeps Chinese text whole where inflated chunks split a character (exceljs turned those into U+FFFD)', async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const names = Array.from({ length: 30_000 }, (_, i) => `${i}` + Array.from({ length: 30 }, () => String.fromCharCode(0x4e00 + Math.floor(rnd() * 20000))).join(''));
    const chunks: Buffer[] = [];
    const sink = new (await import('node:stream')).Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false });
    const ws = wb.addWorksheet('名录');
    ws.addRow(['列A']).commit();
    for (const n of names) ws.addRow([n]).commit();
    ws.commit();
    await wb.commit();
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBeGreaterThan(1 << 20); // several inflate slices
    const got = await read(bytes, [{ key: 'a', header: '列A' }]);
    expect(got.map((r) => r.values.a)).toEqual(names);
  });

  it('decodes entities and tells date formats', () => {
    expect(xmlText('&amp;lt; &lt;&gt;&quot;&apos; &#20013;&#x56FD; &#X1F600; &nbsp; & x')).toBe('&lt; <>"\' 中国 😀 &nbsp; & x');
    for (const f of ['yyyy-mm-dd', 'm/d/yy h:mm', '[$-804]yyyy"年"m"月"', 'h:mm AM/PM', '[h]:mm:ss', 'mm:ss.0', 'dd-mmm', 'YYYY/MM/DD']) expect(isDateFormat(f)).toBe(true);
    for (const f of ['General', '0.00', '#,##0 "元/d"', '[Red]#,##0', '0.00E+00', '@', '_-* #,##0.00_-;\\-* #,##0.00_-', '0\\d', '#,##0;[Red]-#,##0']) expect(isDateFormat(f)).toBe(false);
  });

  it('keeps the errors and limits of readSheet', async () => {
    const zipJunk = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const junk = await rejected(read(zipJunk));
    expect(junk.code).toBe('NOT_XLSX');
    expect(junk.message).toMatch(/^无法读取工作簿「test.xlsx」：文件已损坏或不是有效的 .xlsx（/);

    const truncated = excelLike().subarray(0, 1500);
    expect((await rejected(read(Buffer.concat([truncated, Buffer.alloc(10)])))).code).toBe('NOT_XLSX');

    // A worksheet whose compressed data is damaged half way: refused as a whole, no partial rows.
    const damagedBook = new ExcelJS.Workbook();
    const bs = damagedBook.addWorksheet('名录');
    bs.addRow(['列A']);
    for (let i = 0; i < 20000; i++) bs.addRow([`泽州县第${i}铸造有限公司`]);
    const whole = Buffer.from(await damagedBook.xlsx.writeBuffer());
    const damaged = Buffer.from(whole);
    for (let i = Math.floor(damaged.length * 0.4); i < Math.floor(damaged.length * 0.4) + 4096; i++) damaged[i] = damaged[i]! ^ 0x5a;
    const broken = await rejected(read(damaged, [{ key: 'a', header: '列A' }]));
    expect(broken.code).toBe('NOT_XLSX');
    expect((await read(whole, [{ key: 'a', header: '列A' }])).length).toBe(20000);

    const none = new ExcelJS.Workbook();
    const noSheets = await rejected(read(Buffer.from(await none.xlsx.writeBuffer())));
    expect([noSheets.code, noSheets.message]).toEqual(['EMPTY_WORKBOOK', '工作簿「test.xlsx」中没有工作表']);

    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('空');
    const emptySheet = await rejected(read(Buffer.from(await empty.xlsx.writeBuffer())));
    expect([emptySheet.code, emptySheet.message]).toEqual(['EMPTY_WORKBOOK', '工作簿「test.xlsx」的工作表「空」是空的（没有表头和数据）']);

    const headOnly = new ExcelJS.Workbook();
    headOnly.addWorksheet('表头').addRow(HEAD);
    const headersOnly = await rejected(read(Buffer.from(await headOnly.xlsx.writeBuffer())));
    expect([headersOnly.code, headersOnly.message]).toEqual(['EMPTY_WORKBOOK', '工作簿「test.xlsx」的工作表「表头」只有表头，没有数据行']);

    const bad = await rejected(read(excelLike(), [{ key: 'x', header: '名称', required: true }, ...SPEC4]));
    expect(bad.code).toBe('BAD_HEADERS');
    expect(bad.message).toBe('工作簿「test.xlsx」缺少必需的列：名称。第一行应为导入模板的表头，实际为：列A、列B、列C、列D、列E');

    const big = new ExcelJS.Workbook();
    const ws = big.addWorksheet('多');
    ws.addRow(HEAD);
    for (let i = 0; i < 4500; i++) ws.addRow([`r${i}`]);
    const bytes = Buffer.from(await big.xlsx.writeBuffer());
    const seen: number[] = [];
    expect((await read(bytes, SPEC, { onProgress: (n: number) => seen.push(n) })).length).toBe(4500);
    expect(seen).toEqual([2000, 4000]);
    const tooMany = await rejected(read(bytes, SPEC, { maxRows: 4000 }));
    expect([tooMany.code, tooMany.message]).toEqual(['TOO_MANY_ROWS', '文件「test.xlsx」超过 4000 行上限，请分成几个文件导入']);
  });
});
