// A signed package is still hostile input (issue 12): each case below was accepted, or ended in 内部错误, before the
// receiver checked every row. Each is now refused with a Chinese message naming the package part, the record and the
// field, and nothing is written: the city's ledger is byte-for-byte the same and no file is left in its folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { strToU8 } from 'fflate';
import { AppError } from '../../db/result.js';
import { exportPackage } from '../../db/exchange/export.js';
import { importPackage } from '../../db/exchange/import.js';
import { officeKey } from '../../db/exchange/keys.js';
import type { Ctx } from '../../db/context.js';
import { testLedger, tempDir } from '../helpers.js';
import { demoCounty, demoCountyIn, explainAll } from './exchange-helpers.js';
import { ledgerHash, manifestOf, readEntries, recordsOf, setRecords, writeResigned, type Entries } from './exchange-mutate.js';

const suite = tempDir('ledger-xhostile-');
afterAll(() => suite.cleanup());

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('hostile packages at the city', () => {
  const out = suite.dir;
  const dataDir = join(out, 'city-data');
  mkdirSync(dataDir, { recursive: true });
  const county = demoCounty();
  const other = demoCountyIn('140581', '高平市工业和信息化局');
  const city = testLedger({ level: 'city', region: '140500' });
  const cityCtx = (): Ctx => ({ ...city.ctx(), dataDir });
  const key = officeKey(county.ctx());
  let good = '';
  let seq = 100;
  let otherEnterprise: Record<string, unknown> = {};

  beforeAll(() => {
    const report = (c: typeof county, name: string) =>
      exportPackage(c.ctx(), { kind: 'report', period: '2025', to: '140500', explanations: explainAll(c.db, '2025') }, join(out, name)).file;
    importPackage(cityCtx(), report(county, 'zz-1.cxpkg'), 'apply', { pin: true });
    importPackage(cityCtx(), report(other, 'gp-1.cxpkg'), 'apply', { pin: true });
    good = report(county, 'zz-2.cxpkg');
    otherEnterprise = recordsOf(readEntries(report(other, 'gp-2.cxpkg')), 'enterprise')[0]!;
  });

  const attachmentFiles = () => {
    try {
      return readdirSync(join(dataDir, 'attachments'));
    } catch {
      return [];
    }
  };

  /** A re-signed copy of the county's second report with `edit` applied. */
  function mutant(edit: (e: Entries) => void): string {
    const e = readEntries(good);
    edit(e);
    const file = join(out, `m-${++seq}.cxpkg`);
    writeResigned(e, file, key, seq);
    return file;
  }
  /** Edits the first record of `table` (or the one `pick` chooses). */
  const editFirst = (table: string, change: (r: Record<string, unknown>) => void, pick = 0) => (e: Entries) => {
    const rs = recordsOf(e, table);
    expect(rs.length, `the demo package has ${table} records`).toBeGreaterThan(pick);
    change(rs[pick]!);
    setRecords(e, table, rs);
  };
  const addRecord = (table: string, rec: Record<string, unknown>) => (e: Entries) => setRecords(e, table, [...recordsOf(e, table), rec]);
  /** An attachment the city does not have yet: applied, it would become a file in the city's folder. */
  const withAttachment = (e: Entries) => {
    const bytes = strToU8(`%PDF-1.4 evidence ${seq}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    e[`attachments/${sha}`] = bytes;
    const m = manifestOf(e);
    m.parts.push({ path: `attachments/${sha}`, sha256: sha, bytes: bytes.length });
    e['manifest.json'] = strToU8(JSON.stringify(m));
  };

  it('takes the unmutated re-signed package (the control: the refusals below are the mutations)', () => {
    const file = mutant(withAttachment);
    const r = importPackage(cityCtx(), file, 'dry');
    expect(r.tables.length).toBeGreaterThan(5);
  });

  const cases: Array<[string, string, string | null, (e: Entries) => void]> = [
    ['an attachment record whose sha256 is a path', 'BAD_RECORD', 'sha256', editFirst('exhibition_attachment', (r) => (r.sha256 = '../ledger.sqlite'))],
    ['an attachment part named by upper-case hex', 'BAD_PACKAGE', null, (e) => {
      const bytes = strToU8('x');
      const sha = createHash('sha256').update(bytes).digest('hex').toUpperCase();
      e[`attachments/${sha}`] = bytes;
      const m = manifestOf(e);
      m.parts.push({ path: `attachments/${sha}`, sha256: sha.toLowerCase(), bytes: 1 });
      e['manifest.json'] = strToU8(JSON.stringify(m));
    }],
    ['a USCC of 123', 'BAD_RECORD', 'uscc', editFirst('enterprise', (r) => (r.uscc = '123'))],
    ['a USCC with a wrong check digit', 'BAD_RECORD', 'uscc', editFirst('enterprise', (r) => {
      const u = String(r.uscc);
      r.uscc = u.slice(0, 17) + (u[17] === '0' ? '1' : '0');
      r.uscc_override_reason = null;
    })],
    ['region ZZZZZZ', 'BAD_RECORD', 'region_code', editFirst('enterprise', (r) => (r.region_code = 'ZZZZZZ'))],
    ['an enterprise of another county than the sender', 'BAD_RECORD', 'region_code', editFirst('enterprise', (r) => (r.region_code = '140581'))],
    ['an empty name', 'BAD_RECORD', 'name', editFirst('enterprise', (r) => (r.name = '   '))],
    ['created_at "yesterday"', 'BAD_RECORD', 'created_at', editFirst('enterprise', (r) => (r.created_at = 'yesterday'))],
    ['a tier starting 2024-02-30', 'BAD_RECORD', 'valid_from', editFirst('enterprise_tier', (r) => (r.valid_from = '2024-02-30'))],
    ['a trainee 身份证号 of letters', 'BAD_RECORD', 'id_no', editFirst('trainee', (r) => (r.id_no = 'ABCDEFGHIJKLMNOPQR'))],
    ['a trainee whose birth date is not the one in the 身份证号', 'BAD_RECORD', 'birth_date', editFirst('trainee', (r) => (r.birth_date = '1950-01-01'))],
    ['an object in a text column', 'BAD_RECORD', 'name', editFirst('enterprise', (r) => (r.name = { evil: true }))],
    ['an array in a text column', 'BAD_RECORD', 'address', editFirst('enterprise', (r) => (r.address = ['a', 'b']))],
    ['a boolean in an integer column', 'BAD_RECORD', 'hours_attended', editFirst('trainee', (r) => (r.hours_attended = true))],
    ['text in an integer column', 'BAD_RECORD', 'hours_attended', editFirst('trainee', (r) => (r.hours_attended = '十'))],
    ['1e300 in a number column', 'BAD_RECORD', 'output_wan', editFirst('town_year', (r) => (r.output_wan = 1e300))],
    ['12.5 fen', 'BAD_RECORD', 'amount_fen', editFirst('exhibition_item', (r) => (r.amount_fen = 12.5))],
    ['a negative amount', 'BAD_RECORD', 'amount_fen', editFirst('exhibition_item', (r) => (r.amount_fen = -100))],
    ['a status not in the list', 'BAD_RECORD', 'status', editFirst('exhibition_claim', (r) => (r.status = 'paid_twice'))],
    ['a record version near 2^63', 'BAD_RECORD', '_v', editFirst('enterprise', (r) => (r._v = 2 ** 63))],
    ['a gid that is a path', 'BAD_RECORD', 'gid', editFirst('enterprise', (r) => (r.gid = '../../etc/passwd'))],
    ['a reference that is a number', 'BAD_RECORD', 'enterprise_id', editFirst('enterprise_tier', (r) => (r.enterprise_id = 12))],
    ['a JSON document that is not the list it should be', 'BAD_RECORD', 'bodies', editFirst('town_designation', (r) => (r.bodies = '{"not":"a list"}'))],
    ['another county\'s record, claiming its _base', 'NOT_OWNER', null, (e) => {
      const rec: Record<string, unknown> = { ...otherEnterprise, contact_phone: '0356-1111111' };
      const shape = Object.keys(rec).filter((k) => !k.startsWith('_')).sort();
      const content = `{${shape.map((k) => `${JSON.stringify(k)}:${JSON.stringify(otherEnterprise[k] ?? null)}`).join(',')}}`;
      rec._base = createHash('sha256').update(content).digest('hex').slice(0, 32);
      rec._origin = '140525';
      addRecord('enterprise', rec)(e);
    }],
    ['another county\'s record under its own origin', 'NOT_OWNER', null, (e) => addRecord('enterprise', { ...otherEnterprise, legal_rep: '张三' })(e)],
    ['a new record claiming another county as origin', 'NOT_OWNER', null, editFirst('enterprise_tier', (r) => {
      r.gid = '01990000-0000-7000-8000-00000000beef';
      r._origin = '140581';
    })],
    ['a new record claiming the city itself as origin', 'NOT_OWNER', null, editFirst('exhibition_fair', (r) => {
      r.gid = '01990000-0000-7000-8000-00000000cafe';
      r._origin = '140500';
    })],
    ['a deletion of another county\'s record', 'NOT_OWNER', null, (e) => setRecords(e, '_tombstones', [{ gid: otherEnterprise.gid, table: 'enterprise', _v: 999, _origin: '140525' }])],
    ['a rules table in a report that changes the city\'s own rules', 'NOT_OWNER', null, addRecord('town_policy', {
      _base: null, _origin: '140500', _v: 5, gid: '01990000-0000-7000-8000-0000000000aa', name: '晋城市政策', region_code: '140500', effective_from: '2026-01-01',
      validity_years: 3, rereview_notice_days: 90, unit_check_ratio: 1000, created_at: '2026-01-01T00:00:00.000Z', created_by: 'admin',
    })],
  ];

  it.each(cases)('refuses %s, naming it, and writes nothing (no row, no file, no audit entry)', (_name, code, field, edit) => {
    const file = mutant((e) => {
      withAttachment(e);
      edit(e);
    });
    const before = ledgerHash(city.db);
    const files = attachmentFiles();
    const err = refusal(() => importPackage(cityCtx(), file, 'apply'));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(err.message).toContain('未写入任何数据');
    if (code === 'BAD_RECORD') {
      expect((err.details as { field: string }).field).toBe(field);
      expect(err.message).toMatch(/交换包文件「data\/[a-z_]+\.ndjson」/);
    }
    expect(ledgerHash(city.db)).toBe(before);
    expect(attachmentFiles()).toEqual(files);
  });

  it('refuses scrypt parameters that would take gigabytes, before deriving anything', () => {
    const e = readEntries(good);
    const file = join(out, `m-${++seq}.cxpkg`);
    writeResigned(e, file, key, seq, (m) => (m.encryption = { alg: 'AES-256-GCM', kdf: 'scrypt', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', N: 1 << 20, r: 16, p: 4 }));
    const before = ledgerHash(city.db);
    const err = refusal(() => importPackage(cityCtx(), file, 'apply', { passphrase: '口令口令口令口令' }));
    expect(err.code).toBe('BAD_PACKAGE');
    expect(err.message).toContain('加密参数');
    expect(ledgerHash(city.db)).toBe(before);
    const huge = join(out, `m-${++seq}.cxpkg`);
    writeResigned(readEntries(good), huge, key, seq, (m) => (m.encryption = { alg: 'AES-256-GCM', kdf: 'scrypt', salt: 'AA==', N: 1 << 30, r: 8, p: 1 }));
    expect(refusal(() => importPackage(cityCtx(), huge, 'apply', { passphrase: '口令口令口令口令' })).code).toBe('BAD_PACKAGE');
  });

  it('normalises a code the way the form does (full-width, lower case) instead of refusing it', () => {
    const e = readEntries(good);
    const rs = recordsOf(e, 'enterprise');
    const u = String(rs[0]!.uscc);
    rs[0]!.uscc = u.toLowerCase().replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    setRecords(e, 'enterprise', rs);
    const file = join(out, `m-${++seq}.cxpkg`);
    writeResigned(e, file, key, seq);
    const r = importPackage(cityCtx(), file, 'dry');
    expect(r.tables.find((t) => t.table === 'enterprise')!.unchanged).toBeGreaterThan(0);
  });

  it('applies a good package with an attachment: the file lands under its hash, nothing temporary is left', () => {
    const before = attachmentFiles();
    const file = mutant(withAttachment);
    const r = importPackage(cityCtx(), file, 'apply');
    expect(r.applied).toBe(true);
    const added = attachmentFiles().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(attachmentFiles().every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
  });
});
