// Issue 13: the browser-mode host under bad input: two instances on one machine, and paths that leave the static root.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../../db/clock.js';
import { LedgerHost } from '../../db/host.js';
import { startWebHost, type RunningWebHost } from '../../electron/web-host.js';
import { tempDirPerTest } from '../helpers.js';

const newDir = tempDirPerTest('ledger-web-');
const running: Array<{ web: RunningWebHost; host: LedgerHost }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.web.close();
    r.host.close();
  }
});

/** A static root `renderer` beside a folder whose name starts with the root's: `renderer-private`. */
function folders() {
  const base = newDir();
  const staticDir = join(base, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>县域产业台账</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  mkdirSync(join(base, 'renderer-private'));
  writeFileSync(join(base, 'renderer-private', 'secret.txt'), 'SECRET');
  writeFileSync(join(base, 'outside.txt'), 'OUTSIDE');
  symlinkSync(join(base, 'renderer-private'), join(staticDir, 'link'));
  return { base, staticDir };
}

async function start(staticDir: string, token: string) {
  const host = new LedgerHost(newDir(), fixedClock('2026-03-01T02:00:00Z'), { autoBackup: false });
  await host.open();
  const web = await startWebHost({ host, staticDir, token });
  running.push({ web, host });
  return web;
}

/** Opens the printed address as a browser would, keeping the cookie it sets in `jar` (cookies ignore ports). */
async function open(web: RunningWebHost, jar: Map<string, string>): Promise<string> {
  const r = await fetch(web.openUrl, { redirect: 'manual' });
  expect(r.status).toBe(302);
  const set = r.headers.get('set-cookie')!;
  const [pair] = set.split(';');
  const [name, value] = pair!.split('=');
  jar.set(name!, value!);
  return name!;
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const get = (web: RunningWebHost, path: string, jar: Map<string, string>) => fetch(`${web.url.replace(/\/$/, '')}${path}`, { headers: { cookie: cookieHeader(jar) } });

describe('browser-mode host', () => {
  it('two instances on one machine each keep their own cookie: opening the second leaves the first working', async () => {
    const { staticDir } = folders();
    const jar = new Map<string, string>();
    const a = await start(staticDir, 'token-a');
    const b = await start(staticDir, 'token-b');
    const nameA = await open(a, jar);
    const nameB = await open(b, jar);
    expect(nameA).toBe(`ledger_token_${a.port}`);
    expect(nameB).not.toBe(nameA);
    for (const web of [a, b]) {
      const r = await get(web, '/assets/app.js', jar);
      expect(r.status).toBe(200);
      const api = await fetch(`${web.url}api/call`, {
        method: 'POST', headers: { cookie: cookieHeader(jar), 'x-county-ledger': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'app:status', input: null }),
      });
      expect(api.status).toBe(200);
    }
    // A cookie of the other instance does not open this one.
    const r = await get(a, '/assets/app.js', new Map([[nameA, jar.get(nameB)!]]));
    expect(r.status).toBe(403);
  });

  it('serves files of the static root only: not a sibling folder whose name starts with the root\'s, nor through a link', async () => {
    const { staticDir } = folders();
    const jar = new Map<string, string>();
    const web = await start(staticDir, 'token-c');
    await open(web, jar);
    expect(await (await get(web, '/assets/app.js', jar)).text()).toBe('console.log(1)');
    for (const path of [
      '/..%2frenderer-private/secret.txt',
      '/..%2Frenderer-private%2Fsecret.txt',
      '/%2e%2e%2frenderer-private/secret.txt',
      '/assets/..%2f..%2frenderer-private/secret.txt',
      '/..%2foutside.txt',
      '/..%5crenderer-private%5csecret.txt',
      '/link/secret.txt',
      '/%E0%A4%A',
      '/a%00b',
    ]) {
      const r = await get(web, path, jar);
      const body = await r.text();
      expect(body, path).not.toContain('SECRET');
      expect(body, path).not.toContain('OUTSIDE');
      expect(r.status, path).toBe(404);
    }
    // The UI's own routes fall back to index.html.
    const route = await get(web, '/enterprises/12', jar);
    expect([route.status, await route.text()]).toEqual([200, '<!doctype html><title>县域产业台账</title>']);
  });
});
