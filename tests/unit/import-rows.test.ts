// The import's hand-written fast path must accept exactly what enterpriseInput accepts, with the same output;
// whatever it does not accept goes through zod, so a difference could only ever let a bad value in silently.
import { describe, expect, it } from 'vitest';
import { acceptedAsIs } from '../../db/enterprises/import-rows.js';
import { enterpriseInput } from '../../db/enterprises/schema.js';
import { pinyinKeys } from '../../db/enterprises/pinyin.js';
import { pinyin } from 'pinyin-pro';

const POOL: Record<string, Array<string | null | undefined>> = {
  uscc: ['', ' ', '91140525MA0K0000X1', 'abc'],
  name: ['', '  ', '泽州县铸造厂', ' 泽州县铸造厂 ', 'x'.repeat(100), 'x'.repeat(101), ` ${'x'.repeat(100)} `, '\u3000甲\u3000'],
  region_code: ['', '140525', ' 140525 ', '14052', '1405255', '14052a', '１４０５２５'],
  scale: [undefined, 'above', 'below', '规上', 'ABOVE', ''],
  township: [null, '', ' ', '巴公镇', ' 巴公镇 ', 'x'.repeat(50), 'x'.repeat(51), ` ${'x'.repeat(49)} `, ` ${'x'.repeat(50)}`],
  address: [null, '', '泽州县巴公镇', 'x'.repeat(200), 'x'.repeat(201)],
  industry_code: [null, '', '3391', ' 3391 ', '33911', '339111'],
  legal_rep: [null, '', '张三', 'x'.repeat(51)],
  contact_name: [null, '', '李四', ' 李四 ', 'x'.repeat(50)],
  contact_phone: [null, '', ' ', '0356-1234567', ' 0356-1234567 ', '1234', '12345', '1'.repeat(20), '1'.repeat(21), '(0356) 123+4', '0356—123', 'abc12345'],
};

function* rng(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (s * 1664525 + 1013904223) >>> 0;
    yield s / 2 ** 32;
  }
}

describe('enterprise import: the rows checked without zod', () => {
  it('accepts only what enterpriseInput accepts, with the identical output', () => {
    const r = rng(7);
    const pick = <T,>(xs: T[]) => xs[Math.floor(r.next().value * xs.length)]!;
    let fast = 0;
    let slowOnly = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw = Object.fromEntries(Object.entries(POOL).map(([k, vs]) => [k, pick(vs)])) as Parameters<typeof acceptedAsIs>[0];
      raw.uscc ??= '';
      const z = enterpriseInput.safeParse(raw);
      const f = acceptedAsIs(raw);
      if (f) {
        fast++;
        expect(z.success, JSON.stringify(raw)).toBe(true);
        expect(JSON.stringify(f)).toBe(JSON.stringify(z.data));
      } else if (z.success) slowOnly++;
    }
    // The fast path really carries ordinary rows: accepted rows the fast path leaves to zod are the rare odd ones.
    expect(fast).toBeGreaterThan(100);
    expect(slowOnly).toBeLessThan(fast / 2);
  });

  it('takes a plain row from a template straight through', () => {
    const raw = {
      uscc: '91140525MA0K0000X1', name: '泽州县铸造厂', region_code: '140525', scale: 'above', township: null, address: '巴公镇',
      industry_code: '3391', legal_rep: '张三', contact_name: null, contact_phone: '13800000000',
    };
    expect(acceptedAsIs(raw)).toEqual(enterpriseInput.parse(raw));
  });
});

describe('pinyin keys', () => {
  it('reads a place-name prefix on its own: 泽州县长城 is cc for 长城, not 县长 + 城', () => {
    expect(pinyinKeys('泽州县长城铸造有限公司')).toEqual({ initials: 'zzxcczzyxgs', full: 'zezhouxianchangchengzhuzaoyouxiangongsi' });
  });

  it('agrees with a whole-name reading for ordinary names, Latin words and digits included', () => {
    for (const name of ['晋城市金石机械铸造有限公司', '山西晋城鑫源铸管有限公司', '泽州县巴公镇同创阀业厂', 'ABC精密铸造股份有限公司', '晋城2号煤矿有限责任公司']) {
      const whole = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive' }) as string[];
      expect(pinyinKeys(name).full, name).toBe(whole.map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, '')).join(''));
    }
    expect(pinyinKeys('ABC精密铸造股份有限公司').initials).toBe('abcjmzzgfyxgs');
    expect(pinyinKeys('晋城2号煤矿有限责任公司').initials).toBe('jc2hmkyxzrgs');
  });
});
