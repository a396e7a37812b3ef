import { describe, expect, it } from 'vitest';
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { ensureCodeLists } from '../../db/office/service.js';
import { seedDemoLedger, seedDemoEnterprises } from '../../db/demo/seed.js';
import { ZEZHOU_TOWNSHIPS } from '../../db/demo/enterprises.js';
import { checkUscc } from '../../db/enterprises/uscc.js';
import { authenticate } from '../../db/auth/users.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { listEnterprises } from '../../db/enterprises/service.js';
import { ADMIN, testLedger } from '../helpers.js';

function demo() {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  const db = openLedger({ file: ':memory:' });
  ensureCodeLists({ db, clock });
  const info = seedDemoLedger({ db, clock, dataDir: null });
  return { db, clock, info };
}

describe('demo ledger', () => {
  it('sets up 泽州县工信局 with an admin, a reviewer and a clerk whose demo passwords work', () => {
    const { db, clock, info } = demo();
    expect(info).toMatchObject({ office: '泽州县工业和信息化局', username: 'admin', password: 'Admin12345' });
    for (const u of info.users) {
      expect(authenticate({ db, clock, dataDir: null }, { username: u.username, password: u.password }).role).toBe(u.role);
    }
    expect(info.users.map((u) => u.role)).toEqual(['admin', 'reviewer', 'clerk']);
    expect(() => seedDemoLedger({ db, clock, dataDir: null })).toThrow('本台账已完成初始设置');
  });

  it('seeds ~300 realistic enterprises whose codes pass and whose references exist, with one audit entry', () => {
    const { db, clock } = demo();
    const rows = db.prepare('SELECT * FROM enterprise').all() as Array<Record<string, string>>;
    expect(rows).toHaveLength(300);
    for (const r of rows) {
      expect(checkUscc(r.uscc!).ok).toBe(true);
      expect(r.uscc!.startsWith('91140525')).toBe(true);
      expect(ZEZHOU_TOWNSHIPS).toContain(r.township);
      expect(r.contact_phone).toMatch(/^(1[3-9]\d{9}|0356-\d{7})$/);
      expect(r.name_initials!.length).toBeGreaterThan(3);
    }
    expect(new Set(rows.map((r) => r.name)).size).toBe(300);
    expect(db.prepare(`SELECT count(*) FROM enterprise e LEFT JOIN industry i ON i.code = e.industry_code WHERE i.code IS NULL`).pluck().get()).toBe(0);
    const foundries = rows.filter((r) => r.industry_code === '3391').length;
    expect(foundries).toBeGreaterThan(100);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'demo.seed_enterprises'`).pluck().get()).toBe(1);
    expect(verifyAudit(db).ok).toBe(true);
    // Searchable as in the UI.
    const ctx = { db, clock, actor: ADMIN, dataDir: null };
    expect(listEnterprises(ctx, { q: '铸造' }).total).toBeGreaterThan(50);
    expect(listEnterprises(ctx, { q: 'zzx' }).total).toBeGreaterThan(50);
  });

  it('gives tiers in 泽州铸造 proportions: 5 小巨人 (each also 省级专精特新), 20 省级专精特新', () => {
    const { db } = demo();
    const n = (sql: string) => db.prepare(sql).pluck().get() as number;
    expect(n(`SELECT count(*) FROM enterprise_tier WHERE tier_code = 'little_giant' AND level = 'national' AND granted_by = '工业和信息化部'`)).toBe(5);
    expect(n(`SELECT count(*) FROM enterprise_tier WHERE tier_code = 'zjtx_sme' AND level = 'provincial' AND granted_by = '山西省工业和信息化厅'`)).toBe(20);
    expect(n(`SELECT count(*) FROM enterprise_tier g WHERE tier_code = 'little_giant' AND NOT EXISTS
      (SELECT 1 FROM enterprise_tier p WHERE p.enterprise_id = g.enterprise_id AND p.tier_code = 'zjtx_sme' AND p.level = 'provincial')`)).toBe(0);
    expect(n(`SELECT count(*) FROM enterprise_tier WHERE valid_from > '2026-03-01' OR (valid_to IS NOT NULL AND valid_to < valid_from)`)).toBe(0);
    expect(n(`SELECT count(*) FROM enterprise_tier WHERE doc_no IS NULL OR granted_by IS NULL`)).toBe(0);
    expect(n(`SELECT count(*) FROM enterprise_tier WHERE valid_to < '2026-03-01'`)).toBeGreaterThan(0); // some history
  });

  it('is deterministic, and seeding again adds a different batch', () => {
    const a = demo().db.prepare('SELECT uscc, name FROM enterprise ORDER BY id').all();
    const b = demo().db.prepare('SELECT uscc, name FROM enterprise ORDER BY id').all();
    expect(a).toEqual(b);
    const { ctx, db } = testLedger();
    const first = seedDemoEnterprises(ctx(), 50);
    const second = seedDemoEnterprises(ctx(), 50);
    expect(first.seed).not.toBe(second.seed);
    expect(db.prepare('SELECT count(DISTINCT uscc) FROM enterprise').pluck().get()).toBe(100);
  });

  it('seeds a city-level office across its counties', () => {
    const { ctx, db } = testLedger({ level: 'city', region: '140500' });
    seedDemoEnterprises(ctx(), 60);
    const counties = db.prepare('SELECT DISTINCT region_code FROM enterprise ORDER BY 1').pluck().all() as string[];
    expect(counties).toContain('140525');
    expect(counties.every((c) => c.startsWith('1405'))).toBe(true);
  });
});
