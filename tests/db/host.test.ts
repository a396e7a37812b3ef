import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../../db/clock.js';
import { LedgerHost } from '../../db/host.js';
import { tempDir } from '../helpers.js';

const SETUP = {
  level: 'county', region_code: '140525', name: '泽州县工业和信息化局',
  admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
};

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function host(opts: { lock?: boolean; dir?: string } = {}) {
  const t = opts.dir ? null : tempDir();
  if (t) cleanups.push(t.cleanup);
  const clock = fixedClock('2026-03-02T01:00:00Z');
  const h = new LedgerHost(opts.dir ?? t!.dir, clock, { autoBackup: false, lock: opts.lock });
  await h.open();
  cleanups.push(() => h.close());
  return { h, clock, dir: opts.dir ?? t!.dir };
}

async function ok<T>(p: Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
  return r.value as T;
}

describe('LedgerHost: sessions, roles, jobs, locks', () => {
  it('refuses every operation before login and reports the session state', async () => {
    const { h } = await host();
    const st = await ok(h.call('app:status', {}, null)) as { initialized: boolean; session: { state: string } };
    expect(st).toMatchObject({ initialized: false, session: { state: 'none' } });
    const r = await h.call('enterprise:list', {}, null);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    const bad = await h.call('no:such', {}, null);
    expect(bad).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
  });

  it('locks a session after 15 idle minutes until the password is given again', async () => {
    const { h, clock } = await host();
    const { token } = await ok(h.call('setup:init', SETUP, null)) as { token: string };
    expect((await h.call('enterprise:list', {}, token)).ok).toBe(true);
    clock.advance(14 * 60_000);
    expect((await h.call('enterprise:list', {}, token)).ok).toBe(true);
    clock.advance(15 * 60_000 + 1);
    expect(await h.call('enterprise:list', {}, token)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await h.call('auth:unlock', { password: 'wrong-one1' }, token)).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
    await ok(h.call('auth:unlock', { password: 'Admin12345' }, token));
    expect((await h.call('enterprise:list', {}, token)).ok).toBe(true);
  });

  it('enforces roles: a 录入员 cannot manage users or verify the audit log', async () => {
    const { h } = await host();
    const { token } = await ok(h.call('setup:init', SETUP, null)) as { token: string };
    await ok(h.call('users:create', { username: 'luru', display_name: '录入员', role: 'clerk', password: 'Luru12345' }, token));
    const clerk = (await ok(h.call('auth:login', { username: 'luru', password: 'Luru12345' }, null)) as { token: string }).token;
    expect(await h.call('users:list', {}, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await h.call('audit:verify', {}, clerk)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await h.call('enterprise:list', {}, clerk)).ok).toBe(true);
    expect(await h.call('auth:login', { username: 'luru', password: 'nope' }, null)).toMatchObject({
      ok: false,
      error: { code: 'LOGIN_FAILED', message: '用户名或密码错误' },
    });
  });

  it('runs an import as a job whose progress and result are polled, not without a session', async () => {
    const { h } = await host();
    const { token } = await ok(h.call('setup:init', SETUP, null)) as { token: string };
    const tpl = await ok(h.call('enterprise:template', {}, token)) as { dataBase64: string };
    const { jobId } = await ok(h.call('enterprise:import', { fileName: '空模板.xlsx', dataBase64: tpl.dataBase64 }, token)) as { jobId: string };
    expect((await h.call('job:get', { jobId }, null)).ok).toBe(false);
    type JobResult = { ok: boolean; error?: { code: string } } | null;
    let result: JobResult = null;
    for (let i = 0; i < 100 && !result; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const s = await ok(h.call('job:get', { jobId }, token)) as { result: JobResult };
      result = s.result;
    }
    // The template has headers and no rows: a clear refusal, not an empty success.
    expect(result).toMatchObject({ ok: false, error: { code: 'EMPTY_WORKBOOK' } });
  });

  it('refuses a second program on the same data folder', async () => {
    const { dir } = await host({ lock: true });
    const second = new LedgerHost(dir, fixedClock('2026-03-02T01:00:00Z'), { autoBackup: false, lock: true });
    // A lock file left by a live process other than us: simulate with the parent's pid.
    writeFileSync(join(dir, 'ledger.lock'), `${process.ppid}\n`);
    await expect(second.open()).rejects.toMatchObject({ code: 'ALREADY_RUNNING' });
  });

  it('sets up a demo ledger from the first-run screen and logs in as its administrator', async () => {
    const { h } = await host();
    const demo = await ok(h.call('setup:demo', {}, null)) as { token: string; username: string };
    expect(demo.username).toBe('admin');
    const list = await ok(h.call('enterprise:list', { pageSize: 1 }, demo.token)) as { total: number };
    expect(list.total).toBeGreaterThanOrEqual(300);
    expect(await h.call('setup:demo', {}, null)).toMatchObject({ ok: false });
  });
});
