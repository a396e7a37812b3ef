import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Actor, Ctx } from '../context.js';
import { requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { AppError } from '../result.js';
import { parseInput, requiredText } from '../validate.js';
import { audit } from '../audit/audit.js';
import { ensureRegions, regionByCode } from '../codes/regions.js';
import { ensureIndustries } from '../codes/industries.js';
import { createUserRow, usernameSchema } from '../auth/users.js';
import { passwordProblem } from '../auth/passwords.js';

export type OfficeLevel = 'county' | 'city' | 'province';
export const LEVEL_LABEL: Record<OfficeLevel, string> = { county: '县级', city: '市级', province: '省级' };
const LEVEL_KIND: Record<OfficeLevel, string> = { county: 'county', city: 'prefecture', province: 'province' };

export interface Office {
  level: OfficeLevel;
  region_code: string;
  name: string;
  created_at: string;
  region_name: string | null;
  /** 职责分离: who entered a claim may not review it, and 初审 and 复审 are two people (issue 14). */
  separation_of_duties: 0 | 1;
  separation_of_duties_reason: string | null;
}

export function getOffice(db: Database): Office | null {
  return (
    (db
      .prepare(`SELECT o.*, r.full_name AS region_name FROM office o LEFT JOIN region r ON r.code = o.region_code WHERE o.id = 1`)
      .get() as Office | undefined) ?? null
  );
}

export const setupInput = z.object({
  level: z.enum(['county', 'city', 'province'], { error: '应为县级、市级或省级' }),
  region_code: z.string().trim().regex(/^\d{6}$/, '应为 6 位数字'),
  name: requiredText(100),
  admin_username: usernameSchema,
  admin_display_name: requiredText(50),
  admin_password: z.string().min(1, '必填'),
});
export const SETUP_LABELS = {
  level: '单位级别',
  region_code: '行政区划代码',
  name: '单位名称',
  admin_username: '管理员用户名',
  admin_display_name: '管理员姓名',
  admin_password: '管理员密码',
};

/** Code lists are loaded on every open (cheap when present), so a fresh or restored ledger always has them. */
export function ensureCodeLists(ctx: Pick<Ctx, 'db' | 'clock'>): void {
  ensureRegions(ctx.db, isoDate(ctx.clock.now()));
  ensureIndustries(ctx.db);
}

export function initializeOffice(ctx: Omit<Ctx, 'actor'>, raw: unknown): { office: Office; admin: Actor } {
  const input = parseInput(setupInput, raw, SETUP_LABELS);
  const pw = passwordProblem(input.admin_password);
  if (pw) throw new AppError('VALIDATION', `「管理员密码」${pw}`, [{ field: 'admin_password', label: '管理员密码', message: pw }]);
  ensureCodeLists(ctx);
  if (getOffice(ctx.db)) throw new AppError('ALREADY_INITIALIZED', '本台账已完成初始设置');
  const region = regionByCode(ctx.db, input.region_code);
  if (!region || region.valid_to) {
    throw new AppError('UNKNOWN_REGION', `「行政区划代码」${input.region_code} 不存在于现行 GB/T 2260 代码表`, [
      { field: 'region_code', label: '行政区划代码', message: '代码不存在' },
    ]);
  }
  if (region.kind !== LEVEL_KIND[input.level]) {
    throw new AppError('VALIDATION', `「行政区划代码」${input.region_code} ${region.name} 不是${LEVEL_LABEL[input.level]}行政区划`, [
      { field: 'region_code', label: '行政区划代码', message: `应选择${LEVEL_LABEL[input.level]}行政区划` },
    ]);
  }
  return ctx.db.transaction(() => {
    const now = isoTimestamp(ctx.clock.now());
    ctx.db.prepare('INSERT INTO office(id, level, region_code, name, created_at) VALUES (1, ?, ?, ?, ?)').run(
      input.level, input.region_code, input.name, now);
    const admin = createUserRow(ctx.db, ctx.clock, {
      username: input.admin_username,
      display_name: input.admin_display_name,
      role: 'admin',
      password: input.admin_password,
    });
    const actor: Actor = { userId: admin.id, username: admin.username, displayName: admin.display_name, role: 'admin' };
    audit({ ...ctx, actor }, 'office.setup', 'office', 1, { level: input.level, region_code: input.region_code, name: input.name });
    audit({ ...ctx, actor }, 'user.create', 'user', admin.id, { username: admin.username, role: 'admin' });
    return { office: getOffice(ctx.db)!, admin: actor };
  })();
}

export const officeUpdateInput = z.object({ name: requiredText(100) });

export function updateOfficeName(ctx: Ctx, raw: unknown): Office {
  const input = parseInput(officeUpdateInput, raw, { name: '单位名称' });
  const before = getOffice(ctx.db);
  if (!before) throw new AppError('NOT_INITIALIZED', '尚未完成初始设置');
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE office SET name = ? WHERE id = 1').run(input.name);
    audit(ctx, 'office.update', 'office', 1, { changes: { name: { from: before.name, to: input.name } } });
  })();
  return getOffice(ctx.db)!;
}

export const separationInput = z
  .object({ enabled: z.boolean(), reason: z.string().trim().max(500).optional() })
  .refine((i) => i.enabled || !!i.reason, { message: '关闭职责分离须说明原因（如：本单位只有一人办理）', path: ['reason'] });

/** An administrator turns 职责分离 off (a one-person office) or on again; either way the reason is in the audit log. */
export function setSeparationOfDuties(ctx: Ctx, raw: unknown): Office {
  requireRole(ctx.actor, 'admin', '设置职责分离');
  const i = parseInput(separationInput, raw, { enabled: '职责分离', reason: '原因' });
  const before = getOffice(ctx.db);
  if (!before) throw new AppError('NOT_INITIALIZED', '尚未完成初始设置');
  if (before.separation_of_duties === (i.enabled ? 1 : 0)) return before;
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE office SET separation_of_duties = ?, separation_of_duties_reason = ? WHERE id = 1').run(i.enabled ? 1 : 0, i.enabled ? null : i.reason!);
    audit(ctx, 'office.separation_of_duties', 'office', 1, { enabled: i.enabled, reason: i.reason ?? null });
  })();
  return getOffice(ctx.db)!;
}

export function separationOfDuties(db: Database): boolean {
  return (db.prepare('SELECT separation_of_duties FROM office WHERE id = 1').pluck().get() ?? 1) === 1;
}
