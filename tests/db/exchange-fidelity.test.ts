// Fidelity of the exchange (issue 12): a round trip county → city → province → back down, and a field laptop,
// loses nothing that makes a record usable: every training plan settles and every exhibition claim calculates to
// the same fen at every level, with the services `plan-settle` and `claim-calc` call.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../../db/context.js';
import { exportPackage, type ExportInput } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { settlePlan } from '../../db/training/service.js';
import { claimCalc } from '../../db/exhibitions/service.js';
import { testLedger, tempDirPerTest } from '../helpers.js';
import { demoCounty, demoCountyIn, explainAll } from './exchange-helpers.js';

const newDir = tempDirPerTest('ledger-fidelity-');

const exp = (ctx: Ctx, dir: string, name: string, i: ExportInput) => exportPackage(ctx, i, join(dir, name));
const apply = (ctx: Ctx, file: string) => importPackage(ctx, file, 'apply', { pin: true });

/** Every plan's settlement and every claim's calculation, keyed by gid, in the figures and words a user sees. */
function figures(ctx: Ctx, where = { plans: '1 = 1', claims: '1 = 1' }) {
  const db = ctx.db;
  const plans = db.prepare(`SELECT id, gid FROM training_plan WHERE ${where.plans} ORDER BY gid`).all() as Array<{ id: number; gid: string }>;
  const claims = db.prepare(`SELECT id, gid FROM exhibition_claim WHERE ${where.claims} ORDER BY gid`).all() as Array<{ id: number; gid: string }>;
  return {
    plans: Object.fromEntries(plans.map((p) => {
      const s = settlePlan(ctx, p.id);
      return [p.gid, { entitlement_fen: s.entitlement_fen, position: s.position, advance: s.advance, lines: s.lines.map((l) => [l.amount_fen, l.text]), text: s.text }];
    })),
    claims: Object.fromEntries(claims.map((c) => {
      const r = claimCalc(ctx, c.id);
      return [c.gid, { result_fen: r.result_fen, eligible_cost_fen: r.eligible_cost_fen, total_cost_fen: r.total_cost_fen, version: r.rule_set.version, lines: r.lines }];
    })),
  };
}

const fromOrigin = (code: string) => ({ plans: `origin_office = '${code}'`, claims: `origin_office = '${code}'` });
const count = (db: Database, t: string, where = '1 = 1') => db.prepare(`SELECT count(*) FROM ${t} WHERE ${where}`).pluck().get() as number;

describe('exchange fidelity', () => {
  it('county → city → province → back down: every plan settles and every claim calculates to the same fen', () => {
    const dir = newDir();
    const county = demoCounty();
    const other = demoCountyIn('140581', '高平市工业和信息化局');
    const city = testLedger({ level: 'city', region: '140500' });
    const prov = testLedger({ level: 'province', region: '140000' });
    const atCounty = figures(county.ctx());
    const atOther = figures(other.ctx());
    expect(Object.keys(atCounty.plans).length).toBeGreaterThan(2);
    expect(Object.keys(atCounty.claims).length).toBeGreaterThan(5);
    // Not all zero: the comparison below would pass on a ledger that lost its bands if the county owed nothing.
    expect(Object.values(atCounty.plans).some((p) => p.entitlement_fen > 0)).toBe(true);
    expect(Object.values(atCounty.claims).some((c) => c.result_fen > 0)).toBe(true);

    for (const [n, c] of [['zz', county], ['gp', other]] as const) {
      apply(city.ctx(), exp(c.ctx(), dir, `${n}.cxpkg`, { kind: 'report', period: '2025', to: '140500', explanations: explainAll(c.db, '2025') }).file);
    }
    for (const t of ['subsidy_rule_band', 'subsidy_rule_shortage', 'exhibition_rule_version']) {
      expect(count(city.db, t, `origin_office = '140525'`), t).toBe(count(county.db, t, `origin_office = '140525'`));
    }
    expect(figures(city.ctx(), fromOrigin('140525'))).toEqual(atCounty);
    expect(figures(city.ctx(), fromOrigin('140581'))).toEqual(atOther);

    apply(prov.ctx(), exp(city.ctx(), dir, 'city.cxpkg', { kind: 'report', period: '2025', to: '140000', explanations: explainAll(city.db, '2025') }).file);
    expect(figures(prov.ctx(), fromOrigin('140525'))).toEqual(atCounty);
    expect(figures(prov.ctx(), fromOrigin('140581'))).toEqual(atOther);

    // Back down: the province's rules reach the county through the city; the county's own figures stay.
    apply(city.ctx(), exp(prov.ctx(), dir, 'p-rules.cxpkg', { kind: 'rules', to: '140500' }).file);
    apply(county.ctx(), exp(city.ctx(), dir, 'c-rules.cxpkg', { kind: 'rules', to: '140525' }).file);
    expect(figures(county.ctx())).toEqual(atCounty);
  });

  it('field laptop: each enterprise checked out settles and calculates as at the office, and checks back in unchanged', () => {
    const dir = newDir();
    const office = demoCounty();
    const atOffice = figures(office.ctx());
    const ents = office.db.prepare(`SELECT DISTINCT e.gid FROM enterprise e WHERE e.id IN (SELECT enterprise_id FROM training_plan UNION SELECT enterprise_id FROM exhibition_claim) ORDER BY e.gid`).pluck().all() as string[];
    let plans = 0;
    let claims = 0;
    for (const [n, gid] of ents.entries()) {
      const laptop = testLedger({ level: 'county', region: '140525' });
      const co = exp(office.ctx(), dir, `out-${n}.cxpkg`, { kind: 'checkout', to: '140525', enterprise_gid: gid });
      apply(laptop.ctx(), co.file);
      const onLaptop = figures(laptop.ctx(), { plans: `enterprise_id = (SELECT id FROM enterprise WHERE gid = '${gid}')`, claims: `enterprise_id = (SELECT id FROM enterprise WHERE gid = '${gid}')` });
      for (const [g, f] of Object.entries(onLaptop.plans)) expect(f, `plan ${g}`).toEqual(atOffice.plans[g]);
      for (const [g, f] of Object.entries(onLaptop.claims)) expect(f, `claim ${g}`).toEqual(atOffice.claims[g]);
      plans += Object.keys(onLaptop.plans).length;
      claims += Object.keys(onLaptop.claims).length;
      if (n === 0) {
        const back = apply(office.ctx(), exp(laptop.ctx(), dir, `in-${n}.cxpkg`, { kind: 'checkin', to: '140525' }).file);
        expect(back.conflicts).toHaveLength(0);
        expect(back.tables.reduce((a, t) => a + t.added + t.updated + t.deleted, 0)).toBe(0);
        expect(figures(office.ctx())).toEqual(atOffice);
      }
    }
    // Every plan and claim of the office went out with its enterprise.
    expect(plans).toBe(Object.keys(atOffice.plans).length);
    expect(claims).toBe(Object.keys(atOffice.claims).length);
  });
});
