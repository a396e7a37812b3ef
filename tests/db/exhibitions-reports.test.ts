// The 审核表's sign-off dates are calendar days of the ledger (China Standard Time), not the UTC date of the event.
import { describe, expect, it } from 'vitest';
import { ADMIN, CLERK, REVIEWER, testLedger } from '../helpers.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import * as svc from '../../db/exhibitions/service.js';
import * as reports from '../../db/exhibitions/reports.js';
import { DEMO_PDF } from '../../db/exhibitions/seed.js';

describe('审核表 sign-offs', () => {
  it('dates a review done at 02:00 Beijing time (18:00 UTC the day before) with the Beijing day', () => {
    const l = testLedger({ at: '2026-03-01T18:00:00Z' });
    const c = (a = ADMIN) => ({ ...l.ctx(a), dataDir: null });
    svc.createRuleSet(c(), {
      name: '泽州县参展补贴规则 2026', region_code: '140525', year: 2026,
      rules: {
        eligible_types: ['booth_fee'],
        ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '70', belt_road: '70' } },
        booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' }],
        required_materials: ['application_form'],
      },
    });
    const fair = svc.createFair(c(CLERK), {
      name: '第三届山西(大同)特色专业镇投资贸易博览会', organiser: '山西省人民政府', organising_gov: '山西省人民政府', gov_level: 'provincial',
      scope: 'domestic', market_type: 'traditional', country: '中国', city: '大同', start_date: '2026-02-10', end_date: '2026-02-14',
    });
    const e = createEnterprise(c(), { uscc: withCheckChar('91140525MA0EX0001'), name: '泽州县第1铸造有限公司', region_code: '140525', scale: 'above', industry_code: '3391' }).id;
    const id = svc.createClaim(c(CLERK), {
      enterprise_id: e, fair_id: fair.id, claim_date: '2026-02-20', booths: [{ booth_no: 'A01', area_m2: '9', kind: 'standard' }],
      items: [{ item_type: 'booth_fee', amount_yuan: '10000', invoice_no: 'INV1', invoice_date: '2026-01-15', payment_method: 'transfer' }],
    }).claim.id;
    svc.addAttachment(c(CLERK), { claim_id: id, material: 'application_form', fileName: '申请表.pdf', dataBase64: DEMO_PDF.toString('base64') });
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review', comment: '材料齐全' });
    expect(reports.reviewSheet(c(), id).sign_offs.first_review).toMatchObject({ at: '2026-03-02', comment: '材料齐全' });
  });
});
