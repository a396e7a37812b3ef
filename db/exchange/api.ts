// The exchange (数据交换) operations, spread into db/api.ts. Packages cross the transports as base64 files; the
// services themselves stream from and to temporary files, never holding a package in memory.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { op, fileInput, toFile, type FileOutput } from '../op.js';
import { parseInput } from '../validate.js';
import { exportPackage, type ExportInput } from './export.js';
import { importSteps, verifyPackage, type ImportOptions } from './import.js';
import { consolidateSteps } from './consolidate.js';
import { runPaced } from '../steps.js';
import { listPeers, officeKey, unpinPeer } from './keys.js';
import { retrustPeer, type RetrustInput } from './trust.js';
import { commentsAndExplanations, markReviewed, ownStatus, packageLog, submissions } from './status.js';
import { originOffices, summaryByOffice, summaryExcel } from './summary.js';

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cxpkg-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
async function withTempAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cxpkg-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
export const safeName = (n: string) => basename(n).replace(/[^\w.\-\u4e00-\u9fa5]/g, '_') || 'package.cxpkg';
function toTemp(dir: string, raw: unknown): string {
  const f = parseInput(fileInput, raw);
  const file = join(dir, safeName(f.fileName));
  writeFileSync(file, Buffer.from(f.dataBase64, 'base64'));
  return file;
}

type PackageFile = z.input<typeof fileInput>;
type ImportInput = PackageFile & Omit<ImportOptions, 'limits' | 'onProgress' | 'fileName'>;

export const exchangeOperations = {
  /** This office's signing key fingerprint (made on first use), to read out to the office above. */
  'exchange:key': op({ access: 'clerk', run: (ctx) => ({ fingerprint: officeKey(ctx).fingerprint }) }),
  'exchange:peers': op({ access: 'reviewer', run: (ctx) => listPeers(ctx.db) }),
  'exchange:unpin': op({ access: 'admin', run: (ctx, i: { id: number }) => unpinPeer(ctx, parseInput(z.object({ id: z.number().int().positive() }), i).id) }),
  /** After a key change (KEY_CHANGED): pins the key that signed this package, retiring the old one, with a reason. */
  'exchange:peer:retrust': op({
    access: 'admin',
    run: (ctx, i: PackageFile & RetrustInput) => withTemp((dir) => retrustPeer(ctx, toTemp(dir, i), i)),
  }),
  /** Own status for a period and the 审核公式 results. */
  'exchange:checks': op({ access: 'clerk', run: (ctx, i: { period: string }) => ownStatus(ctx, i) }),
  'exchange:review': op({ access: 'reviewer', run: (ctx, i: { period: string; explanations?: Record<string, string> }) => markReviewed(ctx, i) }),
  'exchange:export': op({
    access: 'clerk',
    job: true,
    run: (ctx, i: ExportInput): FileOutput =>
      withTemp((dir) => {
        const r = exportPackage(ctx, i, { dir });
        return toFile(basename(r.file), readFileSync(r.file));
      }),
  }),
  'exchange:verify': op({
    access: 'clerk',
    run: (ctx, i: PackageFile & { passphrase?: string }) => withTemp((dir) => verifyPackage(ctx.db, toTemp(dir, i), { passphrase: i.passphrase })),
  }),
  // The three below hold one transaction open while they pause between chunks (db/steps.ts), so the progress
  // bar moves; the host keeps every other request off the connection meanwhile (exclusive).
  /** What the package would add, update, leave, delete and where it conflicts; writes nothing (rolled back). */
  'exchange:dryRun': op({
    access: 'clerk',
    job: true,
    exclusive: '试导入数据包',
    run: (ctx, i: ImportInput) =>
      withTempAsync((dir) => runPaced(importSteps(ctx, toTemp(dir, i), 'dry', { ...i, fileName: i.fileName, onProgress: ctx.progress }))),
  }),
  /** Applies in one transaction; conflicts need choices (per gid or choiceAll). */
  'exchange:apply': op({
    access: 'reviewer',
    job: true,
    exclusive: '导入数据包',
    run: (ctx, i: ImportInput) =>
      withTempAsync((dir) => runPaced(importSteps(ctx, toTemp(dir, i), 'apply', { ...i, fileName: i.fileName, onProgress: ctx.progress }))),
  }),
  'exchange:consolidate': op({
    access: 'reviewer',
    job: true,
    exclusive: '汇总导入数据包',
    run: (ctx, i: { files: PackageFile[]; pin?: boolean; force?: boolean }) =>
      withTempAsync((dir) => {
        const p = parseInput(z.object({ files: z.array(z.unknown()).min(1, '请选择交换包').max(500), pin: z.boolean().optional(), force: z.boolean().optional() }), i);
        const files = p.files.map((f, n) => {
          const sub = join(dir, String(n));
          mkdirSync(sub, { recursive: true });
          return toTemp(sub, f);
        });
        return runPaced(consolidateSteps(ctx, files, { pin: p.pin, force: p.force, onProgress: ctx.progress }));
      }),
  }),
  /** 报送情况: every office below for a period, with status, time and overdue ones. */
  'exchange:submissions': op({ access: 'clerk', run: (ctx, i: { period: string }) => submissions(ctx, i) }),
  'exchange:packages': op({ access: 'clerk', run: (ctx, i: { limit?: number }) => packageLog(ctx, i ?? {}) }),
  /** 退回 comments and 出错说明, for one record (gid) or a period. */
  /** 汇总: per lower office (or city), the counts and amounts of every area in the consolidated ledger. */
  'exchange:summary': op({ access: 'clerk', run: (ctx, i: { by?: 'county' | 'city'; year?: number }) => summaryByOffice(ctx, i ?? {}) }),
  'exchange:summaryExport': op({
    access: 'clerk',
    job: true,
    run: async (ctx, i: { by?: 'county' | 'city'; year?: number }): Promise<FileOutput> => {
      const r = await summaryExcel(ctx, i ?? {});
      return toFile(r.fileName, r.bytes);
    },
  }),
  /** 上报单位 options of a list: the lower offices with records in it (none at county level). */
  'exchange:origins': op({ access: 'clerk', run: (ctx, i: { list: 'enterprise' | 'town' | 'plan' | 'claim' | 'course' }) => originOffices(ctx, i) }),
  'exchange:notes': op({ access: 'clerk', run: (ctx, i: { gid?: string; period?: string }) => commentsAndExplanations(ctx, i ?? {}) }),
};
