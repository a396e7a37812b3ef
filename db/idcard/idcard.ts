// 居民身份证号 (resident identity number), GB 11643-1999.
//
// 15-digit numbers (first-generation cards, 19xx births, no check character) are CONVERTED to 18 digits rather
// than refused: old paper records still carry them, and the one-subsidy-per-person rule only holds if the same
// person has one number in the ledger whichever form was typed.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
// GB/T 2260 province-level prefixes (incl. 71 台湾, 81 香港, 82 澳门 for 居住证-style numbers).
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

/** What people paste from Word/WPS/Excel: full-width digits, spaces, a lower-case x. */
export function normalizeIdNo(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u00a0\u200b\-]/g, '')
    .toUpperCase();
}

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

function realDate(y: number, m: number, d: number): string | null {
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const t = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === iso ? iso : null;
}

export type IdCheck =
  | { ok: true; idNo: string; birthDate: string; gender: 'M' | 'F'; convertedFrom15: boolean }
  | { ok: false; idNo: string; reason: 'length' | 'charset' | 'region' | 'birth' | 'check'; message: string; expected?: string };

/** `today` bounds the birth date (nobody is born in the future). */
export function checkIdNo(raw: string, today: string): IdCheck {
  let id = normalizeIdNo(raw);
  let converted = false;
  if (id.length === 15) {
    if (!/^\d{15}$/.test(id)) return { ok: false, idNo: id, reason: 'charset', message: '15 位身份证号应全部为数字' };
    id = `${id.slice(0, 6)}19${id.slice(6)}`;
    id += idCheckChar(id);
    converted = true;
  }
  if (id.length !== 18) {
    return { ok: false, idNo: id, reason: 'length', message: `居民身份证号应为 18 位（或旧版 15 位），当前为 ${id.length} 位` };
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, idNo: id, reason: 'charset', message: '居民身份证号前 17 位应为数字，第 18 位为数字或 X' };
  }
  if (!PROVINCES.has(id.slice(0, 2))) {
    return { ok: false, idNo: id, reason: 'region', message: `居民身份证号前 2 位「${id.slice(0, 2)}」不是有效的省级行政区划代码` };
  }
  const birth = realDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)));
  if (!birth || birth < '1900-01-01' || birth > today) {
    return { ok: false, idNo: id, reason: 'birth', message: `居民身份证号中的出生日期「${id.slice(6, 14)}」不是真实的日期` };
  }
  const expected = idCheckChar(id);
  if (!converted && expected !== id[17]) {
    return {
      ok: false,
      idNo: id,
      reason: 'check',
      expected,
      message: `居民身份证号校验位错误：第 18 位应为「${expected}」，填写的是「${id[17]}」`,
    };
  }
  return { ok: true, idNo: id, birthDate: birth, gender: Number(id[16]) % 2 === 1 ? 'M' : 'F', convertedFrom15: converted };
}

/** 1401**********1234: enough to tell people apart on a list, not enough to use the number. */
export function maskIdNo(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/**
 * A synthetic number for demo data and tests: region, birth date, a sequence code and the computed check
 * character. Sequence codes from 900 up keep them away from the numbers most commonly issued.
 */
export function syntheticIdNo(region: string, birthDate: string, seq: number): string {
  const body = `${region}${birthDate.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
  return body + idCheckChar(body);
}

/** Whole years of age on `date`. */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}
