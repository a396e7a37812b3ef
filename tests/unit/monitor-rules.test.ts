// Pure rules of 运行监测: periods, the report workflow and cell parsing, each against a table written by hand.
import { describe, expect, it } from 'vitest';
import {
  allowedActions, dueDate, laterInYear, parseCell, parsePeriod, periodEnded, periodLabel, periodMonths, periodText, prevPeriod,
  type IndicatorDef, type Period, type PeriodType, type ReportAction, type ReportStatus,
} from '../../db/monitor/rules.js';
import type { Role } from '../../db/context.js';

describe('periods', () => {
  const CASES: Array<[PeriodType, string, string, string, string, string, [string, string]]> = [
    // type, text, label, previous, due (day 8), ended by 2026-03-01?, months
    ['month', '2026-02', '2026年2月', '2026-01', '2026-03-08', 'yes', ['2026-02', '2026-02']],
    ['month', '2026-01', '2026年1月', '2025-12', '2026-02-08', 'yes', ['2026-01', '2026-01']],
    ['month', '2025-12', '2025年12月', '2025-11', '2026-01-08', 'yes', ['2025-12', '2025-12']],
    ['month', '2026-03', '2026年3月', '2026-02', '2026-04-08', 'no', ['2026-03', '2026-03']],
    ['quarter', '2026-Q1', '2026年第一季度', '2025-Q4', '2026-04-08', 'no', ['2026-01', '2026-03']],
    ['quarter', '2025-Q4', '2025年第四季度', '2025-Q3', '2026-01-08', 'yes', ['2025-10', '2025-12']],
    ['half', '2025-H2', '2025年下半年', '2025-H1', '2026-01-08', 'yes', ['2025-07', '2025-12']],
    ['half', '2026-H1', '2026年上半年', '2025-H2', '2026-07-08', 'no', ['2026-01', '2026-06']],
    ['year', '2025', '2025年', '2024', '2026-01-08', 'yes', ['2025-01', '2025-12']],
  ];
  it.each(CASES)('%s %s', (type, text, label, prev, due, ended, months) => {
    const p = parsePeriod(type, text) as Period;
    expect(periodText(p)).toBe(text);
    expect(periodLabel(p)).toBe(label);
    expect(periodText(prevPeriod(p))).toBe(prev);
    expect(dueDate(p, 8)).toBe(due);
    expect(periodEnded(p, '2026-03-01')).toBe(ended === 'yes');
    expect(periodMonths(p)).toEqual(months);
  });

  it('refuses periods of the wrong shape or out of range, naming the expected shape', () => {
    expect(parsePeriod('month', '2026-13')).toMatch(/月份不存在/);
    expect(parsePeriod('month', '2026-00')).toMatch(/月份不存在/);
    expect(parsePeriod('month', '2026-2')).toMatch(/月报应为 YYYY-MM/);
    expect(parsePeriod('quarter', '2026-Q5')).toMatch(/季报应为 YYYY-Qn/);
    expect(parsePeriod('month', '2026-Q1')).toMatch(/格式不对/);
    expect(parsePeriod('year', '1999')).toMatch(/2000–2100/);
  });

  it('lists the later periods of the same year', () => {
    expect(laterInYear(parsePeriod('month', '2026-10') as Period).map(periodText)).toEqual(['2026-11', '2026-12']);
    expect(laterInYear(parsePeriod('quarter', '2026-Q4') as Period)).toEqual([]);
  });
});

describe('report workflow', () => {
  // Written from the flow 填报 → 审核 → 上报 → 接收/退回: the filling office edits, reviews and submits its own
  // report; the office above receives or returns a lower office's. Reviewers and administrators act alike.
  const OWN: Record<ReportStatus, Record<Role, ReportAction[]>> = {
    draft: { clerk: ['save'], reviewer: ['save', 'review'], admin: ['save', 'review'] },
    returned: { clerk: ['save'], reviewer: ['save', 'review'], admin: ['save', 'review'] },
    reviewed: { clerk: [], reviewer: ['reopen', 'submit'], admin: ['reopen', 'submit'] },
    submitted: { clerk: [], reviewer: [], admin: [] },
    received: { clerk: [], reviewer: [], admin: [] },
  };
  const LOWER: Record<ReportStatus, Record<Role, ReportAction[]>> = {
    draft: { clerk: [], reviewer: [], admin: [] },
    returned: { clerk: [], reviewer: [], admin: [] },
    reviewed: { clerk: [], reviewer: [], admin: [] },
    submitted: { clerk: [], reviewer: ['receive', 'return'], admin: ['receive', 'return'] },
    received: { clerk: [], reviewer: ['return'], admin: ['return'] },
  };
  const cases = ([true, false] as const).flatMap((own) =>
    (Object.keys(OWN) as ReportStatus[]).flatMap((s) => (['clerk', 'reviewer', 'admin'] as Role[]).map((r) => [own, s, r] as const)),
  );
  it.each(cases)('own=%s %s %s', (own, status, role) => {
    expect(allowedActions(status, own, role).sort()).toEqual([...(own ? OWN : LOWER)[status][role]].sort());
  });
});

describe('cells', () => {
  const WAN: IndicatorDef = { code: 'gyzcz', name: '工业总产值', unit: '万元', type: 'number', decimals: 1, accumulates: true };
  const PEOPLE: IndicatorDef = { code: 'cyry', name: '从业人员', unit: '人', type: 'integer', decimals: 0, accumulates: false };
  const TEXT: IndicatorDef = { code: 'cpmc', name: '主要产品名称', unit: '', type: 'text', decimals: 0, accumulates: false };
  const CASES: Array<[IndicatorDef, unknown, number | null | string, string | null]> = [
    [WAN, 1234.5, 12345, null],
    [WAN, '1,234.5', 12345, null],
    [WAN, '１２３．４', 1234, null],
    [WAN, ' -15 ', -150, null],
    [WAN, 0.1 + 0.2, 3, null],
    [WAN, 12.35, null, '最多 1 位小数（单位：万元）'],
    [WAN, '12.3.4', null, '「12.3.4」不是数字'],
    [WAN, '1e5', null, '「1e5」不是数字'],
    [WAN, 1e13, null, '数值过大'],
    [WAN, Number.NaN, null, '不是有限的数字'],
    [WAN, true, null, '「true」不是数字'],
    [WAN, '', null, null],
    [WAN, null, null, null],
    [WAN, -0, 0, null],
    [PEOPLE, 120, 120, null],
    [PEOPLE, 120.5, null, '应为整数（人）'],
    [TEXT, ' 铸件 ', '铸件', null],
    [TEXT, 'x'.repeat(201), null, '不能超过 200 个字符'],
    [TEXT, { a: 1 }, null, '应为文字'],
  ];
  it.each(CASES)('%o ← %o', (d, raw, stored, message) => {
    const p = parseCell(d, raw);
    if (message) {
      expect(p.ok).toBe(false);
      expect(!p.ok && p.message).toContain(message);
    } else {
      expect(p.ok).toBe(true);
      if (p.ok) expect(d.type === 'text' ? p.text : p.scaled).toBe(stored);
      if (p.ok && stored !== null) expect(Object.is(p.scaled, -0)).toBe(false);
    }
  });
});
