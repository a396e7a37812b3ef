// Every migration is applied to a file at the version before it, holding data, and the data must survive.
// Files this program cannot read (newer, corrupt) are refused and left exactly as they were.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { APPLICATION_ID, openLedger } from '../../db/connection.js';
import { migrations, LATEST_VERSION } from '../../db/migrations/index.js';
import { fixedClock } from '../../db/clock.js';
import { audit, verifyAudit } from '../../db/audit/audit.js';
import { LedgerHost } from '../../db/host.js';
import { initializeOffice } from '../../db/office/service.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { AppError } from '../../db/result.js';
import { seededRng } from '../../db/demo/random.js';
import { ADMIN, tempDirPerTest } from '../helpers.js';

const clock = fixedClock('2026-03-01T02:00:00Z');
const newDir = tempDirPerTest('ledger-migr-');

const USCC = withCheckChar('91140525MA0K12348');

/**
 * Data written at version N-1 (raw SQL, so the fixture does not change when services grow) and the checks after
 * migrating to N. Each new migration adds its entry here; the first test fails until it does.
 */
const FROM_PREVIOUS: Record<number, { before(db: Db): void; after(db: Db): void }> = {
  1: {
    before: () => {},
    after(db) {
      const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['app_user', 'audit_log', 'enterprise', 'enterprise_tier', 'industry', 'meta', 'office', 'region', 'tier_type']));
      expect(db.prepare('SELECT count(*) FROM tier_type').pluck().get()).toBe(9);
      // STRICT: a text in an INTEGER column is refused instead of silently stored.
      expect(() => db.prepare(`INSERT INTO tier_type(code, name, sort) VALUES ('x', 'x', 'not a number')`).run()).toThrow(/cannot store TEXT/);
    },
  },
  2: {
    before(db) {
      db.prepare(`INSERT INTO office(id, level, region_code, name, created_at) VALUES (1, 'county', '140525', '泽州县工业和信息化局', '2026-01-01T00:00:00Z')`).run();
      db.prepare(
        `INSERT INTO enterprise(gid, uscc, name, name_initials, name_pinyin, search_text, region_code, scale, created_at, created_by, updated_at, updated_by)
         VALUES ('g-1', ?, '泽州县金鼎铸造有限公司', 'zzxjdzzyxgs', 'zezhouxianjindingzhuzaoyouxiangongsi', 'x', '140525', 'above', 't', 'admin', 't', 'admin')`,
      ).run(USCC);
      audit({ db, clock, actor: ADMIN }, 'enterprise.create', 'enterprise', 1, { uscc: USCC });
    },
    after(db) {
      expect(db.prepare('SELECT name FROM enterprise WHERE uscc = ?').pluck().get(USCC)).toBe('泽州县金鼎铸造有限公司');
      expect(verifyAudit(db)).toEqual({ ok: true, count: 1 });
      db.prepare(
        `INSERT INTO sanction(gid, enterprise_id, kind, amount_fen, start_date, doc_no, reason, created_at, created_by)
         VALUES ('s-1', 1, 'recover_funds', 500000, '2026-03-01', '泽工信发〔2026〕3号', '提供虚假材料', 't', 'admin')`,
      ).run();
      expect(() =>
        db.prepare(
          `INSERT INTO sanction(gid, enterprise_id, kind, start_date, doc_no, reason, created_at, created_by)
           VALUES ('s-2', 99, 'credit_penalty', '2026-03-01', 'x', 'x', 't', 'admin')`,
        ).run(),
      ).toThrow(/FOREIGN KEY/);
      expect(() =>
        db.prepare(
          `INSERT INTO sanction(gid, enterprise_id, kind, start_date, doc_no, reason, created_at, created_by)
           VALUES ('s-3', 1, 'recover_funds', '2026-03-01', 'x', 'x', 't', 'admin')`,
        ).run(),
      ).toThrow(/CHECK/);
    },
  },
  3: {
    before: (db) => FROM_PREVIOUS[2]!.before(db),
    after(db) {
      expect(db.prepare('SELECT name FROM enterprise WHERE uscc = ?').pluck().get(USCC)).toBe('泽州县金鼎铸造有限公司');
      for (const t of ['town', 'town_designation', 'town_transition', 'town_member', 'town_year', 'town_rule_set', 'town_assessment']) {
        expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(t)).toMatch(/STRICT/);
      }
      // The shipped default rule sets (national 119号 standard and the 云南 variant) arrive with the migration.
      expect(db.prepare('SELECT count(*) FROM town_rule_set').pluck().get()).toBeGreaterThanOrEqual(2);
    },
  },
  4: {
    before: (db) => FROM_PREVIOUS[2]!.before(db),
    after(db) {
      expect(db.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM subsidy_rule_set WHERE is_sample = 1').pluck().get()).toBe(5);
      expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'training_money'`).pluck().get()).toMatch(/STRICT/);
    },
  },
  5: {
    before: (db) => FROM_PREVIOUS[2]!.before(db),
    after(db) {
      expect(db.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM exhibition_rule_set').pluck().get()).toBeGreaterThanOrEqual(5);
      expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'exhibition_claim'`).pluck().get()).toMatch(/STRICT/);
    },
  },
  6: {
    before(db) {
      db.prepare(`INSERT INTO office(id, level, region_code, name, created_at) VALUES (1, 'county', '140525', '泽州县工业和信息化局', '2026-01-01T00:00:00Z')`).run();
      db.prepare(
        `INSERT INTO enterprise(gid, uscc, name, name_initials, name_pinyin, search_text, region_code, scale, created_at, created_by, updated_at, updated_by)
         VALUES ('g-1', ?, '泽州县金鼎铸造有限公司', 'zzxjdzzyxgs', 'zezhouxianjindingzhuzaoyouxiangongsi', 'x', '140525', 'above', 't', 'admin', 't', 'admin')`,
      ).run(USCC);
    },
    after(db) {
      // Backfill: own records get this office as origin, shipped defaults the 000000 origin.
      expect(db.prepare(`SELECT origin_office, row_version FROM enterprise WHERE gid = 'g-1'`).get()).toEqual({ origin_office: '140525', row_version: 1 });
      expect(db.prepare(`SELECT DISTINCT origin_office FROM town_policy`).pluck().all()).toEqual(['000000']);
      db.prepare(`UPDATE enterprise SET address = '新地址' WHERE gid = 'g-1'`).run();
      expect(db.prepare(`SELECT row_version FROM enterprise WHERE gid = 'g-1'`).pluck().get()).toBeGreaterThan(1);
      db.prepare(`DELETE FROM enterprise WHERE gid = 'g-1'`).run();
      expect(db.prepare(`SELECT table_name FROM exchange_tombstone WHERE gid = 'g-1'`).pluck().get()).toBe('enterprise');
    },
  },
  7: {
    before(db) {
      FROM_PREVIOUS[6]!.before(db);
      db.prepare(
        `INSERT INTO training_plan(gid, code, enterprise_id, plan_type, occupation_code, occupation_name, target_level, planned_count, start_date, end_date,
           rule_set_id, status, created_at, created_by, updated_at, updated_by)
         VALUES ('p-1', '2026-学徒-0001', 1, 'apprentice', '6-18-02-04', '焊工', 'L4', 10, '2026-03-01', '2026-12-31', 1, 'declared', 't', 'admin', 't', 'admin')`,
      ).run();
      db.prepare(
        `INSERT INTO trainee(gid, plan_id, name, id_no, birth_date, gender, created_at, created_by, updated_at, updated_by)
         VALUES ('t-1', 1, '张三', '140525199001011234', '1990-01-01', 'M', 't', 'admin', 't', 'admin')`,
      ).run();
    },
    after(db) {
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const plan = db.prepare(`SELECT id, code, origin_office, row_version FROM training_plan WHERE gid = 'p-1'`).get() as { id: number; row_version: number };
      expect(plan).toMatchObject({ id: 1, code: '2026-学徒-0001', origin_office: '140525' });
      expect(db.prepare(`SELECT plan_id FROM trainee WHERE gid = 't-1'`).pluck().get()).toBe(1);
      // The same code from another office is taken; from the same office it is still refused.
      const insert = (gid: string, origin: string) => db.prepare(
        `INSERT INTO training_plan(gid, code, enterprise_id, plan_type, occupation_code, occupation_name, target_level, planned_count, start_date, end_date,
           rule_set_id, status, created_at, created_by, updated_at, updated_by, origin_office, row_version)
         VALUES (?, '2026-学徒-0001', 1, 'apprentice', '6-18-02-04', '焊工', 'L4', 10, '2026-03-01', '2026-12-31', 1, 'declared', 't', 'admin', 't', 'admin', ?, 5)`,
      ).run(gid, origin);
      insert('p-2', '140581');
      expect(() => insert('p-3', '140525')).toThrow(/UNIQUE/);
      // Migration 6's triggers came back with the rebuilt table, and foreign keys still hold.
      db.prepare(`UPDATE training_plan SET note = 'x' WHERE gid = 'p-1'`).run();
      expect(db.prepare(`SELECT row_version FROM training_plan WHERE gid = 'p-1'`).pluck().get()).toBeGreaterThan(plan.row_version);
      expect(() => db.prepare(`DELETE FROM training_plan WHERE gid = 'p-1'`).run()).toThrow(/FOREIGN KEY/);
      for (const t of ['training_plan', 'training_certificate', 'training_institution', 'exhibition_claim', 'exhibition_publicity_batch', 'exhibition_rule_set', 'town_rule_set']) {
        expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(t)).toMatch(/STRICT/);
        expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?`).pluck().get(t)).toBeGreaterThanOrEqual(3);
      }
      expect(db.prepare('SELECT count(*) FROM exhibition_rule_set').pluck().get()).toBeGreaterThanOrEqual(5);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    },
  },
  8: {
    before(db) {
      FROM_PREVIOUS[7]!.before(db);
    },
    after(db) {
      expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'enterprise_name'`).pluck().get()).toBe(0);
      // The registry and its search index are untouched.
      expect(db.prepare(`SELECT count(*) FROM enterprise`).pluck().get()).toBe(1);
      expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'enterprise'`).pluck().get()).toBeGreaterThanOrEqual(6);
    },
  },
  9: {
    before: (db) => FROM_PREVIOUS[8]!.before(db),
    after(db) {
      expect(db.prepare(`SELECT uscc FROM enterprise WHERE gid = 'g-1'`).pluck().get()).toBe(USCC);
      expect(db.prepare(`SELECT enterprise_id FROM training_plan WHERE gid = 'p-1'`).pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM enterprise_alias').pluck().get()).toBe(0);
      // Another office's gid of the same company, merged into enterprise 1.
      const alias = db.prepare(`INSERT INTO enterprise_alias(gid, enterprise_id, origin_office, sender_code, uscc, package_id, merged_at, merged_by)
        VALUES (?, ?, '140581', '140581', ?, 'pkg-1', '2026-03-01T02:00:00.000Z', 'admin')`);
      alias.run('g-b', 1, USCC);
      expect(db.prepare(`SELECT e.gid FROM enterprise_alias a JOIN enterprise e ON e.id = a.enterprise_id WHERE a.gid = 'g-b'`).pluck().get()).toBe('g-1');
      expect(() => alias.run('g-b', 1, USCC)).toThrow(/UNIQUE/);
      expect(() => alias.run('g-c', 99, USCC)).toThrow(/FOREIGN KEY/);
      // The merged entry cannot be deleted from under its aliases.
      db.prepare(`DELETE FROM trainee`).run();
      db.prepare(`DELETE FROM training_plan`).run();
      expect(() => db.prepare(`DELETE FROM enterprise WHERE gid = 'g-1'`).run()).toThrow(/FOREIGN KEY/);
      expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'enterprise_alias'`).pluck().get()).toMatch(/STRICT/);
    },
  },
  10: {
    before(db) {
      FROM_PREVIOUS[9]!.before(db);
      db.prepare(`INSERT INTO enterprise_tier(gid, enterprise_id, tier_code, level, valid_from, valid_to, created_at, created_by)
        VALUES ('t-live', 1, 'little_giant', 'national', '2024-01-01', '2027-12-31', 't', 'admin'),
               ('t-gone', 1, 'zjtx_sme', 'provincial', '2020-01-01', NULL, 't', 'admin')`).run();
      db.prepare(`UPDATE enterprise_tier SET revoked_at = '2025-01-01', revoked_reason = '撤销' WHERE gid = 't-gone'`).run();
    },
    after(db) {
      // The tier filter reads the live rows from the new index alone; revoked rows are not in it.
      const sql = `SELECT enterprise_id FROM enterprise_tier WHERE tier_code = ? AND revoked_at IS NULL AND (valid_to IS NULL OR valid_to >= '2026-03-01')`;
      expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'enterprise_tier_live'`).pluck().get()).toMatch(/\(tier_code, valid_to, enterprise_id\) WHERE revoked_at IS NULL$/);
      expect(db.prepare(`SELECT enterprise_id FROM enterprise_tier INDEXED BY enterprise_tier_live WHERE tier_code = 'little_giant' AND revoked_at IS NULL`).pluck().all()).toEqual([1]);
      expect(db.prepare(sql).pluck().all('little_giant')).toEqual([1]);
      expect(db.prepare(sql).pluck().all('zjtx_sme')).toEqual([]);
    },
  },
  11: {
    before(db) {
      db.prepare(`INSERT INTO exchange_peer(office_code, level, name, public_key, fingerprint, pinned_at, pinned_by)
        VALUES ('140500', 'city', '晋城市工业和信息化局', 'pem', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-0000-1111', '2025-01-01T00:00:00Z', 'admin')`).run();
    },
    after(db) {
      // A pin made before the migration stays trusted (not retired); a retired one can point at its successor.
      expect(db.prepare('SELECT fingerprint, retired_at, trust_reason FROM exchange_peer').all()).toEqual([
        { fingerprint: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-0000-1111', retired_at: null, trust_reason: null },
      ]);
      db.prepare(`INSERT INTO exchange_peer(office_code, level, name, public_key, fingerprint, pinned_at, pinned_by, trust_reason)
        VALUES ('140500', 'city', '晋城市工业和信息化局', 'pem2', 'NEW', 't', 'admin', '换机')`).run();
      db.prepare(`UPDATE exchange_peer SET retired_at = 't', retired_by = 'admin', retired_reason = '换机', replaced_by = 2 WHERE id = 1`).run();
      expect(() => db.prepare('UPDATE exchange_peer SET replaced_by = 99 WHERE id = 1').run()).toThrow(/FOREIGN KEY/);
    },
  },
  12: {
    before(db) {
      FROM_PREVIOUS[10]!.before(db);
      db.prepare(`INSERT INTO app_user(username, display_name, role, password_hash, failed_logins, created_at, updated_at)
        VALUES ('luru9', '录入九', 'clerk', 'x', 2, 't', 't')`).run();
    },
    after(db) {
      // Users keep their rows; nobody starts out locked or inside a failure window.
      expect(db.prepare(`SELECT username, failed_logins, failed_since, last_failed_at, locked_at FROM app_user WHERE username = 'luru9'`).get())
        .toEqual({ username: 'luru9', failed_logins: 2, failed_since: null, last_failed_at: null, locked_at: null });
      expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'app_user'`).pluck().get()).toMatch(/STRICT/);
    },
  },
  13: {
    before(db) {
      FROM_PREVIOUS[2]!.before(db);
      db.prepare(`INSERT INTO app_user(username, display_name, role, password_hash, created_at, updated_at) VALUES ('shenhe', '审核人甲', 'reviewer', 'x', 't', 't')`).run();
      db.prepare(`INSERT INTO exhibition_fair(gid, name, organiser, gov_level, scope, market_type, country, start_date, end_date, created_at, created_by, updated_at, updated_by)
        VALUES ('f-1', '展会', '主办', 'none', 'domestic', 'traditional', '中国', '2026-01-01', '2026-01-03', 't', 'admin', 't', 'admin')`).run();
      db.prepare(`INSERT INTO exhibition_claim(gid, claim_no, enterprise_id, fair_id, rule_set_id, subsidy_year, claim_date, status, created_at, created_by, updated_at, updated_by)
        VALUES ('c-1', 'CZ2026-0001', 1, 1, 1, 2026, '2026-01-05', 'paid', 't', 'admin', 't', 'admin')`).run();
      const ev = db.prepare(`INSERT INTO exhibition_claim_event(gid, claim_id, from_status, to_status, comment, created_at, created_by) VALUES (?, 1, ?, ?, ?, 't', ?)`);
      ev.run('e-1', null, 'draft', null, 'admin');
      ev.run('e-2', 'submitted', 'returned', '请补充发票', 'shenhe');
      ev.run('e-3', 'publicity', 'approved', null, 'shenhe');
      ev.run('e-4', 'paid', 'paid', '收回资金 100.00 元（文号）', 'admin');
    },
    after(db) {
      // Offices keep working as before: separation of duties is on, with no reason recorded.
      expect(db.prepare('SELECT separation_of_duties, separation_of_duties_reason FROM office').get()).toEqual({ separation_of_duties: 1, separation_of_duties_reason: null });
      expect(() => db.prepare('UPDATE office SET separation_of_duties = 2').run()).toThrow(/CHECK/);
      expect(db.prepare('SELECT step, opinion, actor_name FROM exhibition_claim_event ORDER BY id').all()).toEqual([
        { step: 'create', opinion: null, actor_name: null },
        { step: 'return', opinion: '请补充发票', actor_name: '审核人甲' },
        { step: 'approve', opinion: null, actor_name: '审核人甲' },
        { step: 'recover', opinion: null, actor_name: null },
      ]);
    },
  },
  14: {
    before: (db) => FROM_PREVIOUS[2]!.before(db),
    after(db) {
      expect(db.prepare('SELECT name FROM enterprise WHERE uscc = ?').pluck().get(USCC)).toBe('泽州县金鼎铸造有限公司');
      for (const t of ['monitor_form', 'monitor_indicator', 'monitor_formula', 'monitor_unit', 'monitor_report', 'monitor_value', 'monitor_explanation']) {
        expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(t)).toMatch(/STRICT/);
      }
      // The shipped sample arrives with the migration: 9 indicators, 8 formulas, due by the 8th.
      expect(db.prepare(`SELECT code, version, period_type, due_day, origin_office FROM monitor_form`).all()).toEqual([
        { code: 'GYJJYX', version: 1, period_type: 'month', due_day: 8, origin_office: '000000' },
      ]);
      expect(db.prepare('SELECT count(*) FROM monitor_indicator').pluck().get()).toBe(9);
      expect(db.prepare('SELECT count(*) FROM monitor_formula').pluck().get()).toBe(8);
      db.prepare(`INSERT INTO monitor_report(gid, office_code, form_id, form_origin, form_code, period, status, created_at, created_by, updated_at, updated_by)
        VALUES ('r-1', '140525', 1, '000000', 'GYJJYX', '2026-02', 'draft', 't', 'a', 't', 'a')`).run();
      const cell = db.prepare(`INSERT INTO monitor_value(report_id, enterprise_id, indicator_code, month_scaled, updated_at, updated_by) VALUES (1, ?, 'gyzcz', 1234, 't', 'a')`);
      cell.run(1);
      cell.run(null);
      // One cell per unit and indicator, the 合计 row (NULL enterprise) included; figures are integers.
      expect(() => cell.run(1)).toThrow(/UNIQUE/);
      expect(() => cell.run(null)).toThrow(/UNIQUE/);
      expect(() => db.prepare(`INSERT INTO monitor_value(report_id, enterprise_id, indicator_code, month_scaled, updated_at, updated_by) VALUES (1, 1, 'lrze', 12.5, 't', 'a')`).run()).toThrow(/cannot store REAL/);
      expect(() => cell.run(99)).toThrow(/FOREIGN KEY/);
      expect(() => db.prepare(`UPDATE monitor_report SET status = 'done'`).run()).toThrow(/CHECK/);
      expect(() => db.prepare(`INSERT INTO monitor_indicator(form_id, seq, code, name, unit, type, decimals, accumulates) VALUES (1, 99, 'x', 'x', '', 'text', 0, 1)`).run()).toThrow(/CHECK/);
    },
  },
};

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function expectAppError(f: () => unknown, code: string): AppError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe(code);
    return e as AppError;
  }
  throw new Error(`expected ${code}`);
}

describe('migrations', () => {
  it('every migration has a from-the-version-before fixture', () => {
    expect(Object.keys(FROM_PREVIOUS).map(Number)).toEqual(migrations.map((m) => m.version));
    // One after another: a number skipped or repeated is a merge mistake.
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it.each(migrations.map((m, i) => [m.version, m.name, migrations[i - 1]?.version ?? 0] as const))('migration %i (%s) keeps the data of the version before', (version, _name, previous) => {
    const file = join(newDir(), 'ledger.sqlite');
    const before = openLedger({ file, targetVersion: previous });
    expect(before.pragma('user_version', { simple: true })).toBe(previous);
    FROM_PREVIOUS[version]!.before(before);
    before.close();

    const after = openLedger({ file, targetVersion: version });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(version);
      expect(after.pragma('foreign_keys', { simple: true })).toBe(1);
      FROM_PREVIOUS[version]!.after(after);
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(after.pragma('foreign_key_check')).toEqual([]);
    } finally {
      after.close();
    }
  });

  it('migrates a version-1 file straight to the latest version', () => {
    const file = join(newDir(), 'ledger.sqlite');
    const v1 = openLedger({ file, targetVersion: 1 });
    FROM_PREVIOUS[2]!.before(v1);
    v1.close();
    const db = openLedger({ file });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT count(*) FROM enterprise').pluck().get()).toBe(1);
    db.close();
  });
});

describe('files this version cannot use', () => {
  it('refuses a file from a newer version with DB_TOO_NEW and leaves it byte-identical', async () => {
    const dir = newDir();
    const file = join(dir, 'ledger.sqlite');
    openLedger({ file }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    const hash = sha(file);

    const e = expectAppError(() => openLedger({ file }), 'DB_TOO_NEW');
    expect(e.message).toContain(`数据版本 ${LATEST_VERSION + 1}`);
    expect(e.message).toContain('文件未做任何改动');
    expect(sha(file)).toBe(hash);

    const host = new LedgerHost(dir, clock, { autoBackup: false });
    const state = await host.open();
    expect(state).toMatchObject({ state: 'error', error: { code: 'DB_TOO_NEW' }, backup: null });
    host.close();
    expect(sha(file)).toBe(hash);
  });

  it('only a missing file is a new ledger: it is built aside and renamed into place, over the leftover of an interrupted start', () => {
    const dir = newDir();
    const file = join(dir, 'ledger.sqlite');
    writeFileSync(`${file}.creating`, 'half-made');
    const db = openLedger({ file });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
    expect(existsSync(`${file}.creating`)).toBe(false);

    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    const e = expectAppError(() => openLedger({ file: empty }), 'DB_CORRUPT');
    expect(e.message).toBe(`台账文件「${empty}」是空文件（0 字节），其中没有任何数据，无法打开。可以从最近的有效备份恢复。`);
    expect(readFileSync(empty).length).toBe(0);
  });

  it('refuses a file that is not a ledger', () => {
    const file = join(newDir(), 'other.sqlite');
    const raw = new Database(file);
    raw.exec('CREATE TABLE t(x); PRAGMA user_version = 7;');
    raw.close();
    const hash = sha(file);
    expectAppError(() => openLedger({ file }), 'DB_NOT_LEDGER');
    expect(sha(file)).toBe(hash);
  });

  /** Another program's SQLite file that never set user_version: it used to be converted into a ledger silently. */
  const foreignFile = (): Buffer => {
    const file = join(newDir(), 'other.db');
    const raw = new Database(file);
    raw.exec("CREATE TABLE 记账(日期 TEXT, 金额 INTEGER); INSERT INTO 记账 VALUES ('2026-01-01', 5);");
    raw.close();
    return readFileSync(file);
  };

  const corruptions: Array<[string, (good: Buffer) => Buffer, string]> = [
    ['garbage after a valid header', (good) => {
      const rng = seededRng(7);
      const out = Buffer.from(good);
      for (let i = 100; i < out.length; i++) out[i] = rng.int(0, 255);
      return out;
    }, 'DB_CORRUPT'],
    ['random bytes', (good) => {
      const rng = seededRng(11);
      return Buffer.from(Array.from({ length: good.length }, () => rng.int(0, 255)));
    }, 'DB_CORRUPT'],
    // Only a missing file is a new ledger.
    ['0 bytes', () => Buffer.alloc(0), 'DB_CORRUPT'],
    ['a foreign SQLite file with user_version 0', foreignFile, 'DB_NOT_LEDGER'],
  ];

  it.each(corruptions)('a damaged file (%s) is refused naming it, offers the latest good backup, and restores from it', async (_name, corrupt, code) => {
    const dir = newDir();
    const host = new LedgerHost(dir, clock, { autoBackup: false });
    await host.open();
    const ctx = { db: host.database, clock, dataDir: dir };
    const { admin } = initializeOffice(ctx, {
      level: 'county', region_code: '140525', name: '泽州县工业和信息化局',
      admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
    });
    createEnterprise({ ...ctx, actor: admin }, { uscc: USCC, name: '泽州县金鼎铸造有限公司', region_code: '140525', scale: 'above' });
    const backup = await host.backupNow();
    host.close();

    const file = join(dir, 'ledger.sqlite');
    const bad = corrupt(readFileSync(file));
    writeFileSync(file, bad);

    const broken = new LedgerHost(dir, clock, { autoBackup: false });
    const state = await broken.open();
    expect(state.state).toBe('error');
    const status = broken.status(null);
    expect(status).toMatchObject({ state: 'error', error: { code }, latestBackup: { name: backup.name }, recoverable: true });
    expect(status.error!.message).toContain(`「${file}」`);
    expect(status.error!.message).toContain('可以从最近的有效备份恢复');
    expect(sha(file)).toBe(createHash('sha256').update(bad).digest('hex'));

    const r = await broken.restore(status.latestBackup!.file, admin);
    expect(r.keptAs).toMatch(/before-restore-/);
    expect(broken.status(null)).toMatchObject({ state: 'ready', initialized: true });
    const db = broken.database;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT name FROM enterprise').pluck().all()).toEqual(['泽州县金鼎铸造有限公司']);
    expect(verifyAudit(db).ok).toBe(true);
    broken.close();
    // The corrupt file is kept beside the backups, not thrown away.
    expect(readFileSync(r.keptAs!).equals(bad)).toBe(true);
  });
});
