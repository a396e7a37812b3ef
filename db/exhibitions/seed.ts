// Demo data: real-sounding fairs and claims in every state, for a new user to look around and for e2e tests.
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { AppError } from '../result.js';
import { createEnterprise } from '../enterprises/service.js';
import { withCheckChar } from '../enterprises/uscc.js';
import { createSanction } from '../sanctions/service.js';
import { fenToYuanText } from './money.js';
import { addDays, MATERIALS, type ItemType, type Material } from './rules.js';
import type { FairInput } from './schema.js';
import { addAttachment, createClaim, createFair, createRuleSet, pay, publish, transition } from './service.js';

/** The smallest valid PDF and PNG: the demo's attachments (recognised by their first bytes like real scans). */
export const DEMO_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
export const DEMO_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

const DEMO_ENTERPRISES = [
  '泽州县金鼎铸造有限公司', '晋城市巴公重工机械有限公司', '山西泽州天泰耐材有限公司', '泽州县北义城精密铸件厂', '晋城市凤凰实业有限公司',
  '山西晋缘丝麻纺织有限公司', '泽州县大东沟机电设备有限公司', '山西兰花科创装备制造有限公司', '泽州县周村玻璃器皿有限公司',
];

export interface DemoSummary {
  rule_set: string;
  fairs: number;
  claims: number;
  by_status: Record<string, number>;
}

export function seedDemoExhibitions(ctx: Ctx): DemoSummary {
  const office = ctx.db.prepare('SELECT level, region_code FROM office WHERE id = 1').get() as { level: string; region_code: string } | undefined;
  if (!office) throw new AppError('NOT_INITIALIZED', '请先完成本单位设置');
  const t = isoDate(ctx.clock.now());
  const year = Number(t.slice(0, 4));
  const d = (n: number) => addDays(t, n);
  const regionName = (ctx.db.prepare('SELECT name FROM region WHERE code = ?').pluck().get(office.region_code) as string | undefined) ?? office.region_code;
  const ruleName = `${regionName}参展补贴规则 ${year}（演示）`;
  if (ctx.db.prepare('SELECT 1 FROM exhibition_rule_set WHERE name = ?').get(ruleName)) {
    throw new AppError('CONFLICT', `参展补贴演示数据已载入（规则「${ruleName}」已存在）`);
  }
  return ctx.db.transaction(() => {
    const rs = createRuleSet(ctx, {
      name: ruleName,
      region_code: office.region_code,
      year,
      source: '演示用：结构参照 domain.md §3 的北京、吉林、常州规则，数额为演示值，不是正式文件',
      rules: {
        eligible_types: ['booth_fee', 'special_fit_out', 'transport', 'large_exhibit_return', 'international_travel', 'accommodation'],
        ratio_pct: { domestic: { traditional: '50', emerging: '70', belt_road: '70' }, overseas: { traditional: '60', emerging: '70', belt_road: '70' } },
        booth_tiers: [
          { from_booth: 1, factor_pct: '100', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' },
          { from_booth: 3, factor_pct: '50', cap_domestic_yuan: '20000', cap_overseas_yuan: '40000' },
        ],
        max_booths_per_fair: 4,
        type_caps: [
          { type: 'transport', cap_yuan: '10000' }, { type: 'international_travel', cap_yuan: '10000' }, { type: 'accommodation', cap_yuan: '5000' },
        ],
        fair_cap_yuan: '100000',
        annual_cap_yuan: '200000',
        large_exhibit_min: { volume_m3: '1', weight_t: '1' },
        deadline_days: 30,
        required_materials: [...MATERIALS.filter((m) => m !== 'agent_contract')],
      },
    });

    const entIds = ctx.db
      .prepare(`SELECT id FROM enterprise WHERE status = 'active' ORDER BY id LIMIT ?`)
      .pluck()
      .all(DEMO_ENTERPRISES.length) as number[];
    const county = office.level === 'county' ? office.region_code : (ctx.db.prepare(
      `SELECT code FROM region WHERE kind = 'county' AND code LIKE ? || '%' AND valid_to IS NULL ORDER BY code LIMIT 1`,
    ).pluck().get(office.level === 'city' ? office.region_code.slice(0, 4) : office.region_code.slice(0, 2)) as string);
    for (let n = entIds.length; n < DEMO_ENTERPRISES.length; n++) {
      const e = createEnterprise(ctx, {
        uscc: withCheckChar(`91${county}MA0EXH${String(n).padStart(3, '0')}`), name: DEMO_ENTERPRISES[n]!, region_code: county,
        scale: n % 3 === 0 ? 'below' : 'above', industry_code: '3391', legal_rep: '王建国', contact_name: '李晓梅', contact_phone: '0356-3012345',
      });
      entIds.push(e.id);
    }

    const fairDefs: FairInput[] = [
      { name: `第三届山西(大同)特色专业镇投资贸易博览会`, organiser: '山西省人民政府', organising_gov: '山西省人民政府', gov_level: 'provincial',
        scope: 'domestic', market_type: 'traditional', country: '中国', city: '大同', venue: '大同国际会展中心', start_date: d(-24), end_date: d(-20) },
      { name: `第139届中国进出口商品交易会(广交会)`, organiser: '商务部、广东省人民政府', organising_gov: '晋城市人民政府', gov_level: 'city',
        scope: 'domestic', market_type: 'traditional', country: '中国', city: '广州', venue: '中国进出口商品交易会展馆', start_date: d(-30), end_date: d(-26) },
      { name: `${year}德国汉诺威工业博览会(HANNOVER MESSE)`, organiser: '德国汉诺威展览公司', organising_gov: '山西省人民政府', gov_level: 'provincial',
        scope: 'overseas', market_type: 'traditional', country: '德国', city: '汉诺威', venue: '汉诺威展览中心', start_date: d(-15), end_date: d(-11) },
      { name: `${year}中国—东盟博览会`, organiser: '中国—东盟博览会秘书处', organising_gov: '泽州县人民政府', gov_level: 'county',
        scope: 'domestic', market_type: 'belt_road', country: '中国', city: '南宁', venue: '南宁国际会展中心', start_date: d(-10), end_date: d(-8) },
      { name: `${year}俄罗斯叶卡捷琳堡国际工业展(INNOPROM)`, organiser: 'INNOPROM', organising_gov: '晋城市人民政府', gov_level: 'city',
        scope: 'overseas', market_type: 'emerging', country: '俄罗斯', city: '叶卡捷琳堡', venue: '叶卡捷琳堡国际展览中心', start_date: d(-45), end_date: d(-42) },
      { name: `${year}中国国际铸造博览会`, organiser: '中国铸造协会', organising_gov: null, gov_level: 'none',
        scope: 'domestic', market_type: 'traditional', country: '中国', city: '上海', venue: '上海新国际博览中心', start_date: d(-19), end_date: d(-16),
        note: '行业协会自办，非县级以上人民政府组织参展' },
    ];
    const fairs = fairDefs.map((f) => createFair(ctx, f).id);

    let inv = 0;
    const it = (type: ItemType, yuan: string, date: string, over: Record<string, unknown> = {}) => ({
      item_type: type, amount_yuan: yuan, invoice_no: `${String(24_000_000 + ++inv * 137).padStart(8, '0')}`, invoice_date: date,
      payment_method: 'transfer', voucher_no: `记-${String(inv).padStart(4, '0')}`, ...over,
    });
    // The office's people give the steps as they would (职责分离): a 录入员 enters and submits, a 审核人 gives
    // 初审, returns, rejects and records payments, the administrator gives 复审, 公示 and 批准.
    const person = (role: 'clerk' | 'reviewer', fallback: string): Ctx => {
      const u = ctx.db.prepare('SELECT id, username, display_name FROM app_user WHERE role = ? AND active = 1 ORDER BY id LIMIT 1').get(role) as
        { id: number; username: string; display_name: string } | undefined;
      return { ...ctx, actor: u ? { userId: u.id, username: u.username, displayName: u.display_name, role } : { userId: null, username: `demo-${role}`, displayName: fallback, role } };
    };
    const clerk = person('clerk', '录入员（演示）');
    const reviewer = person('reviewer', '审核人（演示）');
    const claimAt = (fairIdx: number, entIdx: number, extra: { booths?: unknown[]; items: unknown[]; agent_used?: boolean }) =>
      createClaim(clerk, { enterprise_id: entIds[entIdx]!, fair_id: fairs[fairIdx]!, rule_set_id: rs.id, claim_date: t, ...extra }).claim.id;
    const attachAll = (id: number, agent = false) => {
      for (const m of MATERIALS) {
        if (m === 'agent_contract' && !agent) continue;
        const png = m === 'site_photos';
        addAttachment(clerk, { claim_id: id, material: m as Material, fileName: `${m}.${png ? 'png' : 'pdf'}`, dataBase64: (png ? DEMO_PNG : DEMO_PDF).toString('base64') });
      }
    };
    const by = { submit: clerk, first_review: reviewer, return: reviewer, reject: reviewer, second_review: ctx, approve: ctx };
    const step = (id: number, action: keyof typeof by, comment?: string, override?: string) =>
      // Only an administrator accepts a late claim.
      transition(override ? ctx : by[action], { claim_id: id, action, comment, override_reason: override });

    const dt = fairDefs.map((f) => f.start_date);
    const twoBooths = [{ booth_no: 'T1-A08', area_m2: '9', kind: 'standard' }, { booth_no: 'T1-A09', area_m2: '9', kind: 'standard' }];
    // 0 草稿
    const draft = claimAt(3, 0, { booths: [{ booth_no: 'B2-105', area_m2: '9', kind: 'standard' }], items: [it('booth_fee', '12800', dt[3]!)] });
    // 1 已提交, with a cash item and an excluded item
    const submitted = claimAt(0, 1, { booths: twoBooths, items: [
      it('booth_fee', '15000', d(-60), { booth_no: 'T1-A08' }), it('booth_fee', '15000', d(-60), { booth_no: 'T1-A09' }),
      it('construction', '8000', d(-25), { booth_no: 'T1-A08' }), it('accommodation', '3200', d(-20), { payment_method: 'cash' }),
    ] });
    attachAll(submitted);
    step(submitted, 'submit');
    // 2 初审
    const first = claimAt(1, 2, { booths: [{ booth_no: '9.2K11', area_m2: '18', kind: 'special' }], items: [
      it('booth_fee', '26000', d(-90)), it('special_fit_out', '18000', d(-31)), it('transport', '6500', d(-28)),
    ] });
    attachAll(first);
    step(first, 'submit');
    step(first, 'first_review', '材料齐全');
    // 3 复审
    const second = claimAt(0, 3, { booths: [{ booth_no: 'T3-C02', area_m2: '9', kind: 'standard' }], items: [
      it('booth_fee', '12000', d(-50)), it('registration', '1500', d(-50)), it('transport', '4200', d(-22)),
    ] });
    attachAll(second);
    step(second, 'submit');
    step(second, 'first_review', '材料齐全');
    step(second, 'second_review', '同意');
    // 4 公示 (running), 5 已批准, 6 已拨付 (then partly recovered) — through two batches
    const inPublicity = claimAt(2, 4, { booths: [{ booth_no: 'Hall 6 F18', area_m2: '12', kind: 'standard' }], items: [
      it('booth_fee', '68000', d(-120)), it('international_travel', '16800', d(-16)), it('accommodation', '9600', d(-11)),
    ] });
    const approved = claimAt(2, 5, { booths: [{ booth_no: 'Hall 2 B40', area_m2: '9', kind: 'standard' }], items: [
      it('booth_fee', '42000', d(-100)), it('international_travel', '12400', d(-46)),
    ] });
    const paid = claimAt(1, 6, { booths: twoBooths, agent_used: true, items: [
      it('booth_fee', '24000', d(-80), { booth_no: 'T1-A08' }), it('booth_fee', '24000', d(-80), { booth_no: 'T1-A09' }),
      it('large_exhibit_return', '9000', d(-25), { volume_m3: '3.5', weight_t: '2.2' }),
    ] });
    const recovered = claimAt(0, 8, { booths: [{ booth_no: 'T2-D11', area_m2: '9', kind: 'standard' }], items: [it('booth_fee', '10000', d(-40))] });
    for (const [id, agent] of [[inPublicity, false], [approved, false], [paid, true], [recovered, false]] as const) {
      attachAll(id, agent);
      step(id, 'submit');
      step(id, 'first_review', '材料齐全');
      step(id, 'second_review', '同意');
    }
    publish(ctx, { claim_ids: [approved, paid, recovered], title: `${regionName}${year}年度第一批参展补贴拟支持企业名单公示`, start_date: d(-7), end_date: d(-1) });
    publish(ctx, { claim_ids: [inPublicity], title: `${regionName}${year}年度第二批参展补贴拟支持企业名单公示`, start_date: t, end_date: d(6) });
    for (const id of [approved, paid, recovered]) step(id, 'approve', '公示期满无异议');
    for (const id of [paid, recovered]) {
      const amount = ctx.db.prepare('SELECT approved_fen FROM exhibition_claim WHERE id = ?').pluck().get(id) as number;
      pay(reviewer, { claim_id: id, pay_date: t, amount_yuan: fenToYuanText(amount), voucher_no: `财拨-${year}-${String(id).padStart(3, '0')}` });
    }
    // 7 退回
    const returned = claimAt(5, 7, { booths: [{ booth_no: 'W3-210', area_m2: '9', kind: 'standard' }], items: [it('booth_fee', '9800', d(-30))] });
    attachAll(returned);
    step(returned, 'submit');
    step(returned, 'return', '展会为行业协会自办，请补充县级以上人民政府组织参展的证明文件');
    // 8 驳回: a late claim accepted by an administrator's override, then rejected at review
    const rejected = claimAt(4, 3, { booths: [{ booth_no: 'Hall 4 A02', area_m2: '9', kind: 'standard' }], items: [it('booth_fee', '30000', d(-70))] });
    attachAll(rejected);
    step(rejected, 'submit', undefined, '企业因境外返程延误逾期，经局长办公会研究同意受理');
    step(rejected, 'reject', '同一展位费已获市商务局外经贸资金支持，不得叠加');
    // 收回资金 (条例 art. 41) on a paid claim: false booth photos found at a spot check.
    const recAmount = ctx.db.prepare('SELECT approved_fen FROM exhibition_claim WHERE id = ?').pluck().get(recovered) as number;
    createSanction(ctx, {
      enterprise_id: entIds[8]!, kind: 'recover_funds', amount_fen: recAmount, start_date: t, end_date: d(365 * 3), doc_no: `泽工信罚〔${year}〕3号`,
      reason: '抽查发现展位现场照片系伪造，依《山西省制造业高质量发展促进条例》第四十一条收回补贴资金', source_kind: 'exhibition_claim', source_id: recovered,
    });

    const counts = ctx.db.prepare('SELECT status, count(*) AS n FROM exhibition_claim GROUP BY status').all() as Array<{ status: string; n: number }>;
    void draft;
    return { rule_set: ruleName, fairs: fairs.length, claims: counts.reduce((s, r) => s + r.n, 0), by_status: Object.fromEntries(counts.map((r) => [r.status, r.n])) };
  })();
}
