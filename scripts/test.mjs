// `npm test`: type-check, then unit and database tests, then end-to-end tests in Debian's Chromium.
// Ends with one plain line "N passed, N failed" summing every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = join('test-output');
mkdirSync(out, { recursive: true });
const node = process.execPath;
let passed = 0;
let failed = 0;
let skipped = 0;
/** What was skipped and why, for the closing lines (only the Electron smoke test, where its binary is missing). */
const skippedNames = [];
let broken = false;

function run(title, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const r = spawnSync(node, args, { stdio: 'inherit', env: process.env });
  return r.status === 0;
}

function vitest(title, config, file) {
  const json = join(out, file);
  const ok = run(title, ['node_modules/vitest/vitest.mjs', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]);
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8'));
    passed += r.numPassedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    for (const f of r.testResults) for (const a of f.assertionResults) if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skippedNames.push(a.fullName ?? a.title);
    failed += r.numFailedTests + (r.numTotalTestSuites && r.testResults.some((t) => t.status === 'failed' && !t.assertionResults.length) ? 1 : 0);
  } else broken = true;
  if (!ok) broken = true;
}

if (!run('类型检查 typecheck (db, electron, tests)', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'])) broken = true;
if (!run('类型检查 typecheck (renderer)', ['node_modules/typescript/bin/tsc', '-p', 'renderer/tsconfig.json'])) broken = true;
vitest('单元与数据库测试 unit + db', 'vitest.config.ts', 'unit.json');
if (!process.argv.includes('--no-e2e')) vitest('端到端测试 e2e (Chromium)', 'vitest.e2e.config.ts', 'e2e.json');

if (skippedNames.length) {
  process.stdout.write(`\n跳过 / skipped: ${skippedNames.join('; ')}${skippedNames.some((n) => /Electron/.test(n)) ? '（本机没有 Electron 二进制 / no Electron binary on this machine）' : ''}\n`);
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(broken || failed ? 1 : 0);
