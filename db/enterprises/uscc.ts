// 统一社会信用代码 (unified social credit code), GB 32100-2015.
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Full-width letters/digits, lower case and stray spaces are what people paste from Word and WPS. */
export function normalizeCode(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u00a0\u200b]/g, '')
    .toUpperCase();
}

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`invalid character ${first17[i]}`);
    sum += v * WEIGHTS[i]!;
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

export type UsccCheck =
  | { ok: true; code: string }
  | { ok: false; code: string; reason: 'length' | 'charset' | 'region' | 'check'; message: string; expected?: string };

export function checkUscc(raw: string): UsccCheck {
  const code = normalizeCode(raw);
  if (code.length !== 18) {
    return { ok: false, code, reason: 'length', message: `统一社会信用代码应为 18 位，当前为 ${code.length} 位` };
  }
  const bad = [...code].findIndex((c) => !USCC_CHARSET.includes(c));
  if (bad >= 0) {
    return {
      ok: false,
      code,
      reason: 'charset',
      message: `统一社会信用代码第 ${bad + 1} 位「${code[bad]}」不是允许的字符（不含 I、O、Z、S、V）`,
    };
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { ok: false, code, reason: 'region', message: '统一社会信用代码第 3–8 位应为 6 位数字的行政区划码' };
  }
  const expected = usccCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    return {
      ok: false,
      code,
      reason: 'check',
      expected,
      message: `统一社会信用代码校验位错误：第 18 位应为「${expected}」，填写的是「${code[17]}」`,
    };
  }
  return { ok: true, code };
}

/** Completes a 17-character body with its check character (demo data and tests). */
export function withCheckChar(first17: string): string {
  return first17 + usccCheckChar(first17);
}
