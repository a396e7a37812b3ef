// Training benchmarks (issue 5, item 12). `benchTraining()` is wired into `npm run bench` by the lead; it can also
// run alone: `npx tsx tests/bench/training.ts`.
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import type { Database } from 'better-sqlite3';
import { join } from 'node:path';
import { fixedClock } from '../../db/clock.js';
import { openLedger } from '../../db/connection.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { ADMIN, tempDir } from '../helpers.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';
import * as svc from '../../db/training/service.js';
import * as q from '../../db/training/queries.js';
import { importRoster } from '../../db/training/excel.js';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target: number;
  ok: boolean;
  note: string;
}

/** A ledger in a temporary file (a million rows would not fit comfortably in memory next to other work). */
function base() {
  const tmp = tempDir('ledger-bench-');
  const clock = fixedClock('2026-03-01T02:00:00Z');
  const db = openLedger({ file: join(tmp.dir, 'ledger.sqlite') });
  db.pragma('cache_size = -65536');
  ensureCodeLists({ db, clock });
  initializeOffice({ db, clock, dataDir: null }, {
    level: 'county', region_code: '140525', name: '泽州县工业和信息化局', admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
  });
  const c = { db, clock, actor: ADMIN, dataDir: null };
  const L = { db, close: () => { db.close(); tmp.cleanup(); } };
  const ent = createEnterprise(c, { uscc: withCheckChar('91140525MA0B00001'), name: '泽州县基准测试铸造有限公司', region_code: '140525', scale: 'above' });
  const inst = svc.createInstitution(c, { name: '泽州县基准测试培训学校', uscc: withCheckChar('52140525MA0B00002') });
  const rule = svc.listRuleSets(c, { plan_type: 'apprentice' }).find((r) => r.code === '示例-武汉-学徒')!;
  return { ...L, c, ent, inst, rule, close: L.close };
}

/** Synthetic person n: distinct birth dates and sequence codes give distinct, valid numbers for n < 3.6 million. */
const person = (n: number) => {
  const day = n % 3650;
  const birth = new Date(Date.UTC(1970, 0, 1) + day * 86400_000).toISOString().slice(0, 10);
  return syntheticIdNo('140525', birth, Math.floor(n / 3650));
};

/** Bulk fixture rows straight into the tables (setup only, not timed): plans of `size` trainees, each certified. */
function bulkPlans(db: Database, entId: number, instId: number, ruleId: number, plans: number, size: number, status = 'completed'): number[] {
  const at = '2026-03-01T00:00:00.000Z';
  const plan = db.prepare(
    `INSERT INTO training_plan(gid, code, enterprise_id, institution_id, plan_type, occupation_code, occupation_name, target_level, planned_count,
       start_date, end_date, rule_set_id, status, created_at, created_by, updated_at, updated_by)
     VALUES (?, ?, ?, ?, 'apprentice', ?, '铸造工', 'L4', ?, '2025-03-01', '2026-02-28', ?, ?, '${at}', 'bench', '${at}', 'bench')`,
  );
  const tr = db.prepare(
    `INSERT INTO trainee(gid, plan_id, name, id_no, birth_date, gender, contract_start, social_insurance_verified, outcome, outcome_date,
       created_at, created_by, updated_at, updated_by)
     VALUES (?, ?, ?, ?, '1990-01-01', 'M', '2025-03-01', 1, 'completed', '2026-02-01', '${at}', 'bench', '${at}', 'bench')`,
  );
  const cert = db.prepare(
    `INSERT INTO training_certificate(gid, trainee_id, plan_id, id_no, occupation_code, occupation_name, level, cert_no, issuer, issue_date, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, '铸造工', 'L4', ?, '鉴定中心', '2026-02-01', '${at}', 'bench')`,
  );
  const ids: number[] = [];
  let n = 0;
  db.transaction(() => {
    for (let p = 0; p < plans; p++) {
      // Ten occupations, so the person index holds realistic spread rather than one key.
      const occ = `6-18-01-${String(p % 10).padStart(2, '0')}`;
      const pid = Number(plan.run(`bp-${p}`, `B-${p}`, entId, instId, occ, size, ruleId, status).lastInsertRowid);
      ids.push(pid);
      for (let i = 0; i < size; i++, n++) {
        const idNo = person(n);
        const tid = Number(tr.run(`bt-${n}`, pid, `学员${n}`, idNo).lastInsertRowid);
        cert.run(`bc-${n}`, tid, pid, idNo, occ, `BC-${n}`);
      }
    }
  })();
  return ids;
}

async function rosterXlsx(rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学员名册');
  ws.addRow(['姓名', '居民身份证号', '手机号', '劳动合同起', '劳动合同止(无固定期限留空)', '社保已核验(是/否)', '社保核验日期', '出勤次数', '出勤学时']);
  for (let i = 0; i < rows; i++) ws.addRow([`学员${i}`, person(i), '13900000000', '2026-01-01', '2027-12-31', '是', '2026-01-10', 20, 80]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchTraining(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const add = (f: Omit<BenchFigure, 'ok'>) => {
    const fig = { ...f, ok: f.value <= f.target };
    figures.push(fig);
    log(`  ${fig.ok ? '✓' : '✗'} ${fig.name}: ${fig.value.toFixed(1)} ${fig.unit} (目标 ≤ ${fig.target} ${fig.unit}) ${fig.note}`);
  };
  log('培训 (training) benchmarks');

  // 1. Import a 10,000-trainee roster from .xlsx, end to end (read, check every row, one transaction).
  {
    const { c, ent, inst, rule, db, close } = base();
    const plan = svc.createPlan(c, {
      enterprise_id: ent.id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-01-01', occupation_name: '铸造工',
      target_level: 'L4', planned_count: 10_000, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id,
      declared_date: '2026-01-02', doc_no: 'bench',
    });
    const bytes = await rosterXlsx(10_000);
    const t0 = performance.now();
    const r = await importRoster(c, plan.id, { fileName: 'roster-10000.xlsx', bytes });
    const ms = performance.now() - t0;
    add({ name: '名册导入 10,000 人 (.xlsx)', value: ms, unit: 'ms', target: 2000, note: `${r.imported} 行，${Math.round(r.imported / (ms / 1000))} 行/秒，文件 ${(bytes.length / 1024).toFixed(0)} KB` });
    close();
  }

  // 2. The one-subsidy check for a plan of 100 trainees against 1,000,000 certificates already in the ledger.
  {
    const { c, ent, inst, rule, db, close } = base();
    const s0 = performance.now();
    const ids = bulkPlans(db, ent.id, inst.id, rule.id, 10_000, 100, 'closed');
    db.pragma('analysis_limit = 1000');
    db.exec('ANALYZE');
    const setup = performance.now() - s0;
    const certs = db.prepare('SELECT count(*) FROM training_certificate').pluck().get() as number;
    // A new plan whose 100 trainees all hold earlier certificates (worst case: every probe finds a hit).
    const plan = svc.createPlan(c, {
      enterprise_id: ent.id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-01-03', occupation_name: '铸造工',
      target_level: 'L4', planned_count: 100, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id, declared_date: '2026-01-02', doc_no: 'b',
    });
    const at = '2026-03-01T00:00:00.000Z';
    db.transaction(() => {
      for (let i = 0; i < 100; i++) {
        const n = 3 * 100 + i; // people of plan B-3, occupation 6-18-01-03
        const tid = Number(db.prepare(
          `INSERT INTO trainee(gid, plan_id, name, id_no, birth_date, gender, contract_start, social_insurance_verified, outcome, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, '1990-01-01', 'M', '2025-03-01', 1, 'completed', '${at}', 'b', '${at}', 'b')`,
        ).run(`nt-${i}`, plan.id, `学员${n}`, person(n)).lastInsertRowid);
        db.prepare(
          `INSERT INTO training_certificate(gid, trainee_id, plan_id, id_no, occupation_code, occupation_name, level, cert_no, issuer, issue_date, created_at, created_by)
           VALUES (?, ?, ?, ?, '6-18-01-03', '铸造工', 'L4', ?, '鉴定中心', '2026-02-01', '${at}', 'b')`,
        ).run(`nc-${i}`, tid, plan.id, person(n), `NC-${i}`);
      }
    })();
    const runs: number[] = [];
    let flagged = 0;
    for (let k = 0; k < 21; k++) {
      const t0 = performance.now();
      const rows = q.settleRows(db, plan.id);
      runs.push(performance.now() - t0);
      flagged = rows.filter((r) => r.earlier_cert_no).length;
    }
    add({ name: '一人一补检查（100 人计划 / 1,000,000 张证书）', value: median(runs), unit: 'ms', target: 200, note: `中位数；${flagged}/100 人被标记为重复；证书 ${certs.toLocaleString()} 张（准备 ${(setup / 1000).toFixed(1)} 秒）` });
    void ids;
    close();
  }

  // 3. Settle 10,000 plans (explained, every trainee line) of 10 trainees each.
  {
    const { c, ent, inst, rule, db, close } = base();
    const ids = bulkPlans(db, ent.id, inst.id, rule.id, 10_000, 10);
    const runs: number[] = [];
    let out: ReturnType<typeof svc.settlePlans> = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      out = svc.settlePlans(c, ids);
      runs.push(performance.now() - t0);
    }
    const total = out.reduce((s, x) => s + x.entitlement_fen, 0);
    add({
      name: '结算 10,000 个计划（每计划 10 人，逐人说明）', value: median(runs), unit: 'ms', target: 2000,
      note: `3 次中位数（${runs.map((r) => r.toFixed(0)).join(' / ')} ms）；${out.length} 个计划，100,000 行说明，应得合计 ${(total / 100).toLocaleString()} 元`,
    });
    close();
  }
  return figures;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  benchTraining().then((f) => process.exit(f.every((x) => x.ok) ? 0 : 1));
}
