import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer once if the build is missing or older than its sources. */
export default function setup(): void {
  const built = 'dist/renderer/index.html';
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(newest('renderer'), newest('db'))) return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would make vite build React's development bundle.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
