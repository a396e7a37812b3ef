// npm 12 runs a dependency's install script only where package.json's allowScripts says so. Every installed package
// that has one must be decided there (a new dependency with a script fails this test until someone decides), and
// the two the app needs (better-sqlite3's native build, esbuild's binary check) must be allowed. `.ci/run` installs
// with --strict-allow-scripts, so CI proves the clean install under the strict setting.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean>; scripts: Record<string, string> };

/** Every package.json under node_modules (nested ones too), with its install-time scripts. */
function installScripts(dir: string, out = new Map<string, string[]>()): Map<string, string[]> {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const pkgDirs = name.startsWith('@') ? readdirSync(join(dir, name)).map((n) => join(dir, name, n)) : [join(dir, name)];
    for (const d of pkgDirs) {
      const file = join(d, 'package.json');
      if (!existsSync(file)) continue;
      const p = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; scripts?: Record<string, string> };
      const hooks = ['preinstall', 'install', 'postinstall'].filter((h) => p.scripts?.[h]);
      if (p.name && hooks.length) out.set(p.name, hooks);
      installScripts(join(d, 'node_modules'), out);
    }
  }
  return out;
}

describe('install-script policy (allowScripts)', () => {
  it('decides every installed package that has an install script', () => {
    const found = installScripts(join(root, 'node_modules'));
    expect(found.size).toBeGreaterThan(0);
    const undecided = [...found.keys()].filter((n) => !(n in pkg.allowScripts));
    expect(undecided, 'add each to allowScripts in package.json (true or false) after reading its script').toEqual([]);
  });

  it('allows the native build of better-sqlite3 and esbuild, and nothing it does not need', () => {
    expect(pkg.allowScripts['better-sqlite3']).toBe(true);
    expect(pkg.allowScripts.esbuild).toBe(true);
    expect(Object.entries(pkg.allowScripts).filter(([, v]) => v).map(([k]) => k).sort()).toEqual(['better-sqlite3', 'esbuild']);
  });

  it('npm install ends by saying what this Node is enough for and that better-sqlite3 was built', () => {
    expect(pkg.scripts.postinstall).toBe('node scripts/check-install.mjs');
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-install.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('better-sqlite3 原生模块已为本 Node 编译');
    expect(r.stdout).toMatch(/22\.12/);
  });
});
