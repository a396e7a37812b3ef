// The Electron shell's security and packaging, without Electron's binary: the packaging config as written, and the
// built bundles' behaviour under a stand-in 'electron'.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

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

// The shell's security, as behaviour: the built main and preload bundles run under Node with a stand-in 'electron'
// (scripts/check-electron-bundle.mjs), which creates the window, drives navigation and every IPC channel as Electron
// would, and loads the preload the way the sandbox does. No Electron binary is needed.
describe('main process and preload bundles (dist/.check/electron)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-electron-bundle.mjs'), '--build'], { encoding: 'utf8', timeout: 120_000 });
  const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  const CHANNELS = ['ledger:call', 'ledger:openFile', 'ledger:printToPdf', 'ledger:saveFile'];

  it('loads, opens a ledger in --data, and its import worker runs', () => {
    expect(report, r.stderr).toMatchObject({ ok: true, status: { state: 'ready' }, userDataIsDataDir: true, loadsIndex: true, region140525: { name: '泽州县' }, importWorker: 'ready,fail:NOT_XLSX' });
    expect(r.status).toBe(0);
  });

  it('isolates the renderer: the window is created sandboxed, with no Node and web security on', () => {
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(Object.keys(report.webPreferences as object).some((k) => /^nodeIntegrationIn|allowRunningInsecureContent/.test(k))).toBe(false);
  });

  it('takes the single-instance lock, denies pop-ups, and prevents navigation or redirects away from the app', () => {
    expect(report).toMatchObject({ singleInstance: true, popupsDenied: true, navigation: { away: true, redirectAway: true, ownPage: false } });
  });

  it('registers exactly the four channels, each refusing a stranger and a request of the wrong shape', () => {
    expect(report.channels).toEqual(CHANNELS);
    expect(report.ipc).toEqual(Object.fromEntries(CHANNELS.map((c) => [c, { stranger: 'FORBIDDEN', malformed: 'BAD_REQUEST' }])));
    expect(report).toMatchObject({ stranger: 'FORBIDDEN', foreignPage: 'FORBIDDEN', badOp: 'BAD_REQUEST' });
  });

  it('preload requires only electron and exposes exactly one object, whose calls go to those channels', () => {
    expect(report.preload).toEqual({
      requires: ['electron'],
      exposed: [{ name: 'countyLedger', keys: ['call', 'openFile', 'printToPdf', 'saveFile', 'transport'], transport: 'electron' }],
      channels: CHANNELS,
    });
  });
});
