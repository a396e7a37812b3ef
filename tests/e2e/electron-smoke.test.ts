// The real Electron app, where Electron's binary is installed: window title, the bridge, the first-run screen.
// Where it is not, the test is skipped (and `npm test` says so); the same UI is covered in Chromium by the other e2e tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { electronBinary, electronNativeFile } from '../../scripts/electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = electronBinary(root);

// Without the binary the test is reported as skipped, never as passed: `npm test` names it in its closing lines.
it.skipIf(!binary)('Electron smoke test: window, bridge and first-run setup', { timeout: 240_000 }, async () => {
  const node = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: 'inherit' });
  // better-sqlite3 for Electron's ABI, beside the Node build (needs the network once).
  if (!existsSync(electronNativeFile(root))) expect(node('rebuild-electron.mjs').status, 'npm run rebuild:electron').toBe(0);
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')) || !existsSync(join(root, 'dist', 'electron', 'main.cjs'))) {
    expect(node('build.mjs').status, 'npm run build').toBe(0);
  }

  const { _electron } = await import('playwright-core');
  const data = mkdtempSync(join(tmpdir(), 'ledger-electron-'));
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await _electron.launch({ executablePath: binary!, args: [root, '--data', data], cwd: root, env, timeout: 60_000 });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    expect(await win.title()).toContain('县域产业台账');

    // Node stays out of the page; the one bridge object is there and reaches the ledger in --data.
    const probe = await win.evaluate(async () => {
      // The root tsconfig has no DOM lib; these run in the page.
      const w = globalThis as unknown as {
        require?: unknown;
        process?: unknown;
        countyLedger: { transport: string; call(op: string, i: unknown, s: null): Promise<{ ok: boolean; value?: { initialized: boolean; dataDir: string } }> };
      };
      const status = await w.countyLedger.call('app:status', null, null);
      return { require: typeof w.require, process: typeof w.process, transport: w.countyLedger.transport, status };
    });
    expect(probe).toMatchObject({ require: 'undefined', process: 'undefined', transport: 'electron' });
    expect(probe.status).toMatchObject({ ok: true, value: { initialized: false, dataDir: data } });

    // A fresh folder opens on the first-run setup (首次设置) screen.
    await win.waitForFunction(
      () => /设置|初始化/.test((globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText),
      undefined,
      { timeout: 30_000 },
    );
    await win.screenshot({ path: join(root, 'test-output', 'electron', 'setup.png') });
  } finally {
    await app.close();
    rmSync(data, { recursive: true, force: true });
  }
});

