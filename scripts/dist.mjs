#!/usr/bin/env node
// `npm run dist [-- electron-builder args, e.g. --linux deb --arm64]`: build, then package with electron-builder
// (--no-build: package what dist/ holds).
// electron-builder's npmRebuild recompiles node_modules/better-sqlite3 in place for Electron; that would leave
// vitest, the CLI and browser mode with a module Node refuses to load. So the Node build is kept aside and put
// back afterwards, whatever happens.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const release = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release');
const nodeBuild = join(release, 'better_sqlite3.node');

const args = process.argv.slice(2);
if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// A user-level npm `nodedir` (exported by npm as npm_config_nodedir) would make node-gyp compile against Node's
// headers instead of Electron's: a package that cannot open its database.
const env = { ...process.env };
for (const k of Object.keys(env)) {
  if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|build_from_source)$/i.test(k)) delete env[k];
}

const keep = mkdtempSync(join(tmpdir(), 'ledger-node-build-'));
const kept = join(keep, 'better_sqlite3.node');
if (existsSync(nodeBuild)) copyFileSync(nodeBuild, kept);
let status = 1;
try {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
  const r = spawnSync(bin, ['--publish', 'never', ...args.filter((a) => a !== '--no-build')], { stdio: 'inherit', cwd: root, env, shell: process.platform === 'win32' });
  status = r.status ?? 1;
} finally {
  if (existsSync(kept)) {
    // Copy beside, then rename: a test starting meanwhile sees the old file or the new one, never half of one.
    mkdirSync(release, { recursive: true }); // node-gyp's rebuild starts by deleting build/
    const tmp = join(release, `.better_sqlite3.node.${process.pid}`);
    copyFileSync(kept, tmp);
    renameSync(tmp, nodeBuild);
    // @electron/rebuild's marker would make the next rebuild believe the Electron build is still in place.
    rmSync(join(release, '.forge-meta'), { force: true });
  }
  rmSync(keep, { recursive: true, force: true });
}
process.exit(status);
