// Benchmark of the specialized-town area (issue 4 item 12): evaluating 5,000 towns with 5 years of figures
// against a 20-criterion rule set (target ≤ 1 s) and each dashboard query over that data (target ≤ 50 ms).
// Exported for tests/bench/bench.ts (`npm run bench`); `npx tsx tests/bench/towns.ts` runs it alone.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { testLedger } from '../helpers.js';
import { uuidv7 } from '../../db/ids.js';
import { defsMap, evaluateAll, loadTownData, ruleScope, saveRuleSet } from '../../db/towns/evaluation.js';
import { evaluate } from '../../db/towns/assessment.js';
import { indicatorTotals, missingIndicators, rereviewDue, townCounts, townDashboard } from '../../db/towns/dashboard.js';
import type { RuleDefinitionInput } from '../../db/towns/assessment.js';

const TOWNS = 5000;
const YEARS = [2021, 2022, 2023, 2024, 2025];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, f: () => unknown): number {
  f(); // warm the statement cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    f();
    t.push(performance.now() - a);
  }
  return median(t);
}

/** 20 criteria: thresholds over 1, 3 and 5 years, growth rates, tier alternatives, weighted, and veto clauses. */
export const BENCH_RULES: RuleDefinitionInput = {
  criteria: [
    { id: 'c1', label: '近五年产值均 ≥ 10 亿元', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 100000, years: 5, weight: 10 },
    { id: 'c2', label: '近三年产值均 ≥ 20 亿元', kind: 'threshold', indicator: 'output_wan', op: '>=', value: 200000, years: 3, weight: 8, required: false },
    { id: 'c3', label: '营收 ≥ 15 亿元', kind: 'threshold', indicator: 'revenue_wan', op: '>=', value: 150000, weight: 5, required: false },
    { id: 'c4', label: '中小企业产值占比 ≥ 70%', kind: 'threshold', indicator: 'sme_output_share', op: '>=', value: 70, weight: 5 },
    { id: 'c5', label: '主导产业占比 > 70%', kind: 'threshold', indicator: 'leading_share', op: '>', value: 70, years: 3, weight: 5 },
    { id: 'c6', label: '占地 ≤ 100 平方公里', kind: 'threshold', indicator: 'area_km2', op: '<=', value: 100, weight: 2 },
    { id: 'c7', label: '规上企业 ≥ 10 户', kind: 'threshold', indicator: 'above_scale', op: '>=', value: 10, years: 3, weight: 4, required: false },
    { id: 'c8', label: '企业 ≥ 50 户', kind: 'threshold', indicator: 'enterprises_total', op: '>=', value: 50, weight: 4, required: false },
    { id: 'c9', label: '从业人员 ≥ 3000', kind: 'threshold', indicator: 'employees', op: '>=', value: 3000, weight: 3, required: false },
    { id: 'c10', label: '研发投入 ≥ 2000 万元', kind: 'threshold', indicator: 'rnd_wan', op: '>=', value: 2000, weight: 4, required: false },
    { id: 'c11', label: '工业互联网普及率 ≥ 10%', kind: 'threshold', indicator: 'iip_adoption', op: '>=', value: 10, weight: 3, required: false },
    { id: 'c12', label: '省级创新平台 ≥ 1', kind: 'threshold', indicator: 'provincial_platforms', op: '>=', value: 1, weight: 3, required: false },
    { id: 'c13', label: '近三年产值年均增速 > 5%', kind: 'growth', indicator: 'output_wan', op: '>', value: 5, years: 3, weight: 8 },
    { id: 'c14', label: '近五年营收年均增速 > 3%', kind: 'growth', indicator: 'revenue_wan', op: '>', value: 3, years: 5, weight: 5, required: false },
    { id: 'c15', label: '研发投入年均增长 > 5%', kind: 'growth', indicator: 'rnd_wan', op: '>', value: 5, years: 3, weight: 5, required: false },
    {
      id: 'c16', label: '优质企业梯度', kind: 'tier', weight: 10,
      alternatives: [
        { label: '冠军＋小巨人', indicators: ['single_champions', 'little_giants'], min: 1 },
        { label: '专精特新＋创新型＋高企', indicators: ['provincial_zjtx', 'innovative_smes', 'high_tech'], min: 10 },
      ],
    },
    {
      id: 'c17', label: '高企梯度', kind: 'tier', weight: 4, required: false,
      alternatives: [{ label: '高企 ≥ 5', indicators: ['high_tech'], min: 5 }, { label: '国家级平台 ≥ 1', indicators: ['national_platforms'], min: 1 }],
    },
    { id: 'c18', label: '无较大及以上安全、质量、环境事故', kind: 'veto', events: ['safety_accident', 'quality_accident', 'environment_accident'], min_severity: 'larger', years: 3 },
    { id: 'c19', label: '无重大数据安全事件', kind: 'veto', events: ['data_security'], min_severity: 'major', years: 3 },
    { id: 'c20', label: '无严重失信', kind: 'veto', events: ['tax_evasion', 'violation', 'serious_dishonesty'], years: 3 },
  ],
  grades: [
    { name: '优秀', min: 90 },
    { name: '良好', min: 75 },
    { name: '合格', min: 60 },
    { name: '不合格', min: 0, proposes: 'warn' },
  ],
};

export interface TownBenchResult {
  towns: number;
  years: number;
  criteria: number;
  evaluateMs: number;
  evaluateDetailMs: number;
  evaluateAllYearsMs: number;
  dashboardMs: Record<string, number>;
}

export function benchTowns(log: (line: string) => void = console.log): TownBenchResult {
  const { db, ctx } = testLedger({ level: 'province', region: '140000' });
  const counties = db.prepare(`SELECT code FROM region WHERE kind = 'county' AND code LIKE '14%' AND valid_to IS NULL ORDER BY code`).pluck().all() as string[];
  const c = ctx();
  const now = '2026-03-01T02:00:00.000Z';
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

  const t0 = performance.now();
  db.transaction(() => {
    const town = db.prepare(
      `INSERT INTO town(gid, name, county_code, category, leading_industry, industry_codes, status, status_since, level, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, '', ?, '2024-01-01', ?, ?, 'bench', ?, 'bench')`,
    );
    const desig = db.prepare(
      `INSERT INTO town_designation(gid, town_id, level, kind, batch_no, doc_no, bodies, valid_from, valid_to, created_at, created_by)
       VALUES (?, ?, ?, 'initial', '第一批', ?, '["省工信厅"]', ?, ?, ?, 'bench')`,
    );
    const year = db.prepare(
      `INSERT INTO town_year(gid, town_id, year, enterprises_total, above_scale, little_giants, single_champions, provincial_zjtx, innovative_smes, high_tech,
         output_wan, revenue_wan, employees, rnd_wan, sme_output_share, leading_share, iip_adoption, area_km2, national_platforms, provincial_platforms,
         created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', ?, 'bench')`,
    );
    const event = db.prepare(
      `INSERT INTO town_event(gid, town_id, kind, severity, date, description, created_at, created_by) VALUES (?, ?, 'safety_accident', ?, ?, '演练数据', ?, 'bench')`,
    );
    const levels = ['county', 'city', 'province'] as const;
    const categories = ['manufacturing', 'agriculture', 'light_industry'] as const;
    for (let i = 0; i < TOWNS; i++) {
      const county = counties[i % counties.length]!;
      const status = i % 50 === 0 ? 'cultivating' : i % 23 === 0 ? 'warned' : 'designated';
      const level = status === 'cultivating' ? null : levels[i % 3]!;
      const id = Number(town.run(uuidv7(c.clock), `演练专业镇${i}`, county, categories[i % 3]!, '演练产业', status, level, now, now).lastInsertRowid);
      if (level) {
        const from = `${2021 + (i % 5)}-${String(1 + (i % 12)).padStart(2, '0')}-01`;
        desig.run(uuidv7(c.clock), id, level, `演练〔${2021 + (i % 5)}〕${i}号`, from, `${2024 + (i % 5)}-${String(1 + (i % 12)).padStart(2, '0')}-01`, now);
      }
      let output = 50000 + rnd() * 500000;
      for (const y of YEARS) {
        if (y === 2025 && i % 17 === 0) continue; // some towns have not reported last year
        output *= 0.95 + rnd() * 0.2;
        const n = Math.round(20 + rnd() * 200);
        year.run(uuidv7(c.clock), id, y, n, Math.round(n * 0.2), Math.round(rnd() * 2), i % 40 === 0 ? 1 : 0, Math.round(rnd() * 12), Math.round(rnd() * 8),
          Math.round(rnd() * 10), Math.round(output * 100) / 100, Math.round(output * 96) / 100, Math.round(n * 40), Math.round(output) / 100,
          Math.round((55 + rnd() * 40) * 100) / 100, Math.round((60 + rnd() * 35) * 100) / 100, i % 3 === 0 ? null : Math.round(rnd() * 3000) / 100,
          Math.round(rnd() * 150 * 100) / 100, i % 9 === 0 ? 1 : 0, Math.round(rnd() * 3), now, now);
      }
      if (i % 29 === 0) event.run(uuidv7(c.clock), id, i % 2 ? 'larger' : 'general', `${2023 + (i % 3)}-06-01`, now);
    }
  })();
  log(`专业镇基准：生成 ${TOWNS} 个专业镇 × ${YEARS.length} 年指标用时 ${(performance.now() - t0).toFixed(0)} ms`);

  const rs = saveRuleSet(c, { code: 'bench-20', name: '基准测试：20 条标准', purpose: 'annual', effective_from: '2021-01-01', definition: BENCH_RULES });
  const criteria = rs.definition.criteria.length;
  let last: ReturnType<typeof evaluateAll> | null = null;
  const evaluateMs = time(5, () => (last = evaluateAll(c, { year: 2025, ruleSetId: rs.id })));
  const passed = last!.rows.filter((r) => r.passed).length;
  const graded = last!.rows.filter((r) => r.grade !== null).length;
  log(`  评价 ${last!.rows.length} 个专业镇（${criteria} 条标准，跨 ${YEARS.length} 年数据）：中位数 ${evaluateMs.toFixed(1)} ms（目标 ≤ 1000 ms）；符合 ${passed}，有等级 ${graded}`);
  // The same with every criterion's explanatory text, as the 评价 screen and the CLI show for one town.
  const scope = ruleScope(rs.definition, 2025);
  const defs = defsMap(db);
  const evaluateDetailMs = time(3, () => {
    const data = loadTownData(db, 'all', scope.fromYear, 2025, scope.codes);
    for (const d of data.values()) evaluate(rs.definition, d, 2025, defs, true);
  });
  log(`  同上并生成每条标准的说明文字：中位数 ${evaluateDetailMs.toFixed(1)} ms`);
  const evaluateAllYearsMs = time(3, () => {
    for (const y of YEARS) evaluateAll(c, { year: y, ruleSetId: rs.id });
  });
  log(`  逐年评价 ${TOWNS} 个专业镇 × ${YEARS.length} 个年度：中位数 ${evaluateAllYearsMs.toFixed(1)} ms`);

  const prefix = '14';
  const dashboardMs: Record<string, number> = {
    '按级别/类别/状态统计': time(20, () => townCounts(db, prefix)),
    '90 天内到期复核': time(20, () => rereviewDue(db, prefix, '2026-03-01', 90)),
    '上年度指标未报': time(20, () => missingIndicators(db, prefix, 2025)),
    '指标按年度合计': time(20, () => indicatorTotals(db, prefix)),
    '整个总览（以上四项）': time(20, () => townDashboard(c, {})),
  };
  for (const [k, v] of Object.entries(dashboardMs)) log(`  总览查询「${k}」：中位数 ${v.toFixed(2)} ms（目标 ≤ 50 ms）`);
  db.close();
  return { towns: TOWNS, years: YEARS.length, criteria, evaluateMs, evaluateDetailMs, evaluateAllYearsMs, dashboardMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) benchTowns();
