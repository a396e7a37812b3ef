// `npm start` without Electron's binary, or `npm run browser`: serve the app on 127.0.0.1 and open the browser.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LedgerHost, defaultDataDir } from '../db/host.js';
import { toErrorData } from '../db/result.js';
import { startWebHost } from './web-host.js';
import { seedDemoIfRequested } from './demo.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function openBrowser(url: string): void {
  if (process.env.CI || process.argv.includes('--no-open')) return;
  const cmd = process.platform === 'win32' ? 'cmd' : process.platform === 'darwin' ? 'open' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const p = spawn(cmd, args, { stdio: 'ignore', detached: true });
    p.on('error', () => {});
    p.unref();
  } catch {
    // No default browser (a server without a desktop): the printed address is enough.
  }
}

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  const dataDir = resolve(arg('--data') ?? (demo ? join(defaultDataDir(), 'demo') : defaultDataDir()));
  const host = new LedgerHost(dataDir, undefined, { lock: true, warmImportWorker: true, idleCheckpoint: true });
  try {
    await host.open();
  } catch (e) {
    process.stderr.write(`${toErrorData(e).message}\n`);
    process.exit(2);
  }
  if (demo) await seedDemoIfRequested(host);
  const web = await startWebHost({
    host,
    staticDir: join(root, 'dist', 'renderer'),
    port: arg('--port') ? Number(arg('--port')) : 0,
  });
  process.stdout.write(
    `县域产业台账（浏览器模式）已启动\n数据目录：${dataDir}\n请在浏览器中打开：${web.openUrl}\n（地址含本次启动的访问令牌，请勿分享；按 Ctrl+C 退出）\n`,
  );
  openBrowser(web.openUrl);
  const stop = () => {
    void web.close().finally(() => {
      host.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
