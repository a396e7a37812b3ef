// 汇总: import many packages (a folder), in order of sender and sequence, each in its own transaction, with
// progress. A refused package (conflicts, unknown key, replay…) is reported and the others still go in.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { ProgressFn } from '../op.js';
import { toErrorData } from '../result.js';
import { importPackage, peekManifest, type ImportOptions } from './import.js';

export interface ConsolidateRow {
  file: string;
  sender: string | null;
  sender_name: string | null;
  sequence: number | null;
  kind: string | null;
  period: string | null;
  result: 'applied' | 'already' | 'refused';
  message: string;
  code?: string;
  added: number;
  updated: number;
}

export function consolidateFiles(ctx: Ctx, files: string[], opts: Omit<ImportOptions, 'onProgress'> & { onProgress?: ProgressFn } = {}): { rows: ConsolidateRow[]; applied: number; refused: number } {
  const heads = files.map((file) => {
    try {
      const m = peekManifest(file);
      return { file, m, error: null };
    } catch (e) {
      return { file, m: null, error: toErrorData(e) };
    }
  });
  heads.sort((a, b) => (a.m?.sender.office_code ?? '').localeCompare(b.m?.sender.office_code ?? '') || (a.m?.sequence ?? 0) - (b.m?.sequence ?? 0) || a.file.localeCompare(b.file));
  const rows: ConsolidateRow[] = [];
  heads.forEach((h, i) => {
    opts.onProgress?.(i, heads.length, `导入 ${h.m?.sender.name ?? h.file}`);
    const base = { file: h.file, sender: h.m?.sender.office_code ?? null, sender_name: h.m?.sender.name ?? null, sequence: h.m?.sequence ?? null, kind: h.m?.kind ?? null, period: h.m?.period ?? null };
    if (h.error) {
      rows.push({ ...base, result: 'refused', message: h.error.message, code: h.error.code, added: 0, updated: 0 });
      return;
    }
    try {
      const r = importPackage(ctx, h.file, 'apply', { ...opts, fileName: h.file, onProgress: undefined });
      rows.push({ ...base, result: r.alreadyApplied ? 'already' : 'applied', message: r.message, added: r.tables.reduce((a, t) => a + t.added, 0), updated: r.tables.reduce((a, t) => a + t.updated, 0) });
    } catch (e) {
      const d = toErrorData(e);
      rows.push({ ...base, result: 'refused', message: d.message, code: d.code, added: 0, updated: 0 });
    }
  });
  opts.onProgress?.(heads.length, heads.length, '完成');
  return { rows, applied: rows.filter((r) => r.result === 'applied').length, refused: rows.filter((r) => r.result === 'refused').length };
}

export function packagesInFolder(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.cxpkg')).map((n) => join(dir, n)).filter((f) => statSync(f).isFile()).sort();
}
