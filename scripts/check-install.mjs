#!/usr/bin/env node
// `npm install`'s last word (postinstall): which Node this is and what it is enough for, and whether the one native
// module, better-sqlite3, was really built. npm 12 runs a dependency's install script only where package.json's
// allowScripts allows it; a better-sqlite3 installed without its build would otherwise surface only at `npm start`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [major, minor] = process.versions.node.split('.').map(Number);
const atLeast = (M, m) => major > M || (major === M && minor >= m);
const say = (s) => process.stdout.write(`${s}\n`);

say(`\n县域产业台账：Node.js ${process.versions.node}`);
if (!atLeast(20, 19)) {
  say('  ✗ 需要 Node.js 20.19 或更高版本（测试、命令行、浏览器模式）。请升级 Node.js 后重新运行 npm install。');
  say('    Node.js ≥ 20.19 is required for the tests, the command line and browser mode.');
  process.exit(1);
}
say('  ✓ 测试、命令行与浏览器模式：需要 Node.js ≥ 20.19，满足。 Tests, CLI, browser mode: Node.js ≥ 20.19, met.');
if (atLeast(22, 12)) say('  ✓ 为 Electron 编译原生模块与打包安装程序：需要 Node.js ≥ 22.12，满足。 Electron rebuild and packaging: ≥ 22.12, met.');
else {
  say('  · 为 Electron 编译原生模块（npm run rebuild:electron）与打包安装程序（npm run dist）需要 Node.js ≥ 22.12（Electron 45 的');
  say('    构建工具 @electron/rebuild、node-abi 的要求；上面的 EBADENGINE 警告即指此事）。本机其余功能不受影响。');
  say('    Electron 45 tooling (rebuild, packaging) needs Node.js ≥ 22.12; everything else works on this Node.');
}

try {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  const v = db.prepare('SELECT sqlite_version()').pluck().get();
  db.close();
  say(`  ✓ better-sqlite3 原生模块已为本 Node 编译（SQLite ${v}）。 better-sqlite3 native module built.`);
} catch (e) {
  say('  ✗ better-sqlite3 的原生模块没有编译或无法加载：台账无法打开。');
  say(`    ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  say('    原因多为安装脚本被跳过（npm 12 只运行 package.json 中 allowScripts 允许的安装脚本，或使用了 --ignore-scripts），');
  say('    或缺少编译工具（Python 3 与 C++ 编译器；Windows 上为 Visual Studio Build Tools）。补救：npm rebuild better-sqlite3');
  say('    The better-sqlite3 native module is missing: its install script did not run or could not compile. Run `npm rebuild better-sqlite3`.');
  process.exit(1);
}
