// Issue 13: password guessing is slowed per account, then the account is locked until an administrator unlocks it.
import { describe, expect, it } from 'vitest';
import { testLedger, ADMIN, CLERK } from '../helpers.js';
import { AppError } from '../../db/result.js';
import { authenticate, createUser, LOGIN_POLICY, loginDelayMs, unlockUser, updateUser } from '../../db/auth/users.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { operations } from '../../db/api.js';

function setup() {
  const L = testLedger();
  createUser(L.ctx(ADMIN), { username: 'luru', display_name: '录入员', role: 'clerk', password: 'Luru12345' });
  const userId = L.db.prepare(`SELECT id FROM app_user WHERE username = 'luru'`).pluck().get() as number;
  const login = (password: string, username = 'luru') => authenticate({ db: L.db, clock: L.clock, dataDir: null }, { username, password });
  const attempt = (password: string, username = 'luru'): AppError | 'ok' => {
    try {
      login(password, username);
      return 'ok';
    } catch (e) {
      if (e instanceof AppError) return e;
      throw e;
    }
  };
  const row = () => L.db.prepare(`SELECT failed_logins, failed_since, last_failed_at, locked_at FROM app_user WHERE id = ?`).get(userId) as {
    failed_logins: number; failed_since: string | null; last_failed_at: string | null; locked_at: string | null;
  };
  const audits = () => L.db.prepare(`SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = ? ORDER BY seq`).pluck().all(String(userId)) as string[];
  /** A wrong password once the account's delay has passed. */
  const fail = () => {
    L.clock.advance(loginDelayMs(row().failed_logins));
    return attempt('wrong-password1');
  };
  return { ...L, userId, login, attempt, row, audits, fail };
}

const code = (r: AppError | 'ok') => (r === 'ok' ? 'ok' : r.code);

describe('login lockout', () => {
  it('the delays double from the second failure on, and the fifth failure within 15 minutes locks the account', () => {
    expect([1, 2, 3, 4].map(loginDelayMs)).toEqual([0, 2000, 4000, 8000]);
    expect(LOGIN_POLICY).toEqual({ windowMs: 900_000, lockAfter: 5 });
    const { fail, attempt, row, audits, clock } = setup();
    expect(code(fail())).toBe('LOGIN_FAILED');
    const second = fail();
    expect([code(second), (second as AppError).message]).toEqual(['LOGIN_FAILED', '用户名或密码错误；再错 3 次账户将被锁定']);

    // Too soon after the second failure: refused unheard, not counted, even with the right password.
    clock.advance(1500);
    const early = attempt('Luru12345');
    expect([code(early), (early as AppError).message]).toEqual(['LOGIN_THROTTLED', '密码已连续错误 2 次，请 1 秒后再试']);
    expect(row().failed_logins).toBe(2);

    expect(code(fail())).toBe('LOGIN_FAILED');
    expect(code(fail())).toBe('LOGIN_FAILED');
    const locked = fail();
    expect(code(locked)).toBe('USER_LOCKED');
    expect((locked as AppError).message).toMatch(/^账户「luru」已锁定：15 分钟内密码连续错误 5 次（北京时间 2026-03-01 10:00 锁定）。请联系管理员管理员（admin）在「系统 → 用户管理」中解锁。$/);
    expect(row()).toMatchObject({ failed_logins: 5, locked_at: expect.any(String) });

    // Locked: the right password does not help, an hour later neither.
    clock.advance(3600_000);
    expect(code(attempt('Luru12345'))).toBe('USER_LOCKED');
    expect(audits()).toEqual(['user.create', ...Array(5).fill('user.login_failed'), 'user.locked']);
  });

  it('failures count within 15 minutes of the first: spread out they never lock; a good login clears them', () => {
    const { fail, attempt, row, clock } = setup();
    for (let i = 0; i < 4; i++) expect(code(fail())).toBe('LOGIN_FAILED');
    clock.advance(LOGIN_POLICY.windowMs);
    expect(code(fail())).toBe('LOGIN_FAILED');
    expect(row().failed_logins).toBe(1);
    expect(code(attempt('Luru12345'))).toBe('ok');
    expect(row()).toEqual({ failed_logins: 0, failed_since: null, last_failed_at: null, locked_at: null });
  });

  it('an administrator unlocks through users:unlock (audited); a clerk may not; unknown names stay anonymous', async () => {
    const L = setup();
    for (let i = 0; i < 5; i++) L.fail();
    expect(code(L.attempt('Luru12345'))).toBe('USER_LOCKED');
    expect(operations['users:unlock'].access).toBe('admin');
    expect(() => unlockUser(L.ctx(CLERK), { id: L.userId })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    const r = await operations['users:unlock'].run(L.ctx(ADMIN), { id: L.userId });
    expect(r).toMatchObject({ username: 'luru', locked_at: null, failed_logins: 0 });
    expect(code(L.attempt('Luru12345'))).toBe('ok');
    const unlock = L.db.prepare(`SELECT actor, detail FROM audit_log WHERE action = 'user.unlock'`).get() as { actor: string; detail: string };
    expect(unlock.actor).toBe('admin');
    expect(JSON.parse(unlock.detail)).toMatchObject({ username: 'luru', failures: 5 });
    expect(() => unlockUser(L.ctx(ADMIN), { id: L.userId })).toThrow('未被锁定');
    expect(verifyAudit(L.db).ok).toBe(true);

    // An unknown name is never counted or locked, and says nothing about which names exist.
    for (let i = 0; i < 6; i++) expect((L.attempt('x', 'nobody') as AppError).message).toBe('用户名或密码错误');
  });

  it('a password reset by an administrator lifts the lock; the only administrator locked is told of the command line', () => {
    const L = setup();
    for (let i = 0; i < 5; i++) L.fail();
    updateUser(L.ctx(ADMIN), { id: L.userId, password: 'Neu12345a' });
    expect(code(L.attempt('Neu12345a'))).toBe('ok');

    for (let i = 0; i < 5; i++) {
      L.clock.advance(60_000);
      L.attempt('wrong-password1', 'admin');
    }
    const e = L.attempt('Admin12345', 'admin') as AppError;
    expect(e.code).toBe('USER_LOCKED');
    expect(e.message).toContain('没有其他可用的管理员：请由信息化人员在本机用命令行 npm run ledger -- unlock-user 用户名 解锁');
  });
});
