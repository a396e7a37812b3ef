// Exhibition-subsidy benchmark (issue 6, item 11): the pure calculation of 50,000 claims × 8 items under one rule
// table (target ≤ 1 s), and recalculating every unapproved claim in a ledger after a rule change (target ≤ 2 s).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ADMIN, testLedger } from '../helpers.js';
import { calculateBatch, ruleTableInput, type BatchClaim, type CalcItem, type ItemType, type RuleTableInput } from '../../db/exhibitions/rules.js';
import { createRuleSet, reviseRuleSet } from '../../db/exhibitions/service.js';
import { fenToYuanText } from '../../db/exhibitions/money.js';

const CLAIMS = 50_000;
const RULES: RuleTableInput = {
  eligible_types: ['booth_fee', 'special_fit_out', 'transport', 'international_travel', 'accommodation'],
  ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '70', belt_road: '70' } },
  booth_tiers: [
    { from_booth: 1, factor_pct: '100', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' },
    { from_booth: 3, factor_pct: '50', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' },
  ],
  type_caps: [{ type: 'transport', cap_yuan: '10000' }, { type: 'accommodation', cap_yuan: '5000' }],
  fair_cap_yuan: '100000',
  annual_cap_yuan: '200000',
};
const TYPES: ItemType[] = ['booth_fee', 'booth_fee', 'special_fit_out', 'construction', 'transport', 'accommodation', 'international_travel', 'registration'];
const MARKETS = ['traditional', 'emerging', 'belt_road'] as const;

/** CPU time since `start`: on a shared machine wall time also counts other processes. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** Deterministic pseudo-random amounts, so every run calculates the same claims. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function syntheticItems(r: () => number, claim: number): CalcItem[] {
  return TYPES.map((t, i) => ({
    seq: i + 1, item_type: t, booth_seq: t === 'booth_fee' ? (i % 2) + 1 : t === 'special_fit_out' || t === 'construction' ? 1 : null,
    amount_fen: 100_000 + Math.floor(r() * 5_000_000), invoice_date: '2026-01-15', payment_method: (claim + i) % 23 === 0 ? 'cash' : 'transfer',
    volume_m3: null, weight_t: null, other_subsidy_fen: 0,
  }));
}

export interface ExhibitionBenchResult {
  calc_ms: number;
  calc_explained_ms: number;
  calc_claims_per_s: number;
  recalc_ms: number;
  recalc_claims: number;
  recalc_changed: number;
}

function syntheticClaims(): BatchClaim[] {
  const rules = ruleTableInput.parse(RULES);
  const r = rng(42);
  const claims: BatchClaim[] = [];
  for (let i = 1; i <= CLAIMS; i++) {
    claims.push({
      id: i, rules, enterprise_id: 1 + (i % 10_000), subsidy_year: 2026, live: i % 5 !== 0, frozen_fen: null,
      fair: { gov_level: 'provincial', scope: i % 4 === 0 ? 'overseas' : 'domestic', market_type: MARKETS[i % 3]!, start_date: '2026-02-10', end_date: '2026-02-14' },
      claim_date: '2026-02-20', booths: [{ seq: 1, booth_no: 'A', area_m2: 9, kind: 'standard' }, { seq: 2, booth_no: 'B', area_m2: 9, kind: 'standard' }],
      items: syntheticItems(r, i),
    });
  }
  return claims;
}

export function benchExhibitions(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): ExhibitionBenchResult {
  const pure = benchPure(log);
  const recalc = benchRecalc(log);
  return { ...pure, ...recalc };
}

/** Phase 1 in its own scope, so its 50,000 explained results are garbage before phase 2 is timed. */
function benchPure(log: (line: string) => void) {
  const claims = syntheticClaims();
  calculateBatch(claims.slice(0, 5000), { explain: false }); // warm up the JIT
  calculateBatch(claims.slice(0, 5000));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = calculateBatch(claims, { explain: false });
  const calcMs = performance.now() - t0;
  const calcCpu = cpuMs(cpu0);
  let total = 0;
  for (const x of out.values()) total += x.result_fen;
  log(`参展补贴 计算 ${CLAIMS.toLocaleString()} 件申请 × 8 项费用（一个规则表，批量只算金额）：${calcMs.toFixed(0)} ms（CPU ${calcCpu.toFixed(0)} ms；目标 ≤ 1000 ms），${Math.round(CLAIMS / (calcMs / 1000)).toLocaleString()} 件/秒，核定合计 ${fenToYuanText(total)} 元`);
  const t2 = performance.now();
  const explained = calculateBatch(claims);
  const explainMs = performance.now() - t2;
  let same = true;
  for (const [id, x] of explained) if (out.get(id)!.result_fen !== x.result_fen) same = false;
  log(`参展补贴 同样 ${CLAIMS.toLocaleString()} 件并生成逐项中文说明：${explainMs.toFixed(0)} ms；金额与批量结果${same ? '一致' : '不一致！'}`);
  if (!same) throw new Error('explained and batch amounts differ');
  return { calc_ms: calcMs, calc_explained_ms: explainMs, calc_claims_per_s: CLAIMS / (calcMs / 1000) };
}

function benchRecalc(log: (line: string) => void) {
  const claims = syntheticClaims();

  // The same claims in a ledger: 2,000 enterprises, 20 fairs, one in five already approved.
  const { db, ctx } = testLedger();
  const c = ctx(ADMIN);
  const rs = createRuleSet(c, { name: '基准测试规则', region_code: '140525', year: 2026, rules: RULES });
  const at = '2026-03-01T00:00:00.000Z';
  db.transaction(() => {
    const ent = db.prepare(
      `INSERT INTO enterprise(gid, uscc, name, name_initials, name_pinyin, search_text, region_code, scale, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, '', '', '', '140525', 'above', ?, 'bench', ?, 'bench')`,
    );
    for (let e = 1; e <= 10_000; e++) ent.run(`bench-e-${e}`, `BENCH${String(e).padStart(13, '0')}`, `基准企业${e}`, at, at);
    const fair = db.prepare(
      `INSERT INTO exhibition_fair(gid, name, organiser, organising_gov, gov_level, scope, market_type, country, start_date, end_date, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, '主办单位', '山西省人民政府', 'provincial', ?, ?, '中国', '2026-02-10', '2026-02-14', ?, 'bench', ?, 'bench')`,
    );
    for (let f = 1; f <= 20; f++) fair.run(`bench-f-${f}`, `基准展会${f}`, f % 4 === 0 ? 'overseas' : 'domestic', MARKETS[f % 3]!, at, at);
    const claim = db.prepare(
      `INSERT INTO exhibition_claim(gid, claim_no, enterprise_id, fair_id, rule_set_id, subsidy_year, claim_date, status, calc_fen, approved_fen, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, 2026, '2026-02-20', ?, 0, ?, ?, 'bench', ?, 'bench')`,
    );
    const booth = db.prepare(`INSERT INTO exhibition_booth(gid, claim_id, seq, booth_no, area_m2, kind, created_at, created_by) VALUES (?, ?, ?, ?, 9, 'standard', ?, 'bench')`);
    const item = db.prepare(
      `INSERT INTO exhibition_item(gid, claim_id, seq, item_type, booth_seq, amount_fen, invoice_no, invoice_date, payment_method, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, 'INV', ?, ?, ?, 'bench')`,
    );
    for (const cl of claims) {
      const approved = cl.id % 5 === 0;
      claim.run(`bench-c-${cl.id}`, `BENCH-${cl.id}`, cl.enterprise_id, 1 + (cl.id % 20), rs.id, approved ? 'approved' : 'submitted', approved ? 500_000 : null, at, at);
      booth.run(`bench-b-${cl.id}-1`, cl.id, 1, 'A', at);
      booth.run(`bench-b-${cl.id}-2`, cl.id, 2, 'B', at);
      for (const it of cl.items) {
        item.run(`bench-i-${cl.id}-${it.seq}`, cl.id, it.seq, it.item_type, it.booth_seq, it.amount_fen, it.invoice_date, it.payment_method, at);
      }
    }
  })();
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const rev = reviseRuleSet(c, {
    rule_set_id: rs.id, note: '基准测试：提高传统市场比例',
    rules: { ...RULES, ratio_pct: { ...RULES.ratio_pct, domestic: { traditional: '60', emerging: '70', belt_road: '70' } } },
  });
  const recalcMs = performance.now() - t1;
  const recalcCpu = cpuMs(cpu1);
  log(`参展补贴 规则修订后重算未批准申请 ${rev.changes.length.toLocaleString()} 件（其中金额变化 ${rev.changed_count.toLocaleString()} 件，已批准 ${(CLAIMS / 5).toLocaleString()} 件不动）：${recalcMs.toFixed(0)} ms（CPU ${recalcCpu.toFixed(0)} ms；目标 ≤ 2000 ms）`);
  db.close();
  return { recalc_ms: recalcMs, recalc_claims: rev.changes.length, recalc_changed: rev.changed_count };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) benchExhibitions();
