// Where Electron's executable is, found without require('electron') (which tries to download it when missing).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute path of Electron's executable, or null when the binary is not installed. */
export function electronBinary(root) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pkg = join(root, 'node_modules', 'electron');
  let name = null;
  try {
    name = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    if (!override) return null;
  }
  name ??= process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const file = join(override ?? join(pkg, 'dist'), name);
  return existsSync(file) ? file : null;
}

/** The installed electron package's version (its binary may still be missing). */
export function electronVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Where scripts/rebuild-electron.mjs puts better-sqlite3 built for that Electron. */
export function electronNativeFile(root, version = electronVersion(root)) {
  return join(root, 'build', 'native', `electron-${version}`, 'better_sqlite3.node');
}
