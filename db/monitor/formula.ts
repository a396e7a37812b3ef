// Check formulas (审核公式) of report forms: a small expression language over named indicators. Formulas arrive as
// data from another office (a rules package), so they are parsed and checked here and never handed to eval or
// Function: names are looked up in Maps (so `constructor` or `__proto__` are merely unknown indicators), and the
// size, nesting and literals of an expression are bounded before anything is evaluated.
//
// Numbers. Stored figures are exact scaled integers (value × 10^decimals, migration 14); the evaluator works on
// them as doubles (value = scaled / 10^decimals). A double holds every integer below 2^53 exactly and the figures
// of a county (≤ 15 significant digits) with a relative error near 1e-16, so every comparison allows for float
// noise (1e-9 of the larger side) plus the formula's own tolerance (容差, in the indicators' unit): differences up
// to the tolerance count as equal. Exact decimal arithmetic would not help: 同比 and ratios divide anyway.
//
// Not filled. A reference to a cell nobody filled is null; arithmetic and comparisons with null are null; and/or
// follow three-valued logic (false and null = false). A formula whose result is null is skipped (未校验), with the
// reason, rather than passed or failed. Division by zero and results beyond ±1e18 are null in the same way.
import { AppError } from '../result.js';

export type Scope = 'row' | 'period' | 'unit';
export const SCOPE_LABEL: Record<Scope, string> = { row: '表内', period: '跨期', unit: '跨单位' };

/** What a formula may name: an indicator's code with its kind and whether it accumulates (累计). */
export interface IndicatorInfo {
  code: string;
  name: string;
  type: 'number' | 'integer' | 'text';
  accumulates: boolean;
}

export const LIMITS = { length: 1000, tokens: 400, depth: 32, literal: 1e15, result: 1e18 } as const;

// ---- tokens ----

type Tok =
  | { t: 'num'; v: number; pos: number; text: string }
  | { t: 'id'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

const OPS = ['>=', '<=', '<>', '!=', '>', '<', '=', '+', '-', '*', '/', '(', ')', ','];
/** Full-width and mathematical forms that Chinese input methods produce. */
const ALIASES = new Map<string, string>(Object.entries({ '≥': '>=', '≤': '<=', '≠': '<>', '＞': '>', '＜': '<', '＝': '=', '（': '(', '）': ')', '，': ',', '＋': '+', '－': '-', '×': '*', '÷': '/' }));

export function formulaError(code: 'FORMULA_SYNTAX' | 'FORMULA_CHECK', pos: number, message: string): AppError {
  return new AppError(code, pos > 0 ? `第 ${pos} 个字符处：${message}` : message, { pos });
}

export function tokenize(src: string): Tok[] {
  if (typeof src !== 'string') throw formulaError('FORMULA_SYNTAX', 0, '审核公式应为文字');
  if (src.length > LIMITS.length) throw formulaError('FORMULA_SYNTAX', 0, `审核公式过长（${src.length} 个字符，上限 ${LIMITS.length}）`);
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (out.length >= LIMITS.tokens) throw formulaError('FORMULA_SYNTAX', pos, `审核公式过于复杂（超过 ${LIMITS.tokens} 个记号）`);
    if (/[0-9.]/.test(ch)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(src.slice(i, i + 40));
      if (!m) throw formulaError('FORMULA_SYNTAX', pos, `「${ch}」不是数字`);
      const text = m[0];
      if (/[0-9A-Za-z_.\u4e00-\u9fff]/.test(src[i + text.length] ?? '')) {
        throw formulaError('FORMULA_SYNTAX', pos, `「${src.slice(i, i + text.length + 1)}」不是数字（不支持科学计数法和数字开头的名称）`);
      }
      const digits = text.replace('.', '').replace(/^0+/, '');
      const v = Number(text);
      if (digits.length > 15 || !(Math.abs(v) <= LIMITS.literal)) throw formulaError('FORMULA_SYNTAX', pos, `数字「${text}」过大或位数过多（最多 15 位有效数字）`);
      out.push({ t: 'num', v, pos, text });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 65))!;
      if (m[0].length > 64) throw formulaError('FORMULA_SYNTAX', pos, '名称过长（最多 64 个字符）');
      out.push({ t: 'id', v: m[0], pos });
      i += m[0].length;
      continue;
    }
    const alias = ALIASES.get(ch);
    if (alias) {
      out.push({ t: 'op', v: alias, pos });
      i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op === '!=' ? '<>' : op, pos });
      i += op.length;
      continue;
    }
    throw formulaError('FORMULA_SYNTAX', pos, `不认识的符号「${ch}」`);
  }
  out.push({ t: 'end', pos: src.length + 1 });
  return out;
}

// ---- syntax tree ----

export type CmpOp = '>=' | '<=' | '=' | '<>' | '>' | '<';
export type Node =
  | { k: 'num'; v: number; pos: number }
  | { k: 'name'; name: string; pos: number }
  | { k: 'neg'; e: Node; pos: number }
  | { k: 'not'; e: Node; pos: number }
  | { k: 'arith'; op: '+' | '-' | '*' | '/'; l: Node; r: Node; pos: number }
  | { k: 'cmp'; op: CmpOp; l: Node; r: Node; pos: number }
  | { k: 'logic'; op: 'and' | 'or'; l: Node; r: Node; pos: number }
  | { k: 'call'; fn: string; args: Node[]; pos: number };

const KEYWORDS = new Set(['and', 'or', 'not']);
const CMP = new Set<string>(['>=', '<=', '=', '<>', '>', '<']);

export function parse(src: string): Node {
  const toks = tokenize(src);
  let at = 0;
  let depth = 0;
  const peek = () => toks[at]!;
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const isKw = (v: string) => {
    const t = peek();
    return t.t === 'id' && t.v.toLowerCase() === v;
  };
  const describe = (t: Tok) => (t.t === 'end' ? '公式结尾' : `「${t.t === 'num' ? t.text : t.v}」`);
  const deeper = <T>(pos: number, f: () => T): T => {
    if (++depth > LIMITS.depth) throw formulaError('FORMULA_SYNTAX', pos, `嵌套过深（超过 ${LIMITS.depth} 层）`);
    try {
      return f();
    } finally {
      depth--;
    }
  };

  const orExpr = (): Node => {
    let l = andExpr();
    while (isKw('or')) {
      const pos = toks[at++]!.pos;
      l = { k: 'logic', op: 'or', l, r: andExpr(), pos };
    }
    return l;
  };
  const andExpr = (): Node => {
    let l = notExpr();
    while (isKw('and')) {
      const pos = toks[at++]!.pos;
      l = { k: 'logic', op: 'and', l, r: notExpr(), pos };
    }
    return l;
  };
  const notExpr = (): Node => {
    if (isKw('not')) {
      const pos = toks[at++]!.pos;
      return deeper(pos, () => ({ k: 'not', e: notExpr(), pos }));
    }
    return cmpExpr();
  };
  const cmpExpr = (): Node => {
    const l = addExpr();
    const t = peek();
    if (t.t === 'op' && CMP.has(t.v)) {
      at++;
      const r = addExpr();
      const t2 = peek();
      if (t2.t === 'op' && CMP.has(t2.v)) throw formulaError('FORMULA_SYNTAX', t2.pos, `比较不能连写（如 a < b < c），请写成 a < b and b < c`);
      return { k: 'cmp', op: t.v as CmpOp, l, r, pos: t.pos };
    }
    return l;
  };
  const addExpr = (): Node => {
    let l = mulExpr();
    while (isOp('+') || isOp('-')) {
      const t = toks[at++] as { v: '+' | '-'; pos: number };
      l = { k: 'arith', op: t.v, l, r: mulExpr(), pos: t.pos };
    }
    return l;
  };
  const mulExpr = (): Node => {
    let l = unary();
    while (isOp('*') || isOp('/')) {
      const t = toks[at++] as { v: '*' | '/'; pos: number };
      l = { k: 'arith', op: t.v, l, r: unary(), pos: t.pos };
    }
    return l;
  };
  const unary = (): Node => {
    if (isOp('-') || isOp('+')) {
      const t = toks[at++]!;
      return deeper(t.pos, () => {
        const e = unary();
        return t.t === 'op' && t.v === '-' ? { k: 'neg', e, pos: t.pos } : e;
      });
    }
    return primary();
  };
  const primary = (): Node => {
    const t = peek();
    if (t.t === 'num') {
      at++;
      return { k: 'num', v: t.v, pos: t.pos };
    }
    if (t.t === 'op' && t.v === '(') {
      at++;
      return deeper(t.pos, () => {
        const e = orExpr();
        if (!isOp(')')) throw formulaError('FORMULA_SYNTAX', peek().pos, `缺少与第 ${t.pos} 个字符的「(」配对的「)」，遇到${describe(peek())}`);
        at++;
        return e;
      });
    }
    if (t.t === 'id') {
      if (KEYWORDS.has(t.v.toLowerCase())) throw formulaError('FORMULA_SYNTAX', t.pos, `「${t.v}」前缺少条件`);
      at++;
      if (!isOp('(')) return { k: 'name', name: t.v, pos: t.pos };
      at++;
      return deeper(t.pos, () => {
        const args: Node[] = [];
        if (!isOp(')')) {
          for (;;) {
            args.push(orExpr());
            if (isOp(',')) {
              at++;
              continue;
            }
            break;
          }
        }
        if (!isOp(')')) throw formulaError('FORMULA_SYNTAX', peek().pos, `函数 ${t.v}( 的参数后应为「)」，遇到${describe(peek())}`);
        at++;
        return { k: 'call', fn: t.v, args, pos: t.pos };
      });
    }
    throw formulaError('FORMULA_SYNTAX', t.pos, t.t === 'end' ? '公式不完整' : `此处不应出现${describe(t)}`);
  };

  const tree = orExpr();
  if (peek().t !== 'end') throw formulaError('FORMULA_SYNTAX', peek().pos, `多余的${describe(peek())}`);
  return tree;
}

// ---- checking ----

/** A checked reference to one figure: an indicator's month value (当月) or its year-to-date (累计). */
export interface Ref {
  code: string;
  ytd: boolean;
}
export const refKey = (r: Ref) => (r.ytd ? `${r.code}.ytd` : r.code);

type Ty = 'num' | 'bool' | 'text';
const TY_LABEL: Record<Ty, string> = { num: '数值', bool: '条件（真/假）', text: '文字' };

// A Map, not an object literal: `constructor` must not look like a function because Object.prototype has one.
const FUNCTIONS = new Map<string, string>(Object.entries({
  abs: 'abs(数值)：绝对值',
  min: 'min(数值, 数值, …)：最小值',
  max: 'max(数值, 数值, …)：最大值',
  ytd: 'ytd(指标)：本年累计',
  prev: 'prev(指标或 ytd(指标))：上一期的值（仅跨期公式）',
  ly: 'ly(指标或 ytd(指标))：上年同期的值',
  yoy: 'yoy(指标或 ytd(指标))：同比增长（%）',
  sum: 'sum(指标或 ytd(指标))：各企业合计（仅跨单位公式）',
  filled: 'filled(指标)：是否已填报',
}));
export const FUNCTION_HELP = [...FUNCTIONS.values()];

export interface CheckedFormula {
  source: string;
  tree: Node;
  scope: Scope;
  /** Every figure the formula reads, for the UI to mark the cells a failure belongs to. */
  refs: Ref[];
}

/**
 * Parses and checks a formula against the indicators of its form: unknown names, wrong arity, a number where a
 * condition belongs, a function outside its scope. Throws FORMULA_SYNTAX / FORMULA_CHECK naming the position.
 */
export function checkFormula(src: string, scope: Scope, indicators: readonly IndicatorInfo[]): CheckedFormula {
  const tree = parse(src);
  const byCode = new Map(indicators.map((d) => [d.code, d]));
  const refs = new Map<string, Ref>();
  const fail = (pos: number, msg: string): never => {
    throw formulaError('FORMULA_CHECK', pos, msg);
  };
  const indicator = (n: Node): IndicatorInfo => {
    if (n.k !== 'name') return fail(n.pos, '此处应为指标代码');
    const d = byCode.get(n.name);
    if (!d) {
      if (FUNCTIONS.has(n.name.toLowerCase())) fail(n.pos, `「${n.name}」是函数，应写成 ${n.name}(…)`);
      fail(n.pos, `未知指标「${n.name}」（本表的指标代码：${[...byCode.keys()].join('、') || '无'}）`);
    }
    return d!;
  };
  /** name or ytd(name): what prev/ly/yoy/sum take. */
  const ref = (n: Node, fn: string): { ref: Ref; d: IndicatorInfo } => {
    if (n.k === 'call' && n.fn.toLowerCase() === 'ytd') {
      const r = visitRefCall(n);
      return r;
    }
    if (n.k !== 'name') return fail(n.pos, `${fn}() 的参数应为指标代码或 ytd(指标代码)，不能是表达式`);
    const d = indicator(n);
    return { ref: { code: d.code, ytd: false }, d };
  };
  const visitRefCall = (n: Extract<Node, { k: 'call' }>): { ref: Ref; d: IndicatorInfo } => {
    if (n.args.length !== 1) fail(n.pos, `ytd() 需要 1 个参数，实际 ${n.args.length} 个`);
    const a = n.args[0]!;
    if (a.k !== 'name') fail(a.pos, 'ytd() 的参数应为指标代码');
    const d = indicator(a);
    if (!d.accumulates) fail(a.pos, `指标「${d.name}」（${d.code}）不累计，没有本年累计值`);
    return { ref: { code: d.code, ytd: true }, d };
  };
  const use = (r: Ref, d: IndicatorInfo, pos: number, allowText = false) => {
    if (d.type === 'text' && !allowText) fail(pos, `指标「${d.name}」（${d.code}）是文字，不能参与计算，可用 filled(${d.code}) 判断是否已填`);
    refs.set(refKey(r), r);
  };
  const want = (n: Node, ty: Ty, what: string): void => {
    const got = visit(n);
    if (got !== ty) fail(n.pos, `${what}应为${TY_LABEL[ty]}，实际为${TY_LABEL[got]}`);
  };
  const visit = (n: Node): Ty => {
    switch (n.k) {
      case 'num':
        return 'num';
      case 'name': {
        if (KEYWORDS.has(n.name.toLowerCase())) return fail(n.pos, `「${n.name}」位置不对`);
        const d = indicator(n);
        use({ code: d.code, ytd: false }, d, n.pos);
        return 'num';
      }
      case 'neg':
        want(n.e, 'num', '负号后');
        return 'num';
      case 'not':
        want(n.e, 'bool', 'not 后');
        return 'bool';
      case 'arith':
        want(n.l, 'num', `「${n.op}」的左边`);
        want(n.r, 'num', `「${n.op}」的右边`);
        return 'num';
      case 'cmp':
        want(n.l, 'num', `「${n.op}」的左边`);
        want(n.r, 'num', `「${n.op}」的右边`);
        return 'bool';
      case 'logic':
        want(n.l, 'bool', `${n.op} 的左边`);
        want(n.r, 'bool', `${n.op} 的右边`);
        return 'bool';
      case 'call': {
        const fn = n.fn.toLowerCase();
        const arity = (min: number, max: number) => {
          if (n.args.length < min || n.args.length > max) {
            fail(n.pos, `${fn}() 需要 ${min === max ? min : max === Infinity ? `至少 ${min}` : `${min}–${max}`} 个参数，实际 ${n.args.length} 个`);
          }
        };
        switch (fn) {
          case 'abs':
            arity(1, 1);
            want(n.args[0]!, 'num', 'abs() 的参数');
            return 'num';
          case 'min':
          case 'max':
            arity(2, 20);
            n.args.forEach((a, i) => want(a, 'num', `${fn}() 的第 ${i + 1} 个参数`));
            return 'num';
          case 'ytd': {
            const { ref: r, d } = visitRefCall(n);
            use(r, d, n.pos);
            return 'num';
          }
          case 'prev':
          case 'ly':
          case 'yoy':
          case 'sum': {
            arity(1, 1);
            if (fn === 'prev' && scope !== 'period') fail(n.pos, 'prev() 只能用在跨期公式中');
            if (fn === 'sum' && scope !== 'unit') fail(n.pos, 'sum() 只能用在跨单位公式中');
            const { ref: r, d } = ref(n.args[0]!, fn);
            use(r, d, n.args[0]!.pos);
            return 'num';
          }
          case 'filled': {
            arity(1, 1);
            const { ref: r, d } = ref(n.args[0]!, fn);
            use(r, d, n.args[0]!.pos, true);
            return 'bool';
          }
          default:
            return fail(n.pos, `未知函数「${n.fn}」（可用：${[...FUNCTIONS.keys()].join('、')}）`);
        }
      }
    }
  };
  const ty = visit(tree);
  if (ty !== 'bool') fail(1, `审核公式的结果应为条件（真/假），例如 lishui >= lirun；此公式的结果是${TY_LABEL[ty]}`);
  return { source: src, tree, scope, refs: [...refs.values()] };
}

// ---- evaluation ----

export type Figure = number | string | null;

/** Where a formula's figures come from; the service answers from the saved and submitted values. */
export interface EvalEnv {
  /** The figure in the row being checked (this enterprise, or for unit scope the office's 合计 row). */
  value(ref: Ref): Figure;
  /** The same row one period earlier (prev). */
  prev(ref: Ref): Figure;
  /** The same row in the same period of last year (ly, yoy). */
  lastYear(ref: Ref): Figure;
  /** Sum over the enterprises of the report; null where none is filled. */
  sum(ref: Ref): number | null;
}

export interface Outcome {
  result: 'pass' | 'fail' | 'skip';
  /** Why the formula could not be decided (未校验): a blank cell, a division by zero… */
  reason?: string;
  /** The two sides of a top-level comparison, for the message beside the cell. */
  left?: number | null;
  right?: number | null;
}

type V = number | boolean | null;

export function evaluate(f: CheckedFormula, env: EvalEnv, tolerance = 0): Outcome {
  let reason: string | undefined;
  const skip = (why: string): null => {
    reason ??= why;
    return null;
  };
  const num = (x: Figure, r: Ref): number | null => {
    if (x === null) return skip(`「${refKey(r)}」未填报`);
    if (typeof x !== 'number' || !Number.isFinite(x)) return skip(`「${refKey(r)}」不是数值`);
    return x;
  };
  const bounded = (x: number): number | null => (Number.isFinite(x) && Math.abs(x) <= LIMITS.result ? x : skip('计算结果超出范围'));
  const tol = Number.isFinite(tolerance) && tolerance > 0 ? tolerance : 0;
  const compare = (op: CmpOp, a: number, b: number): boolean => {
    const slack = tol + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    const d = a - b;
    switch (op) {
      case '=':
        return Math.abs(d) <= slack;
      case '<>':
        return Math.abs(d) > slack;
      case '>=':
        return d >= -slack;
      case '<=':
        return d <= slack;
      case '>':
        return d > slack;
      case '<':
        return d < -slack;
    }
  };
  /** A checked name or ytd(name). */
  const refOf = (n: Node): Ref => {
    if (n.k === 'name') return { code: n.name, ytd: false };
    const a = n.k === 'call' ? n.args[0] : undefined;
    return { code: a?.k === 'name' ? a.name : '', ytd: true };
  };

  const ev = (n: Node): V => {
    switch (n.k) {
      case 'num':
        return n.v;
      case 'name': {
        const r = refOf(n);
        return num(env.value(r), r);
      }
      case 'neg': {
        const v = ev(n.e) as number | null;
        return v === null ? null : -v;
      }
      case 'not': {
        const v = ev(n.e) as boolean | null;
        return v === null ? null : !v;
      }
      case 'arith': {
        const a = ev(n.l) as number | null;
        const b = ev(n.r) as number | null;
        if (a === null || b === null) return null;
        if (n.op === '/' && b === 0) return skip('除数为零');
        return bounded(n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b);
      }
      case 'cmp': {
        const a = ev(n.l) as number | null;
        const b = ev(n.r) as number | null;
        return a === null || b === null ? null : compare(n.op, a, b);
      }
      case 'logic': {
        const a = ev(n.l) as boolean | null;
        const b = ev(n.r) as boolean | null;
        if (n.op === 'and') return a === false || b === false ? false : a === null || b === null ? null : true;
        return a === true || b === true ? true : a === null || b === null ? null : false;
      }
      case 'call': {
        const fn = n.fn.toLowerCase();
        switch (fn) {
          case 'abs': {
            const v = ev(n.args[0]!) as number | null;
            return v === null ? null : Math.abs(v);
          }
          case 'min':
          case 'max': {
            const vs = n.args.map((a) => ev(a) as number | null);
            if (vs.some((v) => v === null)) return null;
            return fn === 'min' ? Math.min(...(vs as number[])) : Math.max(...(vs as number[]));
          }
          case 'ytd': {
            const r = refOf(n);
            return num(env.value(r), r);
          }
          case 'prev': {
            const r = refOf(n.args[0]!);
            const v = env.prev(r);
            return v === null ? skip(`上期「${refKey(r)}」未填报`) : num(v, r);
          }
          case 'ly': {
            const r = refOf(n.args[0]!);
            const v = env.lastYear(r);
            return v === null ? skip(`上年同期「${refKey(r)}」未填报`) : num(v, r);
          }
          case 'yoy': {
            const r = refOf(n.args[0]!);
            const now = num(env.value(r), r);
            const before = env.lastYear(r);
            if (now === null) return null;
            if (before === null) return skip(`上年同期「${refKey(r)}」未填报`);
            const b = num(before, r);
            if (b === null) return null;
            if (b === 0) return skip(`上年同期「${refKey(r)}」为零，同比无法计算`);
            return bounded(((now - b) / Math.abs(b)) * 100);
          }
          case 'sum': {
            const r = refOf(n.args[0]!);
            const v = env.sum(r);
            return v === null ? skip(`各企业的「${refKey(r)}」均未填报`) : bounded(v);
          }
          case 'filled': {
            const v = env.value(refOf(n.args[0]!));
            return v !== null && !(typeof v === 'string' && v.trim() === '');
          }
        }
        return skip(`未知函数「${n.fn}」`);
      }
    }
  };

  const v = ev(f.tree);
  const out: Outcome = v === null ? { result: 'skip', reason: reason ?? '有未填报的数据' } : { result: v ? 'pass' : 'fail' };
  if (f.tree.k === 'cmp') {
    // The sides are read again without recording reasons: they were computed above already.
    const saved = reason;
    out.left = ev(f.tree.l) as number | null;
    out.right = ev(f.tree.r) as number | null;
    reason = saved;
  }
  return out;
}

/** 同比 as the report shows it: percent with 2 decimals, null when last year is missing or zero. */
export function yoyPercent(now: number | null, lastYear: number | null): number | null {
  if (now === null || lastYear === null || lastYear === 0) return null;
  return Math.round(((now - lastYear) / Math.abs(lastYear)) * 10000) / 100;
}
