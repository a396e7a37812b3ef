import { pinyin } from 'pinyin-pro';

/**
 * Lower-case initials and full pinyin, kept beside the name so 'zzzz' finds 泽州铸造 without a scan of Chinese
 * text. One pinyin call per name (initials are the syllables' first letters): imports of 50,000 rows feel it.
 */
export function pinyinKeys(name: string): { initials: string; full: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive' }) as string[];
  let initials = '';
  let full = '';
  for (const s of syllables) {
    const t = s.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (!t) continue;
    full += t;
    // Latin words and numbers in a name (ABC, 2号) are typed whole; syllables by their first letter.
    initials += /^[0-9]+$/.test(t) || s !== s.toLowerCase() ? t : t[0];
  }
  return { initials, full };
}
