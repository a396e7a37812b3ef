// The specialized-town (专业镇) operations, spread into db/api.ts. Every service parses its own input with zod.
import { z } from 'zod';
import { op, fileInput, toFile, type FileOutput } from '../op.js';
import { parseInput } from '../validate.js';
import * as svc from './service.js';
import * as ind from './indicators.js';
import * as ev from './evaluation.js';
import * as excel from './excel.js';
import { townDashboard } from './dashboard.js';
import { batchDocument, listBatches } from './documents.js';
import { EVENT_KIND_LABEL, SEVERITY_LABEL } from './assessment.js';
import { CATEGORY_LABEL, LEVEL_LABEL, MEMBER_ROLE_LABEL, PLATFORM_TYPE_LABEL, PROJECT_STATUS_LABEL, STATUS_LABEL, TRANSITIONS } from './rules.js';
import { indicatorDefs } from './queries.js';
import type * as s from './schema.js';
import { originOfficeField } from '../ownership/origin.js';

const townId = z.object({ town_id: z.number().int().positive() });
const exportQuery = z.object({
  year: z.number().int().min(1990).max(2100).optional(),
  region_code: z.string().regex(/^\d{6}$/, '应为 6 位数字').optional(),
  origin_office: originOfficeField.optional(),
});

export const townOperations = {
  /** Labels and the transition table, so the UI shows Chinese names and greys out what is not allowed. */
  'town:codes': op({
    access: 'clerk',
    run: (ctx) => ({
      indicators: indicatorDefs(ctx.db),
      status: STATUS_LABEL, level: LEVEL_LABEL, category: CATEGORY_LABEL, memberRole: MEMBER_ROLE_LABEL, platformType: PLATFORM_TYPE_LABEL,
      projectStatus: PROJECT_STATUS_LABEL, eventKind: EVENT_KIND_LABEL, severity: SEVERITY_LABEL, transitions: TRANSITIONS,
    }),
  }),
  'town:list': op({ access: 'clerk', run: (ctx, i: s.TownListQuery) => svc.listTowns(ctx, i) }),
  'town:get': op({ access: 'clerk', run: (ctx, i: { id: number }) => svc.getTown(ctx, parseInput(z.object({ id: z.number().int().positive() }), i).id) }),
  'town:create': op({ access: 'clerk', run: (ctx, i: s.TownInput) => svc.createTown(ctx, i) }),
  'town:update': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').townUpdateInput>) => svc.updateTown(ctx, i) }),
  'town:transition': op({ access: 'clerk', run: (ctx, i: s.TransitionInput) => svc.transition(ctx, i) }),

  'town:addMember': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').memberInput>) => svc.addMember(ctx, i) }),
  'town:removeMember': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').memberLeaveInput>) => svc.removeMember(ctx, i) }),
  'town:addPlatform': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').platformInput>) => svc.addPlatform(ctx, i) }),
  'town:setPlatformServices': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').platformYearInput>) => svc.setPlatformServices(ctx, i) }),
  'town:addProject': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').projectInput>) => svc.addProject(ctx, i) }),
  'town:setProjectStatus': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').projectStatusInput>) => svc.setProjectStatus(ctx, i) }),
  'town:recordEvent': op({ access: 'reviewer', run: (ctx, i: z.input<typeof import('./schema.js').eventInput>) => svc.recordEvent(ctx, i) }),
  'town:events': op({ access: 'clerk', run: (ctx, i: z.input<typeof townId>) => svc.eventsOfTown(ctx, parseInput(townId, i).town_id) }),

  'town:indicators': op({ access: 'clerk', run: (ctx, i: z.input<typeof townId>) => ind.indicatorTable(ctx, i) }),
  'town:indicatorDraft': op({ access: 'clerk', run: (ctx, i: { town_id: number; year: number }) => ind.indicatorDraft(ctx, i) }),
  'town:saveIndicators': op({ access: 'clerk', run: (ctx, i: s.IndicatorsInput) => ind.saveIndicators(ctx, i) }),
  'town:savePlan': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').planInput>) => ind.savePlan(ctx, i) }),
  'town:plans': op({ access: 'clerk', run: (ctx, i: z.input<typeof townId>) => ind.plansOf(ctx, parseInput(townId, i).town_id) }),

  'town:ruleSets': op({ access: 'clerk', run: (ctx, i: { all?: boolean } | undefined) => ev.listRuleSets(ctx, i) }),
  'town:validateRuleSet': op({ access: 'clerk', run: (ctx, i: unknown) => ev.validateRuleSet(ctx, i) }),
  'town:saveRuleSet': op({ access: 'admin', run: (ctx, i: z.input<typeof import('./schema.js').ruleSetInput>) => ev.saveRuleSet(ctx, i) }),
  'town:evaluate': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').evaluateInput>) => ev.evaluateTown(ctx, i) }),
  'town:evaluateAll': op({ access: 'clerk', run: (ctx, i: z.input<typeof ev.evaluateAllInput>) => ev.evaluateAll(ctx, i) }),
  'town:saveAssessment': op({ access: 'reviewer', run: (ctx, i: z.input<typeof import('./schema.js').evaluateInput>) => ev.saveAssessment(ctx, i) }),
  'town:assessments': op({ access: 'clerk', run: (ctx, i: z.input<typeof townId>) => ev.assessmentsOf(ctx, parseInput(townId, i).town_id) }),
  'town:decideProposal': op({ access: 'reviewer', run: (ctx, i: z.input<typeof import('./schema.js').decideProposalInput>) => ev.decideProposal(ctx, i) }),

  /** 公示名单 / 认定名单: the batches on file, and one batch as a printable document. */
  'town:batches': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./documents.js').batchListInput> | undefined) => listBatches(ctx, i) }),
  'town:batchDocument': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./documents.js').batchDocumentInput>) => batchDocument(ctx, i) }),

  'town:dashboard': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').dashboardQuery> | undefined) => townDashboard(ctx, i) }),

  'town:indicatorTemplate': op({ access: 'clerk', run: async (ctx): Promise<FileOutput> => toFile('专业镇年度指标导入模板.xlsx', await excel.indicatorTemplate(ctx)) }),
  'town:importIndicators': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: z.input<typeof fileInput>) => {
      const f = parseInput(fileInput, i);
      return excel.importIndicators(ctx, { fileName: f.fileName, bytes: Buffer.from(f.dataBase64, 'base64'), onProgress: ctx.progress });
    },
  }),
  'town:exportIndicators': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: z.input<typeof exportQuery> | undefined): Promise<FileOutput> => {
      const r = await excel.exportIndicators(ctx, parseInput(exportQuery, i ?? {}, { year: '年度', region_code: '地区', origin_office: '上报单位' }));
      return toFile(r.fileName, r.bytes);
    },
  }),
  'town:exportTowns': op({
    access: 'clerk',
    /** Takes the list's filters as they are, so the file holds exactly the towns on screen. */
    run: async (ctx, i: s.TownListQuery | undefined): Promise<FileOutput> => {
      const r = await excel.exportTowns(ctx, i ?? {});
      return toFile(r.fileName, r.bytes);
    },
  }),
};
