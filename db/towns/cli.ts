// Hooks for the command line (`town-evaluate`, `export-towns`, `import-indicators`, `seed-demo`): thin wrappers
// over the services that take and give what a terminal deals in (paths, printable text, JSON).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Ctx } from '../context.js';
import { evaluateTown as evaluate, type TownEvaluation } from './evaluation.js';
import { exportTowns as exportTownsXlsx, importIndicators as importIndicatorsXlsx, type IndicatorImportSummary } from './excel.js';

export { seedDemoTowns } from './seed.js';

/** `town-evaluate --town ID --year YYYY --rules RULESET`: `.text` is the printout, the rest is the `--json` form. */
export function evaluateTown(ctx: Ctx, input: { townId: number; year: number; ruleSetId: number }): TownEvaluation {
  return evaluate(ctx, input);
}

/** `export-towns FILE.xlsx [--level …]`: the filters as typed; the service checks them as it checks the list's. */
export async function exportTowns(ctx: Ctx, file: string, filters: Record<string, string> = {}): Promise<{ file: string; count: number }> {
  const r = await exportTownsXlsx(ctx, filters);
  writeFileSync(file, r.bytes);
  return { file, count: r.count };
}

/** `import-indicators FILE.xlsx`: all or nothing; a rejected file throws IMPORT_REJECTED with the row-by-row report in details. */
export async function importIndicators(ctx: Ctx, file: string): Promise<IndicatorImportSummary> {
  return importIndicatorsXlsx(ctx, { fileName: basename(file), bytes: readFileSync(file) });
}
