import { describe, expect, it } from 'vitest';
import { checkUscc, normalizeCode, usccCheckChar, withCheckChar } from '../../db/enterprises/uscc.js';

describe('统一社会信用代码 check character (GB 32100-2015)', () => {
  // Vectors from shared/domain.md §4.1, each recomputed there by hand.
  const valid = [
    '91350100M000100Y43',
    '91350200776049653A',
    '91350500798359476R',
    '9135021359498494XQ',
    '91440101MA5CJQ4N59',
    '123502001549897397',
    '91141124MA0K12348D',
    '91140100MA0ABCDE6K',
    '92141124MA0K567894',
  ];
  it.each(valid)('accepts %s', (code) => {
    expect(checkUscc(code)).toEqual({ ok: true, code });
  });

  it('computes the worked example digit by digit (sum 1640 → 3)', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('refuses 91350203M0001QAY9B, whitelisted in public code, naming the expected character 9', () => {
    const r = checkUscc('91350203M0001QAY9B');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('check');
    expect(r.expected).toBe('9');
    expect(r.message).toContain('应为「9」');
  });

  it('normalises full-width characters, lower case and stray spaces first', () => {
    expect(normalizeCode(' ９１３５０１００ｍ０００１００ｙ４３ ')).toBe('91350100M000100Y43');
    expect(checkUscc('91350100m000100y43').ok).toBe(true);
    expect(checkUscc('9135 0100M000\u3000100Y43').ok).toBe(true);
  });

  it('names the length, and a forbidden letter with its position', () => {
    const short = checkUscc('9135010');
    expect(short.ok || short.message).toContain('18 位');
    const bad = checkUscc('91350100M000100I43');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('第 16 位「I」');
  });

  it('withCheckChar produces codes that pass', () => {
    for (let i = 0; i < 100; i++) {
      const body = `91140525MA0${String(i * 7919).padStart(6, '0')}`;
      expect(checkUscc(withCheckChar(body)).ok).toBe(true);
    }
  });
});
