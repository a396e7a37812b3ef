import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ADMIN, CLERK, REVIEWER, tempDir, testLedger } from '../helpers.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { createSanction } from '../../db/sanctions/service.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { AppError } from '../../db/result.js';
import * as svc from '../../db/exhibitions/service.js';
import * as reports from '../../db/exhibitions/reports.js';
import { exhibitionOperations } from '../../db/exhibitions/api.js';
import { exportClaims, importClaims, CLAIM_COLUMNS } from '../../db/exhibitions/excel.js';
import { seedDemoExhibitions, DEMO_PDF, DEMO_PNG } from '../../db/exhibitions/seed.js';
import { writeWorkbook } from '../../db/excel/write.js';
import { fixedClock } from '../../db/clock.js';
import { openLedger } from '../../db/connection.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import type { Ctx } from '../../db/context.js';
import type { RuleTableInput } from '../../db/exhibitions/rules.js';

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}
async function aerr(f: () => Promise<unknown>): Promise<AppError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const RULES: RuleTableInput = {
  eligible_types: ['booth_fee', 'transport'],
  ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '70', belt_road: '70' } },
  booth_tiers: [{ from_booth: 1, factor_pct: '100', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' }],
  fair_cap_yuan: null,
  annual_cap_yuan: '30000',
  required_materials: ['application_form', 'invoice'],
};
const FAIR = {
  name: '第三届山西(大同)特色专业镇投资贸易博览会', organiser: '山西省人民政府', organising_gov: '山西省人民政府', gov_level: 'provincial' as const,
  scope: 'domestic' as const, market_type: 'traditional' as const, country: '中国', city: '大同', start_date: '2026-02-10', end_date: '2026-02-14',
};
const pdf = { fileName: '申请表.pdf', dataBase64: DEMO_PDF.toString('base64') };

function setup(opts: { dataDir?: string } = {}) {
  const l = testLedger();
  const c = (a = ADMIN): Ctx => ({ ...l.ctx(a), dataDir: opts.dataDir ?? null });
  const ent = (n: number, name = `泽州县第${n}铸造有限公司`) =>
    createEnterprise(c(), { uscc: withCheckChar(`91140525MA0EX${String(n).padStart(4, '0')}`), name, region_code: '140525', scale: 'above', industry_code: '3391' }).id;
  const rs = svc.createRuleSet(c(), { name: '泽州县参展补贴规则 2026', region_code: '140525', year: 2026, rules: RULES });
  const fair = svc.createFair(c(CLERK), FAIR);
  const claim = (enterprise_id: number, items: unknown[], over: Record<string, unknown> = {}) =>
    svc.createClaim(c(CLERK), {
      enterprise_id, fair_id: fair.id, claim_date: '2026-02-20', booths: [{ booth_no: 'A01', area_m2: '9', kind: 'standard' }], items, ...over,
    });
  const item = (yuan: string, over: Record<string, unknown> = {}) => ({
    item_type: 'booth_fee', amount_yuan: yuan, invoice_no: `INV${yuan}`, invoice_date: '2026-01-15', payment_method: 'transfer', voucher_no: 'V1', ...over,
  });
  const attach = (id: number) => {
    svc.addAttachment(c(CLERK), { claim_id: id, material: 'application_form', ...pdf });
    svc.addAttachment(c(CLERK), { claim_id: id, material: 'invoice', fileName: '发票.png', dataBase64: DEMO_PNG.toString('base64') });
  };
  const toApproved = (id: number) => {
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review' });
    svc.transition(c(ADMIN), { claim_id: id, action: 'second_review' });
    svc.publish(c(REVIEWER), { claim_ids: [id], title: '公示', start_date: '2026-02-21', end_date: '2026-02-28' });
    return svc.transition(c(REVIEWER), { claim_id: id, action: 'approve' });
  };
  return { ...l, c, ent, rs, fair, claim, item, attach, toApproved };
}

describe('migration 5', () => {
  it('ships the domain.md §3 samples as named rule tables', () => {
    const { c } = setup();
    const names = svc.listRuleSets(c()).filter((r) => r.is_sample).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['示例：北京 2020', '示例：黑龙江 2023', '示例：吉林 2022', '示例：常州']));
    expect(svc.getRuleSet(c(), svc.listRuleSets(c()).find((r) => r.name === '示例：吉林 2022')!.id).rules.annual_cap_fen).toBe(60_000_000);
  });
  it('migrates a version-2 ledger (versions 3 and 4 absent) and every new table is STRICT', () => {
    const db = openLedger({ file: ':memory:', targetVersion: 2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
    const { db: full } = testLedger();
    const tables = full.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'exhibition_%'`).all() as Array<{ name: string; sql: string }>;
    expect(tables.length).toBe(11);
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT$/);
  });
});

describe('fairs and claims: bad input named, nothing half-saved', () => {
  it('refuses a fair ending before it starts, and flags one without a county-level government', () => {
    const { c } = setup();
    expect(err(() => svc.createFair(c(), { ...FAIR, end_date: '2026-02-01' })).message).toBe('「结束日期」结束日期不能早于开始日期');
    const f = svc.createFair(c(), { ...FAIR, name: '中国国际铸造博览会', gov_level: 'none', organising_gov: null });
    expect(f.art36_eligible).toBe(false);
    expect(f.art36_reason).toContain('第三十六条');
  });

  it('names the row and field of each bad booth or item', () => {
    const { claim, item, ent, db } = setup();
    const e = ent(1);
    const before = db.prepare('SELECT count(*) FROM exhibition_claim').pluck().get();
    expect(err(() => claim(e, [item('100')], { booths: [{ booth_no: 'A01', area_m2: '0', kind: 'standard' }] })).message).toBe('「展位第 1 行·面积」须大于 0 m²');
    expect(err(() => claim(e, [item('100'), item('-5')])).message).toBe('「费用明细第 2 行·金额」不能为负数');
    expect(err(() => claim(e, [item('abc')])).message).toBe('「费用明细第 1 行·金额」「abc」不是有效金额');
    expect(err(() => claim(e, [item('10.005')])).message).toBe('「费用明细第 1 行·金额」「10.005」最多两位小数（到分）');
    expect(err(() => claim(e, [item('100', { invoice_date: '2026-02-21' })])).message).toBe('「费用明细第 1 行·发票日期」2026-02-21 晚于申请日期 2026-02-20');
    expect(err(() => claim(e, [item('100', { invoice_date: '2024-06-01' })])).message).toContain('早于展会开始（2026-02-10）前 365 天');
    expect(err(() => claim(e, [item('100')], { booths: [{ booth_no: 'A01', area_m2: '9', kind: 'standard' }, { booth_no: 'A02', area_m2: '9', kind: 'standard' }] })).message)
      .toContain('有多个展位时');
    expect(db.prepare('SELECT count(*) FROM exhibition_claim').pluck().get()).toBe(before);
  });

  it('calculates on save and explains itself; one claim per fair unless the rules allow more', () => {
    const { claim, item, ent } = setup();
    const e = ent(1);
    const d = claim(e, [item('30000'), item('2000', { item_type: 'transport', booth_no: null, payment_method: 'cash' }), item('1000', { item_type: 'registration' })]);
    expect(d.claim.claim_no).toBe('CZ2026-0001');
    expect(d.claim.calc_fen).toBe(1_500_000); // 3,000,000 × 50 % = 1,500,000 (under the 2,000,000 booth cap); cash and 注册费 excluded
    expect(d.calc.items.map((i) => i.eligible)).toEqual([true, false, false]);
    expect(d.claim.deadline).toBe('2026-03-16');
    expect(err(() => claim(e, [item('100')])).code).toBe('DUPLICATE');
  });
});

describe('workflow', () => {
  it('草稿 → 已提交 → 初审 → 复审 → 公示 → 已批准 → 已拨付, materials before 初审, 公示 before approval', () => {
    const { c, claim, item, ent, clock, db } = setup();
    const id = claim(ent(1), [item('30000')]).claim.id;
    expect(err(() => svc.transition(c(CLERK), { claim_id: id, action: 'first_review' })).code).toBe('FORBIDDEN');
    const s = svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    expect(s.claim.status).toBe('submitted');
    expect(s.claim.applied_fen).toBe(1_500_000);
    const m = err(() => svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review' }));
    expect(m.code).toBe('MATERIALS_MISSING');
    expect(m.message).toContain('申请表、发票');
    svc.addAttachment(c(CLERK), { claim_id: id, material: 'application_form', ...pdf });
    svc.addAttachment(c(CLERK), { claim_id: id, material: 'invoice', ...pdf });
    svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review', comment: '材料齐全' });
    svc.transition(c(ADMIN), { claim_id: id, action: 'second_review' });
    const batch = svc.publish(c(REVIEWER), { claim_ids: [id], title: '泽州县2026年第一批参展补贴公示', start_date: '2026-03-01', end_date: '2026-03-07' });
    expect(batch.batch_no).toBe('GS2026-01');
    expect(err(() => svc.transition(c(REVIEWER), { claim_id: id, action: 'approve' })).code).toBe('PUBLICITY_RUNNING');
    clock.set('2026-03-08T02:00:00Z');
    const a = svc.transition(c(REVIEWER), { claim_id: id, action: 'approve' });
    expect(a.claim).toMatchObject({ status: 'approved', approved_fen: 1_500_000, approved_on: '2026-03-08' });
    expect(a.calc.frozen).toBe(true);
    expect(err(() => svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2026-03-08', amount_yuan: '15000.01', voucher_no: 'P1' })).message).toContain('超过尚未拨付');
    expect(svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2026-03-08', amount_yuan: '10000', voucher_no: 'P1' }).claim.status).toBe('approved');
    const p = svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2026-03-08', amount_yuan: '5000', voucher_no: 'P2' });
    expect(p.claim.status).toBe('paid');
    expect(p.paid_fen).toBe(1_500_000);
    expect(p.events.map((e) => e.to_label)).toEqual(['草稿', '已提交', '初审', '复审', '公示', '已批准', '已批准', '已拨付']);
    // Each step keeps its giver's name and 审核意见 (同意 unless written; none for entry and submission).
    expect(p.events.map((e) => [e.step, e.actor_name, e.opinion])).toEqual([
      ['create', '录入员', null], ['submit', '录入员', null], ['first_review', '审核人', '材料齐全'], ['second_review', '管理员', '同意'],
      ['publish', '审核人', '同意'], ['approve', '审核人', '同意'], ['pay', '审核人', '同意'], ['pay', '审核人', '同意'],
    ]);
    const sheet = reports.reviewSheet(c(), id);
    expect(sheet.sign_offs.first_review).toMatchObject({ by: '审核人', comment: '材料齐全' });
    expect(sheet.steps.map((s) => `${s.label} ${s.by} ${s.opinion ?? '—'}`)).toEqual(['提交 录入员 —', '初审 审核人 材料齐全', '复审 管理员 同意', '公示 审核人 同意', '批准 审核人 同意', '拨付 审核人 同意', '拨付 审核人 同意']);
    expect(sheet.explanation.lines.at(-1)).toBe('核定补贴金额：15,000.00 元');
    const list = reports.publicityList(c(), batch.id);
    expect(list).toMatchObject({ count: 1, total_fen: 1_500_000 });
    expect(list.notice).toContain('2026-03-01 至 2026-03-07');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('退回 needs a comment and reopens editing; 驳回 needs a reason and frees the annual cap', () => {
    const { c, claim, item, ent } = setup();
    const e = ent(1);
    const id = claim(e, [item('30000')]).claim.id;
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    expect(err(() => svc.transition(c(REVIEWER), { claim_id: id, action: 'return' })).message).toContain('退回意见');
    svc.transition(c(REVIEWER), { claim_id: id, action: 'return', comment: '请补充发票' });
    const u = svc.updateClaim(c(CLERK), id, {
      enterprise_id: e, fair_id: svc.getClaim(c(), id).fair.id, claim_date: '2026-02-20', booths: [{ booth_no: 'A01', area_m2: '9', kind: 'standard' }],
      items: [item('20000')],
    });
    expect(u.claim.calc_fen).toBe(1_000_000);
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    const r = svc.transition(c(REVIEWER), { claim_id: id, action: 'reject', comment: '已获其他补贴' });
    expect(r.claim).toMatchObject({ status: 'rejected', reject_reason: '已获其他补贴' });
    expect(err(() => svc.updateClaim(c(CLERK), id, {})).code).toBe('CONFLICT');
  });

  it('refuses a late claim unless an administrator overrides with an audited reason', () => {
    const { c, claim, item, ent, clock, db } = setup();
    const id = claim(ent(1), [item('30000')]).claim.id;
    clock.set('2026-03-17T02:00:00Z');
    const late = err(() => svc.transition(c(CLERK), { claim_id: id, action: 'submit' }));
    expect(late.code).toBe('LATE');
    expect(late.message).toContain('应在 2026-03-16 前');
    expect(err(() => svc.transition(c(CLERK), { claim_id: id, action: 'submit', override_reason: '企业出国延误' })).code).toBe('FORBIDDEN');
    const ok = svc.transition(c(ADMIN), { claim_id: id, action: 'submit', override_reason: '企业出国延误' });
    expect(ok.claim.late_override_reason).toBe('企业出国延误');
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'exhibition.late_override'`).pluck().get()).toBe(1);
  });
});

describe('sanctions', () => {
  it('block approval and payment; an administrator may override with a reason', () => {
    const { c, claim, item, ent, attach, clock } = setup();
    const e = ent(1);
    const id = claim(e, [item('30000')]).claim.id;
    attach(id);
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review' });
    svc.transition(c(ADMIN), { claim_id: id, action: 'second_review' });
    svc.publish(c(REVIEWER), { claim_ids: [id], title: '公示', start_date: '2026-02-21', end_date: '2026-02-28' });
    const s = createSanction(c(), { enterprise_id: e, kind: 'bar_applications', start_date: '2026-03-01', end_date: '2027-02-28', doc_no: '泽工信〔2026〕9号', reason: '虚报材料' });
    const blocked = err(() => svc.transition(c(REVIEWER), { claim_id: id, action: 'approve' }));
    expect(blocked.code).toBe('SANCTIONED');
    expect(blocked.message).toContain('泽工信〔2026〕9号');
    svc.transition(c(ADMIN), { claim_id: id, action: 'approve', override_reason: '处理前已完成公示，经局务会同意' });
    expect(err(() => svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2026-03-01', amount_yuan: '1', voucher_no: 'P' })).code).toBe('SANCTIONED');
    clock.set('2027-03-01T02:00:00Z');
    expect(svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2027-03-01', amount_yuan: '15000', voucher_no: 'P' }).claim.status).toBe('paid');
    void s;
  });

  it('only an administrator overrides a sanction at approval and payment, through the ops, with the reason audited', async () => {
    const { c, claim, item, ent, attach, db } = setup();
    const e = ent(1);
    const id = claim(e, [item('30000')]).claim.id;
    attach(id);
    svc.transition(c(CLERK), { claim_id: id, action: 'submit' });
    svc.transition(c(REVIEWER), { claim_id: id, action: 'first_review' });
    svc.transition(c(ADMIN), { claim_id: id, action: 'second_review' });
    svc.publish(c(REVIEWER), { claim_ids: [id], title: '公示', start_date: '2026-02-21', end_date: '2026-02-28' });
    const s = createSanction(c(), { enterprise_id: e, kind: 'bar_applications', start_date: '2026-03-01', end_date: '2027-02-28', doc_no: '泽工信〔2026〕9号', reason: '虚报材料' });
    const reason = '处理前已完成公示，经局务会研究同意';
    const run = <K extends 'exhibition:transition' | 'exhibition:pay'>(actor: typeof ADMIN, name: K, input: Parameters<(typeof exhibitionOperations)[K]['run']>[1]) =>
      aerr(async () => (exhibitionOperations[name].run as (ctx: unknown, i: unknown) => unknown)({ ...c(actor), progress: () => {} }, input));
    const approve = { claim_id: id, action: 'approve' as const, override_reason: reason };
    expect((await run(CLERK, 'exhibition:transition', approve)).code).toBe('FORBIDDEN');
    const byReviewer = await run(REVIEWER, 'exhibition:transition', approve);
    expect([byReviewer.code, byReviewer.message]).toEqual(['FORBIDDEN', expect.stringContaining('只有管理员可以例外批准参展补贴')]);
    expect((await run(ADMIN, 'exhibition:transition', { claim_id: id, action: 'approve' })).code).toBe('SANCTIONED');
    expect(svc.getClaim(c(), id).claim.status).toBe('publicity');
    const overrides = () => db.prepare(`SELECT entity_id, json_extract(detail, '$.what'), json_extract(detail, '$.reason') FROM audit_log WHERE action = 'sanction.override' ORDER BY seq`).raw().all();
    expect(overrides()).toEqual([]);

    const approved = await exhibitionOperations['exhibition:transition'].run({ ...c(ADMIN), progress: () => {} }, approve);
    expect(approved.claim.status).toBe('approved');
    expect(approved.events.some((ev) => ev.comment?.includes(reason))).toBe(true);
    const pay = { claim_id: id, pay_date: '2026-03-01', amount_yuan: '15000', voucher_no: 'P1', override_reason: reason };
    expect((await run(CLERK, 'exhibition:pay', pay)).code).toBe('FORBIDDEN');
    expect((await run(REVIEWER, 'exhibition:pay', pay)).code).toBe('FORBIDDEN');
    expect((await run(ADMIN, 'exhibition:pay', { ...pay, override_reason: null })).code).toBe('SANCTIONED');
    expect(db.prepare('SELECT count(*) FROM exhibition_payment').pluck().get()).toBe(0);
    const paid = await exhibitionOperations['exhibition:pay'].run({ ...c(ADMIN), progress: () => {} }, pay);
    expect(paid.claim.status).toBe('paid');

    expect(overrides()).toEqual([[String(s.id), '批准参展补贴', reason], [String(s.id), '拨付参展补贴', reason]]);
    const claimAudit = db
      .prepare(`SELECT action, actor, json_extract(detail, '$.sanction_override_reason') FROM audit_log WHERE entity = 'exhibition_claim' AND action IN ('exhibition.claim_approve', 'exhibition.payment') ORDER BY seq`)
      .raw()
      .all();
    expect(claimAudit).toEqual([['exhibition.claim_approve', 'admin', reason], ['exhibition.payment', 'admin', reason]]);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('a 收回资金 sanction on a paid claim writes the recovery entry; more than was paid is refused', () => {
    const { c, claim, item, ent, attach, toApproved, db } = setup();
    const e = ent(1);
    const id = claim(e, [item('30000')]).claim.id;
    attach(id);
    toApproved(id);
    const base = { enterprise_id: e, kind: 'recover_funds', start_date: '2026-03-01', doc_no: '泽工信罚〔2026〕1号', reason: '伪造现场照片', source_kind: 'exhibition_claim', source_id: id };
    expect(err(() => createSanction(c(), { ...base, amount_fen: 100 })).message).toContain('没有已拨付');
    svc.pay(c(REVIEWER), { claim_id: id, pay_date: '2026-03-01', amount_yuan: '15000', voucher_no: 'P' });
    expect(err(() => createSanction(c(), { ...base, amount_fen: 1_500_001 })).message).toContain('超过');
    expect(db.prepare('SELECT count(*) FROM sanction').pluck().get()).toBe(0);
    createSanction(c(), { ...base, amount_fen: 1_500_000 });
    const d = svc.getClaim(c(), id);
    expect(d.recovered_fen).toBe(1_500_000);
    expect(d.payments.map((p) => [p.kind, p.amount_fen, p.voucher_no])).toEqual([['payment', 1_500_000, 'P'], ['recovery', 1_500_000, '泽工信罚〔2026〕1号']]);
    expect(reports.dashboard(c(), { year: 2026 }).by_month[2]!.paid_fen).toBe(0);
  });
});

describe('attachments', () => {
  it('accepts PDF and images by their bytes only, at most 20 MB, stored in the ledger when in memory', () => {
    const { c, claim, item, ent, db } = setup();
    const id = claim(ent(1), [item('100')]).claim.id;
    const fake = err(() => svc.addAttachment(c(), { claim_id: id, material: 'invoice', fileName: '发票.pdf', dataBase64: Buffer.from('PK\x03\x04zip').toString('base64') }));
    expect(fake.code).toBe('BAD_FILE_TYPE');
    expect(fake.message).toContain('不是 PDF 或图片');
    const big = Buffer.alloc(20 * 1024 * 1024 + 1);
    DEMO_PDF.copy(big);
    expect(err(() => svc.addAttachment(c(), { claim_id: id, material: 'invoice', fileName: 'big.pdf', dataBase64: big.toString('base64') })).code).toBe('FILE_TOO_LARGE');
    const a = svc.addAttachment(c(), { claim_id: id, material: 'invoice', ...pdf });
    expect(a).toMatchObject({ mime: 'application/pdf', storage: 'db', size_bytes: DEMO_PDF.length });
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(svc.getAttachment(c(), a.id).dataBase64, 'base64').equals(DEMO_PDF)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM exhibition_blob').pluck().get()).toBe(1);
    svc.removeAttachment(c(), { id: a.id, reason: '传错文件' });
    expect(svc.getClaim(c(), id).materials.missing).toEqual(['申请表', '发票']);
  });

  it('stores files beside the ledger under their SHA-256 and detects a changed file', () => {
    const t = tempDir();
    try {
      const { c, claim, item, ent } = setup({ dataDir: t.dir });
      const id = claim(ent(1), [item('100')]).claim.id;
      const a = svc.addAttachment(c(), { claim_id: id, material: 'site_photos', fileName: '展位.png', dataBase64: DEMO_PNG.toString('base64') });
      expect(a.storage).toBe('file');
      const path = join(t.dir, 'attachments', a.sha256);
      expect(readFileSync(path).equals(DEMO_PNG)).toBe(true);
      writeFileSync(path, Buffer.concat([DEMO_PNG, Buffer.from([0])]));
      expect(err(() => svc.getAttachment(c(), a.id)).code).toBe('ATTACHMENT_CORRUPT');
    } finally {
      t.cleanup();
    }
  });
});

describe('rule changes and the annual cap', () => {
  it('a per-year cap on an item type is shared by the enterprise\'s claims, approved ones with their stored share', () => {
    const { c, claim, item, ent, attach, rs } = setup();
    svc.reviseRuleSet(c(), {
      rule_set_id: rs.id, note: '运输费每展 ≤ 1 万、每年 ≤ 1.5 万',
      rules: { ...RULES, annual_cap_yuan: null, multiple_claims_per_fair: true, type_caps: [{ type: 'transport', cap_yuan: '10000', annual_cap_yuan: '15000' }] },
    });
    const e = ent(1);
    const transport = (no: string) => item('30000', { item_type: 'transport', invoice_no: no });
    const first = claim(e, [transport('T1')]).claim.id; // 1,500,000 → per fair 1,000,000
    attach(first);
    svc.transition(c(CLERK), { claim_id: first, action: 'submit' });
    const second = claim(e, [transport('T2')]).claim.id; // per fair 1,000,000, room 1,500,000 − 1,000,000 = 500,000
    const calc = svc.getClaim(c(), second).calc;
    expect(calc.result_fen).toBe(500_000);
    expect(calc.caps.map((x) => [x.kind, x.cut_fen])).toEqual([['item_type', 500_000], ['item_type_annual', 500_000]]);
    expect(calc.lines).toContain('「运输费」每年上限 15,000.00 元，本年其他申请已用 10,000.00 元，剩余 5,000.00 元，本申请 10,000.00 元核减 5,000.00 元；本申请计入 5,000.00 元后剩余 0.00 元');
    svc.transition(c(REVIEWER), { claim_id: first, action: 'first_review' });
    svc.transition(c(ADMIN), { claim_id: first, action: 'second_review' });
    svc.publish(c(REVIEWER), { claim_ids: [first], title: '公示', start_date: '2026-02-21', end_date: '2026-02-28' });
    expect(svc.transition(c(REVIEWER), { claim_id: first, action: 'approve' }).claim.approved_fen).toBe(1_000_000);
    // Approved, the first claim's 10,000 元 of transport still counts, read from its frozen calculation.
    expect(svc.getClaim(c(), second).calc.result_fen).toBe(500_000);
    expect(svc.listClaims(c(), { year: 2026 }).rows.find((r) => r.id === second)!.calc_fen).toBe(500_000);
  });

  it('recalculates only claims not yet approved and returns before/after of each', () => {
    const { c, claim, item, ent, attach, toApproved, rs } = setup();
    const a = claim(ent(1), [item('10000')]).claim.id;
    attach(a);
    toApproved(a);
    const b = claim(ent(2), [item('10000')]).claim.id;
    svc.transition(c(CLERK), { claim_id: b, action: 'submit' });
    const draft = claim(ent(3), [item('10000')]).claim.id;
    const bad = err(() => svc.reviseRuleSet(c(), { rule_set_id: rs.id, note: 'x', rules: { ...RULES, fair_cap_yuan: '50000', annual_cap_yuan: '30000' } }));
    expect(bad.message).toBe('「规则·单展上限」单展上限 50,000.00 元高于企业年度上限 30,000.00 元，两者矛盾');
    expect(err(() => svc.reviseRuleSet(c(CLERK), { rule_set_id: rs.id, note: 'x', rules: RULES })).code).toBe('FORBIDDEN');
    const r = svc.reviseRuleSet(c(), {
      rule_set_id: rs.id, note: '按2026年新文件提高传统市场比例',
      rules: { ...RULES, ratio_pct: { ...RULES.ratio_pct, domestic: { traditional: '60', emerging: '70', belt_road: '70' } } },
    });
    expect(r.rule_set.version).toBe(2);
    expect(r.changes.map((x) => [x.claim_id, x.before_fen, x.after_fen])).toEqual([[b, 500_000, 600_000], [draft, 500_000, 600_000]]);
    expect(svc.getClaim(c(), a).claim.approved_fen).toBe(500_000);
    expect(svc.getClaim(c(), b).claim.calc_rule_version).toBe(2);
  });

  it('shares the annual cap across an enterprise\'s claims of the year and lists enterprises near it', () => {
    const { c, ent, item, attach, toApproved, rs } = setup();
    const e = ent(1);
    const mk = (name: string, start: string, end: string, yuan: string) => {
      const f = svc.createFair(c(), { ...FAIR, name, start_date: start, end_date: end });
      return svc.createClaim(c(CLERK), {
        enterprise_id: e, fair_id: f.id, rule_set_id: rs.id, claim_date: '2026-03-01', booths: [{ booth_no: 'A', area_m2: '9', kind: 'standard' }],
        items: [item(yuan, { invoice_date: start })],
      }).claim.id;
    };
    const first = mk('广交会', '2026-02-01', '2026-02-05', '40000'); // 2,000,000 (booth cap)
    attach(first);
    toApproved(first);
    const second = mk('东盟博览会', '2026-02-20', '2026-02-22', '40000'); // 2,000,000 but only 1,000,000 left of 3,000,000
    svc.transition(c(CLERK), { claim_id: second, action: 'submit' });
    const calc = svc.claimCalc(c(), second);
    expect(calc.result_fen).toBe(1_000_000);
    expect(calc.annual).toMatchObject({ cap_fen: 3_000_000, consumed_fen: 2_000_000, remaining_after_fen: 0 });
    expect(JSON.parse(JSON.stringify(calc))).toEqual(calc);
    const dash = reports.dashboard(c(), { year: 2026 });
    expect(dash.near_cap).toEqual([expect.objectContaining({ enterprise_id: e, used_fen: 3_000_000, remaining_fen: 0, used_pct: 100 })]);
    expect(dash.by_status.find((s) => s.status === 'approved')!.count).toBe(1);
    expect(dash.by_month[2]!.approved_fen).toBe(2_000_000);
    expect(dash.by_market).toEqual([expect.objectContaining({ label: '境内·传统市场', count: 2 })]);
  });
});

describe('Excel', () => {
  const header = CLAIM_COLUMNS.slice(0, 19).map((c) => ({ header: c.header }));
  const row = (key: string, uscc: string, over: Partial<Record<number, string | null>> = {}) => {
    const r: Array<string | null> = [key, uscc, null, FAIR.name, null, '2026-02-20', '否', 'A01', '9', '标准', '展位费', '30000', 'F001', '2026-01-15', '转账', 'V1', null, null, null];
    for (const [k, v] of Object.entries(over)) r[Number(k)] = v ?? null;
    return r;
  };
  it('the import template has exactly the columns the import reads and a 填写说明 sheet; filled with two claims, it imports', async () => {
    const { c, ent, db } = setup();
    ent(1);
    ent(2);
    const [u1, u2] = db.prepare('SELECT uscc FROM enterprise ORDER BY id').pluck().all() as string[];
    const file = await exhibitionOperations['exhibition:claimTemplate'].run({ ...c(CLERK), progress: () => {} }, undefined as never);
    expect(file.fileName).toBe('参展补贴申请导入模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.dataBase64, 'base64') as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['参展补贴申请', '填写说明']);
    const ws = wb.getWorksheet('参展补贴申请')!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(CLAIM_COLUMNS.slice(0, 19).map((col) => (col.required ? `${col.header}*` : col.header)));
    expect(ws.rowCount).toBe(1);
    expect(wb.getWorksheet('填写说明')!.getCell('A1').value).toBe('参展补贴申请导入说明（县域产业台账）');
    // Filled as a user would: K1 with a booth fee and a transport item, K2 with one booth fee.
    ws.addRow(['K1', u1, null, FAIR.name, '2026-02-10', '2026-02-20', '否', 'A01', '9', '标准', '展位费', '30000', 'F001', '2026-01-15', '转账', 'V1', null, null, null]);
    ws.addRow(['K1', u1, null, FAIR.name, '2026-02-10', '2026-02-20', '否', null, null, null, '运输费', '1234.5', 'F002', '2026-01-16', '转账', 'V2', null, null, null]);
    ws.addRow(['K2', u2, null, FAIR.name, null, '2026-02-21', '是', 'B07', '18', '特装', '特装费', '8000', 'F003', '2026-02-01', '其他', null, null, null, null]);
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await importClaims(c(CLERK), { fileName: '参展补贴申请导入模板.xlsx', bytes: filled });
    expect(r).toEqual({ sheet: '参展补贴申请', claims: 2, items: 3, claim_nos: ['CZ2026-0001', 'CZ2026-0002'] });
    const rows = svc.listClaims(c(), { year: 2026 }).rows.sort((a, b) => a.id - b.id);
    expect(rows.map((x) => [x.status, x.calc_fen])).toEqual([
      ['draft', 1_500_000 + 61_725], // booth 3,000,000 × 50 % (cap 2,000,000 → 1,500,000 stays under) + transport 123,450 × 50 %
      ['draft', 0], // 特装费 is outside this table's types
    ]);
    expect(svc.getClaim(c(), rows[1]!.id).claim.agent_used).toBe(1);
  });

  it('imports claims with items all-or-nothing, naming each bad row; exports them back', async () => {
    const { c, ent, db } = setup();
    ent(1);
    ent(2);
    const [u1, u2] = db.prepare('SELECT uscc FROM enterprise ORDER BY id').pluck().all() as string[];
    const bad = await writeWorkbook([{ name: '申请', columns: header, rows: [
      row('K1', u1!), row('K1', u1!, { 7: null, 8: null, 9: null, 10: '运输费', 11: '12.345', 12: 'F002' }),
      row('K2', u2!, { 13: '2026-02-21' }), row('K3', '91140525MA0EX99990', {}),
    ] }]);
    const e = await aerr(() => importClaims(c(CLERK), { fileName: 'claims.xlsx', bytes: bad }));
    expect(e.code).toBe('IMPORT_REJECTED');
    const errors = (e.details as { errors: Array<{ row: number; column: string; message: string }> }).errors;
    expect(errors).toEqual([
      { row: 3, column: '金额(元)', message: '「12.345」最多两位小数（到分）' },
      { row: 4, column: '发票日期', message: '2026-02-21 晚于申请日期 2026-02-20' },
      { row: 5, column: '统一社会信用代码', message: expect.stringContaining('不在企业库中') },
    ]);
    expect(db.prepare('SELECT count(*) FROM exhibition_claim').pluck().get()).toBe(0);
    const good = await writeWorkbook([{ name: '申请', columns: header, rows: [
      row('K1', u1!), row('K1', u1!, { 7: null, 8: null, 9: null, 10: '运输费', 11: '1234.5', 12: 'F002' }), row('K2', u2!, { 14: '现金' }),
    ] }]);
    const s = await importClaims(c(CLERK), { fileName: 'claims.xlsx', bytes: good });
    expect(s).toEqual({ sheet: '申请', claims: 2, items: 3, claim_nos: ['CZ2026-0001', 'CZ2026-0002'] });
    const [k1, k2] = svc.listClaims(c(), { year: 2026 }).rows.reverse();
    expect(k1!.calc_fen).toBe(1_500_000 + 61_725); // booth 3,000,000 × 50 % (cap 2,000,000) + transport 123,450 × 50 %
    expect(k2!.calc_fen).toBe(0); // cash
    const x = await exportClaims(c(), 2026);
    expect(x.count).toBe(2);
    const again = await aerr(() => importClaims(c(CLERK), { fileName: 'x.xlsx', bytes: x.bytes }));
    expect((again.details as { errors: Array<{ message: string }> }).errors[0]!.message).toContain('已是台账中的申请编号');
  });
});

describe('demo data', () => {
  it('seeds real-sounding fairs and claims in every state, with an audit chain that verifies', () => {
    const clock = fixedClock('2026-06-15T02:00:00Z');
    const db = openLedger({ file: ':memory:' });
    ensureCodeLists({ db, clock });
    initializeOffice({ db, clock, dataDir: null }, { level: 'county', region_code: '140525', name: '泽州县工业和信息化局', admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345' });
    const ctx: Ctx = { db, clock, actor: ADMIN, dataDir: null };
    const s = seedDemoExhibitions(ctx);
    expect(Object.keys(s.by_status).sort()).toEqual(['approved', 'draft', 'first_review', 'paid', 'publicity', 'rejected', 'returned', 'second_review', 'submitted']);
    expect(svc.listFairs(ctx, {}).map((f) => f.name)).toEqual(expect.arrayContaining(['第三届山西(大同)特色专业镇投资贸易博览会', '第139届中国进出口商品交易会(广交会)']));
    expect(db.prepare(`SELECT count(*) FROM exhibition_payment WHERE kind = 'recovery'`).pluck().get()).toBe(1);
    expect(err(() => seedDemoExhibitions(ctx)).code).toBe('CONFLICT');
    expect(verifyAudit(db).ok).toBe(true);
  });
});
