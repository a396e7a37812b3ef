// Report periods: 2026 (年报), 2026-H1 / 2026-H2 (半年报), 2026-03 (月报), 2026-T01 (专项, ad hoc).
import { z } from 'zod';

export type PeriodKind = 'year' | 'half' | 'month' | 'adhoc';
export const PERIOD_RE = /^(\d{4})(?:-(0[1-9]|1[0-2])|-H([12])|-T(\d{2}))?$/;
export const periodSchema = z.string().trim().regex(PERIOD_RE, '报送期应为 2026、2026-H1、2026-03 或 2026-T01（专项）');

export function periodInfo(p: string): { kind: PeriodKind; year: number; label: string; due: string | null } {
  const m = PERIOD_RE.exec(p);
  if (!m) throw new Error(`bad period ${p}`);
  const year = Number(m[1]);
  if (m[2]) {
    const month = Number(m[2]);
    const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
    // 工业经济运行月报: due by the 8th of the next month (domain.md §6).
    return { kind: 'month', year, label: `${year}年${month}月 月报`, due: `${next}-08` };
  }
  if (m[3]) return { kind: 'half', year, label: `${year}年${m[3] === '1' ? '上' : '下'}半年 半年报`, due: m[3] === '1' ? `${year}-07-31` : `${year + 1}-01-31` };
  if (m[4]) return { kind: 'adhoc', year, label: `${year}年 专项报送 ${m[4]}`, due: null };
  // Annual: 上一年度发展情况 goes up by 4月30日 (domain.md §1.4).
  return { kind: 'year', year, label: `${year}年 年报`, due: `${year + 1}-04-30` };
}
