// The exhibition area's part of the one contract (spread into db/api.ts). Inputs are validated by the services.
import { z } from 'zod';
import { op, idInput, fileInput, toFile, type FileOutput } from '../op.js';
import { parseInput } from '../validate.js';
import * as svc from './service.js';
import * as reports from './reports.js';
import * as excel from './excel.js';
import { seedDemoExhibitions } from './seed.js';
import type { FairInput, ClaimInput } from './schema.js';
import type { RuleTableInput } from './rules.js';

const yearInput = z.object({ year: z.number().int().min(2000).max(2100), origin_office: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional() });
type Id = z.input<typeof idInput>;

export const exhibitionOperations = {
  'exhibition:fairList': op({ access: 'clerk', run: (ctx, i: { year?: number; q?: string }) => svc.listFairs(ctx, i) }),
  'exhibition:fairGet': op({ access: 'clerk', run: (ctx, i: Id) => svc.getFair(ctx, parseInput(idInput, i).id) }),
  'exhibition:fairCreate': op({ access: 'clerk', run: (ctx, i: FairInput) => svc.createFair(ctx, i) }),
  'exhibition:fairUpdate': op({
    access: 'clerk',
    run: (ctx, i: { id: number; data: FairInput }) => svc.updateFair(ctx, parseInput(idInput, { id: i.id }).id, i.data),
  }),

  'exhibition:ruleSetList': op({ access: 'clerk', run: (ctx) => svc.listRuleSets(ctx) }),
  'exhibition:ruleSetGet': op({ access: 'clerk', run: (ctx, i: Id) => svc.getRuleSet(ctx, parseInput(idInput, i).id) }),
  'exhibition:ruleSetCreate': op({
    access: 'admin',
    run: (ctx, i: { name: string; region_code: string; year: number; source?: string | null; note?: string | null; rules: RuleTableInput }) =>
      svc.createRuleSet(ctx, i),
  }),
  'exhibition:ruleSetRevise': op({
    access: 'admin',
    run: (ctx, i: { rule_set_id: number; note: string; rules: RuleTableInput }) => svc.reviseRuleSet(ctx, i),
  }),

  'exhibition:claimList': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').claimListQuery>) => svc.listClaims(ctx, i) }),
  'exhibition:claimGet': op({ access: 'clerk', run: (ctx, i: Id) => svc.getClaim(ctx, parseInput(idInput, i).id) }),
  'exhibition:claimCreate': op({ access: 'clerk', run: (ctx, i: ClaimInput) => svc.createClaim(ctx, i) }),
  'exhibition:claimUpdate': op({
    access: 'clerk',
    run: (ctx, i: { id: number; data: ClaimInput }) => svc.updateClaim(ctx, parseInput(idInput, { id: i.id }).id, i.data),
  }),
  'exhibition:claimCalc': op({ access: 'clerk', run: (ctx, i: Id) => svc.claimCalc(ctx, parseInput(idInput, i).id) }),
  'exhibition:transition': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').transitionInput>) => svc.transition(ctx, i) }),
  'exhibition:publish': op({ access: 'reviewer', run: (ctx, i: z.input<typeof import('./schema.js').publishInput>) => svc.publish(ctx, i) }),
  'exhibition:batchList': op({ access: 'clerk', run: (ctx, i: z.input<typeof svc.batchListInput> | undefined) => svc.listBatches(ctx, i) }),
  'exhibition:pay': op({ access: 'reviewer', run: (ctx, i: z.input<typeof import('./schema.js').paymentInput>) => svc.pay(ctx, i) }),

  'exhibition:attachmentAdd': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').attachmentInput>) => svc.addAttachment(ctx, i) }),
  'exhibition:attachmentGet': op({ access: 'clerk', run: (ctx, i: Id) => svc.getAttachment(ctx, parseInput(idInput, i).id) }),
  'exhibition:attachmentRemove': op({ access: 'clerk', run: (ctx, i: { id: number; reason: string }) => svc.removeAttachment(ctx, i) }),

  'exhibition:reviewSheet': op({ access: 'clerk', run: (ctx, i: Id) => reports.reviewSheet(ctx, parseInput(idInput, i).id) }),
  'exhibition:publicityList': op({ access: 'clerk', run: (ctx, i: Id) => reports.publicityList(ctx, parseInput(idInput, i).id) }),
  'exhibition:dashboard': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.dashboardInput>) => reports.dashboard(ctx, i) }),

  'exhibition:export': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: z.input<typeof yearInput>): Promise<FileOutput> => {
      const f = parseInput(yearInput, i, { year: '年度', origin_office: '上报单位' });
      const r = await excel.exportClaims(ctx, f.year, f.origin_office);
      return toFile(r.fileName, r.bytes);
    },
  }),
  'exhibition:claimTemplate': op({ access: 'clerk', run: async (): Promise<FileOutput> => toFile('参展补贴申请导入模板.xlsx', await excel.claimTemplate()) }),
  'exhibition:import': op({
    access: 'clerk',
    job: true,
    run: (ctx, i: z.input<typeof fileInput>) => {
      const f = parseInput(fileInput, i);
      return excel.importClaims(ctx, { fileName: f.fileName, bytes: Buffer.from(f.dataBase64, 'base64') }, ctx.progress);
    },
  }),
  'exhibition:seedDemo': op({ access: 'admin', run: (ctx) => seedDemoExhibitions(ctx) }),
};
