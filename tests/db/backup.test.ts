// Backups carry the database and every attachment (申报材料) in one .cxbak archive; restore checks every entry
// before it touches anything; old .sqlite backups still restore. Hostile archives are refused, naming the problem.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { LedgerHost } from '../../db/host.js';
import type { Ctx } from '../../db/context.js';
import { seedDemoExhibitions, DEMO_PDF } from '../../db/exhibitions/seed.js';
import * as exh from '../../db/exhibitions/service.js';
import {
  backupTo, checkBackupFile, dailyBackup, latestGoodBackup, listBackups, restoreFile, KEEP_DAILY,
} from '../../db/backup/backup.js';
import { ZipReader, ZipWriter } from '../../db/exchange/zip.js';
import { AppError } from '../../db/result.js';
import { ADMIN, tempDirPerTest } from '../helpers.js';

const newDir = tempDirPerTest('ledger-backup-');
const clock = fixedClock('2026-03-02T01:00:00Z');
const SETUP = {
  level: 'county', region_code: '140525', name: '泽州县工业和信息化局',
  admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A county ledger on disk with the demo's claims and `n` distinct PDF attachments of one claim. */
async function office(n = 3) {
  const dir = newDir();
  const h = new LedgerHost(dir, clock, { autoBackup: false });
  await h.open();
  const r = await h.call('setup:init', SETUP, null);
  if (!r.ok) throw new Error(r.error.message);
  const ctx: Ctx = { db: h.database, clock, actor: ADMIN, dataDir: dir };
  seedDemoExhibitions(ctx);
  const claimId = h.database.prepare(`SELECT id FROM exhibition_claim WHERE status NOT IN ('approved','paid','rejected') ORDER BY id LIMIT 1`).pluck().get() as number;
  const files: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = Buffer.concat([DEMO_PDF, Buffer.from(`\n%附件 ${i}\n`)]);
    exh.addAttachment(ctx, { claim_id: claimId, material: 'invoice', fileName: `发票${i}.pdf`, dataBase64: bytes.toString('base64') });
    files.push(bytes);
  }
  return { dir, h, ctx, files, ledger: join(dir, 'ledger.sqlite'), att: join(dir, 'attachments') };
}

const attachmentNames = (dir: string) => (existsSync(join(dir, 'attachments')) ? readdirSync(join(dir, 'attachments')).sort() : []);
const fileHash = (f: string) => sha(readFileSync(f));

/** Rewrites an archive entry by entry: `edit` may rename, replace or drop entries, or add new ones at the end. */
type Edit = (name: string, bytes: Buffer) => Array<[string, Buffer]>;
function rewrite(src: string, dest: string, edit: Edit, extra: Array<[string, Buffer]> = []) {
  const r = new ZipReader(src);
  const w = new ZipWriter(dest);
  for (const name of r.entries.keys()) {
    for (const [n, b] of edit(name, r.readAll(name, 1 << 30))) {
      const e = w.entry(n);
      e.push(b);
      e.end();
    }
  }
  for (const [n, b] of extra) {
    const e = w.entry(n);
    e.push(b);
    e.end();
  }
  w.close();
  r.close();
}

const manifestOf = (file: string) => {
  const r = new ZipReader(file);
  try {
    return JSON.parse(r.readAll('backup.json', 1 << 24).toString('utf8')) as Record<string, any>;
  } finally {
    r.close();
  }
};

describe('backup archives carry every attachment', () => {
  it('puts the database, each attachment and the audit head into one file; restore brings them back, hashed', async () => {
    const o = await office(3);
    const file = join(o.dir, 'out', 'b.cxbak');
    const b = await o.h.backupNow(file);
    expect(b).toMatchObject({ format: 'archive', attachments: 5 }); // the demo's PDF and PNG, and our three
    const m = manifestOf(file);
    expect(m.attachments.map((a: { sha256: string }) => a.sha256)).toEqual(attachmentNames(o.dir));
    const head = o.h.database.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    expect(m.audit_anchor).toEqual({ count: head.seq, hash: head.hash });
    expect(m.office).toMatchObject({ office_code: '140525' });

    // A new PC: only the backup file. Everything comes back, every attachment hashing to its name.
    o.h.close();
    const fresh = newDir();
    const r = restoreFile(join(fresh, 'ledger.sqlite'), file, clock);
    expect(r).toMatchObject({ keptAs: null, format: 'archive', attachments: 5, attachmentsRestored: 5 });
    expect(attachmentNames(fresh)).toEqual(attachmentNames(o.dir));
    for (const n of attachmentNames(fresh)) expect(fileHash(join(fresh, 'attachments', n))).toBe(n);
    const h2 = new LedgerHost(fresh, clock, { autoBackup: false });
    await h2.open();
    const ctx2: Ctx = { db: h2.database, clock, actor: ADMIN, dataDir: fresh };
    const ids = h2.database.prepare(`SELECT id FROM exhibition_attachment WHERE file_name LIKE '发票%' ORDER BY id`).pluck().all() as number[];
    expect(ids).toHaveLength(3);
    ids.forEach((id, i) => expect(Buffer.from(exh.getAttachment(ctx2, id).dataBase64, 'base64').equals(o.files[i]!)).toBe(true));
    h2.close();
  });

  it('restores attachments lost since the backup, and keeps the current file first', async () => {
    const o = await office(2);
    const file = join(o.dir, 'backups', 'manual.cxbak');
    await o.h.backupNow(file);
    const lost = attachmentNames(o.dir);
    for (const n of lost) rmSync(join(o.att, n));
    exh.addAttachment(o.ctx, {
      claim_id: o.h.database.prepare('SELECT claim_id FROM exhibition_attachment ORDER BY id DESC LIMIT 1').pluck().get() as number,
      material: 'invoice', fileName: '备份后.pdf', dataBase64: Buffer.concat([DEMO_PDF, Buffer.from('\n%后\n')]).toString('base64'),
    });
    const auditBefore = o.h.database.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const r = await o.h.restore(file, ADMIN);
    expect(r.attachmentsRestored).toBe(lost.length);
    expect(r.note).toContain(`已补回 ${lost.length} 份`);
    const kept = new Database(r.keptAs!, { readonly: true });
    expect(kept.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(auditBefore);
    expect(kept.prepare(`SELECT count(*) FROM exhibition_attachment WHERE file_name = '备份后.pdf'`).pluck().get()).toBe(1);
    kept.close();
    // Restore never removes attachments: the one added after the backup stays for the kept copy.
    expect(attachmentNames(o.dir)).toEqual([...lost, sha(Buffer.concat([DEMO_PDF, Buffer.from('\n%后\n')]))].sort());
    expect(o.h.database.prepare(`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1`).pluck().get()).toBe('ledger.restore');
    o.h.close();
  });

  it('the daily backup is an archive with the attachments; old-format files are listed, offered and kept among the 14', async () => {
    const o = await office(1);
    const made = await dailyBackup(o.h.database, o.dir, clock);
    expect(made).toMatchObject({ name: 'ledger-2026-03-02.cxbak', format: 'archive', attachments: 3 });
    expect(manifestOf(made!.file).attachments).toHaveLength(3);
    expect(await dailyBackup(o.h.database, o.dir, clock)).toBeNull();
    // Old daily files from before this version: still listed (as the database-only format) and pruned by date.
    for (let d = 1; d <= KEEP_DAILY + 1; d++) {
      const old = join(o.dir, 'backups', `ledger-2026-02-${String(d).padStart(2, '0')}.sqlite`);
      await o.h.database.backup(old);
      utimesSync(old, new Date(`2026-02-${String(d).padStart(2, '0')}T00:00:00Z`), new Date(`2026-02-${String(d).padStart(2, '0')}T00:00:00Z`));
    }
    const next = fixedClock('2026-03-03T01:00:00Z');
    await dailyBackup(o.h.database, o.dir, next);
    const daily = listBackups(o.dir).filter((b) => b.date);
    expect(daily).toHaveLength(KEEP_DAILY);
    expect(daily.filter((b) => b.format === 'archive').map((b) => b.name).sort()).toEqual(['ledger-2026-03-02.cxbak', 'ledger-2026-03-03.cxbak']);
    expect(daily.find((b) => b.format === 'sqlite')).toMatchObject({ attachments: null });
    expect(latestGoodBackup(o.dir)?.format).toBe('archive');
    o.h.close();
  });

  it('restores an old-format .sqlite backup, saying it has no attachments and leaving the folder as it is', async () => {
    const o = await office(1);
    const old = join(o.dir, 'backups', 'ledger-2026-01-01.sqlite');
    mkdirSync(join(o.dir, 'backups'));
    await o.h.database.backup(old);
    const names = attachmentNames(o.dir);
    const r = await o.h.restore(old, ADMIN);
    expect(r).toMatchObject({ format: 'sqlite', attachments: 0, attachmentsRestored: 0 });
    expect(r.note).toContain('不含申请材料附件');
    expect(attachmentNames(o.dir)).toEqual(names);
    expect(checkBackupFile(old)).toMatchObject({ ok: true, format: 'sqlite' });
    o.h.close();
  });

  it('the corrupt-ledger screen is offered the newest archive that passes every check', async () => {
    const o = await office(1);
    const good = join(o.dir, 'backups', 'ledger-2026-03-01.cxbak');
    await o.h.backupNow(good);
    utimesSync(good, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'));
    const bad = join(o.dir, 'backups', 'ledger-2026-03-02.cxbak');
    rewrite(good, bad, (n, b) => [[n, n.startsWith('attachments/') ? Buffer.concat([b, Buffer.from('x')]) : b]]);
    o.h.close();
    writeFileSync(o.ledger, Buffer.concat([readFileSync(o.ledger).subarray(0, 100), Buffer.alloc(8192, 0x5a)]));
    const h = new LedgerHost(o.dir, clock, { autoBackup: false });
    const st = await h.open();
    expect(st).toMatchObject({ state: 'error', error: { code: 'DB_CORRUPT' }, backup: { name: 'ledger-2026-03-01.cxbak' } });
    const r = await h.call('backup:restore', { name: 'ledger-2026-03-01.cxbak' }, null);
    expect(r).toMatchObject({ ok: true, value: { format: 'archive' } });
    expect(h.status(null).state).toBe('ready');
    h.close();
  });
});

describe('hostile backups are refused, naming the problem, and change nothing', () => {
  async function refusedWith(edit: Edit, extra: Array<[string, Buffer]> = []) {
    const o = await office(2);
    const good = join(o.dir, 'good.cxbak');
    await o.h.backupNow(good);
    // Something changed after the backup: a refusal must leave exactly this.
    exh.addAttachment(o.ctx, {
      claim_id: o.h.database.prepare('SELECT claim_id FROM exhibition_attachment ORDER BY id DESC LIMIT 1').pluck().get() as number,
      material: 'invoice', fileName: '新.pdf', dataBase64: Buffer.concat([DEMO_PDF, Buffer.from('\n%新\n')]).toString('base64'),
    });
    const bad = join(o.dir, 'bad.cxbak');
    rewrite(good, bad, edit, extra);
    o.h.close();
    const ledgerBefore = fileHash(o.ledger);
    const attBefore = attachmentNames(o.dir);
    const backupsBefore = existsSync(join(o.dir, 'backups')) ? readdirSync(join(o.dir, 'backups')) : [];
    let err: AppError | undefined;
    try {
      restoreFile(o.ledger, bad, clock);
    } catch (e) {
      err = e as AppError;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err!.code).toBe('BACKUP_INVALID');
    expect(err!.message).toMatch(/^不能用此备份恢复（bad\.cxbak）：.*当前台账未做任何改动。$/);
    expect(fileHash(o.ledger)).toBe(ledgerBefore);
    expect(attachmentNames(o.dir)).toEqual(attBefore);
    expect(existsSync(join(o.dir, 'backups')) ? readdirSync(join(o.dir, 'backups')) : []).toEqual(backupsBefore);
    expect(readdirSync(o.dir).filter((n) => n.startsWith('.restoring') || n.endsWith('.restoring'))).toEqual([]);
    expect(checkBackupFile(bad)).toMatchObject({ ok: false });
    return { err: err!, o };
  }

  it('an attachment whose bytes do not hash to its name', async () => {
    const { err } = await refusedWith((n, b) => [[n, n.startsWith('attachments/') ? Buffer.from(b).fill(0x41, 10, 20) : b]]);
    expect(err.message).toMatch(/备份中的附件「attachments\/[0-9a-f]{64}」的内容与登记的 SHA-256 不符/);
  });

  it('a database that is not the one the manifest names', async () => {
    const { err } = await refusedWith((n, b) => [[n, n === 'ledger.sqlite' ? Buffer.from(b).fill(0, 200, 300) : b]]);
    expect(err.message).toContain('备份中的数据库 ledger.sqlite 的内容与登记的 SHA-256 不符');
  });

  it('a database that fails integrity_check even though the manifest matches it', async () => {
    let dbBytes: Buffer | null = null;
    const { err } = await refusedWith((n, b) => {
      if (n === 'ledger.sqlite') {
        dbBytes = Buffer.from(b);
        dbBytes.fill(0x5a, 4096 * 3, 4096 * 6); // garbage over whole pages, past the header
        return [[n, dbBytes]];
      }
      if (n === 'backup.json') {
        const m = JSON.parse(b.toString('utf8'));
        m.database.sha256 = sha(dbBytes!);
        return [[n, Buffer.from(JSON.stringify(m))]];
      }
      return [[n, b]];
    });
    expect(err.message).toMatch(/备份中的数据库 ledger\.sqlite：(完整性检查未通过|无法读取)/);
  });

  it('an entry with an unsafe name', async () => {
    const { err } = await refusedWith((n, b) => [[n, b]], [['../../evil.txt', Buffer.from('x')]]);
    expect(err.message).toContain('备份文件中有不安全的文件名「../../evil.txt」');
    expect(err.details).toMatchObject({ cause: 'UNSAFE_ENTRY' });
  });

  it('an entry the manifest does not list, and one it lists that is missing', async () => {
    const extra = Buffer.concat([DEMO_PDF, Buffer.from('unlisted')]);
    const a = await refusedWith((n, b) => [[n, b]], [[`attachments/${sha(extra)}`, extra]]);
    expect(a.err.message).toMatch(/备份文件中的附件「attachments\/[0-9a-f]{64}」未在清单中登记/);
    const b = await refusedWith((n, bytes) => (n.startsWith('attachments/') ? [] : [[n, bytes]]));
    expect(b.err.message).toMatch(/清单登记的附件「attachments\/[0-9a-f]{64}」不在备份文件中/);
  });

  it('an oversized attachment declared in the manifest', async () => {
    const { err } = await refusedWith((n, b) => {
      if (n !== 'backup.json') return [[n, b]];
      const m = JSON.parse(b.toString('utf8'));
      m.attachments[0].bytes = 300 * 1024 * 1024;
      return [[n, Buffer.from(JSON.stringify(m))]];
    });
    expect(err.message).toContain('备份清单 backup.json 的「attachments.0.bytes」');
  });

  it('a file that is neither an archive nor a ledger, and an archive from a newer format', async () => {
    const o = await office(0);
    o.h.close();
    const junk = join(o.dir, 'junk.cxbak');
    writeFileSync(junk, 'hello');
    expect(() => restoreFile(o.ledger, junk, clock)).toThrow(/不是县域产业台账的备份文件/);
    const { err } = await refusedWith((n, b) => {
      if (n !== 'backup.json') return [[n, b]];
      return [[n, Buffer.from(JSON.stringify({ ...JSON.parse(b.toString('utf8')), format_version: 9 }))]];
    });
    expect(err.message).toContain('备份格式版本 9');
  });

  it('a backup of a database-only copy still passes; a truncated archive does not', async () => {
    const o = await office(1);
    const good = join(o.dir, 'good.cxbak');
    await o.h.backupNow(good);
    o.h.close();
    const cut = join(o.dir, 'cut.cxbak');
    copyFileSync(good, cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 5000));
    expect(checkBackupFile(cut)).toMatchObject({ ok: false, message: expect.stringContaining('备份文件无效：文件不完整') });
    expect(checkBackupFile(good)).toMatchObject({ ok: true, format: 'archive', attachments: 3 });
  });
});

describe('a backup made while an attachment file is missing or damaged', () => {
  it('is still made, records what it could not carry and warns', async () => {
    const o = await office(2);
    const [first, second] = o.files.map(sha);
    rmSync(join(o.att, first!));
    writeFileSync(join(o.att, second!), 'damaged');
    const b = await backupTo(o.h.database, join(o.dir, 'w.cxbak'), o.dir, clock);
    expect(b.warnings).toEqual(expect.arrayContaining([
      expect.stringContaining(`附件 ${first!.slice(0, 12)}… 的文件不在附件文件夹中`),
      expect.stringContaining(`附件 ${second!.slice(0, 12)}… 的文件已损坏`),
    ]));
    expect(manifestOf(b.file).missing_attachments.sort()).toEqual([first, second].sort());
    o.h.close();
    const fresh = newDir();
    const r = restoreFile(join(fresh, 'ledger.sqlite'), b.file, clock);
    expect(r.note).toContain('备份时有 2 份附件的文件已缺失');
    const db = new Database(join(fresh, 'ledger.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
