// The layers, held by a test the project runs (issue 16): the code is parsed with TypeScript's own parser and every
// import, re-export, dynamic import and require is checked against the rules below; string literals are checked for
// SQL. A rule broken names the file, the line and the rule.
//   renderer/  imports only types, and only from db/api.ts or db/types.ts (and the bridge's type); no Node, no SQL.
//   db/        never imports electron, React or the renderer (it runs in plain Node: tests, CLI, browser mode); the
//              areas never import db/exchange/ (which imports them), and db/ownership/ imports neither.
//   electron/  reaches db/ through the host (db/host.ts, db/result.ts, db/api.ts, db/types.ts) only; no SQL.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sources(p));
    } else if (/\.(ts|tsx|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Use {
  file: string;
  line: number;
  spec: string;
  /** Resolved project path for relative specifiers (db/enterprises/schema), else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

/** Every module a file uses: imports, re-exports, import() and require(). */
function uses(file: string): { uses: Use[]; strings: Array<{ line: number; text: string }> } {
  const text = readFileSync(join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Use[] = [];
  const strings: Array<{ line: number; text: string }> = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const add = (node: ts.Node, spec: string, typeOnly: boolean) => {
    const target = spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)).split(sep).join('/').replace(/\.(js|ts|tsx|mjs)$/, '') : spec;
    out.push({ file, line: lineOf(node), spec, target, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const allTypes = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n, n.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n, n.moduleSpecifier.text, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0]!)) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(n, (n.arguments[0] as ts.StringLiteral).text, false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n, n.argument.literal.text, true);
    }
    if (ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) strings.push({ line: lineOf(n), text: n.text });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { uses: out, strings };
}

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const SQL = /\b(SELECT\s[\s\S]*\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER)|DROP\s+TABLE|PRAGMA\s+\w+)\b/;
const at = (u: { file: string; line: number }) => `${u.file}:${u.line}`;

describe('layers (tests/unit/layers.test.ts)', () => {
  const renderer = sources('renderer/src').map(uses);
  const db = sources('db').map(uses);
  const electron = sources('electron').map(uses);

  it('parses the tree it guards', () => {
    expect(renderer.length).toBeGreaterThan(30);
    expect(db.length).toBeGreaterThan(80);
    expect(renderer.flatMap((f) => f.uses).some((u) => u.target === 'db/types')).toBe(true);
  });

  it('renderer: only types, and only from db/api.ts or db/types.ts', () => {
    const bad = renderer.flatMap((f) => f.uses).filter((u) => u.target.startsWith('db/') || u.target === 'db');
    expect(bad.filter((u) => !u.typeOnly).map((u) => `${at(u)} imports values from ${u.spec}`)).toEqual([]);
    expect(bad.filter((u) => u.target !== 'db/api' && u.target !== 'db/types').map((u) => `${at(u)} imports ${u.spec}: re-export the type from db/types.ts`)).toEqual([]);
  });

  it('renderer: no Node, no native modules, no Electron, nothing outside renderer/ but db/api and db/types', () => {
    const bad = renderer.flatMap((f) => f.uses).filter((u) =>
      NODE.has(u.spec) || ['better-sqlite3', 'electron', 'exceljs', 'fflate'].includes(u.spec) ||
      // The bridge's contract type (electron/bridge.ts) is the one thing the renderer shares with the shell.
      (u.spec.startsWith('.') && !u.target.startsWith('renderer/') && !u.target.startsWith('db/') && !(u.target === 'electron/bridge' && u.typeOnly)));
    expect(bad.map((u) => `${at(u)} imports ${u.spec}`)).toEqual([]);
  });

  it('db: never electron, React or the renderer', () => {
    const bad = db.flatMap((f) => f.uses).filter((u) => /^(electron|react|react-dom|antd|@ant-design\/|zustand|recharts)/.test(u.spec) || u.target.startsWith('renderer/') || u.target.startsWith('electron/'));
    expect(bad.map((u) => `${at(u)} imports ${u.spec}`)).toEqual([]);
  });

  it('db: the areas never import the exchange (it imports them); record ownership lives below both', () => {
    const AREAS = /^db\/(enterprises|towns|training|exhibitions|sanctions|monitor|codes|office|auth|audit|excel|idcard|ownership)\//;
    const bad = db.flatMap((f) => f.uses).filter((u) => AREAS.test(u.file.split(sep).join('/')) && u.target.startsWith('db/exchange/'));
    expect(bad.map((u) => `${at(u)} imports ${u.spec}`)).toEqual([]);
    const below = db.flatMap((f) => f.uses).filter((u) => u.file.split(sep).join('/').startsWith('db/ownership/') && /^db\/(exchange|enterprises|towns|training|exhibitions)\//.test(u.target));
    expect(below.map((u) => `${at(u)} imports ${u.spec}`)).toEqual([]);
  });

  it('electron: reaches db/ only through the host', () => {
    const allowed = new Set(['db/host', 'db/result', 'db/api', 'db/types']);
    const bad = electron.flatMap((f) => f.uses).filter((u) => u.target.startsWith('db/') && !allowed.has(u.target) && !u.typeOnly);
    expect(bad.map((u) => `${at(u)} imports ${u.spec}`)).toEqual([]);
  });

  it('no SQL outside db/', () => {
    const bad = [...renderer, ...electron].flatMap((f, i) => f.strings.filter((s) => SQL.test(s.text)).map((s) => `${[...sources('renderer/src'), ...sources('electron')][i]}:${s.line} ${s.text.slice(0, 60)}`));
    expect(bad).toEqual([]);
  });

  it('the rules bite: a value import from an area module and a SQL string are caught', () => {
    const probe = (text: string) => {
      const sf = ts.createSourceFile('probe.ts', text, ts.ScriptTarget.Latest, true);
      let values = 0;
      ts.forEachChild(sf, (n) => {
        if (ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly) values++;
      });
      return values;
    };
    expect(probe("import { listEnterprises } from '../../db/enterprises/service';")).toBe(1);
    expect(probe("import type { X } from '../../db/types';")).toBe(0);
    expect(SQL.test('SELECT id FROM enterprise')).toBe(true);
    expect(SQL.test('选择企业')).toBe(false);
  });
});
