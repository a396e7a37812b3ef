// Electron transport: the same LedgerHost as web-host.ts, behind ipcMain instead of HTTP.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { LedgerHost } from '../db/host.js';
import type { Result } from '../db/result.js';
import type { LedgerBridge } from './bridge.js';
import { CHANNELS } from './channels.js';

/** The desktop-only half of LedgerBridge (dialogs, printing), implemented by main.ts. */
export type DesktopActions = Pick<LedgerBridge, 'saveFile' | 'openFile' | 'printToPdf'>;

export interface IpcOptions {
  host: LedgerHost;
  /** The one window allowed to call; null while none is open. */
  window: () => BrowserWindow | null;
  /** Absolute path of dist/renderer/index.html: the only page allowed to call. */
  indexFile: string;
  desktop: DesktopActions;
}

// Same limits as the browser transport where one exists (web-host.ts: 48 MB body).
const MAX_BASE64 = Math.ceil((48 * 1024 * 1024 * 4) / 3);
const fileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/[\u0000-\u001f]/.test(s), '文件名含控制字符');

export const ipcArgs = {
  call: z.tuple([
    z.string().regex(/^[a-z][\w-]*:[\w-]+$/, '操作名不正确').max(100),
    z.unknown(),
    z.string().max(200).nullable(),
  ]),
  saveFile: z.tuple([fileName, z.string().max(MAX_BASE64, '文件过大（上限 48 MB）').regex(/^[A-Za-z0-9+/]*={0,2}$/, '数据不是 base64')]),
  openFile: z.tuple([
    z
      .array(
        z.object({
          name: z.string().min(1).max(100),
          extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9]{1,10})$/)).min(1).max(20),
        }),
      )
      .max(10),
  ]),
  printToPdf: z.tuple([fileName]),
};

function fromOurWindow(e: IpcMainInvokeEvent, opts: IpcOptions): boolean {
  const win = opts.window();
  if (!win || win.isDestroyed() || e.sender !== win.webContents) return false;
  const frame = e.senderFrame;
  const main = win.webContents.mainFrame;
  if (!frame || frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  // The page itself must be ours: a navigation we failed to block must not inherit the bridge.
  try {
    const url = new URL(frame.url);
    return url.protocol === 'file:' && url.pathname === pathToFileURL(opts.indexFile).pathname;
  } catch {
    return false; // about:blank, '' while loading
  }
}

function refused(): Result<never> {
  return { ok: false, error: { code: 'FORBIDDEN', message: '拒绝访问：请求不是来自本程序的窗口' } };
}

const badRequest = (e: z.ZodError): string => `请求格式不正确：${e.issues.map((i) => i.message).join('；')}`;

function invalid(e: z.ZodError): Result<never> {
  return { ok: false, error: { code: 'BAD_REQUEST', message: badRequest(e) } };
}

/** Registers the four channels; returns a function that removes them (tests, window re-creation). */
export function registerLedgerIpc(opts: IpcOptions): () => void {
  ipcMain.handle(CHANNELS.call, async (e, ...args: unknown[]): Promise<Result<unknown>> => {
    if (!fromOurWindow(e, opts)) return refused();
    const parsed = ipcArgs.call.safeParse(args);
    if (!parsed.success) return invalid(parsed.error);
    const [op, input, token] = parsed.data;
    return opts.host.call(op, input, token);
  });

  // The desktop actions resolve to a value or reject: LedgerBridge gives them no Result, and the renderer
  // shows the rejection's message. Messages are Chinese; Electron prefixes them with the channel name.
  const guarded = <A extends unknown[], R>(schema: z.ZodType<A>, run: (...a: A) => Promise<R>) =>
    async (e: IpcMainInvokeEvent, ...args: unknown[]): Promise<R> => {
      if (!fromOurWindow(e, opts)) throw new Error('拒绝访问：请求不是来自本程序的窗口');
      const parsed = schema.safeParse(args);
      if (!parsed.success) throw new Error(badRequest(parsed.error));
      return run(...parsed.data);
    };
  ipcMain.handle(CHANNELS.saveFile, guarded(ipcArgs.saveFile, (name, data) => opts.desktop.saveFile(name, data)));
  ipcMain.handle(CHANNELS.openFile, guarded(ipcArgs.openFile, (filters) => opts.desktop.openFile(filters)));
  ipcMain.handle(CHANNELS.printToPdf, guarded(ipcArgs.printToPdf, (name) => opts.desktop.printToPdf(name)));

  return () => {
    for (const c of [CHANNELS.call, CHANNELS.saveFile, CHANNELS.openFile, CHANNELS.printToPdf]) ipcMain.removeHandler(c);
  };
}
