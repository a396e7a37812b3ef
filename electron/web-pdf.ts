// Browser mode's 导出 PDF: a browser page cannot write a PDF itself, so the host prints the print view's snapshot
// (its HTML with the styles inlined, no scripts) with a headless Chromium or Edge on this computer and sends the
// file back as a download. With no such browser the renderer opens the print dialog and says how to save a PDF.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The browser that prints PDFs: LEDGER_PDF_BROWSER, else the first Chromium, Chrome or Edge found. */
export function pdfBrowser(): string | null {
  const env = process.env.LEDGER_PDF_BROWSER;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** No script runs and nothing is fetched: the page is the document and its inline styles only. */
const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">`;

export function htmlToPdf(html: string, browser: string, timeoutMs = 60_000): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-pdf-'));
  const page = join(dir, 'doc.html');
  const out = join(dir, 'doc.pdf');
  writeFileSync(page, html.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/<head>/i, `<head>${CSP}`));
  const args = [
    '--headless', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking', `--user-data-dir=${join(dir, 'profile')}`,
    '--no-pdf-header-footer', `--print-to-pdf=${out}`, pathToFileURL(page).href,
  ];
  // Chromium refuses to start its sandbox as root (a container, a CI machine).
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  return new Promise((ok, fail) => {
    const p = spawn(browser, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => p.kill(), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      fail(e);
    });
    p.on('exit', () => {
      clearTimeout(timer);
      try {
        if (!existsSync(out)) return fail(new Error(err || 'no PDF written'));
        ok(readFileSync(out));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** POST /api/pdf {html, fileName}: the PDF, or a JSON error the renderer explains (NO_PDF_ENGINE: use the print dialog). */
export async function servePdf(body: Buffer | null, res: ServerResponse): Promise<void> {
  const json = (status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ ok: false, error: { code, message } }));
  };
  let input: { html?: unknown; fileName?: unknown };
  try {
    input = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return json(400, 'BAD_REQUEST', '请求格式不正确');
  }
  if (typeof input.html !== 'string' || !input.html.includes('print-doc')) return json(400, 'BAD_REQUEST', '没有可导出的打印页');
  const browser = pdfBrowser();
  if (!browser) return json(200, 'NO_PDF_ENGINE', '本机没有可用于生成 PDF 的 Chromium、Chrome 或 Edge 浏览器');
  try {
    const pdf = await htmlToPdf(input.html, browser);
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length, 'cache-control': 'no-store' });
    res.end(pdf);
  } catch (e) {
    json(200, 'PDF_FAILED', `生成 PDF 失败：${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
  }
}
