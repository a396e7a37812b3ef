// One company reported by two counties (issue 7): 泽州县 registered it (USCC 91140525…), 高平市 recorded it too
// because it trained the company's workers there. The city keeps one registry entry, merges 高平's gid into it
// as an alias, points both counties' plans at it, and reports it once to the province.
import { describe, expect, it } from 'vitest';
import { fieldLabel } from '../../db/exchange/labels.js';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { openLedger } from '../../db/connection.js';
import type { Ctx } from '../../db/context.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { createEnterprise, updateEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { createSanction } from '../../db/sanctions/service.js';
import { syntheticIdNo } from '../../db/idcard/idcard.js';
import * as training from '../../db/training/service.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage, type ImportResult } from '../../db/exchange/import.js';
import { consolidateFiles } from '../../db/exchange/consolidate.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { AppError } from '../../db/result.js';
import { ADMIN, testLedger, tempDirPerTest } from '../helpers.js';
import { explainAll } from './exchange-helpers.js';

const newDir = tempDirPerTest('ledger-merge-');

/** Registered at 泽州县 (characters 3–8 of the code). */
const SHARED = withCheckChar('91140525MA0M00001');
const one = (db: Database, sql: string, ...p: unknown[]) => db.prepare(sql).pluck().get(...p) as number | string;

/** A county with the shared company, one company of its own, and a training plan (with trainees) for the shared one. */
function county(region: string, name: string, short: string, own: string, phone: string) {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  const db = openLedger({ file: ':memory:' });
  ensureCodeLists({ db, clock });
  initializeOffice({ db, clock, dataDir: null }, { level: 'county', region_code: region, name, admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345' });
  const ctx = (): Ctx => ({ db, clock, actor: ADMIN, dataDir: null });
  const shared = createEnterprise(ctx(), { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: region, scale: 'above', contact_phone: phone, address: `${short}工业园` });
  createEnterprise(ctx(), { uscc: withCheckChar(own), name: `${short}本地机械有限公司`, region_code: region, scale: 'below' });
  const rule = training.createRuleSet(ctx(), {
    code: `2026-${short}-学徒`, name: `${short} 学徒制`, region_code: region, year: 2026, plan_type: 'apprentice', max_advance_percent: 50,
    bands: [{ level_from: 'L4', level_to: 'L4', label: '中级', certified: 5000, completed: 4000 }],
  });
  const inst = training.createInstitution(ctx(), { name: `${short}职业技能培训学校`, uscc: withCheckChar(`52${region}MA0M00009`) });
  let n = 0;
  const plan = (enterpriseId: number, trainees = 2) => {
    const p = training.createPlan(ctx(), {
      enterprise_id: enterpriseId, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-02-04', occupation_name: '焊工', target_level: 'L4',
      planned_count: 4, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id, declared_date: '2026-01-02', doc_no: `${short}工信培申〔2026〕${++n}号`,
    });
    for (let k = 0; k < trainees; k++) {
      training.addTrainee(ctx(), {
        plan_id: p.id, name: `${short}学员${n}${k}`, id_no: syntheticIdNo(region, '1995-05-20', 100 * n + k), contract_start: '2026-01-01',
        contract_end: '2027-12-31', social_insurance_verified: true, social_insurance_date: '2026-01-10',
      });
    }
    return p;
  };
  plan(shared.id);
  let seq = 0;
  const report = (dir: string) =>
    exportPackage(ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(db, '2025') }, join(dir, `${region}-${++seq}.cxpkg`)).file;
  return { db, ctx, shared, plan, report };
}

function setup() {
  const dir = newDir();
  const zezhou = county('140525', '泽州县工业和信息化局', '泽州', '91140525MA0M00002', '0356-3011111');
  const gaoping = county('140581', '高平市工业和信息化局', '高平', '91140581MA0M00003', '0356-5022222');
  // 高平 also sanctioned the company: a second kind of record pointing at it.
  createSanction(gaoping.ctx(), { enterprise_id: gaoping.shared.id, kind: 'credit_penalty', start_date: '2026-01-10', end_date: '2026-02-20', doc_no: '高工信罚〔2026〕1号', reason: '培训台账不实' });
  const city = testLedger({ level: 'city', region: '140500' });
  return { dir, zezhou, gaoping, city };
}

const table = (r: ImportResult, t: string) => r.tables.find((x) => x.table === t)!;
const count = (db: Database, t: string) => one(db, `SELECT count(*) FROM ${t}`) as number;
const gidOf = (db: Database) => one(db, 'SELECT gid FROM enterprise WHERE uscc = ?', SHARED) as string;
/** The shared company's plans: [origin, enterprise gid] per plan. */
const sharedPlans = (db: Database) =>
  db.prepare(`SELECT p.origin_office, e.gid FROM training_plan p JOIN enterprise e ON e.id = p.enterprise_id WHERE e.uscc = ? ORDER BY p.origin_office, p.id`).raw().all(SHARED) as Array<[string, string]>;

describe('one company reported by two counties', () => {
  it('dry run plans 合并到已有企业 instead of refusing with KEY_CLASH, and writes nothing', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    const before = { enterprise: count(city.db, 'enterprise'), plans: count(city.db, 'training_plan'), audit: count(city.db, 'audit_log') };

    const d = importPackage(city.ctx(), gaoping.report(dir), 'dry', { pin: true });
    expect(d.applied).toBe(false);
    expect(table(d, 'enterprise')).toMatchObject({ added: 1, merged: 1, updated: 0, conflict: 0 });
    expect(table(d, 'enterprise').records.merged).toEqual([{ gid: gidOf(gaoping.db), label: '山西金鼎铸造有限公司' }]);
    expect(table(d, 'training_plan').added).toBe(1);
    expect(table(d, 'trainee').added).toBe(2);
    expect(table(d, 'sanction').added).toBe(1);
    expect(d.message).toContain('合并到已有企业 1');
    expect(d.merges).toHaveLength(1);
    const x = d.merges[0]!;
    // Both origins named; 泽州 owns the fields (the code was issued there), so 高平's differences are only listed.
    expect(x).toMatchObject({
      gid: gidOf(gaoping.db), uscc: SHARED, origin: '140581', origin_name: '高平市', into_gid: gidOf(zezhou.db), into_origin: '140525', into_origin_name: '泽州县',
      owner: '140525', owner_name: '泽州县', first: true, applied: false,
    });
    expect(x.fields).toEqual(expect.arrayContaining([
      { field: 'region_code', label: fieldLabel('enterprise', 'region_code'), mine: '140525', theirs: '140581' },
      { field: 'contact_phone', label: fieldLabel('enterprise', 'contact_phone'), mine: '0356-3011111', theirs: '0356-5022222' },
      { field: 'address', label: fieldLabel('enterprise', 'address'), mine: '泽州工业园', theirs: '高平工业园' },
    ]));
    expect(x.fields.map((f) => f.field)).not.toContain('gid');
    expect(x.fields.map((f) => f.field)).not.toContain('created_at');

    expect(count(city.db, 'enterprise')).toBe(before.enterprise);
    expect(count(city.db, 'training_plan')).toBe(before.plans);
    expect(count(city.db, 'enterprise_alias')).toBe(0);
    expect(count(city.db, 'audit_log')).toBe(before.audit);
  });

  it('applies: one enterprise, both counties\' plans and 高平\'s sanction point at it, the alias and the audit trace the merge', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    const file = gaoping.report(dir);
    const r = importPackage(city.ctx(), file, 'apply', { pin: true });
    expect(r.applied).toBe(true);
    expect(table(r, 'enterprise')).toMatchObject({ added: 1, merged: 1 });

    expect(count(city.db, 'enterprise')).toBe(count(zezhou.db, 'enterprise') + count(gaoping.db, 'enterprise') - 1);
    expect(one(city.db, 'SELECT count(*) FROM enterprise WHERE uscc = ?', SHARED)).toBe(1);
    const zGid = gidOf(zezhou.db);
    expect(gidOf(city.db)).toBe(zGid);
    expect(sharedPlans(city.db)).toEqual([['140525', zGid], ['140581', zGid]]);
    expect(one(city.db, `SELECT count(*) FROM trainee t JOIN training_plan p ON p.id = t.plan_id WHERE p.origin_office = '140581'`)).toBe(2);
    expect(one(city.db, `SELECT e.gid FROM sanction s JOIN enterprise e ON e.id = s.enterprise_id WHERE s.origin_office = '140581'`)).toBe(zGid);
    // 泽州's fields stay: nothing of 高平's copy was written over them.
    expect(city.db.prepare('SELECT region_code, contact_phone, address, origin_office FROM enterprise WHERE uscc = ?').get(SHARED))
      .toEqual({ region_code: '140525', contact_phone: '0356-3011111', address: '泽州工业园', origin_office: '140525' });

    const alias = city.db.prepare('SELECT a.gid, e.gid AS into_gid, a.origin_office, a.sender_code, a.uscc, a.package_id, a.merged_at, a.merged_by FROM enterprise_alias a JOIN enterprise e ON e.id = a.enterprise_id').all();
    expect(alias).toEqual([{
      gid: gidOf(gaoping.db), into_gid: zGid, origin_office: '140581', sender_code: '140581', uscc: SHARED, package_id: r.package.package_id,
      merged_at: '2026-03-01T02:00:00.000Z', merged_by: 'admin',
    }]);
    const entry = city.db.prepare(`SELECT entity, entity_id, detail FROM audit_log WHERE action = 'exchange.merge'`).all() as Array<{ entity: string; entity_id: string; detail: string }>;
    expect(entry).toHaveLength(1);
    expect(entry[0]!.entity).toBe('enterprise');
    expect(Number(entry[0]!.entity_id)).toBe(one(city.db, 'SELECT id FROM enterprise WHERE uscc = ?', SHARED));
    expect(JSON.parse(entry[0]!.detail)).toMatchObject({ package_id: r.package.package_id, gid: gidOf(gaoping.db), into_gid: zGid, origin: '140581', owner: '140525', applied: false });
    expect(JSON.parse(entry[0]!.detail).fields).toContain('contact_phone');
    expect(verifyAudit(city.db).ok).toBe(true);
    expect(city.db.pragma('foreign_key_check')).toEqual([]);

    // Re-importing the same file changes nothing; nor does an unchanged next report from 高平.
    const snapshot = () => ['enterprise', 'enterprise_alias', 'training_plan', 'trainee', 'sanction', 'audit_log'].map((t) => count(city.db, t));
    const s0 = snapshot();
    const again = importPackage(city.ctx(), file, 'apply', {});
    expect(again.alreadyApplied).toBe(true);
    expect(snapshot()).toEqual(s0);
    const next = importPackage(city.ctx(), gaoping.report(dir), 'apply', {});
    expect(next.tables.reduce((a, t) => a + t.added + t.updated + t.merged + t.conflict + t.deleted, 0)).toBe(0);
    expect(table(next, 'enterprise').unchanged).toBe(2);
    expect(table(next, 'training_plan').unchanged).toBe(1);
    expect(next.merges).toEqual([]);
    const s1 = snapshot();
    expect(s1.slice(0, 5)).toEqual(s0.slice(0, 5));
    expect(s1[5]).toBe(s0[5]! + 1); // the exchange.import entry only
  });

  it('a city consolidating both files at once takes both', () => {
    const { dir, zezhou, gaoping, city } = setup();
    const r = consolidateFiles(city.ctx(), [gaoping.report(dir), zezhou.report(dir)], { pin: true });
    expect(r).toMatchObject({ applied: 2, refused: 0 });
    expect(one(city.db, 'SELECT count(*) FROM enterprise WHERE uscc = ?', SHARED)).toBe(1);
    expect(sharedPlans(city.db).map(([o]) => o)).toEqual(['140525', '140581']);
  });

  it('a later 高平 package: its change to the company is listed as 差异（未覆盖）, its new plan resolves to the merged entry', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    importPackage(city.ctx(), gaoping.report(dir), 'apply', { pin: true });

    updateEnterprise(gaoping.ctx(), gaoping.shared.id, { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: '140581', scale: 'above', contact_phone: '13900000000', address: '高平工业园' });
    gaoping.plan(gaoping.shared.id, 1);
    const file = gaoping.report(dir);
    const d = importPackage(city.ctx(), file, 'dry', {});
    expect(table(d, 'enterprise')).toMatchObject({ merged: 1, updated: 0, added: 0, unchanged: 1 });
    expect(table(d, 'training_plan')).toMatchObject({ added: 1, unchanged: 1, conflict: 0 });
    expect(d.conflicts).toEqual([]);
    expect(d.merges).toHaveLength(1);
    expect(d.merges[0]).toMatchObject({ first: false, applied: false, owner: '140525' });
    expect(d.merges[0]!.fields).toContainEqual({ field: 'contact_phone', label: fieldLabel('enterprise', 'contact_phone'), mine: '0356-3011111', theirs: '13900000000' });

    const r = importPackage(city.ctx(), file, 'apply', {});
    expect(table(r, 'training_plan').added).toBe(1);
    const zGid = gidOf(zezhou.db);
    expect(sharedPlans(city.db)).toEqual([['140525', zGid], ['140581', zGid], ['140581', zGid]]);
    expect(one(city.db, 'SELECT contact_phone FROM enterprise WHERE uscc = ?', SHARED)).toBe('0356-3011111');
    expect(count(city.db, 'enterprise_alias')).toBe(1);
    expect(one(city.db, `SELECT count(*) FROM audit_log WHERE action = 'exchange.merge.update'`)).toBe(1);

    // 泽州, the owner, changes its record: applied as an ordinary update.
    updateEnterprise(zezhou.ctx(), zezhou.shared.id, { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: '140525', scale: 'above', contact_phone: '0356-3019999', address: '泽州工业园' });
    const z = importPackage(city.ctx(), zezhou.report(dir), 'apply', {});
    expect(table(z, 'enterprise')).toMatchObject({ updated: 1, merged: 0 });
    expect(one(city.db, 'SELECT contact_phone FROM enterprise WHERE uscc = ?', SHARED)).toBe('0356-3019999');
    expect(city.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('the city reports upward: the province gets the company once and every plan resolves, also after later packages', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    importPackage(city.ctx(), gaoping.report(dir), 'apply', { pin: true });
    const province = testLedger({ level: 'province', region: '140000' });
    let seq = 0;
    const up = () => exportPackage(city.ctx(), { kind: 'report', period: '2025', to: '140000', explanations: explainAll(city.db, '2025') }, join(dir, `city-${++seq}.cxpkg`)).file;

    const p1 = importPackage(province.ctx(), up(), 'apply', { pin: true });
    expect(table(p1, 'enterprise')).toMatchObject({ added: count(city.db, 'enterprise'), merged: 0 });
    expect(count(province.db, 'enterprise')).toBe(count(city.db, 'enterprise'));
    expect(one(province.db, 'SELECT count(*) FROM enterprise WHERE uscc = ?', SHARED)).toBe(1);
    const zGid = gidOf(zezhou.db);
    expect(sharedPlans(province.db)).toEqual([['140525', zGid], ['140581', zGid]]);
    expect(one(province.db, `SELECT e.gid FROM sanction s JOIN enterprise e ON e.id = s.enterprise_id WHERE s.origin_office = '140581'`)).toBe(zGid);
    // The city rewrote 高平's references to the surviving gid: the province has nothing to merge and no alias.
    expect(count(province.db, 'enterprise_alias')).toBe(0);
    expect(province.db.prepare('SELECT gid FROM enterprise').pluck().all()).not.toContain(gidOf(gaoping.db));

    // 高平 changes the company and adds a plan; the city takes it, then reports again.
    updateEnterprise(gaoping.ctx(), gaoping.shared.id, { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: '140581', scale: 'above', contact_phone: '13900000000', address: '高平工业园' });
    gaoping.plan(gaoping.shared.id, 1);
    importPackage(city.ctx(), gaoping.report(dir), 'apply', {});
    const p2 = importPackage(province.ctx(), up(), 'apply', {});
    expect(p2.conflicts).toEqual([]);
    expect(table(p2, 'training_plan').added).toBe(1);
    expect(table(p2, 'enterprise')).toMatchObject({ added: 0, updated: 0, merged: 0 });
    expect(sharedPlans(province.db)).toEqual([['140525', zGid], ['140581', zGid], ['140581', zGid]]);
    expect(one(province.db, 'SELECT contact_phone FROM enterprise WHERE uscc = ?', SHARED)).toBe('0356-3011111');
    expect(count(province.db, 'trainee')).toBe(count(city.db, 'trainee'));
    expect(province.db.pragma('foreign_key_check')).toEqual([]);
    expect(verifyAudit(province.db).ok).toBe(true);
  });

  it('the registering county owns the fields even when its report arrives second', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), gaoping.report(dir), 'apply', { pin: true });
    const gGid = gidOf(gaoping.db);
    const file = zezhou.report(dir);
    const d = importPackage(city.ctx(), file, 'dry', { pin: true });
    expect(d.merges[0]).toMatchObject({ origin: '140525', into_gid: gGid, into_origin: '140581', owner: '140525', applied: true });
    importPackage(city.ctx(), file, 'apply', { pin: true });
    // The entry keeps 高平's gid (already known upward) and takes 泽州's fields, with a newer version.
    expect(city.db.prepare('SELECT gid, origin_office, region_code, contact_phone FROM enterprise WHERE uscc = ?').get(SHARED))
      .toEqual({ gid: gGid, origin_office: '140581', region_code: '140525', contact_phone: '0356-3011111' });
    expect(sharedPlans(city.db)).toEqual([['140525', gGid], ['140581', gGid]]);
    const version = (db: Database) => one(db, 'SELECT row_version FROM enterprise WHERE uscc = ?', SHARED) as number;
    expect(version(city.db)).toBeGreaterThan(version(gaoping.db));

    // 高平 changes its own record (the entry's gid): not the owner, listed and not written.
    updateEnterprise(gaoping.ctx(), gaoping.shared.id, { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: '140581', scale: 'above', contact_phone: '13900000000', address: '高平工业园' });
    const g = importPackage(city.ctx(), gaoping.report(dir), 'apply', {});
    expect(table(g, 'enterprise')).toMatchObject({ merged: 1, updated: 0 });
    expect(g.merges[0]).toMatchObject({ gid: gGid, applied: false, owner: '140525' });
    expect(one(city.db, 'SELECT contact_phone FROM enterprise WHERE uscc = ?', SHARED)).toBe('0356-3011111');
    // 泽州 changes it (through its alias): written.
    updateEnterprise(zezhou.ctx(), zezhou.shared.id, { uscc: SHARED, name: '山西金鼎铸造有限公司', region_code: '140525', scale: 'above', contact_phone: '0356-3019999', address: '泽州工业园' });
    const z = importPackage(city.ctx(), zezhou.report(dir), 'apply', {});
    expect(z.merges[0]).toMatchObject({ first: false, applied: true });
    expect(z.merges[0]!.fields).toEqual([{ field: 'contact_phone', label: fieldLabel('enterprise', 'contact_phone'), mine: '0356-3011111', theirs: '0356-3019999' }]);
    expect(one(city.db, 'SELECT contact_phone FROM enterprise WHERE uscc = ?', SHARED)).toBe('0356-3019999');
    expect(verifyAudit(city.db).ok).toBe(true);
  });

  it('keeps a merged entry when one county deletes its copy', () => {
    const { dir, zezhou, gaoping, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    importPackage(city.ctx(), gaoping.report(dir), 'apply', { pin: true });
    // 高平 drops the company with its plan, trainees and sanction (rows deleted leave tombstones).
    const g = gaoping.db;
    g.prepare('DELETE FROM sanction').run();
    for (const t of ['training_plan_step', 'training_money', 'training_certificate', 'trainee']) g.prepare(`DELETE FROM ${t}`).run();
    g.prepare('DELETE FROM training_plan').run();
    g.prepare('DELETE FROM enterprise WHERE id = ?').run(gaoping.shared.id);
    const r = importPackage(city.ctx(), gaoping.report(dir), 'apply', {});
    expect(table(r, 'training_plan').deleted).toBe(1);
    expect(r.warnings).toContain('高平市删除了企业「山西金鼎铸造有限公司」，但该企业已与其他单位报来的同一企业合并，仍有记录引用，本台账保留');
    expect(one(city.db, 'SELECT count(*) FROM enterprise WHERE uscc = ?', SHARED)).toBe(1);
    expect(sharedPlans(city.db).map(([o]) => o)).toEqual(['140525']);
    // The tombstone of the alias does not travel on to the province.
    expect(city.db.prepare(`SELECT gid FROM exchange_tombstone WHERE table_name = 'enterprise'`).pluck().all()).toEqual([]);
  });

  it('one office sending the same USCC under a second gid is still refused (KEY_CLASH), nothing written', () => {
    const { dir, zezhou, city } = setup();
    importPackage(city.ctx(), zezhou.report(dir), 'apply', { pin: true });
    // A rebuilt 泽州 ledger that gave the company a new gid: not another office's record, so not a merge.
    zezhou.db.prepare(`UPDATE enterprise SET gid = '019a0000-0000-7000-8000-000000000001' WHERE id = ?`).run(zezhou.shared.id);
    const n = count(city.db, 'enterprise');
    let err: unknown;
    try {
      importPackage(city.ctx(), zezhou.report(dir), 'apply', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('KEY_CLASH');
    expect((err as AppError).message).toContain('未写入任何数据');
    expect(count(city.db, 'enterprise')).toBe(n);
    expect(count(city.db, 'enterprise_alias')).toBe(0);
  });
});
