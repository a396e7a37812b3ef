// 公示名单 and 认定名单: batches found from the lifecycle records, one document per batch.
import { describe, expect, it } from 'vitest';
import { testLedger, ADMIN } from '../helpers.js';
import { AppError } from '../../db/result.js';
import * as towns from '../../db/towns/service.js';
import { batchDocument, listBatches } from '../../db/towns/documents.js';
import type { Ctx } from '../../db/context.js';

const make = (ctx: Ctx, name: string, category: 'manufacturing' | 'agriculture' = 'manufacturing') =>
  towns.createTown(ctx, { name, county_code: '140525', category, leading_industry: name.slice(2), industry_codes: [] });

function toPublicity(ctx: Ctx, id: number, level: 'county' | 'city') {
  towns.transition(ctx, { town_id: id, action: 'apply', date: '2025-09-01', level, reason: '组织申报' });
  towns.transition(ctx, { town_id: id, action: 'review', date: '2025-10-10', reason: '专家评审' });
  towns.transition(ctx, { town_id: id, action: 'publicize', date: '2025-11-01', doc_no: '泽工信公示〔2025〕3号', publicity_start: '2025-11-01', publicity_end: '2025-11-07', reason: '网上公示' });
}

describe('batch documents', () => {
  it('groups towns by publicity period and by designating document', () => {
    const { ctx } = testLedger({ at: '2026-03-01T02:00:00Z' });
    const c = ctx(ADMIN);
    const a = make(c, '泽州铸造');
    const b = make(c, '泽州山楂', 'agriculture');
    toPublicity(c, a.id, 'county');
    toPublicity(c, b.id, 'county');
    towns.transition(c, {
      town_id: a.id, action: 'designate', date: '2025-12-20', doc_no: '泽工信发〔2025〕15号', reason: '公示无异议',
      designation: { batch_no: '第一批', bodies: ['泽州县工业和信息化局'], valid_from: '2026-01-01' },
    });

    const batches = listBatches(c);
    expect(batches.map((x) => [x.kind, x.key, x.towns, x.level])).toEqual([
      ['designation', '泽工信发〔2025〕15号', 1, 'county'],
      ['publicity', '2025-11-01|2025-11-07', 2, 'county'],
    ]);

    const pub = batchDocument(c, { kind: 'publicity', key: '2025-11-01|2025-11-07' });
    expect(pub.doc_no).toBe('泽工信公示〔2025〕3号');
    expect(pub.office).toBe('泽州县工业和信息化局');
    expect(pub.rows.map((r) => [r.name, r.category, r.level])).toEqual([
      ['泽州山楂', '特优农业', '县级'],
      ['泽州铸造', '制造业', '县级'],
    ]);

    const des = batchDocument(c, { kind: 'designation', key: '泽工信发〔2025〕15号' });
    expect(des).toMatchObject({ batch_no: '第一批', bodies: ['泽州县工业和信息化局'], publicity_start: '2025-11-01', date: '2025-12-20' });
    expect(des.rows).toEqual([expect.objectContaining({ name: '泽州铸造', valid_from: '2026-01-01', valid_to: '2028-12-31', level: '县级' })]);

    expect(() => batchDocument(c, { kind: 'designation', key: '不存在' })).toThrow(AppError);
  });
});
