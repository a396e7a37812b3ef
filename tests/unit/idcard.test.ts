import { describe, expect, it } from 'vitest';
import { ageOn, checkIdNo, idCheckChar, maskIdNo, normalizeIdNo, syntheticIdNo } from '../../db/idcard/idcard.js';

const TODAY = '2026-03-01';

describe('居民身份证号 (GB 11643)', () => {
  it('accepts the standard example and computes its check character X', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    const r = checkIdNo('11010519491231002X', TODAY);
    expect(r).toMatchObject({ ok: true, idNo: '11010519491231002X', birthDate: '1949-12-31', gender: 'F', convertedFrom15: false });
  });

  it('normalises spaces, full-width digits and a lower-case x', () => {
    expect(normalizeIdNo(' 1101 0519 4912 3100 2x ')).toBe('11010519491231002X');
    expect(normalizeIdNo('１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
    expect(checkIdNo('110105 19491231 002x', TODAY).ok).toBe(true);
  });

  it('refuses a wrong check character naming the expected one', () => {
    const r = checkIdNo('110105194912310021', TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('check');
    expect(r.expected).toBe('X');
    expect(r.message).toContain('第 18 位应为「X」');
  });

  it('refuses impossible and future birth dates', () => {
    const feb30 = syntheticIdNo('140525', '1990-02-28', 1).replace('19900228', '19900230');
    const fixed = feb30.slice(0, 17) + idCheckChar(feb30.slice(0, 17));
    const r = checkIdNo(fixed, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('19900230');
    const future = syntheticIdNo('140525', '2027-01-01', 1);
    expect(checkIdNo(future, TODAY)).toMatchObject({ ok: false, reason: 'birth' });
    expect(checkIdNo(syntheticIdNo('140525', '2000-02-29', 5), TODAY).ok).toBe(true); // leap day is real
  });

  it('refuses wrong lengths, letters and unknown province prefixes', () => {
    expect(checkIdNo('1101051949123100', TODAY)).toMatchObject({ ok: false, reason: 'length' });
    expect(checkIdNo('1101051949123100AX', TODAY)).toMatchObject({ ok: false, reason: 'charset' });
    const body = '99010519491231002';
    expect(checkIdNo(body + idCheckChar(body), TODAY)).toMatchObject({ ok: false, reason: 'region' });
  });

  it('CONVERTS a 15-digit legacy number to 18 digits (19xx birth year, computed check character)', () => {
    const r = checkIdNo('110105491231002', TODAY);
    expect(r).toMatchObject({ ok: true, idNo: '11010519491231002X', convertedFrom15: true, birthDate: '1949-12-31' });
    expect(checkIdNo('110105491331002', TODAY)).toMatchObject({ ok: false, reason: 'birth' });
  });

  it('masks as 1401**********1234 and generates valid synthetic numbers', () => {
    const id = syntheticIdNo('140525', '1995-06-15', 917);
    expect(checkIdNo(id, TODAY).ok).toBe(true);
    expect(maskIdNo(id)).toBe(`1405**********${id.slice(-4)}`);
    expect(maskIdNo(id)).toHaveLength(18);
  });

  it('computes whole years of age', () => {
    expect(ageOn('2010-03-02', '2026-03-01')).toBe(15);
    expect(ageOn('2010-03-01', '2026-03-01')).toBe(16);
  });
});
