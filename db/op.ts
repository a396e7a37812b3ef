import { z } from 'zod';
import type { Ctx, Role } from './context.js';

export type Access = 'public' | Role;

/** Progress of a long operation, polled by the UI for its progress bar. */
export type ProgressFn = (done: number, total: number | null, phase: string) => void;

export interface OpContext extends Ctx {
  progress: ProgressFn;
}

export interface OpDef<I, O> {
  /** Lowest role allowed ('public': no login, e.g. code lists for the setup screen). */
  access: Access;
  /** Runs as a background job with progress (imports, large exports); the caller polls job:get. */
  job?: boolean;
  /**
   * A job that holds the ledger's one connection for its whole run, e.g. a write transaction kept open across
   * event-loop turns (db/steps.ts runPaced) so progress can be polled. What it is doing, for the message
   * 「正在<exclusive>，请稍候」: meanwhile the host answers only job:get, app:status and auth:lock and refuses
   * everything else, which would otherwise see or join the half-written transaction.
   */
  exclusive?: string;
  run(ctx: OpContext, input: I): O | Promise<O>;
}

export const op = <I, O>(def: OpDef<I, O>) => def;

export const idInput = z.object({ id: z.number().int().positive() });

/** Files cross both transports as base64 (an .xlsx of 50,000 rows is ~3 MB). */
export const fileInput = z.object({
  fileName: z.string().min(1).max(255),
  dataBase64: z.string().max(40 * 1024 * 1024, '文件过大'),
});
export interface FileOutput {
  fileName: string;
  dataBase64: string;
}
export const toFile = (fileName: string, bytes: Buffer | Uint8Array): FileOutput => ({
  fileName,
  dataBase64: Buffer.from(bytes).toString('base64'),
});
