// The append-only, hash-chained audit log: triggers block edits; what gets past them is detected by seq.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { testLedger } from '../helpers.js';
import { audit, verifyAudit } from '../../db/audit/audit.js';
import * as svc from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';

function ledgerWithEntries(n: number) {
  const l = testLedger();
  for (let i = 1; i <= n; i++) {
    svc.createEnterprise(l.ctx(), {
      uscc: withCheckChar(`91140525MA0${String(i).padStart(6, '0')}`),
      name: `泽州县第${i}铸造厂`,
      region_code: '140525',
      scale: 'below',
    });
  }
  return l;
}

const dropTriggers = (db: ReturnType<typeof testLedger>['db']) =>
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');

describe('audit chain', () => {
  it('verifies an untouched chain and links each entry to the one before', () => {
    const { db } = ledgerWithEntries(5);
    const v = verifyAudit(db);
    expect(v).toEqual({ ok: true, count: 7 }); // office.setup + user.create + 5 enterprise.create
    const rows = db.prepare('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq').all() as Array<{ seq: number; prev_hash: string; hash: string }>;
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
  });

  it('blocks UPDATE and DELETE with triggers', () => {
    const { db } = ledgerWithEntries(2);
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('detects an entry edited after the triggers were dropped, naming its seq', () => {
    const { db } = ledgerWithEntries(5);
    dropTriggers(db);
    db.prepare(`UPDATE audit_log SET detail = json_set(detail, '$.name', '改过的名称') WHERE seq = 4`).run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstProblem: { seq: 4, message: '第 4 条记录的内容被改动（哈希不符）' } });
  });

  it('detects an edit whose hash was recomputed, at the next entry', () => {
    const { db } = ledgerWithEntries(5);
    dropTriggers(db);
    // A careful forger recomputes the hash of the entry they changed; the next entry's prev_hash gives it away.
    const e = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as Record<string, string | number | null>;
    const detail = JSON.stringify({ uscc: 'forged', name: '伪造' });
    const text = [e.prev_hash, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', detail].join('\u001f');
    db.prepare('UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 3').run(detail, createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstProblem: { seq: 4, message: expect.stringContaining('第 4 条记录与前一条的链接不符') } });
  });

  it('detects a deleted middle entry', () => {
    const { db } = ledgerWithEntries(5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstProblem: { seq: 3, message: '第 3 条记录缺失（已被删除）' } });
  });

  it('detects a deleted middle entry even when the later ones are renumbered', () => {
    const { db } = ledgerWithEntries(5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    db.prepare('UPDATE audit_log SET seq = seq - 1 WHERE seq > 3').run();
    const v = verifyAudit(db);
    expect(v.ok).toBe(false);
    expect(v.firstProblem!.seq).toBe(3);
  });

  it('detects a truncated tail through the head kept in meta', () => {
    const { db } = ledgerWithEntries(5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq > 5').run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, count: 5, firstProblem: { seq: 6, message: '审计日志末尾的记录被删除（应有 7 条，现有 5 条）' } });
  });

  it('detects a wiped log whose head was also removed', () => {
    const { db } = ledgerWithEntries(1);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    db.prepare(`DELETE FROM meta WHERE key = 'audit_head'`).run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstProblem: { message: '审计日志的链头记录缺失' } });
  });

  it('keeps verifying as entries are appended after a check', () => {
    const l = ledgerWithEntries(2);
    expect(verifyAudit(l.db).ok).toBe(true);
    audit(l.ctx(), 'test.note', 'ledger', null, { note: '追加' });
    expect(verifyAudit(l.db)).toEqual({ ok: true, count: 5 });
  });
});
