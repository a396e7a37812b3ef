import { getEnterprise, listEnterprises } from '../../db/enterprises/service.js';
// Exchange by files (issue 7): county → city → province and back down, idempotence, replay and order,
// conflicts and each choice, returns and receipts, field-laptop check-out/in, 审核公式, 报送情况.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../../db/context.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { exportPackage, type ExportInput } from '../../db/exchange/export.js';
import { importPackage, verifyPackage, type ImportOptions } from '../../db/exchange/import.js';
import { runChecks } from '../../db/exchange/checks.js';
import { submissions, markReviewed } from '../../db/exchange/status.js';
import { consolidateFiles } from '../../db/exchange/consolidate.js';
import { TABLES } from '../../db/exchange/tables.js';
import { CLERK, testLedger, tempDirPerTest } from '../helpers.js';
import { demoCounty, explainAll } from './exchange-helpers.js';

const dir = tempDirPerTest('ledger-xchg-');

const counts = (db: Database) => Object.fromEntries(TABLES.map((t) => [t.name, db.prepare(`SELECT count(*) FROM ${t.name}`).pluck().get() as number]));
const dataCounts = (db: Database) => Object.fromEntries(TABLES.filter((t) => !t.rule).map((t) => [t.name, db.prepare(`SELECT count(*) FROM ${t.name}`).pluck().get() as number]));

function exp(ctx: Ctx, out: string, name: string, i: ExportInput) {
  return exportPackage(ctx, i, join(out, name));
}
const apply = (ctx: Ctx, file: string, o: ImportOptions = {}) => importPackage(ctx, file, 'apply', { pin: true, ...o });
const dry = (ctx: Ctx, file: string, o: ImportOptions = {}) => importPackage(ctx, file, 'dry', { pin: true, ...o });

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('exchange round trip', () => {
  it('county → city → province and back down, with every area', () => {
    const out = dir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500' });
    const prov = testLedger({ level: 'province', region: '140000' });
    expect(code(() => exp(county.ctx(), out, 'x.cxpkg', { kind: 'report', period: '2025', to: '140500' }))).toBe('CHECKS_FAILED');
    const r1 = exp(county.ctx(), out, 'c1.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: explainAll(county.db, '2025') });
    expect(r1.manifest.tables.enterprise).toBe(county.db.prepare('SELECT count(*) FROM enterprise').pluck().get());

    // First contact: the city must confirm the fingerprint.
    const np = (() => {
      try {
        importPackage(city.ctx(), r1.file, 'dry');
      } catch (e) {
        return e as AppError;
      }
    })()!;
    expect(np.code).toBe('NEEDS_PIN');
    expect((np.details as { fingerprint: string }).fingerprint).toMatch(/^([0-9A-F]{4}-){7}[0-9A-F]{4}$/);

    const before = counts(city.db);
    const d = dry(city.ctx(), r1.file);
    expect(counts(city.db)).toEqual(before);
    expect(d.conflicts).toHaveLength(0);
    expect(d.tables.find((t) => t.table === 'enterprise')!.added).toBe(r1.manifest.tables.enterprise);
    const a = apply(city.ctx(), r1.file);
    expect(a.applied).toBe(true);
    expect(dataCounts(city.db)).toEqual(dataCounts(county.db));
    expect(a.explanations.length).toBeGreaterThan(0);
    expect(city.db.prepare('SELECT count(*) FROM exchange_explanation').pluck().get()).toBe(a.explanations.length);
    expect(city.db.prepare(`SELECT DISTINCT origin_office FROM enterprise`).pluck().all()).toEqual(['140525']);
    expect(verifyAudit(city.db).ok).toBe(true);
    // Imported enterprises are found by the city's search exactly as by the county's own.
    for (const q of ['铸造', 'zz', '140525']) {
      expect(listEnterprises(city.ctx(), { q }).total).toBe(listEnterprises(county.ctx(), { q }).total);
    }
    expect(listEnterprises(city.ctx(), { q: '铸造' }).total).toBeGreaterThan(0);

    // Idempotent: the same file again changes nothing and says so.
    const again = apply(city.ctx(), r1.file);
    expect(again.alreadyApplied).toBe(true);
    expect(again.message).toContain('已经导入过');

    // The city's consolidated report goes up, each record still traceable to the county.
    const r2 = exp(city.ctx(), out, 'city.cxpkg', { kind: 'report', period: '2025', to: '140000', explanations: explainAll(city.db, '2025') });
    apply(prov.ctx(), r2.file);
    expect(dataCounts(prov.db)).toEqual(dataCounts(county.db));
    expect(prov.db.prepare(`SELECT DISTINCT origin_office FROM training_plan`).pluck().all()).toEqual(['140525']);

    // The province edits a record; it comes back down through the city to the county as a plain update.
    const ent = prov.db.prepare('SELECT id, gid FROM enterprise ORDER BY gid LIMIT 1').get() as { id: number; gid: string };
    prov.db.prepare('UPDATE enterprise SET contact_phone = ? WHERE id = ?').run('0356-9999999', ent.id);
    // Rules published by the province pass through the city down to the county, keeping their origin.
    prov.db.prepare(`INSERT INTO town_policy(gid, name, region_code, effective_from, validity_years, rereview_notice_days, unit_check_ratio, created_at, created_by)
      VALUES ('01950000-0000-7000-8000-00000000bbbb', '山西省专业镇政策', '140000', '2026-01-01', 3, 90, 1000, '2026-01-01', 'admin')`).run();
    apply(city.ctx(), exp(prov.ctx(), out, 'p-rules.cxpkg', { kind: 'rules', to: '140500' }).file);
    apply(county.ctx(), exp(city.ctx(), out, 'c-rules.cxpkg', { kind: 'rules', to: '140525' }).file);
    expect(county.db.prepare(`SELECT origin_office FROM town_policy WHERE gid = '01950000-0000-7000-8000-00000000bbbb'`).pluck().get()).toBe('140000');
    // The province returns the city's report with a comment on the record it doubts:
    const rep = prov.db.prepare(`SELECT package_id FROM exchange_package WHERE direction = 'in' AND kind = 'report'`).pluck().get() as string;
    const ret = exp(prov.ctx(), out, 'p-ret.cxpkg', { kind: 'return', to: '140500', refers_to: rep, comments: [{ table: 'enterprise', gid: ent.gid, comment: '联系电话请核实' }] });
    const got = apply(city.ctx(), ret.file);
    expect(got.comments).toEqual([{ table: 'enterprise', gid: ent.gid, comment: '联系电话请核实' }]);
    expect(city.db.prepare(`SELECT status FROM report_status WHERE office_code = '140500' AND period = '2025'`).pluck().get()).toBe('returned');
    expect(prov.db.prepare(`SELECT status FROM report_status WHERE office_code = '140500' AND period = '2025'`).pluck().get()).toBe('returned');

    // The city corrects the phone itself, resends; the province (which changed it the same way) sees no conflict.
    city.db.prepare('UPDATE enterprise SET contact_phone = ? WHERE gid = ?').run('0356-9999999', ent.gid);
    const r3 = exp(city.ctx(), out, 'city2.cxpkg', { kind: 'report', period: '2025', to: '140000', explanations: explainAll(city.db, '2025') });
    const a3 = apply(prov.ctx(), r3.file);
    expect(a3.conflicts).toHaveLength(0);
    const rec = exp(prov.ctx(), out, 'p-rec.cxpkg', { kind: 'receipt', to: '140500', refers_to: a3.package.package_id });
    apply(city.ctx(), rec.file);
    expect(city.db.prepare(`SELECT status FROM report_status WHERE office_code = '140500' AND period = '2025'`).pluck().get()).toBe('accepted');
    const sub = submissions(prov.ctx(), { period: '2025' });
    expect(sub.rows.find((r) => r.office_code === '140500')!.status).toBe('accepted');
    expect(sub.rows.find((r) => r.office_code === '140100')!.overdue).toBe(false); // 2025 年报 is due 2026-04-30
  });

  it('rules come down read-only and keep origin and version', () => {
    const out = dir();
    const prov = demoCounty();
    // A province with its own rule table: build from a county demo's rules is not possible, so insert one.
    const p = testLedger({ level: 'province', region: '140000' });
    p.db.prepare(`INSERT INTO town_policy(gid, name, region_code, effective_from, validity_years, rereview_notice_days, unit_check_ratio, created_at, created_by)
      VALUES ('01950000-0000-7000-8000-00000000aaaa', '山西省专业镇政策', '140000', '2026-01-01', 3, 90, 1000, '2026-01-01', 'admin')`).run();
    const city = testLedger({ level: 'city', region: '140500' });
    const r = exp(p.ctx(), out, 'rules.cxpkg', { kind: 'rules', to: '140500' });
    expect(r.manifest.tables.town_policy).toBe(1);
    apply(city.ctx(), r.file);
    const row = city.db.prepare(`SELECT origin_office, row_version FROM town_policy WHERE gid = '01950000-0000-7000-8000-00000000aaaa'`).get() as { origin_office: string; row_version: number };
    const src = p.db.prepare(`SELECT row_version FROM town_policy WHERE gid = '01950000-0000-7000-8000-00000000aaaa'`).pluck().get();
    expect(row).toEqual({ origin_office: '140000', row_version: src });
    expect(() => city.db.prepare(`UPDATE town_policy SET validity_years = 5 WHERE gid = '01950000-0000-7000-8000-00000000aaaa'`).run()).toThrow(/只读/);
    // A rules package from below is refused, and a report from above too.
    const c = exp(city.ctx(), out, 'c-rules.cxpkg', { kind: 'rules', to: '140525' });
    expect(code(() => apply(prov.ctx(), c.file))).toBe('NO_ERROR'); // city → its county: fine
    expect(code(() => exp(prov.ctx(), out, 'bad.cxpkg', { kind: 'rules', to: '140500' }))).toBe('WRONG_DIRECTION');
    expect(code(() => exp(city.ctx(), out, 'bad2.cxpkg', { kind: 'report', period: '2025', to: '140525' }))).toBe('WRONG_DIRECTION');
  });

  it('refuses replays unless forced, takes packages out of order, and never lets older data win', () => {
    const out = dir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500' });
    const ex = explainAll(county.db, '2025');
    const p1 = exp(county.ctx(), out, '1.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const ent = county.db.prepare('SELECT id, gid FROM enterprise ORDER BY gid LIMIT 1').get() as { id: number; gid: string };
    county.db.prepare('UPDATE enterprise SET address = ? WHERE id = ?').run('新地址 2 号', ent.id);
    const p2 = exp(county.ctx(), out, '2.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    expect(p2.manifest.sequence).toBe(2);
    apply(city.ctx(), p2.file);
    expect(code(() => apply(city.ctx(), p1.file))).toBe('REPLAY');
    const forced = apply(city.ctx(), p1.file, { force: true });
    expect(forced.tables.find((t) => t.table === 'enterprise')!.updated).toBe(0);
    expect(city.db.prepare('SELECT address FROM enterprise WHERE gid = ?').pluck().get(ent.gid)).toBe('新地址 2 号');
    expect(city.db.prepare(`SELECT status FROM exchange_package WHERE package_id = ?`).pluck().get(p1.manifest.package_id)).toBe('forced');
  });

  it('deterministic: the same data exported twice gives identical data parts', () => {
    const out = dir();
    const county = demoCounty();
    const ex = explainAll(county.db, '2025');
    const a = exp(county.ctx(), out, 'a.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const b = exp(county.ctx(), out, 'b.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const data = (m: typeof a.manifest) => m.parts.filter((p) => p.path.startsWith('data/')).map((p) => [p.path, p.sha256]);
    expect(data(b.manifest)).toEqual(data(a.manifest));
    expect(a.manifest.parts.some((p) => p.path.startsWith('attachments/'))).toBe(true);
  });

  it('two offices edit the same record: the conflict is listed field by field and each choice applies', () => {
    const out = dir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500' });
    const ex = explainAll(county.db, '2025');
    apply(city.ctx(), exp(county.ctx(), out, '1.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex }).file);
    const [e1, e2] = county.db.prepare('SELECT gid FROM enterprise ORDER BY gid LIMIT 2').pluck().all() as string[];
    for (const g of [e1, e2]) {
      county.db.prepare('UPDATE enterprise SET contact_name = ? WHERE gid = ?').run('县里改的', g);
      city.db.prepare('UPDATE enterprise SET contact_name = ? WHERE gid = ?').run('市里改的', g);
    }
    const p2 = exp(county.ctx(), out, '2.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const d = dry(city.ctx(), p2.file);
    expect(d.conflicts.map((c) => c.gid).sort()).toEqual([e1, e2].sort());
    expect(d.conflicts[0]!.fields).toEqual([{ field: 'contact_name', label: '联系人', mine: '市里改的', theirs: '县里改的' }]);
    expect(code(() => apply(city.ctx(), p2.file))).toBe('CONFLICTS_UNRESOLVED');
    expect(city.db.prepare('SELECT contact_name FROM enterprise WHERE gid = ?').pluck().get(e1)).toBe('市里改的');
    const a = apply(city.ctx(), p2.file, { choices: { [e1!]: 'theirs', [e2!]: 'mine' } });
    expect(a.applied).toBe(true);
    expect(city.db.prepare('SELECT contact_name FROM enterprise WHERE gid = ?').pluck().get(e1)).toBe('县里改的');
    expect(city.db.prepare('SELECT contact_name FROM enterprise WHERE gid = ?').pluck().get(e2)).toBe('市里改的');
    expect(city.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'exchange.conflict'`).pluck().get()).toBe(2);
    // The log keeps the choice and both values; the enterprise's own history shows it (recorded under its gid).
    const entry = JSON.parse(city.db.prepare(`SELECT detail FROM audit_log WHERE action = 'exchange.conflict' AND entity_id = ?`).pluck().get(e1) as string) as Record<string, unknown>;
    expect(entry).toMatchObject({ choice: 'theirs', kind: 'report', sender: '140525', table_label: '企业', fields: ['contact_name'], values: [{ label: '联系人', mine: '市里改的', theirs: '县里改的' }] });
    const id = city.db.prepare('SELECT id FROM enterprise WHERE gid = ?').pluck().get(e2) as number;
    const history = getEnterprise(city.ctx(), id).history.filter((h) => h.action === 'exchange.conflict');
    expect(history.map((h) => (JSON.parse(h.detail) as { choice: string }).choice)).toEqual(['mine']);
  });

  it('field laptop: check out one town, edit on the laptop, check back in', () => {
    const out = dir();
    const office = demoCounty();
    const laptop = testLedger({ level: 'county', region: '140525' });
    const town = office.db.prepare(`SELECT gid FROM town t ORDER BY (SELECT count(*) FROM town_member m WHERE m.town_id = t.id) DESC, gid LIMIT 1`).pluck().get() as string;
    const co = exp(office.ctx(), out, 'out.cxpkg', { kind: 'checkout', to: '140525', town_gid: town });
    expect(co.manifest.tables.town).toBe(1);
    expect(co.manifest.tables.enterprise).toBeGreaterThan(0);
    apply(laptop.ctx(), co.file);
    laptop.db.prepare(`UPDATE town SET contact_phone = '13900000000' WHERE gid = ?`).run(town);
    const ci = exp(laptop.ctx(), out, 'in.cxpkg', { kind: 'checkin', to: '140525' });
    const r = apply(office.ctx(), ci.file);
    expect(r.conflicts).toHaveLength(0);
    expect(r.tables.find((t) => t.table === 'town')!.updated).toBe(1);
    expect(office.db.prepare('SELECT contact_phone FROM town WHERE gid = ?').pluck().get(town)).toBe('13900000000');
  });

  it('审核公式: a failing check blocks until explained; reviewer marks 已审核', () => {
    const county = demoCounty();
    const fails = runChecks(county.db, '2025');
    expect(fails.some((f) => f.check === 'required')).toBe(true);
    expect(code(() => markReviewed(county.ctx(), { period: '2025' }))).toBe('CHECKS_FAILED');
    expect(markReviewed(county.ctx(), { period: '2025', explanations: explainAll(county.db, '2025') }).status).toBe('reviewed');
    expect(code(() => exportPackage(county.ctx(CLERK), { kind: 'report', period: '2025', to: '140500' }, '/tmp/never.cxpkg'))).toBe('FORBIDDEN');
  });

  it('refuses addressing, period and direction mistakes with nothing written', () => {
    const out = dir();
    const county = demoCounty();
    const otherCity = testLedger({ level: 'city', region: '140100' });
    const city = testLedger({ level: 'city', region: '140500' });
    const ex = explainAll(county.db, '2025');
    const p = exp(county.ctx(), out, 'p.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const before = counts(otherCity.db);
    expect(code(() => apply(otherCity.ctx(), p.file))).toBe('WRONG_RECEIVER');
    expect(counts(otherCity.db)).toEqual(before);
    expect(code(() => apply(city.ctx(), p.file, { period: '2025-H1' }))).toBe('WRONG_PERIOD');
    expect(city.db.prepare('SELECT count(*) FROM exchange_peer').pluck().get()).toBe(0);
    expect(code(() => apply(county.ctx(), p.file))).toBe('WRONG_RECEIVER');
  });

  it('encrypted to the receiver with a passphrase', () => {
    const out = dir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500' });
    const p = exp(county.ctx(), out, 'enc.cxpkg', { kind: 'report', period: '2025', to: '140500', passphrase: '晋城口令2026', explanations: explainAll(county.db, '2025') });
    expect(p.manifest.encryption?.alg).toBe('AES-256-GCM');
    expect(verifyPackage(city.db, p.file).ok).toBe(true);
    expect(code(() => apply(city.ctx(), p.file))).toBe('NEEDS_PASSPHRASE');
    expect(code(() => apply(city.ctx(), p.file, { passphrase: 'wrong-passphrase' }))).toBe('BAD_PASSPHRASE');
    expect(apply(city.ctx(), p.file, { passphrase: '晋城口令2026' }).applied).toBe(true);
  });

  it('consolidates a folder in sequence order and lists who has not reported', () => {
    const out = dir();
    const county = demoCounty();
    const city = testLedger({ level: 'city', region: '140500', at: '2026-05-10T02:00:00Z' });
    const ex = explainAll(county.db, '2025');
    const f1 = exp(county.ctx(), out, 'b-first.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const f2 = exp(county.ctx(), out, 'a-second.cxpkg', { kind: 'report', period: '2025', to: '140500', explanations: ex });
    const progress: number[] = [];
    const r = consolidateFiles(city.ctx(), [f2.file, f1.file, join(out, 'missing.cxpkg')], { pin: true, onProgress: (d) => progress.push(d) });
    expect(r.rows.map((x) => [x.sequence, x.result])).toEqual([[null, 'refused'], [1, 'applied'], [2, 'applied']]);
    expect(progress.at(-1)).toBe(3);
    const sub = submissions(city.ctx(), { period: '2025' });
    expect(sub.rows.find((x) => x.office_code === '140525')!.status).toBe('reported');
    expect(sub.rows.filter((x) => x.overdue).length).toBe(sub.rows.length - 1);
  });
});
