// Demo data for `seed-demo`: plans, rosters and certificates built through the real services, so every figure
// is explained and audited like real data. ID numbers are synthetic (office region, generated birth dates,
// sequence codes 900+, computed check character), never real people.
import type { Ctx } from '../context.js';
import { isoDate } from '../clock.js';
import { createEnterprise } from '../enterprises/service.js';
import { withCheckChar } from '../enterprises/uscc.js';
import { syntheticIdNo } from '../idcard/idcard.js';
import { addMonths } from './rules.js';
import * as svc from './service.js';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎';
const GIVEN = ['建国', '志强', '海燕', '晓东', '丽娟', '俊杰', '文博', '雪梅', '国栋', '春生', '秀英', '立新', '红霞', '宏伟', '佳怡', '子豪'];

export interface DemoTrainingSummary {
  institutions: number;
  plans: number;
  trainees: number;
  certificates: number;
  courses: number;
}

export function seedDemoTraining(ctx: Ctx): DemoTrainingSummary {
  const office = ctx.db.prepare('SELECT region_code FROM office WHERE id = 1').get() as { region_code: string } | undefined;
  const region = office?.region_code ?? '140525';
  const today = isoDate(ctx.clock.now());
  const m = (n: number) => addMonths(today, n);
  // Enterprises of the registry in this county; a few are added when the registry is still empty.
  let ents = ctx.db.prepare(`SELECT id, name FROM enterprise WHERE status = 'active' AND region_code = ? ORDER BY id LIMIT 4`).all(region) as Array<{ id: number; name: string }>;
  const names = ['泽州县演示铸造有限公司', '泽州县演示装备制造有限公司', '泽州县演示耐材有限公司', '泽州县演示机械有限公司'];
  for (let i = ents.length; i < 4; i++) {
    const e = createEnterprise(ctx, {
      uscc: withCheckChar(`91${region}MA0D${String(7000 + i).padStart(5, '0')}`), name: names[i]!, region_code: region, scale: 'above', industry_code: '3391',
    });
    ents = [...ents, { id: e.id, name: e.name }];
  }
  let seq = 900;
  const person = (i: number) => {
    const birth = `${1980 + (i * 7) % 22}-${String(1 + (i * 5) % 12).padStart(2, '0')}-${String(1 + (i * 11) % 28).padStart(2, '0')}`;
    return { name: SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 3) % GIVEN.length]!, id_no: syntheticIdNo(region, birth, seq++) };
  };

  const inst1 = svc.createInstitution(ctx, {
    name: '泽州县演示职业技能培训学校', uscc: withCheckChar(`52${region}MA0D80001`), qualification: '民办职业培训学校办学许可证（演示）',
    contact_name: '李老师', contact_phone: '0356-0000001',
  });
  const inst2 = svc.createInstitution(ctx, {
    name: '晋城演示技师学院', uscc: withCheckChar(`12${region}MA0D80002`), qualification: '技工院校（演示）', contact_name: '王老师', contact_phone: '0356-0000002',
  });
  const year = Number(today.slice(0, 4));
  const rule = svc.createRuleSet(ctx, {
    code: `${year}-演示-学徒`, name: '演示：学徒制补贴标准（金额参照福建/武汉示例，非本县正式标准）', region_code: region, year,
    plan_type: 'apprentice', max_advance_percent: 50, shortage_bonus_percent: 30, shortage_min_level: 'L3', claim_window_months: 12,
    require_social_insurance: true, note: '演示数据，正式使用前请管理员按本地文件维护补贴标准',
    bands: [
      { level_from: 'L4', level_to: 'L4', label: '中级', certified: 5000, completed: 4000 },
      { level_from: 'L3', level_to: 'L3', label: '高级', certified: '6000', completed: '4000' },
    ],
    shortage_occupations: [{ code: '6-18-02-04', name: '焊工' }],
  });
  const skillsRule = ctx.db.prepare(`SELECT id FROM subsidy_rule_set WHERE code = '示例-厦门-技能提升' AND status = 'active'`).pluck().get() as number;

  let trainees = 0;
  let certificates = 0;
  const roster = (planId: number, people: Array<{ name: string; id_no: string }>, start: string) =>
    people.map((p) => {
      trainees++;
      return svc.addTrainee(ctx, {
        plan_id: planId, ...p, phone: '13900000000', contract_start: start, contract_end: addMonths(start, 24),
        social_insurance_verified: true, social_insurance_date: start, sessions_attended: 40, hours_attended: 160,
      });
    });
  const step = (plan_id: number, to: string, date: string, doc: string) => svc.transitionPlan(ctx, { plan_id, to, date, doc_no: doc });

  // A: last year's apprenticeship, finished and settled; one trainee without certificate, one not completed.
  const aStart = m(-13);
  const a = svc.createPlan(ctx, {
    enterprise_id: ents[0]!.id, institution_id: inst1.id, plan_type: 'apprentice', occupation_code: '6-18-02-04', occupation_name: '焊工',
    target_level: 'L4', planned_count: 8, start_date: aStart, end_date: m(-1), rule_set_id: rule.id, declared_date: m(-14), doc_no: '泽工信培申〔演示〕1号',
  });
  const aPeople = Array.from({ length: 8 }, (_, i) => person(i));
  const aTrainees = roster(a.id, aPeople, aStart);
  step(a.id, 'filed', m(-14), '泽人社备〔演示〕1号');
  step(a.id, 'opened', aStart, '泽工信开〔演示〕1号');
  step(a.id, 'advanced', m(-12), '泽财预〔演示〕1号');
  aTrainees.forEach((t, i) => {
    if (i < 6) {
      svc.recordCertificate(ctx, { trainee_id: t.id, level: 'L4', cert_no: `DEMO-${year - 1}-HG-${String(i + 1).padStart(4, '0')}`, issuer: '晋城演示职业技能等级认定中心', issue_date: m(-2) });
      certificates++;
    } else {
      svc.updateTrainee(ctx, { id: t.id, outcome: i === 6 ? 'completed' : 'not_completed', outcome_date: m(-1) });
    }
  });
  step(a.id, 'completed', m(-1), '泽工信结〔演示〕1号');
  step(a.id, 'settled', today, '泽财清〔演示〕1号');

  // B: this year's apprenticeship, running, advance paid for the places filled.
  const bStart = m(-2);
  const b = svc.createPlan(ctx, {
    enterprise_id: ents[1]!.id, institution_id: inst2.id, plan_type: 'apprentice', occupation_code: '6-18-01-01', occupation_name: '铸造工',
    target_level: 'L3', planned_count: 10, start_date: bStart, end_date: m(10), rule_set_id: rule.id, declared_date: m(-3), doc_no: '泽工信培申〔演示〕2号',
  });
  roster(b.id, Array.from({ length: 6 }, (_, i) => person(20 + i)), bStart);
  step(b.id, 'filed', m(-3), '泽人社备〔演示〕2号');
  step(b.id, 'opened', bStart, '泽工信开〔演示〕2号');
  step(b.id, 'advanced', m(-1), '泽财预〔演示〕2号');

  // C: certificate-based 技能提升 under a sample rule; one trainee from plan A claims 焊工 四级 again (flagged).
  const cStart = m(-4);
  const c = svc.createPlan(ctx, {
    enterprise_id: ents[2]!.id, institution_id: inst1.id, plan_type: 'skills', occupation_code: '6-18-02-04', occupation_name: '焊工',
    target_level: 'L4', planned_count: 5, start_date: cStart, end_date: m(-1), rule_set_id: skillsRule, declared_date: m(-5), doc_no: '泽工信培申〔演示〕3号',
  });
  const cTrainees = roster(c.id, [aPeople[0]!, ...Array.from({ length: 4 }, (_, i) => person(40 + i))], cStart);
  step(c.id, 'filed', m(-5), '泽人社备〔演示〕3号');
  step(c.id, 'opened', cStart, '泽工信开〔演示〕3号');
  cTrainees.forEach((t, i) => {
    svc.recordCertificate(ctx, { trainee_id: t.id, level: 'L4', cert_no: `DEMO-${year}-JN-${String(i + 1).padStart(4, '0')}`, issuer: '晋城演示职业技能等级认定中心', issue_date: m(-1) });
    certificates++;
  });
  step(c.id, 'completed', m(-1), '泽工信结〔演示〕3号');

  // 企业家培训 course with leaders of three enterprises.
  const course = svc.createCourse(ctx, { title: '专业镇企业家能力提升研修班（演示）', organiser: '泽州县工业和信息化局', start_date: m(-1), end_date: m(-1), hours: 16, location: '泽州县' });
  ents.slice(0, 3).forEach((e, i) => svc.addAttendee(ctx, { course_id: course.id, enterprise_id: e.id, person_name: person(60 + i).name, position: '董事长', hours_attended: 16 }));

  return { institutions: 2, plans: 3, trainees, certificates, courses: 1 };
}
