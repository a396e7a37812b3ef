// Ledgers for the exchange tests: a demo county (every area seeded) and the 出错说明 its report needs.
import type { Database } from 'better-sqlite3';
import { fixedClock } from '../../db/clock.js';
import { openLedger } from '../../db/connection.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { DEMO_SEEDERS, seedDemoLedger } from '../../db/demo/seed.js';
import type { Ctx } from '../../db/context.js';
import { runChecks } from '../../db/exchange/checks.js';
import { ADMIN } from '../helpers.js';

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
