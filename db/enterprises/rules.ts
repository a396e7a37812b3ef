import type { Database } from 'better-sqlite3';
import type { Actor } from '../context.js';
import { hasRole } from '../context.js';
import type { FieldIssue } from '../result.js';
import { checkUscc } from './uscc.js';
import type { EnterpriseData } from './schema.js';

/** Code lists loaded once per import or form submit, so that checking 50,000 rows costs no queries per row. */
export interface Lookups {
  regions: Map<string, { kind: string; valid_to: string | null; name: string }>;
  industries: Set<string>;
  office: { level: 'county' | 'city' | 'province'; region_code: string } | null;
}

export function loadLookups(db: Database): Lookups {
  const regions = new Map<string, { kind: string; valid_to: string | null; name: string }>();
  for (const r of db.prepare('SELECT code, kind, valid_to, name FROM region').iterate() as IterableIterator<{
    code: string;
    kind: string;
    valid_to: string | null;
    name: string;
  }>) {
    regions.set(r.code, r);
  }
  const industries = new Set(db.prepare('SELECT code FROM industry').pluck().all() as string[]);
  const office = (db.prepare('SELECT level, region_code FROM office WHERE id = 1').get() ?? null) as Lookups['office'];
  return { regions, industries, office };
}

function inOffice(code: string, office: NonNullable<Lookups['office']>): boolean {
  if (office.level === 'province') return code.slice(0, 2) === office.region_code.slice(0, 2);
  if (office.level === 'city') return code.slice(0, 4) === office.region_code.slice(0, 4);
  return code === office.region_code;
}

/**
 * Checks that need the code lists and the actor: check character (with a reviewer's override), region and
 * industry codes. Returns the normalised code and any problems, each naming its field.
 */
export function checkEnterprise(
  data: EnterpriseData,
  lk: Lookups,
  actor: Actor,
): { uscc: string; overrideReason: string | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const c = checkUscc(data.uscc);
  let overrideReason: string | null = null;
  if (!c.ok) {
    if (c.reason === 'check' && data.override_reason) {
      if (hasRole(actor, 'reviewer')) overrideReason = data.override_reason;
      else issues.push({ field: 'uscc', label: '统一社会信用代码', message: `${c.message}；只有审核人或管理员可以按例外登记` });
    } else {
      issues.push({ field: 'uscc', label: '统一社会信用代码', message: c.message });
    }
  }
  const region = lk.regions.get(data.region_code);
  if (!region) {
    issues.push({ field: 'region_code', label: '注册地行政区划代码', message: `「${data.region_code}」不存在于 GB/T 2260 代码表` });
  } else if (region.kind !== 'county') {
    issues.push({ field: 'region_code', label: '注册地行政区划代码', message: `「${data.region_code} ${region.name}」不是县级行政区划` });
  } else if (region.valid_to) {
    issues.push({ field: 'region_code', label: '注册地行政区划代码', message: `「${data.region_code} ${region.name}」已于 ${region.valid_to} 撤销` });
  } else if (lk.office && !inOffice(data.region_code, lk.office)) {
    issues.push({ field: 'region_code', label: '注册地行政区划代码', message: `「${data.region_code} ${region.name}」不在本单位辖区内` });
  }
  if (data.industry_code && !lk.industries.has(data.industry_code)) {
    issues.push({ field: 'industry_code', label: '国民经济行业分类代码', message: `「${data.industry_code}」不存在于 GB/T 4754-2017` });
  }
  return { uscc: c.code, overrideReason, issues };
}
