// The 运行监测 operations (issue 15), spread into db/api.ts. Every service parses its own input with zod.
import { z } from 'zod';
import { op, fileInput, toFile, type FileOutput } from '../op.js';
import { parseInput } from '../validate.js';
import * as forms from './forms.js';
import * as units from './units.js';
import * as reports from './reports.js';
import * as excel from './excel.js';
import { ACTION_LABEL, PERIOD_TYPE_LABEL, STATUS_LABEL } from './rules.js';
import { FUNCTION_HELP, SCOPE_LABEL } from './formula.js';

export const monitorOperations = {
  'monitor:codes': op({
    access: 'clerk',
    run: () => ({ status: STATUS_LABEL, action: ACTION_LABEL, periodType: PERIOD_TYPE_LABEL, scope: SCOPE_LABEL, severity: forms.SEVERITY_LABEL, functions: FUNCTION_HELP }),
  }),
  'monitor:forms': op({ access: 'clerk', run: (ctx) => forms.listForms(ctx) }),
  'monitor:form': op({
    access: 'clerk',
    run: (ctx, i: { id: number }) => forms.formDetail(ctx, forms.mustForm(ctx, parseInput(z.object({ id: z.number().int().positive() }), i).id)),
  }),
  /** Checks a definition (e.g. a province's draft) without saving it. */
  'monitor:validateForm': op({ access: 'clerk', run: (_ctx, i: unknown) => ({ ok: true, form: forms.validateForm(i) }) }),
  'monitor:defineForm': op({ access: 'admin', run: (ctx, i: forms.FormInput) => forms.defineForm(ctx, i) }),

  'monitor:listEntries': op({ access: 'clerk', run: (ctx, i: { list_code?: string } | undefined) => units.listEntries(ctx, i) }),
  'monitor:addToList': op({ access: 'clerk', run: (ctx, i: z.input<typeof units.listEntryInput>) => units.addToList(ctx, i) }),
  'monitor:removeFromList': op({ access: 'clerk', run: (ctx, i: z.input<typeof units.listLeaveInput>) => units.removeFromList(ctx, i) }),

  'monitor:report': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.reportQuery>) => reports.getReport(ctx, i) }),
  'monitor:save': op({ access: 'clerk', run: (ctx, i: reports.SaveInput) => reports.saveReport(ctx, i) }),
  'monitor:explain': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.explainInput>) => reports.explain(ctx, i) }),
  'monitor:transition': op({ access: 'clerk', run: (ctx, i: z.input<typeof reports.transitionInput>) => reports.transition(ctx, i) }),

  'monitor:template': op({
    access: 'clerk',
    run: async (ctx, i: z.input<typeof reports.reportQuery>): Promise<FileOutput> => {
      const t = await excel.reportTemplate(ctx, i);
      return toFile(t.fileName, t.bytes);
    },
  }),
  'monitor:import': op({
    access: 'clerk',
    job: true,
    exclusive: '导入报表数据',
    run: async (ctx, i: z.input<typeof fileInput> & z.input<typeof reports.reportQuery>) => {
      const f = parseInput(fileInput, { fileName: i.fileName, dataBase64: i.dataBase64 });
      return excel.importReport(ctx, { form_id: i.form_id, period: i.period }, { fileName: f.fileName, bytes: Buffer.from(f.dataBase64, 'base64'), onProgress: ctx.progress });
    },
  }),
};
