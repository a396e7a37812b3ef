// The check-formula language (审核公式): expected outcomes worked by hand from the figures below, refusals with the
// position they must name, and hostile expressions that must be refused or evaluated safely.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkFormula, evaluate, parse, yoyPercent, type EvalEnv, type Figure, type IndicatorInfo, type Ref, type Scope } from '../../db/monitor/formula.js';
import { AppError } from '../../db/result.js';
import { seededRng } from '../../db/demo/random.js';

const IND: IndicatorInfo[] = [
  { code: 'gyzcz', name: '工业总产值', type: 'number', accumulates: true },
  { code: 'zyywsr', name: '主营业务收入', type: 'number', accumulates: true },
  { code: 'lirun', name: '利润', type: 'number', accumulates: true },
  { code: 'lishui', name: '利税', type: 'number', accumulates: true },
  { code: 'ydl', name: '用电量', type: 'number', accumulates: true },
  { code: 'cyry', name: '从业人员', type: 'integer', accumulates: false },
  { code: 'cpmc', name: '主要产品名称', type: 'text', accumulates: false },
];

// This enterprise, this period; its previous period; the same period last year; the sum over enterprises.
const NOW: Record<string, Figure> = {
  gyzcz: 120, 'gyzcz.ytd': 300, lirun: 10, 'lirun.ytd': 25, lishui: 12, 'lishui.ytd': 30, zyywsr: 100, 'zyywsr.ytd': null,
  ydl: null, cyry: 50, cpmc: '铸件',
};
const PREV: Record<string, Figure> = { 'gyzcz.ytd': 180, 'lirun.ytd': 15 };
const LAST_YEAR: Record<string, Figure> = { gyzcz: 100, 'gyzcz.ytd': 250, zyywsr: 0, cyry: 40 };
const SUM: Record<string, number> = { gyzcz: 119.99, lirun: 10 };
const key = (r: Ref) => (r.ytd ? `${r.code}.ytd` : r.code);
const env: EvalEnv = {
  value: (r) => NOW[key(r)] ?? null,
  prev: (r) => PREV[key(r)] ?? null,
  lastYear: (r) => LAST_YEAR[key(r)] ?? null,
  sum: (r) => SUM[key(r)] ?? null,
};

type Row = [expr: string, scope: Scope, tolerance: number, result: 'pass' | 'fail' | 'skip', extra?: { left?: number | null; right?: number | null; reason?: RegExp }];
const EXPECTED: Row[] = [
  ['lishui >= lirun', 'row', 0, 'pass', { left: 12, right: 10 }],
  ['lirun >= lishui', 'row', 0, 'fail', { left: 10, right: 12 }],
  ['lishui ≥ lirun', 'row', 0, 'pass'],
  ['ytd(gyzcz) >= gyzcz', 'row', 0, 'pass', { left: 300, right: 120 }],
  ['ytd(gyzcz) = prev(ytd(gyzcz)) + gyzcz', 'period', 0, 'pass', { left: 300, right: 300 }],
  ['ytd(lirun) = prev(ytd(lirun)) + lirun', 'period', 0, 'pass'],
  ['ytd(lishui) = prev(ytd(lishui)) + lishui', 'period', 0, 'skip', { reason: /上期「lishui\.ytd」未填报/ }],
  ['abs(yoy(gyzcz)) <= 15', 'row', 0, 'fail', { left: 20, right: 15 }],
  ['abs(yoy(gyzcz)) <= 20', 'row', 0, 'pass'],
  ['abs(yoy(ytd(gyzcz))) <= 30', 'row', 0, 'pass', { left: 20, right: 30 }],
  ['yoy(zyywsr) > 0', 'row', 0, 'skip', { reason: /上年同期「zyywsr」为零/ }],
  ['ydl > 0', 'row', 0, 'skip', { reason: /「ydl」未填报/ }],
  ['ydl > 0 or lishui >= lirun', 'row', 0, 'pass'],
  ['ydl > 0 and lirun > lishui', 'row', 0, 'fail'],
  ['ydl > 0 and lishui > lirun', 'row', 0, 'skip'],
  ['gyzcz / (lishui - 12) > 1', 'row', 0, 'skip', { reason: /除数为零/ }],
  ['gyzcz = sum(gyzcz)', 'unit', 0, 'fail', { left: 120, right: 119.99 }],
  ['gyzcz = sum(gyzcz)', 'unit', 0.01, 'pass'],
  ['gyzcz > sum(gyzcz)', 'unit', 0.01, 'fail'],
  ['gyzcz >= sum(gyzcz)', 'unit', 0, 'pass'],
  ['lirun = sum(lirun)', 'unit', 0, 'pass'],
  ['sum(lishui) > 0', 'unit', 0, 'skip', { reason: /各企业的「lishui」均未填报/ }],
  ['0.1 + 0.2 = 0.3', 'row', 0, 'pass'],
  ['0.1 + 0.2 <> 0.3', 'row', 0, 'fail'],
  ['not (cyry < 40)', 'row', 0, 'pass'],
  ['NOT cyry < 40 AND cyry > 0', 'row', 0, 'pass'],
  ['cyry - ly(cyry) = 10', 'row', 0, 'pass', { left: 10, right: 10 }],
  ['filled(cpmc)', 'row', 0, 'pass'],
  ['filled(ydl)', 'row', 0, 'fail'],
  ['filled(ydl) or abs(yoy(gyzcz)) <= 10', 'row', 0, 'fail'],
  ['min(lirun, lishui) = 10 and max(lirun, lishui, 11) = 12', 'row', 0, 'pass'],
  ['-lirun + 2 * 3 = -4', 'row', 0, 'pass'],
  ['2 + 3 * 4 = 14 and (2 + 3) * 4 = 20 and 10 / 4 = 2.5 and 10 - 4 - 3 = 3', 'row', 0, 'pass'],
  ['lirun <> lishui', 'row', 0, 'pass'],
  ['lirun != 10', 'row', 0, 'fail'],
  ['lishui < lirun + 3', 'row', 0, 'pass'],
  ['lishui < lirun + 2', 'row', 0, 'fail'],
  ['lishui < lirun + 2', 'row', 0.5, 'fail'],
  ['lishui <= lirun + 1.5', 'row', 0.5, 'pass'],
  ['lishui > lirun + 1.5', 'row', 0.5, 'fail'],
  ['gyzcz * 100000000 * 100000000 * 100000000 > 1', 'row', 0, 'skip', { reason: /超出范围/ }],
  ['（lishui － lirun）× 2 ＞ 3', 'row', 0, 'pass'],
];

describe('check formulas: evaluation against a table worked by hand', () => {
  it.each(EXPECTED)('%s (%s, 容差 %s) → %s', (expr, scope, tolerance, result, extra) => {
    const f = checkFormula(expr, scope, IND);
    const out = evaluate(f, env, tolerance);
    expect(out.result).toBe(result);
    if (extra?.left !== undefined) expect(out.left).toBeCloseTo(extra.left!, 9);
    if (extra?.right !== undefined) expect(out.right).toBeCloseTo(extra.right!, 9);
    if (extra?.reason) expect(out.reason).toMatch(extra.reason);
    if (result !== 'skip') expect(out.reason).toBeUndefined();
  });

  it('lists the figures a formula reads, once each', () => {
    expect(checkFormula('ytd(gyzcz) = prev(ytd(gyzcz)) + gyzcz', 'period', IND).refs).toEqual([
      { code: 'gyzcz', ytd: true },
      { code: 'gyzcz', ytd: false },
    ]);
  });

  it('rounds 同比 to 2 decimals and gives none against a missing or zero year', () => {
    expect(yoyPercent(120, 100)).toBe(20);
    expect(yoyPercent(1, 3)).toBe(-66.67);
    expect(yoyPercent(-5, -10)).toBe(50);
    expect(yoyPercent(5, 0)).toBeNull();
    expect(yoyPercent(5, null)).toBeNull();
    expect(yoyPercent(null, 5)).toBeNull();
  });
});

type Refusal = [expr: string, scope: Scope, code: 'FORMULA_SYNTAX' | 'FORMULA_CHECK', pos: number, message: RegExp];
const REFUSED: Refusal[] = [
  ['lishui >= foo', 'row', 'FORMULA_CHECK', 11, /未知指标「foo」/],
  ['constructor > 1', 'row', 'FORMULA_CHECK', 1, /未知指标「constructor」/],
  ['__proto__ > 1', 'row', 'FORMULA_CHECK', 1, /未知指标「__proto__」/],
  ['toString(lirun) > 1', 'row', 'FORMULA_CHECK', 1, /未知函数「toString」/],
  ['hasOwnProperty(lirun) > 0', 'row', 'FORMULA_CHECK', 1, /未知函数/],
  ['process.exit()', 'row', 'FORMULA_SYNTAX', 8, /「\.」不是数字/],
  ['lirun >= 1; process.exit(1)', 'row', 'FORMULA_SYNTAX', 11, /不认识的符号「;」/],
  ['eval("1") > 0', 'row', 'FORMULA_SYNTAX', 6, /不认识的符号「"」/],
  ['lirun[0] > 1', 'row', 'FORMULA_SYNTAX', 6, /不认识的符号「\[」/],
  ['abs(lirun, lishui) > 1', 'row', 'FORMULA_CHECK', 1, /abs\(\) 需要 1 个参数，实际 2 个/],
  ['min(lirun) > 1', 'row', 'FORMULA_CHECK', 1, /min\(\) 需要 2–20 个参数/],
  ['lirun + (lishui > 1) > 0', 'row', 'FORMULA_CHECK', 17, /「\+」的右边应为数值，实际为条件/],
  ['lirun and lishui', 'row', 'FORMULA_CHECK', 1, /and 的左边应为条件（真\/假），实际为数值/],
  ['lirun + lishui', 'row', 'FORMULA_CHECK', 1, /结果应为条件（真\/假）/],
  ['abs', 'row', 'FORMULA_CHECK', 1, /「abs」是函数/],
  ['prev(lirun) > 0', 'row', 'FORMULA_CHECK', 1, /prev\(\) 只能用在跨期公式中/],
  ['sum(lirun) > 0', 'period', 'FORMULA_CHECK', 1, /sum\(\) 只能用在跨单位公式中/],
  ['ytd(cyry) > 0', 'row', 'FORMULA_CHECK', 5, /「从业人员」（cyry）不累计/],
  ['cpmc > 0', 'row', 'FORMULA_CHECK', 1, /「主要产品名称」（cpmc）是文字/],
  ['prev(lirun + 1) > 0', 'period', 'FORMULA_CHECK', 12, /prev\(\) 的参数应为指标代码或 ytd\(指标代码\)/],
  ['lirun < lishui < gyzcz', 'row', 'FORMULA_SYNTAX', 16, /比较不能连写/],
  ['lirun > 0 lishui', 'row', 'FORMULA_SYNTAX', 11, /多余的「lishui」/],
  ['lirun >', 'row', 'FORMULA_SYNTAX', 8, /公式不完整/],
  ['', 'row', 'FORMULA_SYNTAX', 1, /公式不完整/],
  ['lirun > 0 and', 'row', 'FORMULA_SYNTAX', 14, /公式不完整/],
  ['(lirun > 0', 'row', 'FORMULA_SYNTAX', 11, /缺少与第 1 个字符的「\(」配对的「\)」/],
  ['and > 0', 'row', 'FORMULA_SYNTAX', 1, /「and」前缺少条件/],
  ['1e308 > lirun', 'row', 'FORMULA_SYNTAX', 1, /不是数字（不支持科学计数法/],
  ['9999999999999999 > lirun', 'row', 'FORMULA_SYNTAX', 1, /过大或位数过多/],
  ['0.12345678901234567 > lirun', 'row', 'FORMULA_SYNTAX', 1, /过大或位数过多/],
  ['1.2.3 > lirun', 'row', 'FORMULA_SYNTAX', 1, /不是数字/],
  ['2lirun > 0', 'row', 'FORMULA_SYNTAX', 1, /不是数字/],
];

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('check formulas: refusals name the position', () => {
  it.each(REFUSED)('%j (%s) → %s at %i', (expr, scope, code, pos, message) => {
    const e = refusal(() => checkFormula(expr, scope, IND));
    expect(e.code).toBe(code);
    expect(e.details).toEqual({ pos });
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^第 ${pos} 个字符处：`));
  });

  it('refuses length and nesting bombs before they cost anything', () => {
    const deep = `${'('.repeat(40)}lirun${')'.repeat(40)} > 0`;
    expect(refusal(() => parse(deep)).message).toMatch(/嵌套过深（超过 32 层）/);
    expect(refusal(() => parse(`${'-'.repeat(100)}lirun > 0`)).message).toMatch(/嵌套过深/);
    expect(refusal(() => parse(`${'not '.repeat(100)}lirun > 0`)).message).toMatch(/嵌套过深/);
    expect(refusal(() => parse(`${'abs('.repeat(40)}lirun${')'.repeat(40)} > 0`)).message).toMatch(/嵌套过深/);
    expect(refusal(() => parse(`${'1+'.repeat(250)}1 > 0`)).message).toMatch(/过于复杂（超过 400 个记号）/);
    expect(refusal(() => parse('x'.repeat(5000))).message).toMatch(/过长（5000 个字符，上限 1000）/);
    expect(refusal(() => parse('a'.repeat(70) + ' > 0')).message).toMatch(/名称过长/);
    // 31 levels are fine.
    expect(evaluate(checkFormula(`${'('.repeat(31)}lirun${')'.repeat(31)} > 0`, 'row', IND), env).result).toBe('pass');
  });

  it('refuses a formula that is not text', () => {
    expect(refusal(() => parse({ toString: () => 'lirun > 0' } as unknown as string)).code).toBe('FORMULA_SYNTAX');
  });

  it('never compiles code: no eval or Function in the language', () => {
    const src = readFileSync(new URL('../../db/monitor/formula.ts', import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    expect(src).not.toMatch(/\beval\s*\(|\bFunction\s*\(|new Function/);
  });

  it('any string of tokens is either refused with a formula code or evaluated to pass/fail/skip', () => {
    const rng = seededRng(15);
    const pick = <T,>(xs: readonly T[]) => xs[rng.int(0, xs.length - 1)]!;
    const pieces = ['lirun', 'lishui', 'ytd(gyzcz)', 'cpmc', 'prev(', 'sum(', 'yoy(', 'abs(', '(', ')', ',', '+', '-', '*', '/', '>=', '=', '<>', 'and', 'or', 'not', '0', '12.5', 'constructor', '__proto__', 'x'];
    // Well-formed ones too, so the evaluator meets deep arithmetic, zeros and blanks, not only refusals.
    const atoms = ['lirun', 'lishui', 'ydl', 'ytd(gyzcz)', 'yoy(gyzcz)', 'ly(cyry)', '0', '3', '99999999'];
    const arith = (d: number): string => (d === 0 || rng.int(0, 2) === 0 ? pick(atoms) : `(${arith(d - 1)} ${pick(['+', '-', '*', '/'])} ${arith(d - 1)})`);
    const cond = (d: number): string =>
      d === 0 || rng.int(0, 1) === 0 ? `${arith(3)} ${pick(['>=', '<=', '=', '<>', '>', '<'])} ${arith(3)}` : `${pick(['', 'not '])}(${cond(d - 1)} ${pick(['and', 'or'])} ${cond(d - 1)})`;
    let evaluated = 0;
    for (let n = 0; n < 3000; n++) {
      const expr = n % 2 ? cond(3) : Array.from({ length: rng.int(1, 12) }, () => pick(pieces)).join(' ');
      const scope = n % 2 ? 'row' : (['row', 'period', 'unit'] as const)[rng.int(0, 2)]!;
      try {
        const out = evaluate(checkFormula(expr, scope, IND), env, rng.int(0, 1));
        expect(['pass', 'fail', 'skip']).toContain(out.result);
        evaluated++;
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect(['FORMULA_SYNTAX', 'FORMULA_CHECK']).toContain((e as AppError).code);
      }
    }
    expect(evaluated).toBeGreaterThan(1400);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
