// 汇总: import many packages (a folder), in order of sender and sequence, each in its own transaction, with
// progress. A refused package (conflicts, unknown key, replay…) is reported and the others still go in.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { ProgressFn } from '../op.js';
import { toErrorData } from '../result.js';
import { importSteps, peekManifest, type ImportOptions } from './import.js';
import { runNow, type Steps } from '../steps.js';

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

// A type, not an interface: the command line takes it as a plain record.
export type ConsolidateResult = { rows: ConsolidateRow[]; applied: number; refused: number };
type ConsolidateOptions = Omit<ImportOptions, 'onProgress'> & { onProgress?: ProgressFn };

/** As steps: each package is its own transaction, pausing inside a large one and between packages. */
export function* consolidateSteps(ctx: Ctx, files: string[], opts: ConsolidateOptions = {}): Steps<ConsolidateResult> {
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
  for (const [i, h] of heads.entries()) {
    const what = `导入 ${h.m?.sender.name ?? h.file}`;
    opts.onProgress?.(i, heads.length, what);
    const base = { file: h.file, sender: h.m?.sender.office_code ?? null, sender_name: h.m?.sender.name ?? null, sequence: h.m?.sequence ?? null, kind: h.m?.kind ?? null, period: h.m?.period ?? null };
    if (h.error) {
      rows.push({ ...base, result: 'refused', message: h.error.message, code: h.error.code, added: 0, updated: 0 });
      continue;
    }
    try {
      const r = yield* importSteps(ctx, h.file, 'apply', {
        ...opts,
        fileName: h.file,
        // One large package moves the phase text, so the bar is visibly alive between packages.
        onProgress: opts.onProgress && ((d, t, phase) => opts.onProgress!(i, heads.length, `${what}：${phase} ${d}/${t ?? '?'}`)),
      });
      rows.push({ ...base, result: r.alreadyApplied ? 'already' : 'applied', message: r.message, added: r.tables.reduce((a, t) => a + t.added, 0), updated: r.tables.reduce((a, t) => a + t.updated, 0) });
    } catch (e) {
      const d = toErrorData(e);
      rows.push({ ...base, result: 'refused', message: d.message, code: d.code, added: 0, updated: 0 });
    }
    yield;
  }
  opts.onProgress?.(heads.length, heads.length, '完成');
  return { rows, applied: rows.filter((r) => r.result === 'applied').length, refused: rows.filter((r) => r.result === 'refused').length };
}

export function consolidateFiles(ctx: Ctx, files: string[], opts: ConsolidateOptions = {}): ConsolidateResult {
  return runNow(consolidateSteps(ctx, files, opts));
}

export function packagesInFolder(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.cxpkg')).map((n) => join(dir, n)).filter((f) => statSync(f).isFile()).sort();
}
