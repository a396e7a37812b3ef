import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  allowedActions,
  checkIndicatorValues,
  checkTransition,
  defaultValidTo,
  STATUS_LABEL,
  TRANSITIONS,
  yoy,
  type IndicatorDef,
  type TownStatus,
  type TransitionAction,
  type TransitionFacts,
} from '../../db/towns/rules.js';

const STATUSES = Object.keys(STATUS_LABEL) as TownStatus[];
const facts = (f: Partial<TransitionFacts> = {}): TransitionFacts => ({
  statusBeforeApply: null,
  currentLevel: 'city',
  lastDate: '2025-01-01',
  today: '2026-03-01',
  ...f,
});
// A level each action accepts from a city-level town (higher for 申报, lower for 降级).
const levelFor: Partial<Record<TransitionAction, 'county' | 'province'>> = { apply: 'province', downgrade: 'county' };

/** The expected lifecycle, written out independently of the table so that a change to either is caught. */
const EXPECTED: Record<TownStatus, Partial<Record<TransitionAction, TownStatus>>> = {
  cultivating: { apply: 'applied' },
  applied: { review: 'reviewing', reject: 'cultivating' },
  reviewing: { publicize: 'publicizing', reject: 'cultivating' },
  publicizing: { designate: 'designated', reject: 'cultivating' },
  designated: { apply: 'applied', annual_pass: 'designated', warn: 'warned', start_rereview: 'rereview', downgrade: 'downgraded', revoke: 'revoked' },
  rereview: { warn: 'warned', renew: 'designated', downgrade: 'downgraded', revoke: 'revoked' },
  warned: { annual_pass: 'designated', start_rereview: 'rereview', downgrade: 'downgraded', revoke: 'revoked' },
  downgraded: { apply: 'applied', annual_pass: 'designated', warn: 'warned', start_rereview: 'rereview', revoke: 'revoked' },
  revoked: {},
};

describe('lifecycle state machine (every transition, allowed and refused)', () => {
  const cases = STATUSES.flatMap((from) => ACTIONS.map((action) => [from, action] as const));
  it.each(cases)('%s --%s-->', (from, action) => {
    const r = checkTransition(from, { action, date: '2026-02-01', level: levelFor[action] ?? null }, facts());
    const expected = EXPECTED[from][action];
    if (expected) {
      expect(r).toEqual({ ok: true, to: expected });
    } else {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.field).toBe('action');
      expect(r.message).toContain(`当前状态「${STATUS_LABEL[from]}」不能执行「${TRANSITIONS[action].label}」`);
      const allowed = Object.keys(EXPECTED[from]) as TransitionAction[];
      if (allowed.length) for (const a of allowed) expect(r.message).toContain(`「${TRANSITIONS[a].label}」`);
      else expect(r.message).toContain('终止状态');
    }
  });

  it('allowedActions matches the expected table', () => {
    for (const s of STATUSES) expect(allowedActions(s).sort()).toEqual(Object.keys(EXPECTED[s]).sort());
  });

  it('a rejected application resumes the status the town had when it applied', () => {
    expect(checkTransition('reviewing', { action: 'reject', date: '2026-02-01' }, facts({ statusBeforeApply: 'designated' }))).toEqual({ ok: true, to: 'designated' });
    expect(checkTransition('applied', { action: 'reject', date: '2026-02-01' }, facts({ statusBeforeApply: 'downgraded' }))).toEqual({ ok: true, to: 'downgraded' });
  });

  it('refuses future dates and dates before the last step', () => {
    const f = checkTransition('cultivating', { action: 'apply', date: '2026-03-02', level: 'county' }, facts({ currentLevel: null }));
    expect(f).toMatchObject({ ok: false, field: 'date' });
    const b = checkTransition('cultivating', { action: 'apply', date: '2024-12-31', level: 'county' }, facts({ currentLevel: null }));
    expect(b).toMatchObject({ ok: false, field: 'date', message: expect.stringContaining('2025-01-01') });
  });

  it('申报 needs a level above the current one; 降级 needs a lower one and is impossible from 县级', () => {
    expect(checkTransition('cultivating', { action: 'apply', date: '2026-01-01' }, facts({ currentLevel: null }))).toMatchObject({ ok: false, field: 'level' });
    expect(checkTransition('designated', { action: 'apply', date: '2026-01-01', level: 'city' }, facts())).toMatchObject({ ok: false, field: 'level', message: expect.stringContaining('应高于市级') });
    expect(checkTransition('designated', { action: 'downgrade', date: '2026-01-01', level: 'province' }, facts())).toMatchObject({ ok: false, field: 'level' });
    expect(checkTransition('designated', { action: 'downgrade', date: '2026-01-01', level: 'county' }, facts({ currentLevel: 'county' }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('撤销'),
    });
  });

  it('default validity: three years end the day before the anniversary', () => {
    expect(defaultValidTo('2023-01-01', 3)).toBe('2025-12-31');
    expect(defaultValidTo('2024-02-29', 3)).toBe('2027-02-28');
  });
});

describe('indicator checks', () => {
  const defs: IndicatorDef[] = [
    { code: 'enterprises_total', name: '企业总数', unit: '户', kind: 'count' },
    { code: 'output_wan', name: '主导产业产值', unit: '万元', kind: 'wan' },
    { code: 'leading_share', name: '主导产业占比', unit: '%', kind: 'percent' },
    { code: 'market_share', name: '市场占有率', unit: '', kind: 'text' },
  ];
  it('refuses negative, non-numeric, fractional counts and shares over 100, naming the field', () => {
    const issues = checkIndicatorValues({ enterprises_total: 12.5, output_wan: -3, leading_share: 120, market_share: '30%' }, defs, null, 1000);
    expect(issues.map((i) => [i.label, i.message])).toEqual([
      ['企业总数', '应为整数（12.5）'],
      ['主导产业产值', '不能为负数（-3）'],
      ['主导产业占比', '占比应在 0–100 之间（120）'],
    ]);
    expect(checkIndicatorValues({ output_wan: '七十亿' }, defs, null, 1000)[0]).toMatchObject({ field: 'output_wan', message: '「七十亿」不是数字' });
  });
  it('flags a 万元 figure about 10,000 times last year as filled in 元', () => {
    const prev = { output_wan: 700000 };
    const [i] = checkIndicatorValues({ output_wan: 7_100_000_000 }, defs, prev, 1000);
    expect(i!.field).toBe('output_wan');
    expect(i!.message).toContain('疑似按“元”填报');
    expect(checkIndicatorValues({ output_wan: 770000 }, defs, prev, 1000)).toEqual([]);
    expect(checkIndicatorValues({ output_wan: 7_100_000_000 }, defs, null, 1000)).toEqual([]);
  });
  it('同比 is null without a base year, never a made-up 0', () => {
    expect(yoy(110, 100)).toBe(10);
    expect(yoy(90, 120)).toBe(-25);
    expect(yoy(90, null)).toBeNull();
    expect(yoy(90, 0)).toBeNull();
  });
});
