// Issue 4's "bad input" list at the service level: each refused with a message naming the field, nothing half-saved.
import { describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { testLedger, ADMIN, REVIEWER } from '../helpers.js';
import { AppError } from '../../db/result.js';
import * as towns from '../../db/towns/service.js';
import * as ind from '../../db/towns/indicators.js';
import * as ev from '../../db/towns/evaluation.js';

function refused(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const TABLES = ['town', 'town_year', 'town_transition', 'town_designation', 'town_rule_set', 'town_event', 'town_assessment', 'audit_log'];
const counts = (db: Database) => Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]));

function setup() {
  const l = testLedger();
  const t = towns.createTown(l.ctx(), { name: '泽州铸造', county_code: '140525', category: 'manufacturing', leading_industry: '铸造', industry_codes: ['3391'] });
  ind.saveIndicators(l.ctx(), { town_id: t.id, year: 2022, values: { output_wan: 700000, revenue_wan: 800000, employees: 9000 } });
  return { ...l, t, snapshot: counts(l.db) };
}

describe('bad input is refused naming the field, and nothing is half-saved', () => {
  it('indicators: negative, non-numeric, 元 for 万元, future year', () => {
    const { ctx, db, t, snapshot } = setup();
    const save = (values: Record<string, unknown>, year = 2023) => refused(() => ind.saveIndicators(ctx(), { town_id: t.id, year, values } as never));
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ employees: -1 }, 'employees', '「从业人员」不能为负数（-1）'],
      [{ output_wan: -0.5, employees: 9100 }, 'output_wan', '「主导产业产值」不能为负数（-0.5）'],
      [{ output_wan: '七十亿' }, 'output_wan', '「主导产业产值」「七十亿」不是数字'],
      [{ output_wan: '1,000' }, 'output_wan', '「主导产业产值」「1,000」不是数字'],
      [{ output_wan: true }, 'values.output_wan', '「主导产业产值」「true」不是数字'],
      [{ output_wan: Number.NaN }, 'values.output_wan', '「主导产业产值」「NaN」不是数字'],
      [{ employees: 9000.5 }, 'employees', '「从业人员」应为整数（9000.5）'],
      [{ sme_output_share: 180 }, 'sme_output_share', '「中小企业产值占比」占比应在 0–100 之间（180）'],
    ];
    for (const [values, field, message] of cases) {
      const e = save(values);
      expect(e.message).toBe(message);
      expect((e.details as Array<{ field: string }>)[0]!.field).toBe(field);
    }
    // 元 where 万元 is expected: 10,000 × last year, named, with the valid figures of the same form not saved either
    const unit = save({ employees: 9200, revenue_wan: 8_000_000_000 });
    expect(unit.message).toBe('「营业收入」8000000000 约为上年 800000 的 10,000 倍，疑似按“元”填报（应为“万元”）');
    expect(save({ output_wan: 7_000_000_000, revenue_wan: 8_000_000_000 }).message).toContain('（另有 1 处问题）');
    // a year in the future, a year that is not a year
    expect(save({ output_wan: 1 }, 2027).message).toBe('「年度」2027 年尚未到来');
    expect(refused(() => ind.saveIndicators(ctx(), { town_id: t.id, year: '2023', values: {} } as never)).message).toBe('「年度」应为年份');
    expect(refused(() => ind.saveIndicators(ctx(), { town_id: t.id, year: 2023, values: null } as never)).message).toContain('「指标」');
    expect(counts(db)).toEqual(snapshot);
    expect(ind.indicatorTable(ctx(), { town_id: t.id }).years.map((y) => y.year)).toEqual([2022]);
  });

  it('lifecycle: 公示 end before its start, valid_to before valid_from', () => {
    const { ctx, db, t } = setup();
    towns.transition(ctx(), { town_id: t.id, action: 'apply', date: '2025-01-01', level: 'county', reason: '申报' });
    towns.transition(ctx(), { town_id: t.id, action: 'review', date: '2025-02-01', reason: '评审' });
    const before = counts(db);
    const pub = refused(() => towns.transition(ctx(REVIEWER), {
      town_id: t.id, action: 'publicize', date: '2025-03-01', publicity_start: '2025-03-07', publicity_end: '2025-03-01', reason: '公示',
    }));
    expect(pub.message).toBe('「公示结束日期」不能早于公示开始日期');
    expect((pub.details as Array<{ field: string }>)[0]!.field).toBe('publicity_end');
    expect(counts(db)).toEqual(before);
    expect(towns.getTown(ctx(), t.id).town.status).toBe('reviewing');

    towns.transition(ctx(REVIEWER), { town_id: t.id, action: 'publicize', date: '2025-03-01', publicity_start: '2025-03-01', publicity_end: '2025-03-07', reason: '公示' });
    const afterPub = counts(db);
    const valid = refused(() => towns.transition(ctx(REVIEWER), {
      town_id: t.id, action: 'designate', date: '2025-03-20', doc_no: '泽工信发〔2025〕3号', reason: '认定',
      designation: { bodies: ['泽州县工业和信息化局'], valid_from: '2025-04-01', valid_to: '2025-03-31' },
    }));
    expect(valid.message).toBe('「认定信息」有效期止不能早于有效期起');
    expect((valid.details as Array<{ field: string }>)[0]!.field).toBe('designation.valid_to');
    expect(counts(db)).toEqual(afterPub);
    const d = towns.getTown(ctx(), t.id);
    expect(d.town.status).toBe('publicizing');
    expect(d.designations).toEqual([]);
  });

  it('rule sets: an unknown indicator or a malformed criterion', () => {
    const { ctx, db, snapshot } = setup();
    const base = ev.listRuleSets(ctx())[0]!;
    const c0 = base.definition.criteria[0]!;
    const save = (definition: unknown) => refused(() => ev.saveRuleSet(ctx(ADMIN), { code: 'my-rules', name: '自定规则', purpose: 'annual', effective_from: '2026-01-01', definition }));
    const withCriteria = (...criteria: unknown[]) => ({ ...base.definition, criteria });
    const cases: Array<[unknown, string, string]> = [
      [withCriteria({ ...c0, indicator: 'profit' }), 'criteria.0.indicator', '的「指标」未知指标「profit」'],
      [withCriteria(c0, { id: 't', label: '梯度', kind: 'tier', weight: 5, alternatives: [{ label: 'a', indicators: ['no_such'], min: 1 }] }),
        'criteria.1.alternatives.0.indicators.0', '第 2 条标准「梯度」的第 1 个备选条件的「指标」未知指标「no_such」'],
      [withCriteria({ ...c0, indicator: 'market_share' }), 'criteria.0.indicator', '「市场占有率」是文字指标，不能比较大小'],
      [withCriteria({ ...c0, kind: 'magic' }), 'criteria.0.kind', '的「类型」标准类型应为'],
      [withCriteria({ ...c0, op: '=' }), 'criteria.0.op', '的「比较符」比较符应为 >=、>、<= 或 <'],
      [withCriteria({ ...c0, value: '40亿' }), 'criteria.0.value', '的「数值」应为数字'],
      [withCriteria({ ...c0, weight: -1 }), 'criteria.0.weight', '的「权重」不能为负数'],
      [withCriteria({ ...c0, label: undefined }), 'criteria.0.label', '第 1 条标准的「名称」必填'],
      [withCriteria(c0, { ...c0, id: c0.id }), 'criteria.1.id', `编号「${c0.id}」重复`],
      [withCriteria(c0, { id: 'v', label: '否决', kind: 'veto', years: 3 }), 'criteria.1.events', '第 2 条标准「否决」的「事件类型」应为事件类型的列表'],
      [withCriteria(c0, { id: 'v', label: '否决', kind: 'veto', events: ['fire'], years: 3 }), 'criteria.1.events.0', '的「事件类型」未知的事件类型'],
      [withCriteria(c0, { id: 'g', label: '增速', kind: 'growth', indicator: 'output_wan', op: '>=', value: 10, years: 1, weight: 5 }), 'criteria.1.years', '增速至少需要 2 年'],
      [{ ...base.definition, grades: [{ name: '合格', min: 60 }] }, 'grades.0.min', '最低等级的下限应为 0'],
      [{ criteria: [c0] }, 'grades', '「等级」应为列表'],
      [null, '', '「规则」应为包含 criteria（标准）与 grades（等级）的对象'],
    ];
    for (const [definition, field, message] of cases) {
      const e = save(definition);
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toContain(message);
      expect((e.details as Array<{ field: string }>)[0]!.field).toBe(field);
    }
    expect(counts(db)).toEqual(snapshot);
  });
});
