// Cheap guards on the Electron shell's security settings and packaging, read from the sources (no Electron needed).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const electronSources = readdirSync(join(root, 'electron'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: read(`electron/${f}`) }));

describe('Electron window settings (electron/main.ts)', () => {
  const main = read('electron/main.ts');
  const prefs = /webPreferences:\s*\{([^}]*)\}/.exec(main)?.[1] ?? '';

  it('isolates the renderer', () => {
    expect(prefs).toMatch(/contextIsolation:\s*true\b/);
    expect(prefs).toMatch(/sandbox:\s*true\b/);
    expect(prefs).toMatch(/nodeIntegration:\s*false\b/);
    expect(prefs).toMatch(/webSecurity:\s*true\b/);
  });

  it('never weakens them anywhere in electron/', () => {
    for (const { file, text } of electronSources) {
      expect(text, file).not.toMatch(/contextIsolation:\s*false|sandbox:\s*false|nodeIntegration:\s*true|webSecurity:\s*false/);
      expect(text, file).not.toMatch(/allowRunningInsecureContent:\s*true|nodeIntegrationIn\w+:\s*true/);
    }
  });

  it('takes the single-instance lock and denies pop-ups and navigation away', () => {
    expect(main).toContain('requestSingleInstanceLock()');
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toContain("'will-navigate'");
  });
});

describe('preload (electron/preload.ts)', () => {
  it('exposes exactly one object, checked against LedgerBridge', () => {
    const calls = electronSources.flatMap(({ file, text }) => (text.match(/exposeInMainWorld\(/g) ?? []).map(() => file));
    expect(calls).toEqual(['preload.ts']);
    const preload = read('electron/preload.ts');
    expect(preload).toMatch(/exposeInMainWorld\('countyLedger', bridge\)/);
    expect(preload).toMatch(/\}\s*satisfies LedgerBridge;/);
  });
});

describe('IPC (electron/ipc.ts)', () => {
  it('validates with zod and checks the sender on every channel', () => {
    const ipc = read('electron/ipc.ts');
    const handlers = ipc.match(/ipcMain\.handle\(/g) ?? [];
    expect(handlers).toHaveLength(4);
    expect(ipc).toContain("from 'zod'");
    expect((ipc.match(/fromOurWindow\(e, opts\)/g) ?? []).length).toBe(2); // ledger:call, and the guard of the other three
  });
});

describe('electron-builder config (electron-builder.yml)', () => {
  const yml = read('electron-builder.yml');
  it('names the app and unpacks native modules', () => {
    expect(yml).toMatch(/^productName: 县域产业台账$/m);
    expect(yml).toMatch(/^appId: \S+$/m);
    expect(yml).toMatch(/^asarUnpack:\n\s+- "\*\*\/\*\.node"$/m);
    expect(yml).toMatch(/^  - dist\/electron\/enterprise-import-worker\.cjs$/m);
    expect(yml).toMatch(/^npmRebuild: true$/m);
  });
  it('builds NSIS x64 in Chinese with a per-user/per-machine choice', () => {
    expect(yml).toMatch(/target: nsis\n\s+arch: \[x64\]/);
    expect(yml).toMatch(/oneClick: false/);
    expect(yml).toMatch(/perMachine: false/);
    expect(yml).toMatch(/installerLanguages: \[zh_CN\]/);
  });
  it('builds deb and AppImage for x64 and arm64', () => {
    expect(yml).toMatch(/target: deb\n\s+arch: \[x64, arm64\]/);
    expect(yml).toMatch(/target: AppImage\n\s+arch: \[x64, arm64\]/);
  });
});

describe('main process bundle (dist/.check/electron/main.cjs)', () => {
  it('loads under Node with a stand-in electron, opens a ledger, answers only its own window, and its import worker runs', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-electron-bundle.mjs'), '--build'], { encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(report, r.stderr).toMatchObject({
      ok: true,
      stranger: 'FORBIDDEN',
      foreignPage: 'FORBIDDEN',
      badOp: 'BAD_REQUEST',
      region140525: { name: '泽州县' },
      importWorker: 'ready,fail:NOT_XLSX',
      channels: ['ledger:call', 'ledger:openFile', 'ledger:printToPdf', 'ledger:saveFile'],
    });
    expect(r.status).toBe(0);
  });
});
