#!/usr/bin/env node
// `npm start [-- --demo] [-- --data DIR]`: build if needed, then the Electron app where Electron's binary is
// installed, otherwise browser mode. `npm run browser` (--browser) always uses browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronNativeFile } from './electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const forceBrowser = argv.includes('--browser');
const appArgs = argv.filter((a) => a !== '--browser');

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function ensureBuilt() {
  const sources = Math.max(newestSource(join(root, 'db')), newestSource(join(root, 'electron')), mtime(join(root, 'package.json')));
  const rendererSources = Math.max(newestSource(join(root, 'renderer')), sources);
  const electronOut = Math.min(...['main.cjs', 'preload.cjs', 'enterprise-import-worker.cjs'].map((f) => mtime(join(root, 'dist', 'electron', f))));
  const rendererOut = mtime(join(root, 'dist', 'renderer', 'index.html'));
  if (electronOut >= sources && rendererOut >= rendererSources) return;
  process.stdout.write('正在构建（building）…\n');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    process.stderr.write('构建失败，无法启动（build failed; see the messages above）\n');
    process.exit(r.status ?? 1);
  }
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, env });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function browserMode() {
  const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  // The import's worker thread as built just now (ensureBuilt), so the host can keep one started: from source, tsx
  // would compile it at every start.
  const worker = join(root, 'dist', 'electron', 'enterprise-import-worker.cjs');
  run(tsx, [join(root, 'electron', 'web-main.ts'), ...appArgs], existsSync(worker) ? { LEDGER_IMPORT_WORKER: worker, ...process.env } : process.env);
}

/** better-sqlite3 for Electron's ABI: built once, beside the Node build (scripts/rebuild-electron.mjs). */
function ensureElectronNative() {
  if (existsSync(electronNativeFile(root))) return true;
  process.stdout.write('首次启动：正在为 Electron 编译数据库组件（building better-sqlite3 for Electron）…\n');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'rebuild-electron.mjs')], { stdio: 'inherit', cwd: root });
  return r.status === 0;
}

ensureBuilt();
const electron = forceBrowser ? null : electronBinary(root);
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (forceBrowser) {
  browserMode();
} else if (!electron) {
  process.stdout.write('未安装 Electron 二进制文件，改用浏览器模式（Electron binary not installed; starting browser mode）\n');
  browserMode();
} else if (headless) {
  process.stdout.write('没有图形桌面，改用浏览器模式（no display; starting browser mode）\n');
  browserMode();
} else if (!ensureElectronNative()) {
  process.stdout.write('数据库组件未能为 Electron 编译，改用浏览器模式（better-sqlite3 not built for Electron; starting browser mode）\n');
  browserMode();
} else {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron, [root, ...appArgs], env);
}
