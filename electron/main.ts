// Electron main process: lifecycle, the one window, the Chinese menu, dialogs. The ledger itself is LedgerHost,
// shared with browser mode and the command line; this file only wires it to a window.
import {
  app,
  BrowserWindow,
  Menu,
  dialog,
  session,
  shell,
  type MenuItemConstructorOptions,
} from 'electron';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LedgerHost, defaultDataDir } from '../db/host.js';
import { toErrorData } from '../db/result.js';
import type { LedgerBridge } from './bridge.js';
import { CHANNELS, type MenuCommand } from './channels.js';
import { seedDemoIfRequested } from './demo.js';
import { registerLedgerIpc, type DesktopActions } from './ipc.js';

const TITLE = '县域产业台账';
/** openFile refuses beyond this before reading; the import itself names its own, lower limit. */
const MAX_OPEN_BYTES = 100 * 1024 * 1024;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const demo = process.argv.includes('--demo');
const dataDir = resolve(arg('--data') ?? (demo ? join(defaultDataDir(), 'demo') : defaultDataDir()));

// userData is the ledger folder, so the single-instance lock is per ledger, like LedgerHost's file lock, and
// browser mode, the CLI and Electron all find the same ledger. Chromium's own profile goes in a subfolder.
app.setPath('userData', dataDir);
app.setPath('sessionData', join(dataDir, 'chromium'));

const appRoot = app.getAppPath();
const indexFile = join(appRoot, 'dist', 'renderer', 'index.html');
const preloadFile = join(appRoot, 'dist', 'electron', 'preload.cjs');

/**
 * better-sqlite3 built for Electron's ABI by `npm run rebuild:electron`, beside (not over) the Node build that
 * vitest and the CLI use. A packaged app has its node_modules rebuilt by electron-builder instead.
 */
function electronNativeBinding(): string | undefined {
  if (app.isPackaged) return undefined;
  const file = join(appRoot, 'build', 'native', `electron-${process.versions.electron}`, 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}

let win: BrowserWindow | null = null;
let host: LedgerHost | null = null;

function safeName(name: string, fallbackExt: string): string {
  const base = basename(name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')).trim() || `${TITLE}${fallbackExt}`;
  return extname(base) ? base : `${base}${fallbackExt}`;
}

function filterFor(file: string): Electron.FileFilter[] {
  const ext = extname(file).slice(1).toLowerCase();
  const names: Record<string, string> = { xlsx: 'Excel 工作簿', pdf: 'PDF 文件', zip: '数据包', json: 'JSON 文件', csv: 'CSV 文件' };
  return ext ? [{ name: names[ext] ?? `${ext.toUpperCase()} 文件`, extensions: [ext] }, { name: '所有文件', extensions: ['*'] }] : [];
}

function currentWindow(): BrowserWindow {
  if (!win || win.isDestroyed()) throw new Error('窗口已关闭');
  return win;
}

const desktop: DesktopActions = {
  async saveFile(suggestedName, dataBase64) {
    const w = currentWindow();
    const name = safeName(suggestedName, '');
    const r = await dialog.showSaveDialog(w, { title: '保存文件', defaultPath: join(app.getPath('documents'), name), filters: filterFor(name) });
    if (r.canceled || !r.filePath) return null;
    await writeFile(r.filePath, Buffer.from(dataBase64, 'base64'));
    return r.filePath;
  },
  async openFile(filters) {
    const w = currentWindow();
    const r = await dialog.showOpenDialog(w, {
      title: '选择文件',
      properties: ['openFile'],
      filters: [...filters, { name: '所有文件', extensions: ['*'] }],
    });
    const file = r.filePaths[0];
    if (r.canceled || !file) return null;
    const size = (await stat(file)).size;
    if (size > MAX_OPEN_BYTES) {
      throw new Error(`文件「${basename(file)}」大小 ${(size / 1048576).toFixed(1)} MB，过大，无法打开`);
    }
    return { fileName: basename(file), dataBase64: (await readFile(file)).toString('base64') };
  },
  async printToPdf(suggestedName) {
    const w = currentWindow();
    const name = safeName(suggestedName, '.pdf');
    const r = await dialog.showSaveDialog(w, { title: '保存为 PDF', defaultPath: join(app.getPath('documents'), name), filters: filterFor('x.pdf') });
    if (r.canceled || !r.filePath) return null;
    const pdf = await w.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    await writeFile(r.filePath, pdf);
    return r.filePath;
  },
} satisfies Pick<LedgerBridge, 'saveFile' | 'openFile' | 'printToPdf'>;

function sendMenu(command: MenuCommand): void {
  if (win && !win.isDestroyed()) win.webContents.send(CHANNELS.menu, command);
}

function showAbout(): void {
  const w = win && !win.isDestroyed() ? win : null;
  const message = `${TITLE} ${app.getVersion()}`;
  const detail = [
    `数据文件夹：${dataDir}`,
    `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
    '离线运行，数据只保存在本机。',
  ].join('\n');
  const opts = { type: 'info' as const, title: `关于${TITLE}`, message, detail, buttons: ['确定', '打开数据文件夹'], defaultId: 0, cancelId: 0 };
  void (w ? dialog.showMessageBox(w, opts) : dialog.showMessageBox(opts)).then((r) => {
    if (r.response === 1) void shell.openPath(dataDir);
  });
}

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    {
      label: '文件(&F)',
      submenu: [
        { label: '导入…', accelerator: 'CmdOrCtrl+I', click: () => sendMenu('import') },
        { label: '导出…', accelerator: 'CmdOrCtrl+E', click: () => sendMenu('export') },
        { type: 'separator' },
        { label: '备份', accelerator: 'CmdOrCtrl+B', click: () => sendMenu('backup') },
        { type: 'separator' },
        { label: '退出', accelerator: 'CmdOrCtrl+Q', role: 'quit' },
      ],
    },
    {
      label: '编辑(&E)',
      submenu: [
        { label: '撤销', role: 'undo' },
        { label: '重做', role: 'redo' },
        { type: 'separator' },
        { label: '剪切', role: 'cut' },
        { label: '复制', role: 'copy' },
        { label: '粘贴', role: 'paste' },
        { label: '全选', role: 'selectAll' },
      ],
    },
    {
      label: '视图(&V)',
      submenu: [
        { label: '重新加载', role: 'reload' },
        ...(app.isPackaged ? [] : [{ label: '开发者工具', role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { label: '实际大小', role: 'resetZoom' },
        { label: '放大', role: 'zoomIn' },
        { label: '缩小', role: 'zoomOut' },
        { type: 'separator' },
        { label: '全屏', role: 'togglefullscreen' },
      ],
    },
    { label: '帮助(&H)', submenu: [{ label: `关于${TITLE}`, click: showAbout }] },
  ];
  return Menu.buildFromTemplate(template);
}

function isAppPage(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && u.pathname === pathToFileURL(indexFile).pathname;
  } catch {
    return false;
  }
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    title: TITLE,
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#f5f5f5',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  // An offline ledger has nowhere else to go: no pop-ups, no navigating away from the bundled page.
  w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  w.webContents.on('will-navigate', (e, url) => {
    if (!isAppPage(url)) e.preventDefault();
  });
  w.webContents.on('will-redirect', (e, url) => {
    if (!isAppPage(url)) e.preventDefault();
  });
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  void w.loadFile(indexFile).catch((e: unknown) => {
    dialog.showErrorBox(TITLE, `界面加载失败：${e instanceof Error ? e.message : String(e)}`);
  });
  return w;
}

function focusWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  Menu.setApplicationMenu(buildMenu());

  if (!existsSync(indexFile)) {
    dialog.showErrorBox(TITLE, `界面文件缺失：${indexFile}\n请先运行 npm run build。`);
    app.exit(1);
    return;
  }

  host = new LedgerHost(dataDir, undefined, { lock: true, nativeBinding: electronNativeBinding(), warmImportWorker: true, idleCheckpoint: true });
  try {
    const state = await host.open();
    if (state.state === 'error' && /NODE_MODULE_VERSION|compiled against a different/i.test(state.error.message)) {
      dialog.showErrorBox(
        TITLE,
        `数据库组件 better-sqlite3 尚未为 Electron ${process.versions.electron} 编译。\n请在程序目录运行：npm run rebuild:electron\n或改用浏览器模式：npm run browser\n\n${state.error.message}`,
      );
      host.close();
      app.exit(3);
      return;
    }
  } catch (e) {
    // ALREADY_RUNNING: browser mode or the CLI holds this folder.
    dialog.showErrorBox(TITLE, toErrorData(e).message);
    app.exit(2);
    return;
  }
  if (demo) await seedDemoIfRequested(host);

  win = createWindow();
  registerLedgerIpc({ host, window: () => win, indexFile, desktop });

  app.on('activate', () => {
    if (!win || win.isDestroyed()) win = createWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  process.stderr.write(`${TITLE}已在运行（数据目录 ${dataDir}），已切换到已打开的窗口。\n`);
  app.exit(0);
} else {
  app.on('second-instance', () => {
    focusWindow();
    if (win && !win.isDestroyed()) {
      void dialog.showMessageBox(win, { type: 'info', title: TITLE, message: `${TITLE}已在运行`, detail: '同一数据目录只能打开一个窗口，已切换到这里。', buttons: ['确定'] });
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    host?.close();
    host = null;
  });
  start().catch((e: unknown) => {
    dialog.showErrorBox(TITLE, `启动失败：${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    host?.close();
    app.exit(1);
  });
}
