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
  created_at: string;
  updated_at: string;
}

const PUBLIC_COLS = 'id, username, display_name, role, active, failed_logins, created_at, updated_at';

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

/** Same message for an unknown user and a wrong password: the screen must not tell which usernames exist. */
export function authenticate(ctx: Omit<Ctx, 'actor'>, raw: unknown): Actor {
  const input = parseInput(loginInput, raw, { username: '用户名', password: '密码' });
  const row = ctx.db.prepare('SELECT * FROM app_user WHERE username = ?').get(input.username) as
    | (UserRow & { password_hash: string })
    | undefined;
  const bad = new AppError('LOGIN_FAILED', '用户名或密码错误');
  if (!row) throw bad;
  if (!row.active) throw new AppError('USER_DISABLED', '该用户已停用，请联系管理员');
  const actor: Actor = { userId: row.id, username: row.username, displayName: row.display_name, role: row.role };
  if (!verifyPassword(input.password, row.password_hash)) {
    ctx.db.transaction(() => {
      ctx.db.prepare('UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = ?').run(row.id);
      audit({ ...ctx, actor }, 'user.login_failed', 'user', row.id, {});
    })();
    throw bad;
  }
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE app_user SET failed_logins = 0 WHERE id = ?').run(row.id);
    audit({ ...ctx, actor }, 'user.login', 'user', row.id, {});
  })();
  return actor;
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
      ctx.db.prepare('UPDATE app_user SET password_hash = ?, failed_logins = 0, updated_at = ? WHERE id = ?').run(
        hashPassword(input.password), now, input.id);
      changes.password = '已重置';
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
