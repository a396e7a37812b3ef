// Benchmark of exchange by files (issue 7 item 12): a province consolidating 120 synthetic county packages, the
// same rows inserted by bare better-sqlite3 as a ratio, peak RSS; exporting one county package of 50,000 rows and
// verifying it. The full issue scale (200,000 enterprises, 1,000,000 trainees, 50,000 claims, 5,000 town-years)
// runs with BENCH_EXCHANGE_SCALE=1; the default is 1/10 so `npm run bench` stays within minutes on an office PC.
// `npx tsx tests/bench/exchange.ts` runs it alone.
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { LATEST_VERSION } from '../../db/migrations/index.js';
import { ADMIN } from '../helpers.js';
import { FORMAT, FORMAT_VERSION, PackageWriter, type Kind } from '../../db/exchange/package.js';
import { fingerprintOf, type OfficeKey } from '../../db/exchange/keys.js';
import { tableShapes, contentJson, recordLine, type TableShape } from '../../db/exchange/tables.js';
import { consolidateFiles, packagesInFolder } from '../../db/exchange/consolidate.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage, verifyPackage } from '../../db/exchange/import.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';

interface Out {
  figure(label: string, value: number, unit: string, target?: { kind: 'min' | 'max'; value: number }): void;
  note(text: string): void;
}

const clock = fixedClock('2026-03-01T02:00:00Z');
const AT = '2026-01-15T00:00:00.000Z';
const TRAINING_RULES = '01940000-0000-7000-8004-000000001005'; // shipped sample (国家指导 技能提升), same gid everywhere
const EXHIBITION_RULES = '01700000-0000-7000-8000-000000000101';

function ledger(file: string, level: 'county' | 'city' | 'province', region: string): Database {
  const db = openLedger({ file });
  ensureCodeLists({ db, clock });
  initializeOffice({ db, clock, dataDir: null }, { level, region_code: region, name: `${region}工信局`, admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345' });
  return db;
}

function newKey(): OfficeKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { publicKeyPem: pem, fingerprint: fingerprintOf(pem), privateKey };
}

interface Sizes {
  enterprises: number;
  trainees: number;
  claims: number;
  townYears: number;
}
type Row = Record<string, string | number | null>;
const meta = (c: string) => ({ created_at: AT, created_by: `bench${c}`, updated_at: AT, updated_by: `bench${c}` });

/** The synthetic rows of one county, table by table, in gid order. */
function* countyRows(c: string, n: Sizes): Generator<[string, Row]> {
  const g = (kind: string, i: number) => `0195${kind}00-${c.slice(0, 4)}-7${c.slice(4)}0-8000-${String(i).padStart(12, '0')}`;
  for (let i = 0; i < n.enterprises; i++) {
    const uscc = withCheckChar(`91${c}${String(i).padStart(9, '0')}`);
    yield ['enterprise', { gid: g('01', i), uscc, name: `${c}合成企业${i}有限公司`, name_initials: 'hcqy', name_pinyin: 'hechengqiye', search_text: `${c}合成企业${i} ${uscc}`, region_code: c, scale: i % 7 ? 'below' : 'above', status: 'active', ...meta(c) }];
  }
  const towns = Math.max(1, Math.round(n.townYears / 5));
  for (let t = 0; t < towns; t++) yield ['town', { gid: g('02', t), name: `合成专业镇${t}`, county_code: c, category: 'manufacturing', leading_industry: '装备制造', industry_codes: '', status: 'designated', status_since: '2023-01-01', level: 'county', ...meta(c) }];
  for (let y = 0; y < n.townYears; y++) yield ['town_year', { gid: g('03', y), town_id: g('02', y % towns), year: 2021 + Math.floor(y / towns), enterprises_total: 120, above_scale: 30, output_wan: 250000 + y, revenue_wan: 260000, ...meta(c) }];
  const plans = Math.max(1, Math.ceil(n.trainees / 25));
  for (let p = 0; p < plans; p++) {
    yield ['training_plan', { gid: g('04', p), code: `${c}-2025-JN-${String(p).padStart(5, '0')}`, enterprise_id: g('01', p % n.enterprises), plan_type: 'skills', occupation_code: '6-18-01-01', occupation_name: '车工', target_level: 'L4', planned_count: 30, start_date: '2025-03-01', end_date: '2025-09-30', rule_set_id: TRAINING_RULES, status: 'opened', ...meta(c) }];
  }
  for (let t = 0; t < n.trainees; t++) {
    yield ['trainee', { gid: g('05', t), plan_id: g('04', Math.floor(t / 25)), name: `学员${t}`, id_no: syntheticIdNo(c, '1990-01-01', t), birth_date: '1990-01-01', gender: t % 2 ? 'M' : 'F', social_insurance_verified: 0, sessions_attended: 0, hours_attended: 0, outcome: 'in_training', ...meta(c) }];
  }
  if (n.claims) yield ['exhibition_fair', { gid: g('06', 0), name: `${c} 合成展会`, organiser: '主办方', gov_level: 'provincial', scope: 'domestic', market_type: 'traditional', country: '中国', start_date: '2025-05-01', end_date: '2025-05-03', ...meta(c) }];
  for (let k = 0; k < n.claims; k++) {
    yield ['exhibition_claim', { gid: g('07', k), claim_no: `CZ${c}-${String(k).padStart(6, '0')}`, enterprise_id: g('01', k % n.enterprises), fair_id: g('06', 0), rule_set_id: EXHIBITION_RULES, subsidy_year: 2025, claim_date: '2025-05-20', agent_used: 0, status: 'draft', calc_fen: 0, ...meta(c) }];
  }
}

/** Writes one county's report package the way export does (sorted NDJSON per table, signed manifest). */
function writeCountyPackage(file: string, shapes: Map<string, TableShape>, c: string, to: string, key: OfficeKey, n: Sizes, kind: Kind = 'report', seq = 1): number {
  const w = new PackageWriter(file, null);
  const tables: Record<string, number> = {};
  let part: ReturnType<PackageWriter['part']> | null = null;
  let current = '';
  let rows = 0;
  for (const [t, row] of countyRows(c, n)) {
    if (t !== current) {
      if (part) tables[current] = part.end().records!;
      part = w.part(`data/${t}.ndjson`, { table: t });
      current = t;
    }
    part!.line(recordLine({ base: null, origin: c, version: rows + 1 }, contentJson(shapes.get(t)!, row)));
    rows++;
  }
  if (part) tables[current] = part.end().records!;
  w.finish({
    format: FORMAT, format_version: FORMAT_VERSION, app: { name: 'county-ledger', version: 'bench' }, schema_version: LATEST_VERSION,
    package_id: `bench-${c}-${seq}-${kind}`, kind, period: kind === 'report' ? '2025' : null,
    sender: { office_code: c, level: 'county', name: `${c}工信局`, fingerprint: key.fingerprint },
    receiver: { office_code: to, level: to.endsWith('0000') ? 'province' : 'county', name: null }, created_at: AT, sequence: seq, tables, refers_to: null,
  }, key);
  return rows;
}

/** The same rows by bare better-sqlite3: prepared inserts in one transaction, references resolved from a Map. */
function bareInsert(db: Database, shapes: Map<string, TableShape>, counties: string[], n: Sizes): number {
  const ids = new Map<string, number>();
  for (const t of ['subsidy_rule_set', 'exhibition_rule_set']) for (const r of db.prepare(`SELECT id, gid FROM ${t}`).all() as Array<{ id: number; gid: string }>) ids.set(r.gid, r.id);
  const stmts = new Map<string, ReturnType<Database['prepare']>>();
  let rows = 0;
  const t0 = performance.now();
  db.transaction(() => {
    for (const c of counties) {
      for (const [t, row] of countyRows(c, n)) {
        const s = shapes.get(t)!;
        let st = stmts.get(t);
        if (!st) stmts.set(t, (st = db.prepare(`INSERT INTO ${t}(${s.columns.join(',')}, origin_office, row_version) VALUES (${s.columns.map((x) => `@${x}`).join(',')}, @o, 1)`)));
        const v: Record<string, unknown> = { o: c };
        for (const col of s.columns) v[col] = row[col] ?? null;
        for (const r of s.refs.values()) if (v[r.column] !== null) v[r.column] = ids.get(v[r.column] as string);
        ids.set(row.gid as string, Number(st.run(v).lastInsertRowid));
        rows++;
      }
    }
  })();
  return (performance.now() - t0) / 1000 / rows;
}

export async function benchExchange(out: Out, tmp: string): Promise<void> {
  const scale = Number(process.env.BENCH_EXCHANGE_SCALE ?? '0.1');
  const PACKAGES = 120;
  const per: Sizes = {
    enterprises: Math.round((200_000 * scale) / PACKAGES), trainees: Math.round((1_000_000 * scale) / PACKAGES),
    claims: Math.round((50_000 * scale) / PACKAGES), townYears: Math.round((5_000 * scale) / PACKAGES),
  };
  if (scale !== 1) out.note(`规模为议题的 ${scale}（BENCH_EXCHANGE_SCALE=1 为全量：20 万企业、100 万学员、5 万申请、5000 镇年）`);
  const province = ledger(join(tmp, 'province.sqlite'), 'province', '140000');
  const shapes = tableShapes(province);
  const counties = province.prepare(`SELECT code FROM region WHERE kind = 'county' AND code LIKE '14%' AND valid_to IS NULL ORDER BY code`).pluck().all() as string[];
  const inbox = join(tmp, 'inbox');
  mkdirSync(inbox);
  if (counties.length < PACKAGES) throw new Error(`only ${counties.length} county codes under 140000`);
  const used = counties.slice(0, PACKAGES);
  let rows = 0;
  used.forEach((c, i) => {
    rows += writeCountyPackage(join(inbox, `${String(i).padStart(3, '0')}-${c}.cxpkg`), shapes, c, '140000', newKey(), per);
  });
  const files = packagesInFolder(inbox);
  const ctx = { db: province, clock, actor: ADMIN, dataDir: null };
  const t0 = performance.now();
  const r = consolidateFiles(ctx, files, { pin: true });
  const secs = (performance.now() - t0) / 1000;
  // A refused package would make the figure meaningless (nothing written is fast): the bench stops instead.
  if (r.refused) throw new Error(`拒绝 ${r.refused} 个包：${r.rows.find((x) => x.result === 'refused')?.message}`);
  out.figure(`省级汇总 ${files.length} 个县级包（${rows} 行）`, secs, 's');
  out.figure('汇总速度', rows / secs, '行/s');
  out.figure('峰值内存 RSS', process.resourceUsage().maxRSS / 1024, 'MB', { kind: 'max', value: 1024 });
  province.close();

  const bare = ledger(join(tmp, 'bare.sqlite'), 'province', '140000');
  const perRow = bareInsert(bare, shapes, used, per);
  bare.close();
  out.figure('与裸 better-sqlite3 插入之比', secs / rows / perRow, '倍', { kind: 'max', value: 3 });

  // One county package of 50,000 rows: load a county ledger (a backup from its other PC), export, verify.
  const county = ledger(join(tmp, 'county.sqlite'), 'county', '140525');
  const big: Sizes = { enterprises: 8_000, trainees: 40_000, claims: 1_500, townYears: 500 };
  const seed = join(tmp, 'seed.cxpkg');
  writeCountyPackage(seed, shapes, '140525', '140525', newKey(), big, 'backup', 1);
  const cctx = { db: county, clock, actor: ADMIN, dataDir: null };
  importPackage(cctx, seed, 'apply', { pin: true });
  const n = county.prepare(`SELECT (SELECT count(*) FROM enterprise) + (SELECT count(*) FROM trainee) + (SELECT count(*) FROM training_plan) + (SELECT count(*) FROM exhibition_claim) + (SELECT count(*) FROM town_year) + (SELECT count(*) FROM town) + (SELECT count(*) FROM exhibition_fair)`).pluck().get() as number;
  const e0 = performance.now();
  const file = join(tmp, 'county-report.cxpkg');
  exportPackage(cctx, { kind: 'checkin', to: '140525' }, file);
  out.figure(`导出一个县级包（${n} 行）`, (performance.now() - e0) / 1000, 's', { kind: 'max', value: 2 });
  const v0 = performance.now();
  verifyPackage(county, file);
  out.figure('校验该包', (performance.now() - v0) / 1000, 's', { kind: 'max', value: 0.5 });
  county.close();
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const tmp = mkdtempSync(join(tmpdir(), 'ledger-bench-x-'));
  try {
    await benchExchange({ figure: (l, v, u) => console.log(`  ${l.padEnd(34)} ${v.toFixed(2).padStart(10)} ${u}`), note: (t) => console.log(`  · ${t}`) }, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
