// Work as an office works (issue 14): who may give each step of a claim, separation of duties (职责分离) and the
// allowed-actions table the detail screen draws. The expected tables are written out by hand from the office's
// rule, not derived from db/exhibitions/workflow.ts.
import { describe, expect, it } from 'vitest';
import { ADMIN, CLERK, REVIEWER, testLedger } from '../helpers.js';
import type { Actor, Ctx } from '../../db/context.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { AppError } from '../../db/result.js';
import * as svc from '../../db/exhibitions/service.js';
import * as reports from '../../db/exhibitions/reports.js';
import { DEMO_PDF } from '../../db/exhibitions/seed.js';
import { getOffice, setSeparationOfDuties } from '../../db/office/service.js';
import { operations } from '../../db/api.js';

/** A second reviewer: 初审 and 复审 are two people. */
const REVIEWER2: Actor = { userId: 4, username: 'fuhe', displayName: '复核人', role: 'reviewer' };

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

function setup() {
  const l = testLedger();
  const c = (a: Actor = ADMIN): Ctx => l.ctx(a);
  svc.createRuleSet(c(), {
    name: '泽州县参展补贴规则 2026', region_code: '140525', year: 2026,
    rules: {
      eligible_types: ['booth_fee'],
      ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '70', belt_road: '70' } },
      booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: null, cap_overseas_yuan: null }],
      fair_cap_yuan: null, annual_cap_yuan: null, required_materials: ['application_form'],
    },
  });
  const fair = svc.createFair(c(CLERK), {
    name: '第三届山西(大同)特色专业镇投资贸易博览会', organiser: '山西省人民政府', organising_gov: '山西省人民政府', gov_level: 'provincial',
    scope: 'domestic', market_type: 'traditional', country: '中国', city: '大同', start_date: '2026-02-10', end_date: '2026-02-14',
  });
  let n = 0;
  /** A claim of 10,000 元 booth fee (5,000 元 subsidy) entered by `by`, with its material attached. */
  const claim = (by: Actor) => {
    const e = createEnterprise(c(), { uscc: withCheckChar(`91140525MA0KD${String(++n).padStart(4, '0')}`), name: `泽州县职责${n}铸造有限公司`, region_code: '140525', scale: 'above', industry_code: '3391' }).id;
    const id = svc.createClaim(c(by), {
      enterprise_id: e, fair_id: fair.id, claim_date: '2026-02-20', booths: [{ booth_no: 'A01', area_m2: '9', kind: 'standard' }],
      items: [{ item_type: 'booth_fee', amount_yuan: '10000', invoice_no: `INV${n}`, invoice_date: '2026-01-15', payment_method: 'transfer' }],
    }).claim.id;
    svc.addAttachment(c(by), { claim_id: id, material: 'application_form', fileName: '申请表.pdf', dataBase64: DEMO_PDF.toString('base64') });
    return id;
  };
  const step = (a: Actor, id: number, action: 'submit' | 'first_review' | 'second_review' | 'approve' | 'return' | 'reject', comment?: string) =>
    svc.transition(c(a), { claim_id: id, action, comment });
  const publish = (a: Actor, id: number) => svc.publish(c(a), { claim_ids: [id], title: '公示', start_date: '2026-02-21', end_date: '2026-02-28' });
  const pay = (a: Actor, id: number, amount = '5000') => svc.pay(c(a), { claim_id: id, pay_date: '2026-03-01', amount_yuan: amount, voucher_no: 'P1' });
  const auditCount = () => l.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  const eventCount = (id: number) => l.db.prepare('SELECT count(*) FROM exhibition_claim_event WHERE claim_id = ?').pluck().get(id) as number;
  /** The allowed table as the screen sees it: "step" when allowed, "step✗" when shown with a reason. */
  const table = (a: Actor, id: number) => svc.getClaim(c(a), id).allowed.map((x) => `${x.action}${x.allowed ? '' : '✗'}`).join(' ');
  return { ...l, c, claim, step, publish, pay, auditCount, eventCount, table };
}

describe('separation of duties (职责分离), on by default', () => {
  it('is on in a new office', () => {
    const { db } = setup();
    expect(getOffice(db)).toMatchObject({ separation_of_duties: 1, separation_of_duties_reason: null });
  });

  it('refuses 初审 by the person who entered and submitted the claim, naming them; the refusal writes nothing', () => {
    const s = setup();
    const id = s.claim(ADMIN);
    s.step(ADMIN, id, 'submit');
    const before = [s.auditCount(), s.eventCount(id)];
    const e = err(() => s.step(ADMIN, id, 'first_review'));
    expect(e.code).toBe('SEPARATION_OF_DUTIES');
    expect(e.message).toBe('职责分离：「管理员」已录入申请 CZ2026-0001，不能再初审它，请由另一人办理（管理员可在「单位设置」中为一人办公的单位关闭职责分离）');
    expect([s.auditCount(), s.eventCount(id)]).toEqual(before);
    expect(svc.getClaim(s.c(), id).claim.status).toBe('submitted');
  });

  it('refuses 初审 by the person who only submitted a claim someone else entered', () => {
    const s = setup();
    const id = s.claim(CLERK);
    s.step(REVIEWER, id, 'submit');
    expect(err(() => s.step(REVIEWER, id, 'first_review')).message).toContain('「审核人」已提交申请 CZ2026-0001，不能再初审它');
    s.step(REVIEWER2, id, 'first_review');
  });

  it('refuses 复审 by the person who gave 初审; another reviewer may, and approval and payment follow', () => {
    const s = setup();
    const id = s.claim(CLERK);
    s.step(CLERK, id, 'submit');
    s.step(REVIEWER, id, 'first_review', '材料齐全');
    const before = [s.auditCount(), s.eventCount(id)];
    const e = err(() => s.step(REVIEWER, id, 'second_review'));
    expect(e.code).toBe('SEPARATION_OF_DUTIES');
    expect(e.message).toContain('「审核人」已初审申请 CZ2026-0001，不能再复审它');
    expect([s.auditCount(), s.eventCount(id)]).toEqual(before);
    s.step(REVIEWER2, id, 'second_review');
    s.publish(REVIEWER, id);
    s.step(REVIEWER, id, 'approve');
    expect(s.pay(REVIEWER2, id).claim.status).toBe('paid');
  });

  it('refuses approval and payment by the person who entered the claim, and by a role that may not record them', () => {
    const s = setup();
    const id = s.claim(REVIEWER2);
    s.step(REVIEWER2, id, 'submit');
    s.step(REVIEWER, id, 'first_review');
    s.step(ADMIN, id, 'second_review');
    s.publish(REVIEWER, id);
    expect(err(() => s.step(REVIEWER2, id, 'approve')).message).toContain('「复核人」已录入申请 CZ2026-0001，不能再批准它');
    expect(err(() => s.step(CLERK, id, 'approve')).code).toBe('FORBIDDEN');
    s.step(ADMIN, id, 'approve');
    expect(err(() => s.pay(REVIEWER2, id)).message).toContain('「复核人」已录入申请 CZ2026-0001，不能再拨付它');
    expect(err(() => s.pay(CLERK, id)).code).toBe('FORBIDDEN');
    s.pay(REVIEWER, id);
  });

  it('a resubmitted claim needs 初审 again, and the earlier 初审 giver may give 复审 only if not this round', () => {
    const s = setup();
    const id = s.claim(CLERK);
    s.step(CLERK, id, 'submit');
    s.step(REVIEWER, id, 'first_review');
    s.step(REVIEWER2, id, 'return', '请补充发票');
    s.step(CLERK, id, 'submit');
    s.step(REVIEWER2, id, 'first_review');
    // This round's 初审 is 复核人's; 审核人's 初审 was before the return.
    s.step(REVIEWER, id, 'second_review');
  });
});

describe('turning separation of duties off (one-person office)', () => {
  it('needs an administrator and a reason, is audited, and lets one person give every step', () => {
    const s = setup();
    expect(err(() => setSeparationOfDuties(s.c(REVIEWER), { enabled: false, reason: '只有一人' })).code).toBe('FORBIDDEN');
    const before = s.auditCount();
    const noReason = err(() => setSeparationOfDuties(s.c(), { enabled: false }));
    expect(noReason.message).toBe('「原因」关闭职责分离须说明原因（如：本单位只有一人办理）');
    expect(s.auditCount()).toBe(before);
    expect(getOffice(s.db)!.separation_of_duties).toBe(1);

    setSeparationOfDuties(s.c(), { enabled: false, reason: '本局参展补贴只有一人办理' });
    expect(getOffice(s.db)).toMatchObject({ separation_of_duties: 0, separation_of_duties_reason: '本局参展补贴只有一人办理' });
    const entry = s.db.prepare(`SELECT actor, detail FROM audit_log WHERE action = 'office.separation_of_duties'`).get() as { actor: string; detail: string };
    expect(JSON.parse(entry.detail)).toEqual({ enabled: false, reason: '本局参展补贴只有一人办理' });

    const id = s.claim(ADMIN);
    s.step(ADMIN, id, 'submit');
    s.step(ADMIN, id, 'first_review');
    s.step(ADMIN, id, 'second_review');
    s.publish(ADMIN, id);
    s.step(ADMIN, id, 'approve');
    expect(s.pay(ADMIN, id).claim.status).toBe('paid');
    // Roles still hold: a 录入员 never reviews.
    const other = s.claim(CLERK);
    s.step(CLERK, other, 'submit');
    expect(err(() => s.step(CLERK, other, 'first_review')).code).toBe('FORBIDDEN');

    setSeparationOfDuties(s.c(), { enabled: true });
    expect(getOffice(s.db)).toMatchObject({ separation_of_duties: 1, separation_of_duties_reason: null });
  });

  it('is an operation of the contract that only an administrator may call', () => {
    expect(operations['office:setSeparationOfDuties'].access).toBe('admin');
  });
});

describe('审核意见', () => {
  it('is required for 退回 and 驳回 (naming the field) and 同意 by default for the other review steps', () => {
    const s = setup();
    const id = s.claim(CLERK);
    s.step(CLERK, id, 'submit');
    const before = [s.auditCount(), s.eventCount(id)];
    expect(err(() => s.step(REVIEWER, id, 'return')).message).toBe('「退回意见」必填（审核意见写明原因）');
    expect(err(() => s.step(REVIEWER, id, 'reject', '  ')).message).toBe('「驳回理由」必填（审核意见写明原因）');
    expect([s.auditCount(), s.eventCount(id)]).toEqual(before);
    s.step(REVIEWER, id, 'first_review');
    s.step(ADMIN, id, 'reject', '同一展位费已获其他补贴');
    const steps = reports.reviewSheet(s.c(), id).steps.map((x) => [x.label, x.by, x.opinion]);
    expect(steps).toEqual([['提交', '录入员', null], ['初审', '审核人', '同意'], ['驳回', '管理员', '同一展位费已获其他补贴']]);
  });
});

describe('allowed actions with the claim detail', () => {
  // Each status as the office's rule gives it, for each person; ✗ = shown with the reason it is not allowed.
  // The claim is entered and submitted by 录入员, 初审 by 审核人, 复审 by 管理员.
  const EXPECTED: Record<string, Record<string, string>> = {
    draft: { luru: 'submit', shenhe: 'submit', fuhe: 'submit', admin: 'submit' },
    submitted: {
      luru: 'first_review✗ return✗ reject✗', shenhe: 'first_review return reject', fuhe: 'first_review return reject', admin: 'first_review return reject',
    },
    first_review: {
      luru: 'second_review✗ return✗ reject✗', shenhe: 'second_review✗ return reject', fuhe: 'second_review return reject', admin: 'second_review return reject',
    },
    second_review: { luru: 'publish✗ return✗ reject✗', shenhe: 'publish return reject', fuhe: 'publish return reject', admin: 'publish return reject' },
    publicity: { luru: 'approve✗ reject✗', shenhe: 'approve reject', fuhe: 'approve reject', admin: 'approve reject' },
    approved: { luru: 'pay✗', shenhe: 'pay', fuhe: 'pay', admin: 'pay' },
    paid: { luru: '', shenhe: '', fuhe: '', admin: '' },
    returned: { luru: 'submit', shenhe: 'submit', fuhe: 'submit', admin: 'submit' },
    rejected: { luru: '', shenhe: '', fuhe: '', admin: '' },
  };
  const PEOPLE = [CLERK, REVIEWER, REVIEWER2, ADMIN];

  it('matches the table in every status for every person', () => {
    const s = setup();
    const seen: Record<string, Record<string, string>> = {};
    const look = (id: number) => {
      const status = svc.getClaim(s.c(), id).claim.status;
      seen[status] = Object.fromEntries(PEOPLE.map((p) => [p.username, s.table(p, id)]));
    };
    const id = s.claim(CLERK);
    look(id);
    s.step(CLERK, id, 'submit');
    look(id);
    s.step(REVIEWER, id, 'first_review');
    look(id);
    s.step(ADMIN, id, 'second_review');
    look(id);
    s.publish(REVIEWER, id);
    look(id);
    s.step(ADMIN, id, 'approve');
    look(id);
    s.pay(REVIEWER, id);
    look(id);
    const r = s.claim(CLERK);
    s.step(CLERK, r, 'submit');
    s.step(REVIEWER, r, 'return', '补充发票');
    look(r);
    s.step(CLERK, r, 'submit');
    s.step(REVIEWER, r, 'reject', '重复申请');
    look(r);
    expect(seen).toEqual(EXPECTED);
  });

  it('says why a step is not allowed, names the amount of irreversible steps, and gives the default opinion', () => {
    const s = setup();
    const id = s.claim(CLERK);
    s.step(CLERK, id, 'submit');
    const forClerk = svc.getClaim(s.c(CLERK), id).allowed.find((a) => a.action === 'first_review')!;
    expect(forClerk.reason).toBe('通过初审需要「审核人」或更高权限，当前用户是「录入员」');
    s.step(REVIEWER, id, 'first_review');
    const second = svc.getClaim(s.c(REVIEWER), id).allowed.find((a) => a.action === 'second_review')!;
    expect(second).toMatchObject({ allowed: false, opinion: 'default', default_opinion: '同意' });
    expect(second.reason).toContain('「审核人」已初审申请 CZ2026-0001');
    expect(svc.getClaim(s.c(REVIEWER), id).allowed.find((a) => a.action === 'return')).toMatchObject({ allowed: true, opinion: 'required', default_opinion: null, confirm: null });
    s.step(ADMIN, id, 'second_review');
    s.publish(REVIEWER, id);
    const approve = svc.getClaim(s.c(REVIEWER), id).allowed.find((a) => a.action === 'approve')!;
    expect(approve.confirm).toBe('批准申请 CZ2026-0001，补贴金额 5,000.00 元。批准后金额锁定，不能撤回。');
    s.step(ADMIN, id, 'approve');
    s.pay(REVIEWER, id, '2000');
    const pay = svc.getClaim(s.c(REVIEWER), id).allowed.find((a) => a.action === 'pay')!;
    expect(pay.confirm).toBe('登记拨付后不能撤销（批准 5,000.00 元，尚未拨付 3,000.00 元）。');
  });

  it('says what the user may do besides the steps (edit, materials), and which list rows may go into 公示', () => {
    const s = setup();
    const id = s.claim(CLERK);
    expect(svc.getClaim(s.c(CLERK), id).can).toEqual({ edit: true, add_material: true, remove_material: true });
    s.step(CLERK, id, 'submit');
    expect(svc.getClaim(s.c(CLERK), id).can).toEqual({ edit: false, add_material: true, remove_material: true });
    s.step(REVIEWER, id, 'first_review');
    expect(svc.getClaim(s.c(CLERK), id).can).toEqual({ edit: false, add_material: true, remove_material: false });
    expect(svc.listClaims(s.c(), {}).rows[0]!.publishable).toBe(false);
    s.step(ADMIN, id, 'second_review');
    expect(svc.listClaims(s.c(), {}).rows[0]!.publishable).toBe(true);
    s.publish(REVIEWER, id);
    s.step(ADMIN, id, 'approve');
    expect(svc.getClaim(s.c(CLERK), id).can).toEqual({ edit: false, add_material: false, remove_material: false });
  });
});
