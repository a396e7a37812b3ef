// Demo ledger (`seed-demo`, `--demo`): 泽州县工业和信息化局 with its users and a realistic registry.
// Each domain area adds one seeder to DEMO_SEEDERS; they run in order after the office and users exist.
import type { Ctx, Actor } from '../context.js';
import { AppError } from '../result.js';
import { getOffice, initializeOffice } from '../office/service.js';
import { createUser } from '../auth/users.js';
import { seedDemoEnterprises, ZEZHOU } from './enterprises.js';
import { seedDemoTraining } from '../training/demo.js';
import { seedDemoTowns } from '../towns/cli.js';
import { seedDemoExhibitions } from '../exhibitions/seed.js';

export { seedDemoEnterprises } from './enterprises.js';

export const DEMO_OFFICE = { level: 'county', region_code: ZEZHOU, name: '泽州县工业和信息化局' } as const;

/** Demo only: printed on screen so a visitor can log in. Each account's password is its name + 12345. */
export const DEMO_USERS = [
  { username: 'admin', display_name: '张建国', role: 'admin', password: 'Admin12345' },
  { username: 'shenhe', display_name: '李晓燕', role: 'reviewer', password: 'Shenhe12345' },
  { username: 'luru', display_name: '王志刚', role: 'clerk', password: 'Luru12345' },
] as const;

export interface DemoOptions {
  /** How many demo enterprises (300 by default, about the size of 泽州's registry). */
  enterprises: number;
}

export interface DemoSeeder {
  /** Area name in reports, e.g. '企业库'. */
  area: string;
  seed(ctx: Ctx, opts: DemoOptions): Record<string, number>;
}

/** One seeder per domain area; later areas (towns, training plans, exhibition claims) append theirs. */
export const DEMO_SEEDERS: DemoSeeder[] = [
  { area: '企业库', seed: (ctx, opts) => ({ ...seedDemoEnterprises(ctx, opts.enterprises) }) },
  { area: '专业镇', seed: (ctx) => ({ towns: seedDemoTowns(ctx).towns }) },
  { area: '企业培训', seed: (ctx) => ({ ...seedDemoTraining(ctx) }) },
  { area: '参展补贴', seed: (ctx) => { const r = seedDemoExhibitions(ctx); return { fairs: r.fairs, claims: r.claims }; } },
];

export interface DemoLedgerInfo {
  office: string;
  username: string;
  password: string;
  users: Array<{ username: string; role: string; password: string }>;
  seeded: Array<{ area: string; counts: Record<string, number> }>;
}

/** Sets up an uninitialized ledger as the demo office, then runs every area's seeder. */
export function seedDemoLedger(ctx: Omit<Ctx, 'actor'>, opts: DemoOptions = { enterprises: 300 }): DemoLedgerInfo {
  if (getOffice(ctx.db)) throw new AppError('ALREADY_INITIALIZED', '本台账已完成初始设置，不能再载入完整演示台账；可只添加演示企业');
  const [admin, ...others] = DEMO_USERS;
  return ctx.db.transaction(() => {
    const { office, admin: adminActor } = initializeOffice(ctx, {
      level: DEMO_OFFICE.level,
      region_code: DEMO_OFFICE.region_code,
      name: DEMO_OFFICE.name,
      admin_username: admin.username,
      admin_display_name: admin.display_name,
      admin_password: admin.password,
    });
    const actx: Ctx = { ...ctx, actor: adminActor satisfies Actor };
    for (const u of others) createUser(actx, u);
    const seeded = DEMO_SEEDERS.map((s) => ({ area: s.area, counts: s.seed(actx, opts) }));
    return {
      office: office.name,
      username: admin.username,
      password: admin.password,
      users: DEMO_USERS.map((u) => ({ username: u.username, role: u.role, password: u.password })),
      seeded,
    };
  })();
}
