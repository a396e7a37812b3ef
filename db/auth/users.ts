import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { isoTimestamp } from '../clock.js';
import type { Actor, Ctx, Role } from '../context.js';
import { ROLE_LABEL, requireRole } from '../context.js';
import { AppError } from '../result.js';
import { parseInput, requiredText } from '../validate.js';
import { audit } from '../audit/audit.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.\-\u4e00-\u9fa5]{2,32}$/, '应为 2–32 位字母、数字、汉字或 _ . -');

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  active: 0 | 1;
  failed_logins: number;
  /** When repeated failures locked the account (null: not locked); an administrator unlocks it. */
  locked_at: string | null;
  created_at: string;
  updated_at: string;
}

const PUBLIC_COLS = 'id, username, display_name, role, active, failed_logins, locked_at, created_at, updated_at';

export function createUserRow(
  db: Database,
  clock: Clock,
  u: { username: string; display_name: string; role: Role; password: string },
): UserRow {
  const exists = db.prepare('SELECT 1 FROM app_user WHERE username = ?').get(u.username);
  if (exists) throw new AppError('DUPLICATE', `用户名「${u.username}」已存在`, [{ field: 'username', label: '用户名', message: '已存在' }]);
  const now = isoTimestamp(clock.now());
  const id = Number(
    db
      .prepare('INSERT INTO app_user(username, display_name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(u.username, u.display_name, u.role, hashPassword(u.password), now, now).lastInsertRowid,
  );
  return db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user WHERE id = ?`).get(id) as UserRow;
}

export const loginInput = z.object({ username: z.string().trim().min(1, '必填'), password: z.string().min(1, '必填') });

/**
 * Password guessing is slowed, then stopped, per account: failures count within a window that starts at the first
 * one; after the second, each attempt waits twice as long as the one before (2, 4, 8 s) and is refused unheard if it
 * comes sooner (no password is checked, nothing counted); the fifth failure within the window locks the account
 * until an administrator unlocks it (users:unlock, or `unlock-user` on the command line). Each step is audited.
 */
export const LOGIN_POLICY = { windowMs: 15 * 60_000, lockAfter: 5 } as const;

/** How long an account waits after its n-th failure in a window before the next attempt is heard. */
export function loginDelayMs(failures: number): number {
  return failures < 2 ? 0 : Math.min(30_000, 1000 * 2 ** (failures - 1));
}

type LoginRow = UserRow & { password_hash: string; failed_since: string | null; last_failed_at: string | null };

/** YYYY-MM-DD HH:MM in China Standard Time, as the office reads a clock. */
const beijingMinute = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function lockedError(db: Database, row: LoginRow): AppError {
  const admins = (db.prepare(`SELECT display_name, username FROM app_user WHERE role = 'admin' AND active = 1 AND locked_at IS NULL AND id <> ? ORDER BY id`)
    .all(row.id) as Array<{ display_name: string; username: string }>).map((a) => `${a.display_name}（${a.username}）`);
  const whom = admins.length
    ? `请联系管理员${admins.join('、')}在「系统 → 用户管理」中解锁`
    : '没有其他可用的管理员：请由信息化人员在本机用命令行 npm run ledger -- unlock-user 用户名 解锁';
  return new AppError(
    'USER_LOCKED',
    `账户「${row.username}」已锁定：${LOGIN_POLICY.windowMs / 60_000} 分钟内密码连续错误 ${LOGIN_POLICY.lockAfter} 次（北京时间 ${beijingMinute(row.locked_at!)} 锁定）。${whom}。`,
    { username: row.username, locked_at: row.locked_at, admins },
  );
}

/** Same message for an unknown user and a wrong password: the screen must not tell which usernames exist. */
export function authenticate(ctx: Omit<Ctx, 'actor'>, raw: unknown): Actor {
  const input = parseInput(loginInput, raw, { username: '用户名', password: '密码' });
  const row = ctx.db.prepare('SELECT * FROM app_user WHERE username = ?').get(input.username) as LoginRow | undefined;
  const bad = new AppError('LOGIN_FAILED', '用户名或密码错误');
  if (!row) throw bad;
  if (!row.active) throw new AppError('USER_DISABLED', '该用户已停用，请联系管理员');
  if (row.locked_at) throw lockedError(ctx.db, row);
  const actor: Actor = { userId: row.id, username: row.username, displayName: row.display_name, role: row.role };
  const nowMs = ctx.clock.now().getTime();
  const inWindow = row.failed_since !== null && nowMs - Date.parse(row.failed_since) < LOGIN_POLICY.windowMs;
  const failures = inWindow ? row.failed_logins : 0;
  if (inWindow && row.last_failed_at) {
    const wait = Date.parse(row.last_failed_at) + loginDelayMs(failures) - nowMs;
    if (wait > 0) {
      throw new AppError('LOGIN_THROTTLED', `密码已连续错误 ${failures} 次，请 ${Math.ceil(wait / 1000)} 秒后再试`, { retry_after_ms: wait });
    }
  }
  if (!verifyPassword(input.password, row.password_hash)) {
    const n = failures + 1;
    const now = isoTimestamp(ctx.clock.now());
    const lock = n >= LOGIN_POLICY.lockAfter;
    ctx.db.transaction(() => {
      ctx.db.prepare('UPDATE app_user SET failed_logins = ?, failed_since = ?, last_failed_at = ?, locked_at = ? WHERE id = ?').run(
        n, inWindow ? row.failed_since : now, now, lock ? now : null, row.id);
      audit({ ...ctx, actor }, 'user.login_failed', 'user', row.id, { failures: n });
      if (lock) audit({ ...ctx, actor }, 'user.locked', 'user', row.id, { failures: n, window_minutes: LOGIN_POLICY.windowMs / 60_000 });
    })();
    if (lock) throw lockedError(ctx.db, { ...row, locked_at: now });
    const left = LOGIN_POLICY.lockAfter - n;
    throw n >= 2 ? new AppError('LOGIN_FAILED', `用户名或密码错误；再错 ${left} 次账户将被锁定`) : bad;
  }
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE app_user SET failed_logins = 0, failed_since = NULL, last_failed_at = NULL WHERE id = ?').run(row.id);
    audit({ ...ctx, actor }, 'user.login', 'user', row.id, {});
  })();
  return actor;
}

export const unlockUserInput = z.object({ id: z.number().int().positive() });

/** An administrator lifts a lock (and clears the failures counted so far), audited with how many there were. */
export function unlockUser(ctx: Ctx, raw: unknown): UserRow {
  requireRole(ctx.actor, 'admin', '解锁用户');
  const { id } = parseInput(unlockUserInput, raw, { id: '用户' });
  const before = ctx.db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user WHERE id = ?`).get(id) as UserRow | undefined;
  if (!before) throw new AppError('NOT_FOUND', `用户 ${id} 不存在`);
  if (!before.locked_at) throw new AppError('NOT_LOCKED', `用户「${before.username}」未被锁定`);
  return ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE app_user SET locked_at = NULL, failed_logins = 0, failed_since = NULL, last_failed_at = NULL, updated_at = ? WHERE id = ?')
      .run(isoTimestamp(ctx.clock.now()), id);
    audit(ctx, 'user.unlock', 'user', id, { username: before.username, locked_at: before.locked_at, failures: before.failed_logins });
    return ctx.db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user WHERE id = ?`).get(id) as UserRow;
  })();
}

export function checkPassword(db: Database, userId: number, password: string): boolean {
  const hash = db.prepare('SELECT password_hash FROM app_user WHERE id = ? AND active = 1').pluck().get(userId) as string | undefined;
  return !!hash && verifyPassword(password, hash);
}

export function listUsers(ctx: Ctx): UserRow[] {
  requireRole(ctx.actor, 'admin', '管理用户');
  return ctx.db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user ORDER BY id`).all() as UserRow[];
}

export const roleSchema = z.enum(['admin', 'reviewer', 'clerk'], { error: '应为管理员、审核人或录入员' });
export const createUserInput = z.object({
  username: usernameSchema,
  display_name: requiredText(50),
  role: roleSchema,
  password: z.string().min(1, '必填'),
});
export const USER_LABELS = { username: '用户名', display_name: '姓名', role: '角色', password: '密码' };

export function createUser(ctx: Ctx, raw: unknown): UserRow {
  requireRole(ctx.actor, 'admin', '新建用户');
  const input = parseInput(createUserInput, raw, USER_LABELS);
  const pw = passwordProblem(input.password);
  if (pw) throw new AppError('VALIDATION', `「密码」${pw}`, [{ field: 'password', label: '密码', message: pw }]);
  return ctx.db.transaction(() => {
    const u = createUserRow(ctx.db, ctx.clock, input);
    audit(ctx, 'user.create', 'user', u.id, { username: u.username, role: u.role });
    return u;
  })();
}

export const updateUserInput = z.object({
  id: z.number().int().positive(),
  display_name: requiredText(50).optional(),
  role: roleSchema.optional(),
  active: z.boolean().optional(),
  password: z.string().min(1).optional(),
});

export function updateUser(ctx: Ctx, raw: unknown): UserRow {
  requireRole(ctx.actor, 'admin', '修改用户');
  const input = parseInput(updateUserInput, raw, USER_LABELS);
  const before = ctx.db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user WHERE id = ?`).get(input.id) as UserRow | undefined;
  if (!before) throw new AppError('NOT_FOUND', `用户 ${input.id} 不存在`);
  if (input.password !== undefined) {
    const pw = passwordProblem(input.password);
    if (pw) throw new AppError('VALIDATION', `「密码」${pw}`, [{ field: 'password', label: '密码', message: pw }]);
  }
  const demoting = (input.role && input.role !== 'admin') || input.active === false;
  if (before.role === 'admin' && demoting) {
    const admins = ctx.db.prepare(`SELECT count(*) FROM app_user WHERE role = 'admin' AND active = 1`).pluck().get() as number;
    if (admins <= 1) throw new AppError('LAST_ADMIN', '至少需要保留一名启用的管理员');
  }
  return ctx.db.transaction(() => {
    const now = isoTimestamp(ctx.clock.now());
    const changes: Record<string, unknown> = {};
    if (input.display_name !== undefined && input.display_name !== before.display_name) {
      ctx.db.prepare('UPDATE app_user SET display_name = ?, updated_at = ? WHERE id = ?').run(input.display_name, now, input.id);
      changes.display_name = { from: before.display_name, to: input.display_name };
    }
    if (input.role !== undefined && input.role !== before.role) {
      ctx.db.prepare('UPDATE app_user SET role = ?, updated_at = ? WHERE id = ?').run(input.role, now, input.id);
      changes.role = { from: ROLE_LABEL[before.role], to: ROLE_LABEL[input.role] };
    }
    if (input.active !== undefined && (input.active ? 1 : 0) !== before.active) {
      ctx.db.prepare('UPDATE app_user SET active = ?, updated_at = ? WHERE id = ?').run(input.active ? 1 : 0, now, input.id);
      changes.active = { from: !!before.active, to: input.active };
    }
    if (input.password !== undefined) {
      // A reset password also lifts a lock: the administrator has just dealt with the account.
      ctx.db.prepare(
        'UPDATE app_user SET password_hash = ?, failed_logins = 0, failed_since = NULL, last_failed_at = NULL, locked_at = NULL, updated_at = ? WHERE id = ?',
      ).run(hashPassword(input.password), now, input.id);
      changes.password = '已重置';
      if (before.locked_at) changes.locked = '已解锁';
    }
    if (Object.keys(changes).length) audit(ctx, 'user.update', 'user', input.id, { changes });
    return ctx.db.prepare(`SELECT ${PUBLIC_COLS} FROM app_user WHERE id = ?`).get(input.id) as UserRow;
  })();
}

export const changePasswordInput = z.object({ old_password: z.string().min(1, '必填'), new_password: z.string().min(1, '必填') });

export function changeOwnPassword(ctx: Ctx, raw: unknown): void {
  const input = parseInput(changePasswordInput, raw, { old_password: '原密码', new_password: '新密码' });
  if (ctx.actor.userId === null) throw new AppError('FORBIDDEN', '命令行用户没有密码');
  if (!checkPassword(ctx.db, ctx.actor.userId, input.old_password)) {
    throw new AppError('VALIDATION', '「原密码」不正确', [{ field: 'old_password', label: '原密码', message: '不正确' }]);
  }
  const pw = passwordProblem(input.new_password);
  if (pw) throw new AppError('VALIDATION', `「新密码」${pw}`, [{ field: 'new_password', label: '新密码', message: pw }]);
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE app_user SET password_hash = ?, updated_at = ? WHERE id = ?').run(
      hashPassword(input.new_password), isoTimestamp(ctx.clock.now()), ctx.actor.userId);
    audit(ctx, 'user.password_change', 'user', ctx.actor.userId, {});
  })();
}

export { requiredText };
