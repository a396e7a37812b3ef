#!/usr/bin/env node
// `npm run rebuild:electron`: better-sqlite3 for Electron's ABI, written to
// build/native/electron-<version>/better_sqlite3.node. node_modules/better-sqlite3 keeps its Node build, so
// vitest, the CLI and browser mode go on working; electron/main.ts passes this file as nativeBinding.
//
// A copy of the package is rebuilt in build/native/.stage with @electron/rebuild: first a prebuilt binary
// (prebuild-install, from GitHub), else a source build with node-gyp against Electron's headers. Either needs the
// network once. Options: --force (rebuild even if present), --dist-url URL or ELECTRON_HEADERS_URL (a mirror).
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronNativeFile, electronVersion } from './electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

function die(zh, en) {
  process.stderr.write(`✗ ${zh}\n  ${en}\n`);
  process.exit(1);
}

if (!existsSync(join(root, 'node_modules', 'electron', 'package.json'))) {
  die('未安装 electron 包，无法确定 Electron 版本。', 'The electron package is not installed (npm install).');
}
const version = electronVersion(root);
const out = electronNativeFile(root, version);
if (existsSync(out) && !argv.includes('--force')) {
  process.stdout.write(`✓ 已存在（already built）：${out}\n`);
  process.exit(0);
}
const headerURL = opt('--dist-url') ?? process.env.ELECTRON_HEADERS_URL ?? 'https://www.electronjs.org/headers';

// npm exports its config as npm_config_*; node-gyp reads those, and a user-level `nodedir` (here: /usr) would
// silently build against Node's headers instead of Electron's, giving a module Electron refuses to load.
for (const k of Object.keys(process.env)) {
  if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|build_from_source)$/i.test(k)) delete process.env[k];
}

/** Fail in seconds, with a reason, when the headers cannot be fetched (offline machine), instead of hanging. */
async function preflight() {
  const cached = join(homedir(), '.electron-gyp', version, 'include', 'node', 'node_version.h');
  if (existsSync(cached)) return;
  // Node's fetch ignores proxy variables; node-gyp honours them, so leave the judgement to it.
  if (process.env.HTTPS_PROXY || process.env.https_proxy) return;
  const url = `${headerURL.replace(/\/$/, '')}/v${version}/node-v${version}-headers.tar.gz`;
  try {
    const r = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(10_000) });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
  } catch (e) {
    const why = e?.cause?.code ?? e?.name ?? String(e);
    die(
      `无法下载 Electron ${version} 的头文件（${url}：${why}）。为 Electron 编译 better-sqlite3 需要联网一次，或用 --dist-url / ELECTRON_HEADERS_URL 指向内网镜像。测试、命令行和浏览器模式（npm run browser）不受影响。`,
      `Cannot fetch Electron ${version} headers (${why}). Building better-sqlite3 for Electron needs the network once, or a mirror via --dist-url / ELECTRON_HEADERS_URL. Tests, the CLI and browser mode are unaffected.`,
    );
  }
}

await preflight();

let rebuild;
try {
  ({ rebuild } = await import('@electron/rebuild'));
} catch {
  die('缺少 @electron/rebuild（开发依赖）。', '@electron/rebuild (a devDependency) is missing: run npm install.');
}

const stage = join(root, 'build', 'native', '.stage');
const staged = join(stage, 'node_modules', 'better-sqlite3');
rmSync(stage, { recursive: true, force: true });
mkdirSync(dirname(staged), { recursive: true });
const src = join(root, 'node_modules', 'better-sqlite3');
cpSync(src, staged, { recursive: true, filter: (p) => !p.startsWith(join(src, 'build')) });
const pkgVersion = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')).version;
writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'ledger-native-stage', private: true, dependencies: { 'better-sqlite3': pkgVersion } }));

process.stdout.write(`正在为 Electron ${version}（${process.arch}）编译 better-sqlite3，约需 1–3 分钟…\n`);
try {
  await rebuild({
    buildPath: stage,
    electronVersion: version,
    arch: process.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    headerURL,
    mode: 'sequential',
  });
} catch (e) {
  die(
    `编译失败：${e instanceof Error ? e.message : e}。源码编译需要 Python 3 和 C++ 编译器（Linux: build-essential；Windows: Visual Studio 生成工具）。`,
    'Build failed. A source build needs Python 3 and a C++ toolchain (Linux: build-essential; Windows: Visual Studio Build Tools).',
  );
}
const built = join(staged, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(built)) die(`编译后没有找到 ${built}`, `No binary at ${built} after the rebuild.`);
mkdirSync(dirname(out), { recursive: true });
copyFileSync(built, out);
rmSync(stage, { recursive: true, force: true });
process.stdout.write(`✓ ${out}\n`);
