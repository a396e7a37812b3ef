// Ledgers for the exchange tests: a demo county (every area seeded) and the 出错说明 its report needs.
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { openLedger } from '../../db/connection.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { DEMO_SEEDERS, seedDemoLedger } from '../../db/demo/seed.js';
import type { Ctx } from '../../db/context.js';
import { runChecks } from '../../db/exchange/checks.js';
import { ADMIN } from '../helpers.js';
import { createTown, transition } from '../../db/towns/service.js';
import { saveIndicators } from '../../db/towns/indicators.js';

/** 泽州县 (140525) with the full demo ledger; `enterprises` scales the registry. */
export function demoCounty(at = '2026-03-01T02:00:00Z', enterprises = 60) {
  const clock = fixedClock(at);
  const db = openLedger({ file: ':memory:' });
  ensureCodeLists({ db, clock });
  seedDemoLedger({ db, clock, dataDir: null }, { enterprises });
  const ctx = (actor = ADMIN): Ctx => ({ db, clock, actor, dataDir: null });
  return { db, clock, ctx };
}

/** The 出错说明 that let a report through 审核公式. */
export function explainAll(db: Database, period: string): Record<string, string> {
  return Object.fromEntries(runChecks(db, period).map((c) => [c.id, '数据已核实，按实际情况填报']));
}

/** Another county of 晋城 (e.g. 高平市 140581) seeded by the same demo seeders: its plan codes and claim numbers
 * repeat 泽州's (each office numbers its own), which is what a city consolidating both must take. */
export function demoCountyIn(region: string, name: string, at = '2026-03-01T02:00:00Z', enterprises = 40) {
  const clock = fixedClock(at);
  const db = openLedger({ file: ':memory:' });
  ensureCodeLists({ db, clock });
  const { admin } = initializeOffice({ db, clock, dataDir: null }, {
    level: 'county', region_code: region, name, admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345',
  });
  // The demo towns are 泽州's own (they refuse another county), so this county has enterprises, plans and claims only.
  for (const s of DEMO_SEEDERS.filter((x) => x.area !== '专业镇')) s.seed({ db, clock, dataDir: null, actor: admin }, { enterprises });
  const ctx = (actor = ADMIN): Ctx => ({ db, clock, actor, dataDir: null });
  return { db, clock, ctx };
}

export const SHARED_PUBLICITY = { publicity_start: '2024-05-08', publicity_end: '2024-05-14' };
export const GP_DOC = '高工信发〔2024〕演示1号';

/**
 * 高平's own town (the demo towns are 泽州's): publicized in the same week as 泽州山楂, so a city holding both
 * sees one period until it filters by 上报单位; designated, with figures for 2024 and 2025.
 */
export function gaopingTown(ctx: Ctx) {
  const t = createTown(ctx, { name: '高平丝麻纺织', county_code: '140581', category: 'light_industry', leading_industry: '丝麻纺织', industry_codes: ['17'] });
  for (const s of [
    { action: 'apply', date: '2024-03-01', level: 'county', reason: '申报县级专业镇' },
    { action: 'review', date: '2024-04-15', reason: '县级专家评审' },
    { action: 'publicize', date: '2024-05-08', ...SHARED_PUBLICITY, reason: '公示 5 个工作日' },
    { action: 'designate', date: '2024-06-20', doc_no: GP_DOC, reason: '认定为县级专业镇', designation: { bodies: ['高平市工业和信息化局'], valid_from: '2024-07-01' } },
  ]) transition(ctx, { ...s, town_id: t.id });
  for (const [year, output] of [[2024, 51200], [2025, 56300]] as const) {
    saveIndicators(ctx, { town_id: t.id, year, values: { enterprises_total: 31, above_scale: 6, output_wan: output, employees: 3100 } });
  }
  return t;
}
