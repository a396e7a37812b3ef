// The one contract. Both transports (Electron IPC, the browser-mode HTTP host) and the command line dispatch
// this table; the renderer imports only its types.
import { z } from 'zod';
import { op, idInput, fileInput, toFile, type FileOutput, type OpDef } from './op.js';
import * as enterprises from './enterprises/service.js';
import * as enterpriseExcel from './enterprises/excel.js';
import * as users from './auth/users.js';
import * as office from './office/service.js';
import * as codes from './codes/service.js';
import { auditHead, verifyAudit, type AuditVerification } from './audit/audit.js';
import { anchorFromFile, verifyInput, VERIFY_LABELS } from './exchange/anchor.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sanctions from './sanctions/service.js';
import { parseInput } from './validate.js';
import { writeWorkbook } from './excel/write.js';
import { trainingOperations } from './training/api.js';
import { townOperations } from './towns/api.js';
import { exhibitionOperations } from './exhibitions/api.js';
import { exchangeOperations, safeName } from './exchange/api.js';
import { monitorOperations } from './monitor/api.js';

export type { OpContext, OpDef, FileOutput, ProgressFn, Access } from './op.js';


export const operations = {
  'codes:regionChildren': op({ access: 'public', run: (ctx, i: z.input<typeof codes.regionChildrenInput>) => codes.regionChildren(ctx, i) }),
  'codes:region': op({ access: 'public', run: (ctx, code: string) => codes.regionLookup(ctx, code) }),
  'codes:industrySearch': op({ access: 'clerk', run: (ctx, i: z.input<typeof codes.searchInput>) => codes.industrySearch(ctx, i) }),
  'codes:officeCounties': op({ access: 'clerk', run: (ctx) => codes.officeCounties(ctx) }),
  'codes:tierTypes': op({ access: 'clerk', run: (ctx) => enterprises.tierTypes(ctx) }),

  'office:get': op({ access: 'clerk', run: (ctx) => office.getOffice(ctx.db) }),
  'office:rename': op({ access: 'admin', run: (ctx, i: z.input<typeof office.officeUpdateInput>) => office.updateOfficeName(ctx, i) }),
  'office:setSeparationOfDuties': op({ access: 'admin', run: (ctx, i: z.input<typeof office.separationInput>) => office.setSeparationOfDuties(ctx, i) }),

  'users:list': op({ access: 'admin', run: (ctx) => users.listUsers(ctx) }),
  'users:create': op({ access: 'admin', run: (ctx, i: z.input<typeof users.createUserInput>) => users.createUser(ctx, i) }),
  'users:update': op({ access: 'admin', run: (ctx, i: z.input<typeof users.updateUserInput>) => users.updateUser(ctx, i) }),
  'users:unlock': op({ access: 'admin', run: (ctx, i: z.input<typeof users.unlockUserInput>) => users.unlockUser(ctx, i) }),
  'users:changePassword': op({
    access: 'clerk',
    run: (ctx, i: z.input<typeof users.changePasswordInput>) => users.changeOwnPassword(ctx, i),
  }),

  'enterprise:list': op({ access: 'clerk', run: (ctx, i: z.input<typeof import('./enterprises/schema.js').listQuery>) => enterprises.listEnterprises(ctx, i) }),
  'enterprise:get': op({ access: 'clerk', run: (ctx, i: z.input<typeof idInput>) => enterprises.getEnterprise(ctx, parseInput(idInput, i).id) }),
  'enterprise:create': op({ access: 'clerk', run: (ctx, i: import('./enterprises/schema.js').EnterpriseInput) => enterprises.createEnterprise(ctx, i) }),
  'enterprise:update': op({
    access: 'clerk',
    run: (ctx, i: { id: number; data: import('./enterprises/schema.js').EnterpriseInput }) =>
      enterprises.updateEnterprise(ctx, parseInput(idInput, { id: i.id }).id, i.data),
  }),
  'enterprise:setStatus': op({ access: 'clerk', run: (ctx, i: z.input<typeof enterprises.statusInput>) => enterprises.setEnterpriseStatus(ctx, i) }),
  'enterprise:addTier': op({
    access: 'clerk',
    run: (ctx, i: z.input<typeof import('./enterprises/schema.js').tierInput>) => enterprises.addTier(ctx, i),
  }),
  'enterprise:revokeTier': op({ access: 'reviewer', run: (ctx, i: z.input<typeof enterprises.revokeTierInput>) => enterprises.revokeTier(ctx, i) }),
  'enterprise:template': op({ access: 'clerk', run: async (ctx): Promise<FileOutput> => toFile('企业名录导入模板.xlsx', await enterpriseExcel.enterpriseTemplate(ctx)) }),
  'enterprise:import': op({
    access: 'clerk',
    job: true,
    // Validation reads the registry and the write keeps one transaction open across pauses: nothing else meanwhile.
    exclusive: '导入企业名录',
    run: async (ctx, i: z.input<typeof fileInput> & { updateExisting?: boolean }) => {
      const f = parseInput(fileInput, i);
      return enterpriseExcel.importEnterprises(ctx, {
        fileName: f.fileName,
        bytes: Buffer.from(f.dataBase64, 'base64'),
        updateExisting: i.updateExisting === true,
        onProgress: ctx.progress,
      });
    },
  }),
  'enterprise:export': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: z.input<typeof import('./enterprises/schema.js').listQuery>): Promise<FileOutput> => {
      const r = await enterpriseExcel.exportEnterprises(ctx, { ...i, page: 1, pageSize: 20 }, ctx.progress);
      return toFile(r.fileName, r.bytes);
    },
  }),

  'sanction:list': op({ access: 'clerk', run: (ctx, i: { enterprise_id?: number }) => sanctions.listSanctions(ctx, i?.enterprise_id) }),
  'sanction:create': op({ access: 'reviewer', run: (ctx, i: z.input<typeof sanctions.sanctionInput>) => sanctions.createSanction(ctx, i) }),
  'sanction:lift': op({ access: 'admin', run: (ctx, i: { id: number; reason: string }) => sanctions.liftSanction(ctx, i) }),

  'excel:errorReport': op({
    access: 'clerk',
    run: async (_ctx, i: { fileName: string; errors: Array<{ row: number; column: string; message: string }> }): Promise<FileOutput> => {
      const p = parseInput(
        z.object({
          fileName: z.string().max(255),
          errors: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })).max(200_000),
        }),
        i,
      );
      const bytes = await writeWorkbook([
        {
          name: '错误报告',
          columns: [{ header: '行号', kind: 'number', width: 8 }, { header: '列', width: 26 }, { header: '错误原因', width: 80 }],
          rows: p.errors.map((e) => [e.row, e.column, e.message]),
        },
      ]);
      return toFile(`错误报告-${p.fileName.replace(/\.xlsx$/i, '')}.xlsx`, bytes);
    },
  }),

  /** The chain walked; with an anchor (typed, or from a backup or own package), the entry at its position must keep its hash. */
  'audit:verify': op({
    access: 'reviewer',
    run: (ctx, i?: z.input<typeof verifyInput>): AuditVerification & { source?: string } => {
      const p = parseInput(verifyInput, i ?? {}, VERIFY_LABELS);
      if (p.anchorFile) {
        const dir = mkdtempSync(join(tmpdir(), 'ledger-anchor-'));
        try {
          const file = join(dir, safeName(p.anchorFile.fileName));
          writeFileSync(file, Buffer.from(p.anchorFile.dataBase64, 'base64'));
          const a = anchorFromFile(ctx.db, file);
          return { ...verifyAudit(ctx.db, a.anchor), source: a.source };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      if (p.count !== undefined && p.hash !== undefined) return { ...verifyAudit(ctx.db, { count: p.count, hash: p.hash }), source: '手工输入的锚点' };
      return verifyAudit(ctx.db);
    },
  }),
  /** The chain's head now, to write down or compare later. */
  'audit:head': op({ access: 'reviewer', run: (ctx) => auditHead(ctx.db) }),
  'audit:recent': op({
    access: 'reviewer',
    run: (ctx, i: { limit?: number; beforeSeq?: number }) => {
      const p = parseInput(z.object({ limit: z.number().int().min(1).max(500).default(100), beforeSeq: z.number().int().optional() }), i ?? {});
      return ctx.db
        .prepare('SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?')
        .all(p.beforeSeq ?? Number.MAX_SAFE_INTEGER, p.limit) as import('./audit/audit.js').AuditEntry[];
    },
  }),
  // Domain areas add their tables here, one line each: ...townOperations, ...trainingOperations, ...
  ...trainingOperations,
  ...townOperations,
  ...exhibitionOperations,
  ...exchangeOperations,
  ...monitorOperations,
} satisfies Record<string, OpDef<never, unknown>>;

export type Operations = typeof operations;
export type OpName = keyof Operations;
export type OpInput<K extends OpName> = Parameters<Operations[K]['run']>[1];
export type OpOutput<K extends OpName> = Awaited<ReturnType<Operations[K]['run']>>;
