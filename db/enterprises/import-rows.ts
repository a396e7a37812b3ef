// The row checks of an enterprise import, shared by the import's worker thread and its in-thread fallback.
// Nothing here touches the database: the code lists, tier names and registered codes come in as data, so the
// same code runs beside the writer on a second core (import-worker.ts) or in the caller's thread.
import type { Actor } from '../context.js';
import { cellDate, cellText, type ColumnSpec, type RowError, type SheetRow } from '../excel/read.js';
import { uuidv7 } from '../ids.js';
import { fixedClock } from '../clock.js';
import { pinyinKeys } from './pinyin.js';
import { checkEnterprise, type Lookups } from './rules.js';
import { enterpriseInput, TIER_LEVEL_LABEL, type EnterpriseData } from './schema.js';
import { searchText } from './queries.js';

/** The template's data sheet: read by name when visible. */
export const ENTERPRISE_SHEET = '企业名录';

export const ENTERPRISE_COLUMNS: ColumnSpec[] = [
  { key: 'uscc', header: '统一社会信用代码', required: true, kind: 'code', aliases: ['信用代码', '社会信用代码'] },
  { key: 'name', header: '企业名称', required: true, aliases: ['名称', '单位名称'] },
  { key: 'region_code', header: '注册地行政区划代码', required: true, aliases: ['行政区划代码', '区划代码'] },
  { key: 'township', header: '乡镇(街道)', aliases: ['乡镇', '乡镇街道'] },
  { key: 'address', header: '地址', aliases: ['注册地址', '经营地址'] },
  { key: 'industry_code', header: '国民经济行业分类代码', aliases: ['行业代码', '行业分类代码'] },
  { key: 'scale', header: '规模(规上/规下)', required: true, aliases: ['规模', '是否规上'] },
  { key: 'legal_rep', header: '法定代表人', aliases: ['法人代表', '法人'] },
  { key: 'contact_name', header: '联系人' },
  { key: 'contact_phone', header: '联系电话', aliases: ['电话', '手机'] },
  { key: 'tier', header: '梯度类型', aliases: ['企业梯度', '梯度'] },
  { key: 'tier_level', header: '梯度级别(国家/省/市/县)', aliases: ['梯度级别', '认定级别'] },
  { key: 'tier_doc_no', header: '认定文号', aliases: ['文号'] },
  { key: 'tier_valid_from', header: '有效期起', kind: 'date' },
  { key: 'tier_valid_to', header: '有效期止', kind: 'date' },
];
export const HEADER_OF = Object.fromEntries(ENTERPRISE_COLUMNS.map((c) => [c.key, c.header]));
const COLUMN_OF_FIELD: Record<string, string> = { ...HEADER_OF };

const SCALE_IN: Record<string, 'above' | 'below'> = { 规上: 'above', 规模以上: 'above', 是: 'above', 规下: 'below', 规模以下: 'below', 否: 'below' };
const LEVEL_IN: Record<string, keyof typeof TIER_LEVEL_LABEL> = {
  国家: 'national', 国家级: 'national', 省: 'provincial', 省级: 'provincial', 市: 'city', 市级: 'city', 县: 'county', 县级: 'county',
};

/** What the checks need, as plain data (it crosses to the worker thread by structured clone). */
export interface CheckInput {
  lookups: Lookups;
  /** Tier names as written in files (with and without quotes, and the codes themselves) → tier code. */
  tierByName: Map<string, string>;
  /** Codes already in the registry. */
  registered: Set<string>;
  updateExisting: boolean;
  today: string;
  /** Milliseconds of the import's clock: the new records' gids carry it. */
  nowMs: number;
  actor: Actor;
}

/** A row that passed every check, with everything the writer needs computed beside the checks. */
export interface ReadyRow {
  row: number;
  uscc: string;
  data: EnterpriseData;
  overrideReason: string | null;
  tier: { tier_code: string; level: string; doc_no: string | null; valid_from: string; valid_to: string | null; gid: string } | null;
  initials: string;
  full: string;
  /** For a new (active) enterprise: its gid and search text. Null for a code already registered (an update). */
  created: { gid: string; search_text: string } | null;
}

type RawEnterprise = {
  uscc: string;
  name: string;
  region_code: string;
  scale: string | undefined;
} & Record<(typeof OPTIONAL_TEXT)[number][0] | 'contact_phone', string | null>;

/** enterpriseInput's optional text fields and their lengths (schema.ts). */
const OPTIONAL_TEXT = [['township', 50], ['address', 200], ['industry_code', 5], ['legal_rep', 50], ['contact_name', 50]] as const;
const PHONE = /^[0-9+\-() ]{5,20}$/;
const SIX_DIGITS = /^\d{6}$/;

/**
 * What enterpriseInput.parse would return for a row it accepts, computed without zod (a third of the checks' time
 * in a 50,000-row import); null for anything it is not sure of, which then goes through zod for its messages.
 * Accepting must agree with zod exactly: tests/unit/import-rows.test.ts compares the two over tricky values.
 */
export function acceptedAsIs(raw: RawEnterprise): EnterpriseData | null {
  if (!raw.uscc) return null;
  const name = raw.name.trim();
  if (!name || name.length > 100) return null;
  const region_code = raw.region_code.trim();
  if (!SIX_DIGITS.test(region_code)) return null;
  if (raw.scale !== 'above' && raw.scale !== 'below') return null;
  const opt: Array<string | null> = [];
  for (const [key, max] of OPTIONAL_TEXT) {
    const v = raw[key];
    if (v === null) opt.push(null);
    else if (v.length > max) return null;
    else opt.push(v.trim() || null);
  }
  let contact_phone: string | null = null;
  const phone = raw.contact_phone;
  if (phone !== null && phone !== '') {
    contact_phone = phone.trim();
    if (!PHONE.test(contact_phone)) return null;
  }
  return {
    uscc: raw.uscc, name, region_code, township: opt[0]!, address: opt[1]!, industry_code: opt[2]!, scale: raw.scale, legal_rep: opt[3]!,
    contact_name: opt[4]!, contact_phone, override_reason: null,
  };
}

/**
 * Checks rows one by one. Duplicates within the file are told by the first row that carried the code; once any
 * row fails, later good rows are no longer prepared (nothing will be written) but every row is still checked, so
 * the report names them all.
 */
export class RowChecker {
  readonly errors: RowError[] = [];
  private readonly firstRowOf = new Map<string, number>();
  private readonly clock;

  constructor(private readonly input: CheckInput) {
    this.clock = fixedClock(new Date(input.nowMs).toISOString());
  }

  check({ row, values, problems }: SheetRow): ReadyRow | null {
    // A cell whose digits Excel changed: its row is refused on that alone (the other checks would read a wrong value).
    if (problems) {
      this.errors.push(...problems);
      return null;
    }
    const err = (column: string, message: string) => this.errors.push({ row, column, message });
    const text = (k: string) => cellText(values[k] ?? null);
    const scaleText = text('scale');
    const raw = {
      uscc: text('uscc') ?? '',
      name: text('name') ?? '',
      region_code: text('region_code') ?? '',
      township: text('township'),
      address: text('address'),
      industry_code: text('industry_code'),
      scale: scaleText === null ? undefined : (SCALE_IN[scaleText] ?? scaleText),
      legal_rep: text('legal_rep'),
      contact_name: text('contact_name'),
      contact_phone: text('contact_phone'),
    };
    const fast = acceptedAsIs(raw);
    const parsed = fast ? { success: true as const, data: fast } : enterpriseInput.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const key = String(i.path[0]);
        const message = key === 'scale' && scaleText === null ? '必填' : key === 'scale' ? `「${scaleText}」应为 规上 或 规下` : i.message;
        err(COLUMN_OF_FIELD[key] ?? key, message);
      }
      return null;
    }
    const { lookups, tierByName, registered, updateExisting, today, actor } = this.input;
    const checked = checkEnterprise(parsed.data, lookups, actor);
    for (const i of checked.issues) err(COLUMN_OF_FIELD[i.field] ?? i.label, i.message);
    const uscc = checked.uscc;
    const first = this.firstRowOf.get(uscc);
    if (first !== undefined) {
      err(HEADER_OF.uscc!, `${uscc} 与第 ${first} 行重复`);
    } else {
      this.firstRowOf.set(uscc, row);
      if (registered.has(uscc) && !updateExisting) {
        err(HEADER_OF.uscc!, `${uscc} 已在企业库中登记（如需更新已有企业，请选择“更新已有”）`);
      }
    }
    let tier: ReadyRow['tier'] = null;
    const tierText = text('tier');
    if (tierText) {
      const code = tierByName.get(tierText) ?? tierByName.get(tierText.replace(/["“”]/g, ''));
      if (!code) err(HEADER_OF.tier!, `未知的梯度类型「${tierText}」`);
      const lvText = text('tier_level');
      const level = lvText ? LEVEL_IN[lvText] : undefined;
      if (!lvText) err(HEADER_OF.tier_level!, '填写了梯度类型时必填');
      else if (!level) err(HEADER_OF.tier_level!, `「${lvText}」应为 国家、省、市 或 县`);
      const from = cellDate(values.tier_valid_from ?? null);
      const to = cellDate(values.tier_valid_to ?? null);
      if (from === null) err(HEADER_OF.tier_valid_from!, '填写了梯度类型时必填');
      else if (from === 'invalid') err(HEADER_OF.tier_valid_from!, `「${text('tier_valid_from')}」不是有效日期`);
      if (to === 'invalid') err(HEADER_OF.tier_valid_to!, `「${text('tier_valid_to')}」不是有效日期`);
      if (from && from !== 'invalid' && to && to !== 'invalid' && to < from) err(HEADER_OF.tier_valid_to!, `有效期止 ${to} 早于有效期起 ${from}`);
      if (from && from !== 'invalid' && from > today) err(HEADER_OF.tier_valid_from!, `有效期起 ${from} 晚于今天`);
      if (code && level && from && from !== 'invalid' && to !== 'invalid') {
        tier = { tier_code: code, level, doc_no: text('tier_doc_no'), valid_from: from, valid_to: to, gid: '' };
      }
    }
    // Nothing will be written once any row failed: skip the pinyin and ids.
    if (this.errors.length > 0) return null;
    const py = pinyinKeys(parsed.data.name);
    if (tier) tier.gid = uuidv7(this.clock);
    const created = registered.has(uscc)
      ? null
      : {
          gid: uuidv7(this.clock),
          search_text: searchText({ name: parsed.data.name, name_initials: py.initials, status: 'active' }),
        };
    return { row, uscc, data: parsed.data, overrideReason: checked.overrideReason, tier, initials: py.initials, full: py.full, created };
  }
}
