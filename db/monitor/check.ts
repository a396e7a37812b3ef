// Runs a form version's check formulas (审核公式) over one report: row and period formulas for every unit with
// figures (and the 合计 row), unit formulas once on the 合计 row against the sum over the enterprises.
import { evaluate, refKey, type CheckedFormula, type Figure, type Ref } from './formula.js';
import type { FormulaRow } from './queries.js';
import type { IndicatorDef } from './rules.js';

/** A decoded cell: figures in the indicator's unit (not scaled), text as text. */
export interface Cell {
  month: number | null;
  ytd: number | null;
  ytd_entered: boolean;
  text: string | null;
}
/** Unit key: the enterprise id, or 0 for the office's 合计 row. */
export type Cells = Map<number, Map<string, Cell>>;
export const TOTAL = 0;

export interface Failure {
  formula_code: string;
  severity: 'block' | 'warn';
  scope: FormulaRow['scope'];
  message: string;
  /** null: the 合计 row. */
  enterprise_id: number | null;
  /** The cells the formula reads (code, or code.ytd), for the grid to mark. */
  refs: string[];
  left: number | null;
  right: number | null;
  explanation: string | null;
}

export interface CheckInput {
  defs: readonly IndicatorDef[];
  formulas: ReadonlyArray<{ row: FormulaRow; f: CheckedFormula }>;
  cells: Cells;
  prev: Cells;
  lastYear: Cells;
  /** The first period of a year: the 累计 before it is zero, whatever December's was. */
  firstOfYear: boolean;
  explanations: ReadonlyMap<string, string>;
}

export const explanationKey = (enterpriseId: number | null, formula: string) => `${enterpriseId ?? TOTAL}|${formula}`;

function figure(cells: Cells, unit: number, r: Ref): Figure {
  const c = cells.get(unit)?.get(r.code);
  if (!c) return null;
  return r.ytd ? c.ytd : c.text ?? c.month;
}

export function hasFigures(cells: Cells, unit: number): boolean {
  const row = cells.get(unit);
  return !!row && [...row.values()].some((c) => c.month !== null || c.ytd !== null || c.text !== null);
}

export function runChecks(i: CheckInput): { failures: Failure[]; skipped: number } {
  const failures: Failure[] = [];
  let skipped = 0;
  const enterprises = [...i.cells.keys()].filter((u) => u !== TOTAL && hasFigures(i.cells, u));
  const sum = (r: Ref): number | null => {
    let s: number | null = null;
    for (const u of enterprises) {
      const v = figure(i.cells, u, r);
      if (typeof v === 'number') s = (s ?? 0) + v;
    }
    return s;
  };
  const run = (unit: number, x: { row: FormulaRow; f: CheckedFormula }) => {
    const out = evaluate(
      x.f,
      {
        value: (r) => figure(i.cells, unit, r),
        prev: (r) => (r.ytd && i.firstOfYear ? 0 : figure(i.prev, unit, r)),
        lastYear: (r) => figure(i.lastYear, unit, r),
        sum,
      },
      x.row.tolerance_e4 / 10_000,
    );
    if (out.result === 'skip') skipped++;
    if (out.result !== 'fail') return;
    const enterprise_id = unit === TOTAL ? null : unit;
    failures.push({
      formula_code: x.row.code,
      severity: x.row.severity,
      scope: x.row.scope,
      message: x.row.message,
      enterprise_id,
      refs: x.f.refs.map(refKey),
      left: out.left ?? null,
      right: out.right ?? null,
      explanation: i.explanations.get(explanationKey(enterprise_id, x.row.code)) ?? null,
    });
  };
  const rowUnits = hasFigures(i.cells, TOTAL) ? [...enterprises, TOTAL] : enterprises;
  for (const x of i.formulas) {
    if (x.row.scope === 'unit') {
      if (hasFigures(i.cells, TOTAL)) run(TOTAL, x);
    } else for (const u of rowUnits) run(u, x);
  }
  return { failures, skipped };
}
