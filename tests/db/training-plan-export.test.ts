import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testLedger } from '../helpers.js';
import { createEnterprise } from '../../db/enterprises/service.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import * as svc from '../../db/training/service.js';
import { exportPlans } from '../../db/training/excel.js';

describe('plan list export (培训计划 导出 Excel)', () => {
  it('writes every plan the filters select, across pages, with labels not codes', async () => {
    const L = testLedger();
    const c = L.ctx();
    const a = createEnterprise(c, { uscc: withCheckChar('91140525MA0T00011'), name: '泽州县金鼎铸造有限公司', region_code: '140525', scale: 'above' });
    const b = createEnterprise(c, { uscc: withCheckChar('91140525MA0T00012'), name: '泽州县巴公装备制造有限公司', region_code: '140525', scale: 'below' });
    const inst = svc.createInstitution(c, { name: '泽州县职业技能培训学校', uscc: withCheckChar('52140525MA0T00013') });
    const rule = svc.listRuleSets(c, { plan_type: 'apprentice' }).find((r) => r.code === '示例-福建-学徒')!;
    const plan = (enterprise_id: number, n: number) =>
      svc.createPlan(c, {
        enterprise_id, institution_id: inst.id, plan_type: 'apprentice', occupation_code: '6-18-01-01', occupation_name: '铸造工', target_level: 'L4',
        planned_count: 5, start_date: '2026-01-05', end_date: '2026-12-31', rule_set_id: rule.id, declared_date: '2026-01-02', doc_no: `申〔2026〕${n}号`,
      });
    for (let i = 0; i < 502; i++) plan(a.id, i);
    plan(b.id, 999);

    const all = await exportPlans(c, {});
    expect(all.count).toBe(503);
    const one = await exportPlans(c, { enterprise_id: b.id });
    expect(one.count).toBe(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(one.bytes as unknown as ArrayBuffer);
    const r = wb.worksheets[0]!.getRow(2);
    expect(String(r.getCell(2).value)).toBe('泽州县巴公装备制造有限公司');
    expect(String(r.getCell(3).value)).toBe('企业新型学徒制');
    expect(String(r.getCell(7).value)).toBe('四级/中级工');
    expect(String(r.getCell(12).value)).toBe('申报');
    expect((await exportPlans(c, { status: 'filed' })).count).toBe(0);
  });
});
