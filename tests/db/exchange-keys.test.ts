// Key change (issue 12 A): a second key from an office that has a trusted one is refused loudly (never taken in as
// 首次), verify says so, and only an administrator's audited re-trust, with a reason, pins it; the old pin is
// retired, not deleted. Field laptops of this office: each key is pinned by an administrator.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../../db/context.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { operations } from '../../db/api.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage, verifyPackage } from '../../db/exchange/import.js';
import { listPeers, officeKey, unpinPeer } from '../../db/exchange/keys.js';
import { retrustPeer } from '../../db/exchange/trust.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { ADMIN, CLERK, REVIEWER, testLedger, tempDirPerTest } from '../helpers.js';
import { explainAll } from './exchange-helpers.js';

const dir = tempDirPerTest('ledger-keys-');

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Everything a refusal must leave alone. */
const snapshot = (db: Database) => ({
  peers: db.prepare('SELECT * FROM exchange_peer ORDER BY id').all(),
  audit: db.prepare('SELECT count(*) FROM audit_log').pluck().get(),
  packages: db.prepare('SELECT count(*) FROM exchange_package').pluck().get(),
  enterprises: db.prepare('SELECT count(*) FROM enterprise').pluck().get(),
});

/** A county ledger of 泽州 with one enterprise of its own, so its packages carry a record. */
function county(name: string) {
  const l = testLedger({ region: '140525' });
  createEnterprise(l.ctx(), { uscc: withCheckChar(`91140525MA0K${name}`), name: `泽州县${name}铸造有限公司`, region_code: '140525', scale: 'above' } as never);
  return l;
}
const report = (l: { db: Database; ctx(a?: typeof ADMIN): Ctx }, file: string) =>
  exportPackage(l.ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(l.db, '2025') }, file);

describe('key change from another office', () => {
  it('refuses the new key loudly, verify shows it as changed, an administrator re-trusts it with a reason', () => {
    const out = dir();
    const city = testLedger({ level: 'city', region: '140500' });
    const old = county('1234A');
    const oldKey = officeKey(old.ctx()).fingerprint;
    const p1 = report(old, join(out, 'old-1.cxpkg')).file;
    importPackage(city.ctx(REVIEWER), p1, 'apply', { pin: true });

    // The county reinstalled: same office, new ledger, new key.
    const fresh = county('5678B');
    const newKey = officeKey(fresh.ctx()).fingerprint;
    const p2 = report(fresh, join(out, 'new-1.cxpkg')).file;
    const before = snapshot(city.db);
    for (const o of [{}, { pin: true }, { pin: newKey }]) {
      const e = refusal(() => importPackage(city.ctx(ADMIN), p2, 'apply', o));
      expect(e.code).toBe('KEY_CHANGED');
      // Names both fingerprints, when and by whom the old one was trusted, and what to do.
      expect(e.message).toContain(newKey);
      expect(e.message).toContain(oldKey);
      expect(e.message).toContain('2026-03-01 由 shenhe 确认信任');
      expect(e.message).toContain('重新信任');
      expect(e.message).not.toContain('首次');
      expect(e.details).toMatchObject({ fingerprint: newKey, pinned: oldKey, own_office: false, trusted: [{ fingerprint: oldKey, pinned_by: 'shenhe' }] });
    }
    expect(refusal(() => importPackage(city.ctx(CLERK), p2, 'dry', { pin: true })).code).toBe('KEY_CHANGED');
    const v = verifyPackage(city.db, p2);
    expect(v.pinned).toBe(false);
    expect(v.key).toMatchObject({ status: 'changed', own_office: false, retired: null, trusted: [{ fingerprint: oldKey, pinned_at: '2026-03-01T02:00:00.000Z' }] });
    expect(snapshot(city.db)).toEqual(before);

    // Re-trust: administrators only, the fingerprint compared must be the package's, a reason is required; a
    // refusal writes nothing.
    const reason = '泽州县重装系统后更换了密钥，已电话核对';
    expect(refusal(() => retrustPeer(city.ctx(REVIEWER), p2, { fingerprint: newKey, reason })).code).toBe('FORBIDDEN');
    expect(refusal(() => retrustPeer(city.ctx(), p2, { fingerprint: oldKey, reason })).code).toBe('FINGERPRINT_MISMATCH');
    const short = refusal(() => retrustPeer(city.ctx(), p2, { fingerprint: newKey, reason: '换' }));
    expect(short.code).toBe('VALIDATION');
    expect(short.message).toContain('重新信任的原因');
    expect(refusal(() => retrustPeer(city.ctx(), p2, { fingerprint: newKey, reason, keep_old: true })).code).toBe('VALIDATION');
    expect(snapshot(city.db)).toEqual(before);

    // Typed as read aloud: groups with spaces, lower case.
    const r = retrustPeer(city.ctx(), p2, { fingerprint: newKey.toLowerCase().split('-').join(' '), reason });
    expect(r.peer).toMatchObject({ fingerprint: newKey, pinned_by: 'admin', trust_reason: reason, retired_at: null });
    expect(r.retired).toEqual([expect.objectContaining({ fingerprint: oldKey, retired_by: 'admin', retired_reason: reason, replaced_by: r.peer.id })]);
    const entry = city.db.prepare(`SELECT * FROM audit_log WHERE action = 'exchange.peer.retrust'`).get() as { actor: string; entity_id: string; detail: string };
    expect(entry.actor).toBe('admin');
    expect(JSON.parse(entry.detail)).toMatchObject({ office_code: '140525', old_fingerprints: [oldKey], new_fingerprint: newKey, retired: [oldKey], reason, kept_old: false });
    // The old key is kept (retired), so what it signed stays attributable.
    expect(listPeers(city.db).map((p) => [p.fingerprint, p.retired_at === null])).toEqual([[newKey, true], [oldKey, false]]);

    // Now the package imports; the retired key's packages are refused, and verify names it as retired.
    expect(importPackage(city.ctx(REVIEWER), p2, 'apply').applied).toBe(true);
    const p3 = report(old, join(out, 'old-2.cxpkg')).file;
    const retired = refusal(() => importPackage(city.ctx(), p3, 'apply', { pin: true }));
    expect(retired.code).toBe('KEY_RETIRED');
    expect(retired.message).toContain(oldKey);
    expect(retired.message).toContain(reason);
    expect(verifyPackage(city.db, p1).key).toMatchObject({ status: 'retired', retired: { fingerprint: oldKey, replaced_by: r.peer.id } });
    expect(refusal(() => retrustPeer(city.ctx(), p1, { fingerprint: oldKey, reason })).code).toBe('KEY_RETIRED');
    expect(refusal(() => retrustPeer(city.ctx(), p2, { fingerprint: newKey, reason })).code).toBe('ALREADY_TRUSTED');
    expect(refusal(() => unpinPeer(city.ctx(), r.retired[0]!.id)).code).toBe('KEY_RETIRED');
    expect(verifyAudit(city.db).ok).toBe(true);
  });

  it('re-trust is not a way around the first confirmation', () => {
    const out = dir();
    const city = testLedger({ level: 'city', region: '140500' });
    const c = county('1234A');
    const p = report(c, join(out, 'p.cxpkg')).file;
    const fp = officeKey(c.ctx()).fingerprint;
    expect(verifyPackage(city.db, p).key.status).toBe('new');
    expect(refusal(() => retrustPeer(city.ctx(), p, { fingerprint: fp, reason: '首次也想走这里' })).code).toBe('NOT_KEY_CHANGE');
    expect(city.db.prepare('SELECT count(*) FROM exchange_peer').pluck().get()).toBe(0);
  });

  it('over the api: exchange:peer:retrust takes the package file and is for administrators', async () => {
    const out = dir();
    const city = testLedger({ level: 'city', region: '140500' });
    importPackage(city.ctx(), report(county('1234A'), join(out, 'a.cxpkg')).file, 'apply', { pin: true });
    const fresh = county('5678B');
    const p2 = report(fresh, join(out, 'b.cxpkg')).file;
    const file = { fileName: 'b.cxpkg', dataBase64: readFileSync(p2).toString('base64') };
    const newKey = officeKey(fresh.ctx()).fingerprint;
    expect(operations['exchange:peer:retrust'].access).toBe('admin');
    const r = await operations['exchange:peer:retrust'].run(city.ctx(), { ...file, fingerprint: newKey, reason: '对方更换了办公电脑' });
    expect(r.peer.fingerprint).toBe(newKey);
    expect(importPackage(city.ctx(), p2, 'apply').applied).toBe(true);
  });
});

describe('field laptops of this office', () => {
  it('the first laptop key is pinned by an administrator; a second key is a key change, never 首次', () => {
    const out = dir();
    const office = testLedger({ region: '140525' });
    const laptop1 = county('1111A');
    const laptop2 = county('2222B');
    const in1 = exportPackage(laptop1.ctx(), { kind: 'checkin', to: '140525' }, join(out, 'in1.cxpkg')).file;
    const k1 = officeKey(laptop1.ctx()).fingerprint;
    const before = snapshot(office.db);
    const first = refusal(() => importPackage(office.ctx(REVIEWER), in1, 'apply'));
    expect(first.code).toBe('NEEDS_PIN');
    expect(first.message).toContain('外勤笔记本');
    expect(first.message).toContain('管理员');
    // A reviewer may apply packages, but not pin a key of this office's other ledgers.
    const forbidden = refusal(() => importPackage(office.ctx(REVIEWER), in1, 'apply', { pin: true }));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain(k1);
    expect(snapshot(office.db)).toEqual(before);
    expect(importPackage(office.ctx(ADMIN), in1, 'apply', { pin: k1 }).applied).toBe(true);
    expect(office.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'exchange.peer.pin'`).pluck().get()).toBe(1);

    // Before: a second laptop's key was pinned beside the first as "首次". Now it is a key change.
    const in2 = exportPackage(laptop2.ctx(), { kind: 'checkin', to: '140525' }, join(out, 'in2.cxpkg')).file;
    const k2 = officeKey(laptop2.ctx()).fingerprint;
    const mid = snapshot(office.db);
    const changed = refusal(() => importPackage(office.ctx(ADMIN), in2, 'apply', { pin: true }));
    expect(changed.code).toBe('KEY_CHANGED');
    expect(changed.message).toContain('外勤笔记本');
    expect(changed.message).toContain(k1);
    expect(changed.message).toContain(k2);
    expect(verifyPackage(office.db, in2).key).toMatchObject({ status: 'changed', own_office: true });
    expect(snapshot(office.db)).toEqual(mid);

    // Another laptop: re-trusted keeping the first key; both laptops' packages import.
    const r = retrustPeer(office.ctx(), in2, { fingerprint: k2, reason: '新增第二台外勤笔记本', keep_old: true });
    expect(r.retired).toEqual([]);
    expect(listPeers(office.db).filter((p) => !p.retired_at).map((p) => p.fingerprint).sort()).toEqual([k1, k2].sort());
    expect(importPackage(office.ctx(REVIEWER), in2, 'apply').applied).toBe(true);
    const in1b = exportPackage(laptop1.ctx(), { kind: 'checkin', to: '140525' }, join(out, 'in1b.cxpkg')).file;
    expect(importPackage(office.ctx(REVIEWER), in1b, 'apply').applied).toBe(true);
    expect(verifyAudit(office.db).ok).toBe(true);
  });
});
