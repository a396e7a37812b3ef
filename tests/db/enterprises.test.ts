import { describe, expect, it } from 'vitest';
import { testLedger, CLERK, REVIEWER } from '../helpers.js';
import * as svc from '../../db/enterprises/service.js';
import { AppError } from '../../db/result.js';
import { verifyAudit } from '../../db/audit/audit.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';

const good = (n: number) => withCheckChar(`91140525MA0${String(n).padStart(6, '0')}`);
const base = (uscc: string, name = '泽州县金鼎铸造有限公司') => ({
  uscc, name, region_code: '140525', scale: 'above' as const, industry_code: '3391',
});

function err(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('enterprise registry', () => {
  it('creates with pinyin keys and audits the write', () => {
    const { ctx, db } = testLedger();
    const e = svc.createEnterprise(ctx(CLERK), base(good(1)));
    expect(e.name_initials).toBe('zzxjdzzyxgs');
    expect(e.created_by).toBe('luru');
    const detail = svc.getEnterprise(ctx(), e.id);
    expect(detail.enterprise.region_name).toBe('泽州县');
    expect(detail.enterprise.industry_name).toBe('黑色金属铸造');
    expect(detail.history.map((h) => h.action)).toEqual(['enterprise.create']);
    expect(() => svc.createEnterprise(ctx(CLERK), base(good(1)))).toThrow(/已登记为/);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('refuses a wrong check character naming the expected one; a clerk cannot override, a reviewer can with a reason', () => {
    const { ctx, db } = testLedger();
    const code = good(2);
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const e1 = err(() => svc.createEnterprise(ctx(CLERK), base(wrong)));
    expect(e1.code).toBe('VALIDATION');
    expect(e1.message).toContain(`应为「${code[17]}」`);
    const e2 = err(() => svc.createEnterprise(ctx(CLERK), { ...base(wrong), override_reason: '营业执照原件如此' }));
    expect(e2.message).toContain('只有审核人或管理员');
    const ok = svc.createEnterprise(ctx(REVIEWER), { ...base(wrong), override_reason: '营业执照原件如此' });
    expect(ok.uscc_override_reason).toBe('营业执照原件如此');
    const actions = db.prepare('SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 2').all();
    expect(actions).toEqual([
      { action: 'enterprise.uscc_override', actor: 'shenhe' },
      { action: 'enterprise.create', actor: 'shenhe' },
    ]);
  });

  it('refuses duplicates, unknown and out-of-area regions, unknown industry codes', () => {
    const { ctx } = testLedger();
    svc.createEnterprise(ctx(), base(good(3)));
    expect(err(() => svc.createEnterprise(ctx(), base(good(3)))).code).toBe('DUPLICATE');
    expect(err(() => svc.createEnterprise(ctx(), { ...base(good(4)), region_code: '140599' })).message).toContain('不存在');
    expect(err(() => svc.createEnterprise(ctx(), { ...base(good(4)), region_code: '140521' })).message).toContain('不在本单位辖区');
    expect(err(() => svc.createEnterprise(ctx(), { ...base(good(4)), industry_code: '9999' })).message).toContain('GB/T 4754');
    expect(err(() => svc.createEnterprise(ctx(), { ...base(good(4)), name: '  ' })).message).toContain('企业名称');
  });

  it('lists with filters, sorting and search by fragment, code and pinyin initials', () => {
    const { ctx } = testLedger();
    svc.createEnterprise(ctx(), base(good(10), '泽州铸造厂'));
    svc.createEnterprise(ctx(), { ...base(good(11), '晋城市巴公装备制造有限公司'), scale: 'below', industry_code: '3441' });
    svc.createEnterprise(ctx(), base(good(12), '山西兰花煤化工'));
    const list = (q: object) => svc.listEnterprises(ctx(), q);
    expect(list({ q: 'zzzz' }).rows.map((r) => r.name)).toEqual(['泽州铸造厂']);
    expect(list({ q: 'ZZZZ' }).total).toBe(1);
    expect(list({ q: '巴公' }).rows[0]!.name).toBe('晋城市巴公装备制造有限公司');
    expect(list({ q: good(12).slice(11, 17) }).rows.map((r) => r.name)).toEqual(['山西兰花煤化工']);
    expect(list({ q: good(12).toLowerCase() }).total).toBe(1);
    expect(list({ scale: 'below' }).total).toBe(1);
    expect(list({ industry_code: '33' }).total).toBe(2);
    expect(list({ sort: 'name', order: 'asc' }).rows.map((r) => r.name)).toEqual(['晋城市巴公装备制造有限公司', '山西兰花煤化工', '泽州铸造厂']);
    expect(list({ pageSize: 2, page: 2 }).rows).toHaveLength(1);
  });

  it('deactivates instead of deleting, and tiers filter by validity', () => {
    const { ctx, clock } = testLedger();
    const e = svc.createEnterprise(ctx(), base(good(20)));
    svc.addTier(ctx(), { enterprise_id: e.id, tier_code: 'little_giant', level: 'national', valid_from: '2024-07-01', valid_to: '2027-06-30', doc_no: '工信部企业函〔2024〕1号' });
    expect(svc.listEnterprises(ctx(), { tier_code: 'little_giant' }).total).toBe(1);
    clock.set('2027-07-01T00:00:00Z');
    expect(svc.listEnterprises(ctx(), { tier_code: 'little_giant' }).total).toBe(0);
    svc.setEnterpriseStatus(ctx(), { id: e.id, status: 'inactive', reason: '注销' });
    expect(svc.listEnterprises(ctx(), {}).total).toBe(0);
    expect(svc.listEnterprises(ctx(), { status: 'all' }).total).toBe(1);
    // The search index follows the status change: an inactive enterprise is found only when asked for.
    expect(svc.listEnterprises(ctx(), { q: '金鼎' }).total).toBe(0);
    expect(svc.listEnterprises(ctx(), { q: '金鼎', status: 'inactive' }).rows.map((r) => r.id)).toEqual([e.id]);
    expect(svc.listEnterprises(ctx(), { q: 'jd', status: 'all' }).total).toBe(1);
    const bad = err(() => svc.addTier(ctx(), { enterprise_id: e.id, tier_code: 'zjtx_sme', level: 'provincial', valid_from: '2025-01-01', valid_to: '2024-01-01' }));
    expect(bad.message).toContain('有效期止');
  });
});
