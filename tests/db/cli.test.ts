// The command line as IT staff run it: a child process on a temporary data folder.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { tempDir } from '../helpers.js';

const TSX = resolve('node_modules/.bin/tsx');
const tmp = tempDir('ledger-cli-');
afterAll(() => tmp.cleanup());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: { ok: boolean; error?: { code: string; message: string; details?: unknown }; [k: string]: unknown };
}

function cli(dataDir: string, ...args: string[]): Run {
  const r = spawnSync(TSX, ['db/cli.ts', '--data', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  let json: Run['json'] = { ok: false };
  if (args.includes('--json')) json = JSON.parse(r.stdout) as Run['json'];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const dir = (name: string) => join(tmp.dir, name);
const INIT = ['init', '--level', 'county', '--region', '140525', '--name', '泽州县工业和信息化局', '--admin', 'admin', '--password', 'Admin12345'];
const count = (d: string) => cli(d, 'status', '--json').json.enterprises as number;

describe('ledger command line', { timeout: 90_000 }, () => {
  it('refuses bad input with exit 2 and the UI message, creating nothing', () => {
    const d = dir('refused');
    const bad = cli(d, 'init', '--level', 'county', '--region', '140599', '--name', '泽州县工信局', '--admin', 'admin', '--password', 'Admin12345');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('「行政区划代码」140599 不存在于现行 GB/T 2260 代码表');
    expect(existsSync(d)).toBe(false);

    const weak = cli(d, 'init', '--level', 'county', '--region', '140525', '--name', 'x', '--admin', 'admin', '--password', 'short', '--json');
    expect(weak.code).toBe(2);
    expect(weak.json).toEqual({ ok: false, error: { code: 'VALIDATION', message: '「管理员密码」密码至少 8 位', details: expect.any(Array) } });

    const missing = cli(d, 'init', '--level', 'county');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('缺少 --region');

    const unknown = cli(d, 'frobnicate', '--json');
    expect(unknown.code).toBe(2);
    expect(unknown.json.error!.code).toBe('USAGE');
    expect(unknown.json.error!.message).toContain('未知命令「frobnicate」');

    const noLedger = cli(d, 'import-enterprises', join(tmp.dir, 'nothing.xlsx'));
    expect(noLedger.code).toBe(2);
    expect(noLedger.stderr).toContain('文件不存在');
    expect(existsSync(d)).toBe(false);
  });

  it('init, seed-demo, status and verify-audit', () => {
    const d = dir('a');
    const init = cli(d, ...INIT, '--json');
    expect(init.code).toBe(0);
    expect(init.json).toMatchObject({ ok: true, command: 'init', admin: 'admin', office: { region_code: '140525', level: 'county' } });
    expect(cli(d, ...INIT).stderr).toContain('本台账已完成初始设置');

    const seeded = cli(d, 'seed-demo');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('已添加演示企业 300 家');
    const st = cli(d, 'status', '--json');
    expect(st.json).toMatchObject({ ok: true, initialized: true, enterprises: 300, schemaVersion: expect.any(Number) });

    const v = cli(d, 'verify-audit');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/审计日志完整：共 \d+ 条记录/);
  });

  it('seed-demo on an empty folder sets up the whole demo office with its users', () => {
    const d = dir('demo');
    const r = cli(d, 'seed-demo', '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, office: '泽州县工业和信息化局', username: 'admin', password: 'Admin12345' });
    expect((r.json.users as Array<{ username: string }>).map((u) => u.username)).toEqual(['admin', 'shenhe', 'luru']);
    const human = cli(dir('demo2'), 'seed-demo');
    expect(human.stdout).toContain('admin / Admin12345（管理员）');
    expect(count(d)).toBe(300);
  });

  it('exports, imports back into a second ledger, and refuses a file with one bad row writing nothing', async () => {
    const a = dir('a');
    const file = join(tmp.dir, 'export.xlsx');
    const ex = cli(a, 'export-enterprises', file, '--json');
    expect(ex.json).toMatchObject({ ok: true, count: 300 });

    const b = dir('b');
    cli(b, ...INIT);
    const im = cli(b, 'import-enterprises', file, '--json');
    expect(im.code).toBe(0);
    expect(im.json).toMatchObject({ ok: true, total: 300, created: 300, updated: 0 });
    expect(count(b)).toBe(300);

    // Break the check character in one row.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const code = String(ws.getRow(5).getCell(1).value);
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    ws.getRow(5).getCell(1).value = wrong;
    const badFile = join(tmp.dir, 'one-bad-row.xlsx');
    await wb.xlsx.writeFile(badFile);

    const c = dir('c');
    cli(c, ...INIT);
    const rej = cli(c, 'import-enterprises', badFile);
    expect(rej.code).toBe(2);
    expect(rej.stderr).toContain('导入未执行：1 行有错误（第 5 行「统一社会信用代码」');
    expect(rej.stderr).toContain(`5\t统一社会信用代码\t统一社会信用代码校验位错误：第 18 位应为「${code[17]}」`);
    expect(count(c)).toBe(0);

    const rejJson = cli(c, 'import-enterprises', badFile, '--json');
    expect(rejJson.json).toEqual({
      ok: false,
      error: {
        code: 'IMPORT_REJECTED',
        message: expect.stringContaining('未导入任何数据'),
        details: { total: 300, errors: [{ row: 5, column: '统一社会信用代码', message: expect.stringContaining('校验位错误') }] },
      },
    });

    const notXlsx = join(tmp.dir, 'list.xlsx');
    writeFileSync(notXlsx, '统一社会信用代码,企业名称\n91140525MA0K12348D,测试\n');
    const nx = cli(c, 'import-enterprises', notXlsx, '--json');
    expect(nx.code).toBe(2);
    expect(nx.json.error!.code).toBe('NOT_XLSX');
    expect(count(c)).toBe(0);
  });

  it('verify-audit names the entry that was edited behind the triggers', () => {
    const d = dir('tamper');
    cli(d, 'seed-demo');
    const db = new Database(join(d, 'ledger.sqlite'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run();
    db.close();
    const v = cli(d, 'verify-audit');
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('审计日志校验未通过：第 2 条记录的内容被改动');
    const j = cli(d, 'verify-audit', '--json');
    expect(j.json).toMatchObject({ ok: false, error: { code: 'AUDIT_BROKEN', details: { seq: 2 } } });
  });

  it('backs up and restores; restore is refused while the app holds the folder', () => {
    const d = dir('backup');
    cli(d, 'seed-demo');
    const named = cli(d, 'backup', join(tmp.dir, 'b1.sqlite'));
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('备份的文件名应以 .cxbak 结尾：b1.sqlite');
    const file = join(tmp.dir, 'b1.cxbak');
    const b = cli(d, 'backup', file, '--json');
    expect(b.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(b.json.backup).toMatchObject({ format: 'archive', attachments: 2 }); // the demo claims' PDF and PNG
    expect(cli(d, 'backup', file).stderr).toContain('文件已存在，不会覆盖');

    cli(d, 'seed-demo', '--count', '20');
    expect(count(d)).toBe(320);

    // A running app writes its pid to ledger.lock; this test process stands in for it.
    writeFileSync(join(d, 'ledger.lock'), `${process.pid}\n`);
    const refused = cli(d, 'restore', file, '--json');
    expect(refused.code).toBe(2);
    expect(refused.json.error!.code).toBe('ALREADY_RUNNING');
    expect(count(d)).toBe(320);
    writeFileSync(join(d, 'ledger.lock'), '999999999\n');

    const r = cli(d, 'restore', file, '--json');
    expect(r.code).toBe(0);
    expect(r.json.keptAs).toEqual(expect.stringContaining('before-restore-'));
    expect(r.json).toMatchObject({ format: 'archive', attachments: 2, note: expect.stringContaining('备份含附件 2 份') });
    expect(count(d)).toBe(300);
    expect(cli(d, 'verify-audit').code).toBe(0);
    const db = new Database(join(d, 'ledger.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare(`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1`).pluck().get()).toBe('ledger.restore');
    db.close();

    const notBackup = join(tmp.dir, 'not-a-backup.sqlite');
    writeFileSync(notBackup, 'hello');
    const nb = cli(d, 'restore', notBackup);
    expect(nb.code).toBe(2);
    expect(nb.stderr).toContain('不能用此备份恢复（not-a-backup.sqlite）：不是县域产业台账的备份文件');
  });

  it('verify-audit against an anchor: from a backup file, or typed as --count and --hash', () => {
    const d = dir('anchor');
    expect(cli(d, ...INIT).code).toBe(0);
    const file = join(tmp.dir, 'anchor.cxbak');
    expect(cli(d, 'backup', file).code).toBe(0);
    const plain = cli(d, 'verify-audit', '--json');
    expect(plain.code).toBe(0);
    const head = plain.json.head as { count: number; hash: string };
    const fromFile = cli(d, 'verify-audit', '--anchor', file, '--json');
    expect(fromFile.code).toBe(0);
    expect(fromFile.json).toMatchObject({ anchor: { count: 2 }, anchorSource: expect.stringMatching(/^备份 anchor\.cxbak（\d{4}-\d{2}-\d{2}）$/) });
    // Rewrite entry 1 and re-hash everything after it: the plain walk cannot tell, the anchor can.
    const db = new Database(join(d, 'ledger.sqlite'));
    db.exec('DROP TRIGGER audit_log_no_update');
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, string | number | null>>;
    let prev = '0'.repeat(64);
    for (const e of rows) {
      const detail = e.seq === 1 ? '{"name":"伪造"}' : (e.detail as string);
      const text = [prev, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id ?? '', detail].join('\u001f');
      const hash = createHash('sha256').update(text, 'utf8').digest('hex');
      db.prepare('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(detail, prev, hash, e.seq);
      prev = hash;
    }
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'audit_head'`).run(`${rows.length}:${prev}`);
    db.close();
    expect(cli(d, 'verify-audit').code).toBe(0);
    const anchored = cli(d, 'verify-audit', '--anchor', file);
    expect(anchored.code).toBe(1);
    expect(anchored.stderr).toContain('审计日志校验未通过：第 2 条记录的哈希与锚点不符');
    const typed = cli(d, 'verify-audit', '--count', String(head.count), '--hash', head.hash, '--json');
    expect(typed.code).toBe(1);
    expect(typed.json.error).toMatchObject({ code: 'AUDIT_BROKEN', details: { seq: head.count } });
    expect(cli(d, 'verify-audit', '--count', '2').stderr).toContain('锚点需要同时给出 --count 和 --hash');
  });

  it('writes a template without creating a ledger', () => {
    const d = dir('template-only');
    const file = join(tmp.dir, 'template.xlsx');
    expect(cli(d, 'template', file).code).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(existsSync(d)).toBe(false);
    expect(cli(d, 'template', join(tmp.dir, 'template.csv')).stderr).toContain('应以 .xlsx 结尾');
  });

  it('unlock-user lifts the lock of an only administrator; an unknown or unlocked user is refused', () => {
    const d = dir('unlock');
    cli(d, ...INIT);
    const db = new Database(join(d, 'ledger.sqlite'));
    db.prepare(`UPDATE app_user SET failed_logins = 5, locked_at = '2026-03-01T02:00:00.000Z' WHERE username = 'admin'`).run();
    db.close();
    const r = cli(d, 'unlock-user', 'admin');
    expect([r.code, r.stdout.trim()]).toEqual([0, '已解锁用户「admin」']);
    const after = new Database(join(d, 'ledger.sqlite'), { readonly: true });
    expect(after.prepare(`SELECT locked_at, failed_logins FROM app_user WHERE username = 'admin'`).get()).toEqual({ locked_at: null, failed_logins: 0 });
    expect(after.prepare(`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1`).pluck().get()).toBe('user.unlock');
    after.close();
    expect(cli(d, 'unlock-user', 'admin').stderr).toContain('用户「admin」未被锁定');
    expect(cli(d, 'unlock-user', 'nobody').stderr).toContain('用户「nobody」不存在');
  });
});
