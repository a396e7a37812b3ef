// Browser mode: the same LedgerHost behind HTTP on 127.0.0.1, the same React UI in a browser.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { LedgerHost } from '../db/host.js';
import { servePdf } from './web-pdf.js';

const MAX_BODY = 48 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface WebHostOptions {
  host: LedgerHost;
  /** Built renderer (vite build output). */
  staticDir: string;
  port?: number;
  /** Per-start secret; random unless a test fixes it. */
  token?: string;
}

export interface RunningWebHost {
  url: string;
  /** The address to open once: it carries the token and sets the cookie. */
  openUrl: string;
  port: number;
  close(): Promise<void>;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/**
 * Guards: (1) the Host header must be our loopback address (no DNS rebinding); (2) the per-start token must be
 * in an HttpOnly SameSite=Strict cookie, set only by opening the printed address; (3) API calls need a custom
 * header, which a cross-origin page cannot send without a preflight we never answer.
 */
export async function startWebHost(opts: WebHostOptions): Promise<RunningWebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(opts.staticDir);
  let port = 0;
  // Cookies are not told apart by port: two instances on 127.0.0.1 sharing one name overwrote each other's token,
  // and opening the second answered the first with 403. The name carries this instance's port (set once listening).
  let cookieName = 'ledger_token';

  const server = createServer((req, res) => {
    void handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`内部错误：${e instanceof Error ? e.message : String(e)}`);
    });
  });

  function deny(res: ServerResponse, status: number, text: string) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><meta charset="utf-8"><title>县域产业台账</title><p style="font:16px sans-serif;margin:3em">${text}</p>`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const hostHeader = req.headers.host ?? '';
    if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`) return deny(res, 421, '拒绝访问：地址不符。');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const t = url.searchParams.get('t');
    if (req.method === 'GET' && t !== null) {
      if (!same(t, token)) return deny(res, 403, '访问令牌不正确。请使用程序启动时显示的地址打开。');
      res.writeHead(302, {
        'set-cookie': `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        location: '/',
        'cache-control': 'no-store',
      });
      return res.end();
    }
    const c = cookie(req, cookieName);
    if (!c || !same(c, token)) return deny(res, 403, '未授权。请使用程序启动时在命令行中显示的地址（含访问令牌）打开县域产业台账。');

    if (url.pathname === '/api/call') {
      if (req.method !== 'POST' || req.headers['x-county-ledger'] !== '1') return deny(res, 400, '请求不正确');
      const body = await readBody(req);
      if (body === null) {
        res.writeHead(413, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: false, error: { code: 'TOO_LARGE', message: '请求过大（上限 48 MB）' } }));
      }
      let parsed: { op?: unknown; input?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: '请求格式不正确' } }));
      }
      const session = req.headers['x-ledger-session'];
      const result = await opts.host.call(String(parsed.op), parsed.input, typeof session === 'string' ? session : null);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(JSON.stringify(result));
    }

    if (url.pathname === '/api/pdf') {
      if (req.method !== 'POST' || req.headers['x-county-ledger'] !== '1') return deny(res, 400, '请求不正确');
      return servePdf(await readBody(req), res);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, '不支持的请求');
    let file = staticFile(staticDir, url.pathname);
    if (file === null) return deny(res, 404, '未找到');
    if (file === 'missing') file = join(staticDir, 'index.html');
    if (!existsSync(file)) return deny(res, 500, '界面文件缺失，请先运行 npm run build');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  cookieName = `ledger_token_${port}`;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}?t=${token}`,
    port,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** Whether `file` lies inside `dir` (or is it): compared by path.relative, not by a prefix of the text. */
function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The file under the static root that a request path names: null when it names something outside the root (a
 * sibling folder such as renderer-private reached by /..%2frenderer-private/x, which passed a bare prefix test,
 * or a link inside the root that points out of it); 'missing' when there is no such file (the UI's own routes).
 */
export function staticFile(staticDir: string, pathname: string): string | null | 'missing' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(staticDir, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (!inside(staticDir, file)) return null;
  if (!existsSync(file)) return 'missing';
  let real: string;
  try {
    real = realpathSync(file);
    if (!inside(realpathSync(staticDir), real)) return null;
  } catch {
    return null;
  }
  return statSync(real).isDirectory() ? 'missing' : real;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on('end', () => ok(over ? null : Buffer.concat(chunks)));
    req.on('error', fail);
  });
}
