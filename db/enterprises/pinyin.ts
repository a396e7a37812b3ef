import { pinyin } from 'pinyin-pro';

type Keys = { initials: string; full: string };

/** Up to three leading place names (山西省, 晋城市, 泽州县, 巴公镇): each is read on its own. */
const PLACE = /^[\u4e00-\u9fff]{1,5}?[省市县区旗镇乡]/;
/** The legal form at the end of most names. */
const FORM = /(?:集团)?(?:股份有限公司|有限责任公司|有限公司|分公司|公司|专业合作社|合作社|厂)$/;

/** Keys of the place names and legal forms seen so far: a county's registry repeats a few dozen of them. */
const common = new Map<string, Keys>();
const COMMON_MAX = 5000;

/**
 * Lower-case initials and full pinyin, kept beside the name so 'zzzz' finds 泽州铸造 without a scan of Chinese
 * text. The name is read in parts: leading place names, the middle, the legal form. A place name read apart
 * cannot pair with the next word (泽州县长城 is 泽州县 + 长城, not 县长 + 城), and the parts that repeat from
 * name to name are read once: imports of 50,000 rows feel the pinyin library's word segmentation.
 */
export function pinyinKeys(name: string): Keys {
  let rest = name;
  let initials = '';
  let full = '';
  const add = (k: Keys) => {
    initials += k.initials;
    full += k.full;
  };
  for (let i = 0; i < 3; i++) {
    const m = PLACE.exec(rest);
    if (!m || m[0].length === rest.length) break;
    add(cached(m[0]));
    rest = rest.slice(m[0].length);
  }
  const form = FORM.exec(rest);
  if (form && form.index > 0) {
    add(read(rest.slice(0, form.index)));
    add(cached(form[0]));
  } else add(read(rest));
  return { initials, full };
}

function cached(part: string): Keys {
  let k = common.get(part);
  if (!k) {
    if (common.size >= COMMON_MAX) common.clear();
    common.set(part, (k = read(part)));
  }
  return k;
}

function read(text: string): Keys {
  const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }) as string[];
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
