// The only way the UI reaches the services. It cannot tell Electron IPC from browser-mode HTTP.
import type { OpInput, OpName, OpOutput } from '../../../db/api';
import type { AppErrorData, HostOpName, HostOpOutput, HostOperations, Result } from '../../../db/types';
import type { LedgerBridge } from '../../../electron/bridge';

declare global {
  interface Window {
    countyLedger?: LedgerBridge;
  }
}

export class ApiError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(e: AppErrorData) {
    super(e.message);
    this.code = e.code;
    this.details = e.details;
  }
}

const SESSION_KEY = 'county-ledger-session';
let session: string | null = sessionStorage.getItem(SESSION_KEY);
let onSessionProblem: ((code: string) => void) | null = null;

export function setSession(token: string | null): void {
  session = token;
  if (token) sessionStorage.setItem(SESSION_KEY, token);
  else sessionStorage.removeItem(SESSION_KEY);
}

export function onSessionLost(fn: (code: string) => void): void {
  onSessionProblem = fn;
}

async function raw(op: string, input: unknown): Promise<Result<unknown>> {
  if (window.countyLedger) return window.countyLedger.call(op, input, session);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-county-ledger': '1' };
  if (session) headers['x-ledger-session'] = session;
  let res: Response;
  try {
    res = await fetch('./api/call', { method: 'POST', headers, body: JSON.stringify({ op, input }) });
  } catch {
    return { ok: false, error: { code: 'OFFLINE', message: '无法连接台账服务（程序是否已关闭？）' } };
  }
  if (res.status === 403) return { ok: false, error: { code: 'FORBIDDEN_HOST', message: '未授权：请使用启动时显示的地址重新打开' } };
  return (await res.json()) as Result<unknown>;
}

type HostInput<K extends HostOpName> = Parameters<HostOperations[K]>[1];
type AnyName = OpName | HostOpName;
type In<K extends AnyName> = K extends OpName ? OpInput<K> : K extends HostOpName ? HostInput<K> : never;
type Out<K extends AnyName> = K extends OpName ? OpOutput<K> : K extends HostOpName ? HostOpOutput<K> : never;

export async function call<K extends AnyName>(op: K, input?: In<K>): Promise<Out<K>> {
  const r = await raw(op, input ?? {});
  if (!r.ok) {
    if ((r.error.code === 'SESSION_LOCKED' || r.error.code === 'NOT_LOGGED_IN') && onSessionProblem) onSessionProblem(r.error.code);
    throw new ApiError(r.error);
  }
  return r.value as Out<K>;
}

export interface JobProgress {
  done: number;
  total: number | null;
  phase: string;
}

/** Starts a job operation and polls it, reporting progress, until it ends. */
export async function runJob<K extends OpName>(op: K, input: In<K>, onProgress: (p: JobProgress) => void): Promise<OpOutput<K>> {
  const { jobId } = (await call(op, input)) as unknown as { jobId: string };
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const s = (await call('job:get', { jobId } as never)) as unknown as JobProgress & { result: Result<unknown> | null };
    onProgress(s);
    if (s.result) {
      if (!s.result.ok) throw new ApiError(s.result.error);
      return s.result.value as OpOutput<K>;
    }
  }
}

/** Save bytes: the native dialog in Electron, a download in the browser. */
export async function saveFile(file: { fileName: string; dataBase64: string }): Promise<void> {
  if (window.countyLedger) {
    await window.countyLedger.saveFile(file.fileName, file.dataBase64);
    return;
  }
  const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes]));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function fileToBase64(file: File): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * 导出 PDF of the print view on screen. Electron prints the window itself; in browser mode the host prints a
 * snapshot (the document and its styles, no scripts) and the PDF comes back as a download. 'dialog': the host
 * has no browser to print with, and the caller opens the print dialog with instructions.
 */
export async function exportPdf(fileName: string): Promise<'saved' | 'dialog'> {
  if (window.countyLedger) {
    await window.countyLedger.printToPdf(fileName);
    return 'saved';
  }
  const doc = document.querySelector('.print-doc');
  if (!doc) throw new ApiError({ code: 'BAD_REQUEST', message: '没有可导出的打印页' });
  const css = [...document.styleSheets]
    .map((sheet) => {
      try {
        return [...sheet.cssRules].map((r) => r.cssText).join('\n');
      } catch {
        return '';
      }
    })
    .join('\n');
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${fileName}</title><style>${css}</style></head><body><div class="print-page">${doc.outerHTML}</div></body></html>`;
  const res = await fetch('./api/pdf', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-county-ledger': '1' },
    body: JSON.stringify({ html, fileName }),
  });
  if (res.headers.get('content-type')?.startsWith('application/pdf')) {
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return 'saved';
  }
  const r = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (r?.error?.code === 'NO_PDF_ENGINE') return 'dialog';
  throw new ApiError(r?.error ?? { code: 'PDF_FAILED', message: '生成 PDF 失败' });
}
