// Demo towns for `seed-demo`: 泽州铸造 with its published figures (domain.md §1.2) and a few county-level towns
// whose figures are invented for demonstration and say so.
import type { Ctx } from '../context.js';
import { AppError } from '../result.js';
import { createEnterprise, addTier } from '../enterprises/service.js';
import { getByUscc } from '../enterprises/queries.js';
import { withCheckChar } from '../enterprises/uscc.js';
import { addMember, addPlatform, addProject, createTown, transition } from './service.js';
import { saveIndicators } from './indicators.js';
import { findTownByName, regionPrefix } from './queries.js';
import type { MemberRole } from './rules.js';

const COUNTY = '140525';
const DEMO = '（演示数据，非真实统计）';

interface DemoMember {
  n: number;
  name: string;
  scale: 'above' | 'below';
  industry: string;
  role: MemberRole;
  tier?: { code: string; level: 'national' | 'provincial'; from: string };
}

/**
 * Members come from the registry when it already holds a suitable enterprise (the demo ledger seeds 300):
 * same county and industry, not yet a member of another town. Only an empty registry gets invented ones.
 */
function member(ctx: Ctx, townId: number, m: DemoMember, joined: string): void {
  const fromRegistry = ctx.db
    .prepare(
      `SELECT e.id FROM enterprise e WHERE e.region_code = ? AND e.industry_code = ? AND e.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM town_member tm WHERE tm.enterprise_id = e.id)
       ORDER BY (e.scale = ?) DESC, e.id LIMIT 1`,
    )
    .pluck()
    .get(COUNTY, m.industry, m.scale) as number | undefined;
  if (fromRegistry !== undefined) {
    addMember(ctx, { town_id: townId, enterprise_id: fromRegistry, role: m.role, joined_on: joined });
    return;
  }
  const uscc = withCheckChar(`91${COUNTY}MA0TW${String(m.n).padStart(4, '0')}`);
  const e =
    getByUscc(ctx.db, uscc) ??
    createEnterprise(ctx, { uscc, name: m.name, region_code: COUNTY, scale: m.scale, industry_code: m.industry, address: `泽州县${DEMO}` });
  if (m.tier) addTier(ctx, { enterprise_id: e.id, tier_code: m.tier.code, level: m.tier.level, valid_from: m.tier.from, doc_no: `演示文号${m.n}`, granted_by: m.tier.level === 'national' ? '工业和信息化部' : '山西省工业和信息化厅' });
  addMember(ctx, { town_id: townId, enterprise_id: e.id, role: m.role, joined_on: joined });
}

type Steps = Array<Parameters<typeof transition>[1] & object>;
function run(ctx: Ctx, townId: number, steps: Steps) {
  for (const s of steps) transition(ctx, { ...(s as object), town_id: townId });
}

export interface SeedSummary {
  towns: number;
  skipped: boolean;
}

/** Adds the demo towns to a ledger whose office covers 泽州县 (140525). Running it twice adds nothing. */
export function seedDemoTowns(ctx: Ctx): SeedSummary {
  const office = ctx.db.prepare('SELECT region_code FROM office WHERE id = 1').pluck().get() as string | undefined;
  if (!office || !COUNTY.startsWith(regionPrefix(office))) {
    throw new AppError('UNSUPPORTED', '演示专业镇位于泽州县（140525），本台账的单位不管辖该县');
  }
  if (findTownByName(ctx.db, COUNTY, '泽州铸造')) return { towns: 0, skipped: true };

  return ctx.db.transaction(() => {
    // 泽州铸造: provincial, second batch (Dec 2023). Figures from the second-batch profile (https://jianpian.cn/a/yhz7jh7).
    const zz = createTown(ctx, {
      name: '泽州铸造',
      county_code: COUNTY,
      category: 'manufacturing',
      leading_industry: '铸造',
      industry_codes: ['3391'],
      description:
        '山西省第二批省级重点专业镇（2023年12月）。企业199户，其中规上38户；国家级专精特新"小巨人"5户、省级专精特新20户；2022年产值70亿元，带动就业4.5万余人；' +
        '国家级工程中心1个、省级企业技术中心7个；球墨铸铁管、市政铸件国内市场占有率30%以上。来源：https://jianpian.cn/a/yhz7jh7（转载）',
    });
    run(ctx, zz.id, [
      { action: 'apply', date: '2023-08-01', level: 'province', reason: '申报山西省第二批省级重点专业镇（日期为示意）' },
      { action: 'review', date: '2023-10-01', reason: '省级专家评审（日期为示意）' },
      { action: 'publicize', date: '2023-11-20', publicity_start: '2023-11-20', publicity_end: '2023-11-26', reason: '网上公示（日期为示意）' },
      {
        action: 'designate', date: '2023-12-15', doc_no: '第二批省级重点专业镇名单（文号待补录）', reason: '认定为省级重点专业镇（2023年12月，第二批）',
        designation: { batch_no: '第二批', bodies: ['山西省人民政府'], valid_from: '2023-12-15' },
      },
    ]);
    saveIndicators(ctx, {
      town_id: zz.id,
      year: 2022,
      values: {
        enterprises_total: 199, above_scale: 38, little_giants: 5, provincial_zjtx: 20, output_wan: 700000, employees: 45000,
        national_platforms: 1, provincial_platforms: 7, market_share: '球墨铸铁管、市政铸件国内占有率 30% 以上',
      },
      note: '第二批省级重点专业镇公布材料：企业199户、规上38户、小巨人5户、省级专精特新20户、2022年产值70亿元、就业4.5万余人',
    });
    addPlatform(ctx, { town_id: zz.id, name: '铸造产业国家级工程中心', type: 'rnd_design', level: 'national' });
    const zzMembers: DemoMember[] = [
      { n: 1, name: '泽州县演示球墨铸管有限公司', scale: 'above', industry: '3391', role: 'leader', tier: { code: 'little_giant', level: 'national', from: '2023-07-01' } },
      { n: 2, name: '泽州县演示市政铸件有限公司', scale: 'above', industry: '3391', role: 'chain_master' },
      { n: 3, name: '泽州县演示精密铸造有限公司', scale: 'above', industry: '3391', role: 'supporting', tier: { code: 'zjtx_sme', level: 'provincial', from: '2024-01-01' } },
      { n: 4, name: '泽州县演示铸造材料有限公司', scale: 'below', industry: '3391', role: 'supporting' },
    ];
    for (const m of zzMembers) member(ctx, zz.id, m, '2023-12-15');

    // County-level towns: plausible, invented figures.
    const eq = createTown(ctx, {
      name: '泽州装备制造', county_code: COUNTY, category: 'manufacturing', leading_industry: '装备制造', industry_codes: ['34'],
      description: `县级专业镇${DEMO}`, contact_name: '王工', contact_phone: '0356-1234567',
    });
    run(ctx, eq.id, [
      { action: 'apply', date: '2023-03-01', level: 'county', reason: '申报县级专业镇' },
      { action: 'review', date: '2023-04-10', reason: '县级专家评审' },
      { action: 'publicize', date: '2023-05-06', publicity_start: '2023-05-06', publicity_end: '2023-05-12', reason: '公示 5 个工作日' },
      {
        action: 'designate', date: '2023-05-20', doc_no: '泽工信发〔2023〕演示1号', reason: '认定为县级专业镇',
        designation: { batch_no: '第一批', bodies: ['泽州县工业和信息化局'], valid_from: '2023-06-01', plaque_date: '2023-06-08' },
      },
    ]);
    const eqYears: Array<[number, number, number, number, number]> = [
      // year, enterprises, above scale, output 万元, employees
      [2021, 41, 9, 182000, 3900],
      [2022, 44, 10, 201500, 4100],
      [2023, 46, 11, 226300, 4350],
      [2024, 49, 12, 249800, 4520],
    ];
    for (const [year, total, above, output, emp] of eqYears) {
      saveIndicators(ctx, {
        town_id: eq.id, year,
        values: {
          enterprises_total: total, above_scale: above, little_giants: 0, provincial_zjtx: 3 + (year - 2021), innovative_smes: 4, high_tech: 3,
          output_wan: output, revenue_wan: Math.round(output * 0.96), employees: emp, rnd_wan: Math.round(output * 0.012),
          sme_output_share: 82.5, leading_share: 74.1, area_km2: 18.6, national_platforms: 0, provincial_platforms: 1,
        },
        note: DEMO,
      });
    }
    for (const m of [
      { n: 11, name: '泽州县演示矿山装备有限公司', scale: 'above', industry: '3511', role: 'leader' },
      { n: 12, name: '泽州县演示液压件有限公司', scale: 'below', industry: '3443', role: 'supporting' },
    ] satisfies DemoMember[]) {
      member(ctx, eq.id, m, '2023-06-01');
    }
    addProject(ctx, { town_id: eq.id, name: '装备制造公共检测中心建设项目', investment_wan: 3200, start_date: '2024-04-01', status: 'building', note: DEMO });
    addPlatform(ctx, { town_id: eq.id, name: '泽州装备检验检测中心', type: 'testing', operator: '泽州县演示矿山装备有限公司', level: 'county', investment_wan: 1500 });

    const hawthorn = createTown(ctx, {
      name: '泽州山楂', county_code: COUNTY, category: 'agriculture', leading_industry: '山楂种植加工', industry_codes: ['0151'],
      description: `县级特优农业专业镇${DEMO}`,
    });
    run(ctx, hawthorn.id, [
      { action: 'apply', date: '2024-03-01', level: 'county', reason: '申报县级专业镇' },
      { action: 'review', date: '2024-04-15', reason: '县级专家评审' },
      { action: 'publicize', date: '2024-05-08', publicity_start: '2024-05-08', publicity_end: '2024-05-14', reason: '公示 5 个工作日' },
      {
        action: 'designate', date: '2024-06-20', doc_no: '泽工信发〔2024〕演示2号', reason: '认定为县级特优农业专业镇',
        designation: { batch_no: '第二批', bodies: ['泽州县工业和信息化局', '泽州县农业农村局'], valid_from: '2024-07-01' },
      },
    ]);
    for (const [year, output] of [[2022, 38600], [2023, 41200], [2024, 44900], [2025, 47300]] as const) {
      saveIndicators(ctx, { town_id: hawthorn.id, year, values: { enterprises_total: 23, above_scale: 3, output_wan: output, employees: 2600, leading_share: 88 }, note: DEMO });
    }

    createTown(ctx, {
      name: '泽州手工制针', county_code: COUNTY, category: 'light_industry', leading_industry: '传统手工制针', industry_codes: [],
      description: `培育中的特色轻工(工艺美术)专业镇${DEMO}`,
    });
    return { towns: 4, skipped: false };
  })();
}
