// Anchoring the audit chain: a forger who edits an entry and re-hashes every entry after it passes the plain walk;
// the head recorded earlier (in a backup, in a package another office holds, or typed in) gives it away.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { ADMIN, tempDirPerTest, testLedger } from '../helpers.js';
import { auditHead, verifyAudit } from '../../db/audit/audit.js';
import { anchorFromFile } from '../../db/exchange/anchor.js';
import { backupTo } from '../../db/backup/backup.js';
import { exportPackage } from '../../db/exchange/export.js';
import { openPackage } from '../../db/exchange/package.js';
import * as svc from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { operations } from '../../db/api.js';
import type { OpContext } from '../../db/op.js';

const newDir = tempDirPerTest('ledger-anchor-');

function addEnterprises(l: ReturnType<typeof testLedger>, from: number, n: number) {
  for (let i = from; i < from + n; i++) {
    svc.createEnterprise(l.ctx(), {
      uscc: withCheckChar(`91140525MA0${String(i).padStart(6, '0')}`), name: `泽州县第${i}铸造厂`, region_code: '140525', scale: 'below',
    });
  }
}

/** The careful forger: drops the triggers, edits entry `seq`, and recomputes every hash from there on (and the head). */
function rewriteFrom(db: Database, seq: number) {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(seq) as Array<Record<string, string | number | null>>;
  let prev = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(seq - 1) as string;
  for (const e of rows) {
    const detail = e.seq === seq ? JSON.stringify({ name: '伪造的企业名称' }) : (e.detail as string);
    const text = [prev, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', detail].join('\u001f');
    const hash = createHash('sha256').update(text, 'utf8').digest('hex');
    db.prepare('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(detail, prev, hash, e.seq);
    prev = hash;
  }
  db.prepare(`UPDATE meta SET value = ? WHERE key = 'audit_head'`).run(`${rows.at(-1)!.seq}:${prev}`);
}

describe('audit anchors', () => {
  it('a rewrite before the anchor, re-hashed from there on, passes the plain walk and fails the anchored one naming the position', () => {
    const l = testLedger();
    addEnterprises(l, 1, 4);
    const anchor = auditHead(l.db)!;
    expect(anchor.count).toBe(6); // office.setup + user.create + 4 enterprise.create
    addEnterprises(l, 10, 3);
    expect(verifyAudit(l.db, anchor)).toMatchObject({ ok: true, count: 9, anchor });

    rewriteFrom(l.db, 4);
    expect(verifyAudit(l.db)).toEqual({ ok: true, count: 9 });
    const v = verifyAudit(l.db, anchor);
    expect(v).toMatchObject({ ok: false, count: 9, firstProblem: { seq: 6 } });
    expect(v.firstProblem!.message).toContain('第 6 条记录的哈希与锚点不符');
    expect(v.firstProblem!.message).toContain('第 1～6 条中有记录在锚点之后被改写');
  });

  it('a rewrite after the anchor is not the anchor\'s to see; a chain shorter than the anchor is', () => {
    const l = testLedger();
    addEnterprises(l, 1, 4);
    const anchor = auditHead(l.db)!;
    addEnterprises(l, 10, 2);
    rewriteFrom(l.db, 7);
    expect(verifyAudit(l.db, anchor).ok).toBe(true);
    expect(verifyAudit(l.db, { count: 20, hash: anchor.hash })).toMatchObject({
      ok: false, firstProblem: { seq: 9, message: '审计日志现有 8 条，少于锚点登记的 20 条：锚点之后有记录被删除' },
    });
  });

  it('outgoing packages carry the head as audit_anchor, and verification takes it from the package file', () => {
    const l = testLedger();
    addEnterprises(l, 1, 3);
    const dir = newDir();
    const { file } = exportPackage(l.ctx(), { kind: 'backup', to: '140525' }, join(dir, 'p.cxpkg'));
    const pkg = openPackage(file);
    const m = pkg.manifest;
    pkg.close();
    // The head as the package was made (the export's own entry comes after it).
    expect(m.audit_anchor).toEqual({ count: 6, hash: l.db.prepare('SELECT hash FROM audit_log WHERE seq = 6').pluck().get() });
    const a = anchorFromFile(l.db, file);
    expect(a.anchor).toEqual(m.audit_anchor);
    expect(a.source).toContain('本单位发出的完整备份包');
    rewriteFrom(l.db, 2);
    expect(verifyAudit(l.db).ok).toBe(true);
    expect(verifyAudit(l.db, a.anchor)).toMatchObject({ ok: false, firstProblem: { seq: 6 } });
  });

  it('refuses a package another office sent: its anchor is of another chain', () => {
    const other = testLedger({ region: '140581' });
    const dir = newDir();
    const { file } = exportPackage(other.ctx(), { kind: 'backup', to: '140581' }, join(dir, 'other.cxpkg'));
    const me = testLedger();
    expect(() => anchorFromFile(me.db, file)).toThrow(/不能从「other\.cxpkg」取得审计锚点：此交换包由 .*（140581，密钥 .*）发出，不是本台账发出的包/);
  });

  it('takes the anchor from a backup archive, and the API compares typed and file anchors', async () => {
    const l = testLedger();
    addEnterprises(l, 1, 2);
    const dir = newDir();
    const b = await backupTo(l.db, join(dir, 'b.cxbak'), null, l.clock);
    const a = anchorFromFile(l.db, b.file);
    expect(a.anchor).toEqual(auditHead(l.db));
    expect(a.source).toContain('备份 b.cxbak');
    addEnterprises(l, 10, 1);
    rewriteFrom(l.db, 3);

    const ctx: OpContext = { ...l.ctx(ADMIN), progress: () => {} };
    const verify = operations['audit:verify'].run;
    expect(a.anchor.count).toBe(4);
    expect(verify(ctx, {})).toEqual({ ok: true, count: 5 });
    const typed = verify(ctx, { count: a.anchor.count, hash: a.anchor.hash.toUpperCase() });
    expect(typed).toMatchObject({ ok: false, firstProblem: { seq: 4 }, source: '手工输入的锚点' });
    const fromFile = verify(ctx, { anchorFile: { fileName: 'b.cxbak', dataBase64: readFileSync(b.file).toString('base64') } });
    expect(fromFile).toMatchObject({ ok: false, firstProblem: { seq: 4 }, source: expect.stringContaining('备份 b.cxbak') });
    expect(() => verify(ctx, { count: 5 })).toThrow('「锚点哈希」锚点需要同时给出条数和哈希');
    expect(() => verify(ctx, { count: 5, hash: 'abc' })).toThrow('「锚点哈希」应为 64 位十六进制 SHA-256');
    expect(operations['audit:head'].run(ctx, undefined as never)).toEqual(auditHead(l.db));
  });
});
