import ExcelJS from 'exceljs';
import type { ColumnSpec } from './read.js';

export interface WriteSheet {
  name: string;
  columns: Array<Pick<ColumnSpec, 'header' | 'required'> & { width?: number; kind?: 'text' | 'number' | 'date' | 'money' }>;
  rows: Iterable<Array<string | number | null>>;
  /** Drop-down lists per column index (Excel data validation), e.g. 规上/规下. */
  lists?: Record<number, string[]>;
  title?: string;
}

/** Writes styled sheets: bold frozen header, required headers marked, text columns kept as text so codes never turn into 9.1E+17. */
export async function writeWorkbook(sheets: WriteSheet[], notes?: { name: string; lines: string[] }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'County Ledger 县域产业台账';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({
      header: c.required ? `${c.header}*` : c.header,
      width: c.width ?? Math.max(10, c.header.length * 2 + 4),
      style: c.kind === 'text' || !c.kind ? { numFmt: '@' } : c.kind === 'money' ? { numFmt: '#,##0.00' } : {},
    }));
    const head = ws.getRow(1);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F0FF' } };
    for (const r of s.rows) ws.addRow(r);
    if (s.lists) {
      for (const [idx, list] of Object.entries(s.lists)) {
        const col = ws.getColumn(Number(idx) + 1).letter;
        (ws as unknown as { dataValidations: { add(ref: string, v: unknown): void } }).dataValidations.add(`${col}2:${col}100000`, {
          type: 'list',
          allowBlank: true,
          formulae: [`"${list.join(',')}"`],
        });
      }
    }
  }
  if (notes) {
    const ws = wb.addWorksheet(notes.name);
    ws.getColumn(1).width = 110;
    for (const l of notes.lines) ws.addRow([l]);
    ws.getRow(1).font = { bold: true, size: 13 };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
