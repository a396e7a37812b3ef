// The training area's operations, spread into db/api.ts. Inputs are validated by the services (zod at the edge).
import { z } from 'zod';
import { fileInput, idInput, op, toFile, type FileOutput } from '../op.js';
import { parseInput } from '../validate.js';
import * as svc from './service.js';
import * as reports from './reports.js';
import * as excel from './excel.js';
import type { LedgerQuery } from './schema.js';

const planIdInput = z.object({ plan_id: z.number().int().positive() });
const yearInput = z.object({ year: z.number().int().min(2000).max(2100) });

export const trainingOperations = {
  'training:institutionList': op({ access: 'clerk', run: (ctx) => svc.listInstitutions(ctx) }),
  'training:institutionCreate': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').institutionInput>) => svc.createInstitution(ctx, i) }),
  'training:institutionUpdate': op({
    access: 'clerk',
    run: (ctx, i: { id: number } & z.input<typeof import('./schema.js').institutionInput>) => svc.updateInstitution(ctx, i),
  }),

  'training:ruleList': op({ access: 'clerk', run: (ctx, i: z.input<typeof svc.ruleListQuery>) => svc.listRuleSets(ctx, i) }),
  'training:ruleGet': op({ access: 'clerk', run: (ctx, i: z.input<typeof idInput>) => svc.getRuleSetDetail(ctx, parseInput(idInput, i).id) }),
  'training:ruleCreate': op({ access: 'admin', run: (ctx, i: z.input<typeof import('./schema.js').ruleSetInput>) => svc.createRuleSet(ctx, i) }),
  'training:ruleRetire': op({ access: 'admin', run: (ctx, i: { id: number; reason: string }) => svc.retireRuleSet(ctx, i) }),

  'training:planList': op({ access: 'clerk', run: (ctx, i: z.input<typeof svc.planListQuery>) => svc.listPlans(ctx, i) }),
  'training:planExport': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: Omit<z.input<typeof svc.planListQuery>, 'page' | 'pageSize'>): Promise<FileOutput> => {
      const r = await excel.exportPlans(ctx, { ...(i ?? {}) });
      return toFile(r.fileName, r.bytes);
    },
  }),
  'training:planGet': op({ access: 'clerk', run: (ctx, i: z.input<typeof idInput>) => svc.getPlanDetail(ctx, parseInput(idInput, i).id) }),
  'training:planCreate': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').planInput>) => svc.createPlan(ctx, i) }),
  'training:planTransition': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').transitionInput>) => svc.transitionPlan(ctx, i) }),
  'training:planSettlement': op({ access: 'clerk', run: (ctx, i: z.input<typeof idInput>) => svc.settlePlan(ctx, parseInput(idInput, i).id) }),
  'training:recoveryReceived': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').moneyInput>) => svc.recordRecoveryReceived(ctx, i) }),

  'training:traineeList': op({ access: 'clerk', run: (ctx, i: z.input<typeof planIdInput>) => svc.listTrainees(ctx, i) }),
  'training:traineeAdd': op({
    access: 'clerk',
    run: (ctx, i: { plan_id: number } & z.input<typeof import('./schema.js').traineeInput>) => svc.addTrainee(ctx, i),
  }),
  'training:traineeUpdate': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').traineeUpdateInput>) => svc.updateTrainee(ctx, i) }),
  'training:traineeRemove': op({ access: 'clerk', run: (ctx, i: { id: number; reason: string }) => svc.removeTrainee(ctx, i) }),
  'training:certificateAdd': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').certificateInput>) => svc.recordCertificate(ctx, i) }),

  'training:rosterTemplate': op({ access: 'clerk', run: async (): Promise<FileOutput> => toFile('培训学员名册导入模板.xlsx', await excel.rosterTemplate()) }),
  'training:rosterImport': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: { plan_id: number } & z.input<typeof fileInput>) => {
      const { plan_id } = parseInput(planIdInput, { plan_id: i?.plan_id });
      const f = parseInput(fileInput, i);
      return excel.importRoster(ctx, plan_id, { fileName: f.fileName, bytes: Buffer.from(f.dataBase64, 'base64') }, ctx.progress);
    },
  }),
  'training:rosterExport': op({
    access: 'clerk',
    run: async (ctx, i: z.input<typeof planIdInput>): Promise<FileOutput> => {
      const r = await excel.exportRoster(ctx, parseInput(planIdInput, i).plan_id);
      return toFile(r.fileName, r.bytes);
    },
  }),

  'training:courseList': op({ access: 'clerk', run: (ctx, i: z.input<typeof yearInput> & { origin_office?: string }) => svc.listCourses(ctx, i) }),
  'training:courseCreate': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').courseInput>) => svc.createCourse(ctx, i) }),
  'training:courseAttendee': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./schema.js').attendeeInput>) => svc.addAttendee(ctx, i) }),
  'training:courseTotals': op({ access: 'clerk', run: (ctx, i: z.input<typeof yearInput> & { origin_office?: string }) => svc.courseTotals(ctx, i) }),

  'training:ledger': op({ access: 'clerk', run: (ctx, i: LedgerQuery) => reports.ledgerRows(ctx, i) }),
  'training:ledgerExport': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: LedgerQuery): Promise<FileOutput> => {
      const r = await excel.trainingLedgerExcel(ctx, i);
      return toFile(r.fileName, r.bytes);
    },
  }),
  'training:progress': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.reportInput>) => reports.apprenticeProgress(ctx, i) }),
  'training:progressExport': op({
    access: 'clerk',
    run: async (ctx, i: z.input<typeof reports.reportInput>): Promise<FileOutput> => {
      const r = await excel.apprenticeProgressExcel(ctx, i);
      return toFile(r.fileName, r.bytes);
    },
  }),
  'training:dashboard': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.reportInput>) => reports.trainingDashboard(ctx, i) }),
};
