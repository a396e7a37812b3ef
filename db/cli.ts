// The headless command line (`npm run ledger -- --data DIR <command>`), for IT staff and scripts. It runs the
// same services as the app through LedgerHost; bad input is refused with the UI's message, exit code 2, and
// nothing written (a ledger file this run created is removed again).
import { existsSync, readFileSync, renameSync, rmSync, rmdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Database } from 'better-sqlite3';
import { systemClock } from './clock.js';
import { cliActor, type Actor, type Ctx } from './context.js';
import { AppError, toErrorData, type AppErrorData } from './result.js';
import { parseInput } from './validate.js';
import { openLedger } from './connection.js';
import { defaultDataDir, LedgerHost, LEDGER_FILE } from './host.js';
import { LEVEL_LABEL, SETUP_LABELS, setupInput, initializeOffice, ensureCodeLists } from './office/service.js';
import { passwordProblem } from './auth/passwords.js';
import { audit, auditHead, verifyAudit } from './audit/audit.js';
import { anchorFromFile, verifyInput, VERIFY_LABELS } from './exchange/anchor.js';
import { BACKUP_EXT, checkBackupFile, listBackups } from './backup/backup.js';
import { assertXlsx, type RowError } from './excel/read.js';
import { enterpriseTemplate, exportEnterprises, type ImportSummary } from './enterprises/excel.js';
import { listQuery } from './enterprises/schema.js';
import { seedDemoLedger, seedDemoEnterprises } from './demo/seed.js';
import type { OpName } from './api.js';
import { trainingLedger, type RosterImportSummary } from './training/excel.js';
import type { Settlement } from './training/service.js';
import { exportClaims, type ClaimImportSummary } from './exhibitions/excel.js';
import { fmtYuan } from './exhibitions/money.js';
import type { ClaimCalc } from './exhibitions/service.js';
import * as townCli from './towns/cli.js';
import { getRuleSet } from './towns/queries.js';
import { exportPackage, type ExportInput } from './exchange/export.js';
import { importPackage, verifyPackage } from './exchange/import.js';
import { consolidateFiles, packagesInFolder } from './exchange/consolidate.js';
import { submissions } from './exchange/status.js';
import { KIND_LABEL } from './exchange/package.js';
import { keyStanding, retrustPeer } from './exchange/trust.js';

/** Exit codes: 0 done; 1 a check found a problem (verify-audit) or an internal error; 2 refused (bad input). */
export const EXIT = { ok: 0, failed: 1, refused: 2 } as const;

interface Args {
  command: string | null;
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

const GLOBAL_VALUES = ['data'];
const GLOBAL_FLAGS = ['json', 'help'];

function usage(message: string): AppError {
  return new AppError('USAGE', `${message}。运行 npm run ledger -- --help 查看用法`);
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: null, positional: [], values: new Map(), flags: new Set() };
  const boolean = new Set([...GLOBAL_FLAGS, ...Object.values(COMMANDS).flatMap((c) => c.flags ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq > 0 ? t.slice(2, eq) : t.slice(2);
      if (boolean.has(name)) {
        if (eq > 0) throw usage(`选项 --${name} 不需要取值`);
        args.flags.add(name);
        continue;
      }
      const value = eq > 0 ? t.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw usage(`选项 --${name} 缺少取值`);
      if (args.values.has(name)) throw usage(`选项 --${name} 重复`);
      args.values.set(name, value);
    } else if (args.command === null) {
      args.command = t;
    } else {
      args.positional.push(t);
    }
  }
  return args;
}

interface Env {
  dataDir: string;
  actor: Actor;
  args: Args;
}

interface Outcome {
  /** Merged into the `--json` object beside ok:true. */
  data: Record<string, unknown>;
  /** Chinese lines for people. */
  lines: string[];
  /**
   * The command did its work but refused part of it (a package in a folder being consolidated): exit 1, the lines
   * still printed, and with --json ok:false with this error beside the data.
   */
  failure?: AppErrorData;
}

interface Command {
  usage: string;
  summary: string;
  values?: string[];
  flags?: string[];
  /** Names of the required positional arguments, in Chinese. */
  positional?: string[];
  run(env: Env): Promise<Outcome>;
}

function positiveInt(text: string, option: string): number {
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < 1) throw usage(`${option} 应为正整数，当前为「${text}」`);
  return Number(text);
}

const ledgerFile = (dataDir: string) => join(dataDir, LEDGER_FILE);

function requireValue(args: Args, name: string, label: string): string {
  const v = args.values.get(name);
  if (v === undefined || v.trim() === '') throw usage(`缺少 --${name}（${label}）`);
  return v;
}

function inputFile(path: string): { file: string; bytes: Buffer } {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('FILE_NOT_FOUND', `文件不存在：${file}`);
  return { file, bytes: readFileSync(file) };
}

function outputFile(path: string, ext: string, what: string): string {
  const file = resolve(path);
  if (extname(file).toLowerCase() !== ext) throw new AppError('BAD_FILE_NAME', `${what}的文件名应以 ${ext} 结尾：${basename(file)}`);
  if (!existsSync(dirname(file))) throw new AppError('FILE_NOT_FOUND', `目录不存在：${dirname(file)}`);
  return file;
}

/** Written beside the target and renamed, so a failed run never leaves half a file under the real name. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.partial`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

interface HostOptions {
  /** Commands that set a ledger up may create the file; the others refuse a folder without one. */
  create?: boolean;
  /** Take the folder's lock (restore: a running app must not have the file swapped under it). */
  lock?: boolean;
  /** Run even when the file cannot be opened (status, restore). */
  allowBroken?: boolean;
}

/**
 * Opens the folder's ledger for one command. If this run created the ledger file and the command fails, the
 * file (and the folder, if this run made it) is removed again, so bad input leaves nothing behind.
 */
async function withHost<T>(dataDir: string, opts: HostOptions, fn: (host: LedgerHost) => Promise<T> | T): Promise<T> {
  const file = ledgerFile(dataDir);
  const hadDir = existsSync(dataDir);
  const hadFile = existsSync(file);
  if (!hadFile && !opts.create) {
    throw new AppError('NOT_INITIALIZED', `数据目录中没有台账文件：${dataDir}。请先运行 init 或 seed-demo`);
  }
  const host = new LedgerHost(dataDir, systemClock, { lock: opts.lock === true, autoBackup: false });
  let failed = true;
  try {
    const state = await host.open();
    if (state.state === 'error' && !opts.allowBroken) {
      const hint = state.backup ? `最近的有效备份：${state.backup.file}，可运行 restore 该文件恢复。` : '';
      throw new AppError(state.error.code, `${state.error.message}${hint}`, { latestBackup: state.backup });
    }
    const result = await fn(host);
    failed = false;
    return result;
  } finally {
    host.close();
    if (failed && !hadFile) {
      for (const ext of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${ext}`, { force: true });
      if (!hadDir && existsSync(dataDir) && readdirSync(dataDir).length === 0) rmdirSync(dataDir);
    }
  }
}

const ctxOf = (host: LedgerHost, actor: Actor): Ctx => ({ db: host.database, clock: host.clock, actor, dataDir: host.dataDir });

function requireInitialized(host: LedgerHost): void {
  if (!host.status(null).initialized) throw new AppError('NOT_INITIALIZED', `台账尚未完成初始设置：${host.dataDir}。请先运行 init 或 seed-demo`);
}

const run = <K extends OpName>(host: LedgerHost, name: K, input: unknown, actor: Actor) => host.run(name, input, actor);

function formatRowErrors(errors: RowError[], limit = 200): string[] {
  const lines = ['错误报告（行号为 Excel 中的行号）：', '行号\t列\t原因'];
  for (const e of errors.slice(0, limit)) lines.push(`${e.row}\t${e.column}\t${e.message}`);
  if (errors.length > limit) lines.push(`……另有 ${errors.length - limit} 处错误（用 --json 可得到完整报告）`);
  return lines;
}

const COMMANDS: Record<string, Command> = {
  init: {
    usage: 'init --level county|city|province --region CODE --name NAME --admin USER --password PASS [--admin-name 姓名]',
    summary: '初始设置：单位级别、行政区划代码、单位名称和第一个管理员',
    values: ['level', 'region', 'name', 'admin', 'password', 'admin-name'],
    async run({ dataDir, args }) {
      const raw = {
        level: requireValue(args, 'level', '单位级别'),
        region_code: requireValue(args, 'region', '行政区划代码'),
        name: requireValue(args, 'name', '单位名称'),
        admin_username: requireValue(args, 'admin', '管理员用户名'),
        admin_display_name: args.values.get('admin-name') ?? '管理员',
        admin_password: requireValue(args, 'password', '管理员密码'),
      };
      // The checks that need no ledger come first, so a typo never creates a file.
      parseInput(setupInput, raw, SETUP_LABELS);
      const pw = passwordProblem(raw.admin_password);
      if (pw) throw new AppError('VALIDATION', `「管理员密码」${pw}`, [{ field: 'admin_password', label: '管理员密码', message: pw }]);
      return withHost(dataDir, { create: true }, (host) => {
        const { office, admin } = initializeOffice({ db: host.database, clock: host.clock, dataDir: host.dataDir }, raw);
        return {
          data: { office, admin: admin.username, dataDir: host.dataDir },
          lines: [
            `已完成初始设置：${office.name}（${LEVEL_LABEL[office.level]}，${office.region_code} ${office.region_name ?? ''}）`,
            `管理员：${admin.username}`,
            `台账文件：${host.file}`,
          ],
        };
      });
    },
  },

  'seed-demo': {
    usage: 'seed-demo [--count N]',
    summary: '演示数据：未初始化的台账载入泽州县工信局完整演示台账；已初始化的台账只添加演示企业',
    values: ['count'],
    async run({ dataDir, args, actor }) {
      const countText = args.values.get('count');
      const count = countText === undefined ? 300 : Number(countText);
      if (!Number.isInteger(count) || count < 1 || count > 100_000) throw usage(`--count 应为 1 到 100000 的整数，当前为「${countText}」`);
      return withHost(dataDir, { create: true }, (host) => {
        if (!host.status(null).initialized) {
          const info = seedDemoLedger({ db: host.database, clock: host.clock, dataDir: host.dataDir }, { enterprises: count });
          return {
            data: { demo: 'ledger', ...info },
            lines: [
              `已载入演示台账：${info.office}`,
              ...info.seeded.map((s) => `${s.area}：${Object.entries(s.counts).filter(([k]) => k !== 'seed').map(([k, v]) => `${COUNT_LABEL[k] ?? k} ${v}`).join('，')}`),
              '演示账号（仅供演示，请勿用于正式台账）：',
              ...info.users.map((u) => `  ${u.username} / ${u.password}（${ROLE_TEXT[u.role] ?? u.role}）`),
            ],
          };
        }
        const r = seedDemoEnterprises(ctxOf(host, actor), count);
        return {
          data: { demo: 'enterprises', ...r },
          lines: [`已添加演示企业 ${r.enterprises} 家，梯度认定 ${r.tiers} 条`],
        };
      });
    },
  },

  'import-enterprises': {
    usage: 'import-enterprises FILE.xlsx [--update-existing]',
    summary: '从 Excel 导入企业名录（全部或全不；--update-existing 更新已登记的企业）',
    flags: ['update-existing'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const { file, bytes } = inputFile(args.positional[0]!);
      assertXlsx(bytes, basename(file));
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = (await run(host, 'enterprise:import', {
          fileName: basename(file),
          dataBase64: bytes.toString('base64'),
          updateExisting: args.flags.has('update-existing'),
        }, actor)) as ImportSummary;
        return {
          data: { file, ...r },
          lines: [`导入完成（工作表「${r.sheet}」）：共 ${r.total} 行，新增 ${r.created} 家，更新 ${r.updated} 家，未变 ${r.unchanged} 家，新增梯度认定 ${r.tiersAdded} 条`],
        };
      });
    },
  },

  'export-enterprises': {
    usage: 'export-enterprises FILE.xlsx [--q 关键词] [--region CODE] [--industry CODE] [--tier CODE] [--scale above|below] [--status active|inactive|all]',
    summary: '按导入模板的列导出企业名录（可筛选）',
    values: ['q', 'region', 'industry', 'tier', 'scale', 'status'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const file = outputFile(args.positional[0]!, '.xlsx', '导出');
      const v = (k: string) => args.values.get(k);
      const query = parseInput(listQuery, {
        q: v('q'), region_code: v('region'), industry_code: v('industry'), tier_code: v('tier'), scale: v('scale'), status: v('status'),
      }, { q: '关键词', region_code: '--region 行政区划代码', industry_code: '--industry 行业代码', tier_code: '--tier 梯度类型', scale: '--scale 规模', status: '--status 状态' });
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = await exportEnterprises(ctxOf(host, actor), query);
        writeAtomically(file, r.bytes);
        return { data: { file, count: r.count }, lines: [`已导出 ${r.count} 家企业：${file}`] };
      });
    },
  },

  'claim-calc': {
    usage: 'claim-calc --claim ID [--json]',
    summary: '参展补贴申请的核定计算及逐项说明（每项是否补贴及理由、比例、各项上限核减、年度上限已用与剩余）',
    values: ['claim'],
    async run({ dataDir, args, actor }) {
      const raw = requireValue(args, 'claim', '申请 ID');
      const id = Number(raw);
      if (!Number.isInteger(id) || id < 1) throw usage(`--claim 应为申请 ID（正整数），当前为「${raw}」`);
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const c = (await run(host, 'exhibition:claimCalc', { id }, actor)) as ClaimCalc;
        return {
          data: { calc: c },
          lines: [
            `申请 ${c.claim_no}（规则：${c.rule_set.name} 第 ${c.rule_set.version} 版${c.frozen ? '，已批准，金额已锁定' : ''}）`,
            ...c.lines.map((l) => `  ${l}`),
            `费用合计 ${fmtYuan(c.total_cost_fen)} 元，可补贴费用 ${fmtYuan(c.eligible_cost_fen)} 元，核定补贴 ${fmtYuan(c.result_fen)} 元`,
          ],
        };
      });
    },
  },

  'export-claims': {
    usage: 'export-claims --year YYYY FILE.xlsx',
    summary: '导出某年度的参展补贴申请（每项费用一行，可按原格式再导入）',
    values: ['year'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const raw = requireValue(args, 'year', '年度');
      const year = Number(raw);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw usage(`--year 应为 2000 到 2100 的年份，当前为「${raw}」`);
      const file = outputFile(args.positional[0]!, '.xlsx', '导出');
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = await exportClaims(ctxOf(host, actor), year);
        writeAtomically(file, r.bytes);
        return { data: { file, year, count: r.count }, lines: [`已导出 ${year} 年度参展补贴申请 ${r.count} 件：${file}`] };
      });
    },
  },

  'import-claims': {
    usage: 'import-claims FILE.xlsx',
    summary: '从 Excel 导入参展补贴申请及费用明细（全部或全不，逐行列出错误）',
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const { file, bytes } = inputFile(args.positional[0]!);
      assertXlsx(bytes, basename(file));
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = (await run(host, 'exhibition:import', { fileName: basename(file), dataBase64: bytes.toString('base64') }, actor)) as ClaimImportSummary;
        return {
          data: { file, ...r },
          lines: [`导入完成（工作表「${r.sheet}」）：参展补贴申请 ${r.claims} 件，费用明细 ${r.items} 项（草稿）：${r.claim_nos.join('、')}`],
        };
      });
    },
  },

  template: {
    usage: 'template FILE.xlsx',
    summary: '生成企业名录导入模板',
    positional: ['Excel 文件'],
    async run({ dataDir, args }) {
      const file = outputFile(args.positional[0]!, '.xlsx', '模板');
      // The template needs only the code lists, so a folder without a ledger gets one from an in-memory copy.
      let bytes: Buffer;
      if (existsSync(ledgerFile(dataDir))) {
        bytes = await withHost(dataDir, {}, (host) => enterpriseTemplate({ db: host.database }));
      } else {
        const db: Database = openLedger({ file: ':memory:' });
        try {
          ensureCodeLists({ db, clock: systemClock });
          bytes = await enterpriseTemplate({ db });
        } finally {
          db.close();
        }
      }
      writeAtomically(file, bytes);
      return { data: { file }, lines: [`已生成导入模板：${file}`] };
    },
  },

  'town-evaluate': {
    usage: 'town-evaluate --town ID --year YYYY --rules 规则编号或编码 [--json]',
    summary: '按评价规则评价一个专业镇的某年度：逐条列出标准、所用数据、是否符合、得分与等级（不保存）',
    values: ['town', 'year', 'rules'],
    async run({ dataDir, args, actor }) {
      const townId = Number(requireValue(args, 'town', '专业镇编号'));
      const year = Number(requireValue(args, 'year', '年度'));
      const rules = requireValue(args, 'rules', '评价规则的编号或编码');
      if (!Number.isInteger(townId) || townId < 1) throw usage(`--town 应为专业镇编号（正整数），当前为「${args.values.get('town')}」`);
      if (!Number.isInteger(year)) throw usage(`--year 应为四位年份，当前为「${args.values.get('year')}」`);
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        // A rule set is named by its id, or by its code (the latest version of that code).
        const ruleSetId = /^\d+$/.test(rules)
          ? Number(rules)
          : (host.database.prepare('SELECT id FROM town_rule_set WHERE code = ? ORDER BY version DESC LIMIT 1').pluck().get(rules) as number | undefined);
        if (!ruleSetId || !getRuleSet(host.database, ruleSetId)) throw new AppError('NOT_FOUND', `评价规则「${rules}」不存在`);
        const r = townCli.evaluateTown(ctxOf(host, actor), { townId, year, ruleSetId });
        const { text, ...data } = r;
        return { data: data as unknown as Record<string, unknown>, lines: [text] };
      });
    },
  },

  'export-towns': {
    usage: 'export-towns FILE.xlsx [--region CODE] [--level county|city|province] [--category CODE] [--status CODE] [--search TEXT]',
    summary: '导出专业镇名录（含级别、状态、认定文号与有效期），可按名录的筛选条件导出',
    values: ['region', 'level', 'category', 'status', 'search'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const file = outputFile(args.positional[0]!, '.xlsx', '导出');
      const region = args.values.get('region');
      if (region !== undefined && !/^\d{6}$/.test(region)) throw usage(`--region 应为 6 位行政区划代码，当前为「${region}」`);
      // The other filters are checked by the service, with the list's own messages.
      const filters = {
        region_code: region,
        level: args.values.get('level'),
        category: args.values.get('category'),
        status: args.values.get('status'),
        q: args.values.get('search'),
      };
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const tmp = `${file}.partial`;
        const r = await townCli.exportTowns(ctxOf(host, actor), tmp, Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => e[1] !== undefined)));
        renameSync(tmp, file);
        return { data: { file, count: r.count }, lines: [`已导出 ${r.count} 个专业镇：${file}`] };
      });
    },
  },

  'import-indicators': {
    usage: 'import-indicators FILE.xlsx',
    summary: '从 Excel 导入专业镇年度指标（全部或全不，逐行报告错误）',
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const { file, bytes } = inputFile(args.positional[0]!);
      assertXlsx(bytes, basename(file));
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = await townCli.importIndicators(ctxOf(host, actor), file);
        return { data: { file, ...r } as Record<string, unknown>, lines: [`导入完成（工作表「${r.sheet}」）：共 ${r.total} 行，新增 ${r.created} 个年度，更新 ${r.updated} 个，未变 ${r.unchanged} 个`] };
      });
    },
  },

  'unlock-user': {
    usage: 'unlock-user USERNAME',
    summary: '解锁因密码连续错误被锁定的用户（例如唯一的管理员被锁定时）',
    positional: ['用户名'],
    async run({ dataDir, args, actor }) {
      const username = args.positional[0]!;
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const id = host.database.prepare('SELECT id FROM app_user WHERE username = ?').pluck().get(username) as number | undefined;
        if (id === undefined) throw new AppError('NOT_FOUND', `用户「${username}」不存在`);
        const u = (await run(host, 'users:unlock', { id }, actor)) as { username: string };
        return { data: { username: u.username }, lines: [`已解锁用户「${u.username}」`] };
      });
    },
  },

  'verify-audit': {
    usage: 'verify-audit [--anchor 备份.cxbak|本单位发出的包.cxpkg | --count N --hash H]',
    summary: '校验审计日志的哈希链（发现被改动、删除或截断的记录）；给出锚点时，还核对第 N 条是否仍是当时的哈希（发现整链重算的改写）',
    values: ['anchor', 'count', 'hash'],
    async run({ dataDir, args }) {
      const anchorPath = args.values.get('anchor');
      const count = args.values.get('count');
      const hash = args.values.get('hash');
      if (anchorPath !== undefined && (count !== undefined || hash !== undefined)) throw usage('--anchor 与 --count/--hash 只能选一种');
      if ((count === undefined) !== (hash === undefined)) throw usage('锚点需要同时给出 --count 和 --hash');
      const anchorFile = anchorPath !== undefined ? inputFile(anchorPath).file : null;
      const typed = count !== undefined ? parseInput(verifyInput, { count: positiveInt(count, '--count'), hash }, VERIFY_LABELS) : null;
      return withHost(dataDir, {}, (host) => {
        const a = anchorFile ? anchorFromFile(host.database, anchorFile) : typed ? { anchor: { count: typed.count!, hash: typed.hash! }, source: '手工输入的锚点' } : null;
        const v = verifyAudit(host.database, a?.anchor);
        const against = a ? `（对照${a.source}：第 ${a.anchor.count} 条，哈希 ${a.anchor.hash}）` : '';
        if (!v.ok) {
          throw new AppError('AUDIT_BROKEN', `审计日志校验未通过：${v.firstProblem!.message}${against}`, { seq: v.firstProblem!.seq, count: v.count, anchor: a?.anchor ?? null });
        }
        const head = auditHead(host.database);
        return {
          data: { count: v.count, head, anchor: a?.anchor ?? null, anchorSource: a?.source ?? null },
          lines: [
            `审计日志完整：共 ${v.count} 条记录，哈希链校验通过${a ? `；与锚点一致${against}` : ''}`,
            ...(head ? [`当前链头：第 ${head.count} 条，哈希 ${head.hash}`] : []),
          ],
        };
      });
    },
  },

  backup: {
    usage: `backup FILE${BACKUP_EXT}`,
    summary: '备份台账：SQLite 在线备份与全部申请材料附件打包为一个 .cxbak 文件（校验后才保存，并记录审计链头）',
    positional: ['备份文件'],
    async run({ dataDir, args, actor }) {
      const file = outputFile(args.positional[0]!, BACKUP_EXT, '备份');
      if (existsSync(file)) throw new AppError('FILE_EXISTS', `文件已存在，不会覆盖：${file}`);
      return withHost(dataDir, {}, async (host) => {
        const b = await host.backupNow(file);
        audit(ctxOf(host, actor), 'ledger.backup', 'ledger', null, { file: b.file, attachments: b.attachments });
        return {
          data: { backup: b },
          lines: [
            `已备份到 ${b.file}（${(b.size / 1024).toFixed(0)} KB，含附件 ${b.attachments ?? 0} 份，完整性检查通过）`,
            ...(b.warnings ?? []).map((w) => `注意：${w}`),
          ],
        };
      });
    },
  },

  restore: {
    usage: 'restore FILE',
    summary: '从备份恢复台账与附件（.cxbak；旧格式 .sqlite 只含数据库）：先逐项校验，当前文件另存到 backups/ 目录',
    positional: ['备份文件'],
    async run({ dataDir, args, actor }) {
      const { file } = inputFile(args.positional[0]!);
      // Checked before the folder is touched (the host checks again while it holds the lock).
      const check = checkBackupFile(file);
      if (!check.ok) throw new AppError('BACKUP_INVALID', `不能用此备份恢复（${basename(file)}）：${check.message}。当前台账未做任何改动。`, { file, ...(check.details as object | undefined) });
      return withHost(dataDir, { create: true, lock: true, allowBroken: true }, async (host) => {
        const r = await host.restore(file, actor);
        const s = host.status(null);
        if (s.state !== 'ready') throw new AppError(s.error?.code ?? 'DB_UNAVAILABLE', `恢复后台账仍无法打开：${s.error?.message ?? ''}`);
        return {
          data: { restoredFrom: file, keptAs: r.keptAs, office: s.office, format: r.format, attachments: r.attachments, attachmentsRestored: r.attachmentsRestored, note: r.note },
          lines: [
            `已从 ${file} 恢复台账${s.office ? `（${s.office.name}）` : ''}`,
            r.note,
            ...(r.keptAs ? [`恢复前的台账文件已另存为：${r.keptAs}`] : []),
          ],
        };
      });
    },
  },

  'import-roster': {
    usage: 'import-roster --plan ID FILE.xlsx',
    summary: '从 Excel 导入培训计划的学员名册（全部或全不，逐行报告错误）',
    values: ['plan'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const planId = positiveInt(requireValue(args, 'plan', '培训计划编号'), '--plan');
      const { file, bytes } = inputFile(args.positional[0]!);
      assertXlsx(bytes, basename(file));
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = (await run(host, 'training:rosterImport', { plan_id: planId, fileName: basename(file), dataBase64: bytes.toString('base64') }, actor)) as RosterImportSummary;
        return {
          data: { file, ...r },
          lines: [`导入完成（工作表「${r.sheet}」）：计划 ${r.plan_code} 新增学员 ${r.imported} 人${r.converted_from_15 ? `（其中 ${r.converted_from_15} 个 15 位身份证号已升级为 18 位）` : ''}`],
        };
      });
    },
  },

  'training-ledger': {
    usage: 'training-ledger --year YYYY FILE.xlsx',
    summary: '导出培训工作台账（该年度内的全部培训计划、名册、结业、证书和资金）',
    values: ['year'],
    positional: ['Excel 文件'],
    async run({ dataDir, args, actor }) {
      const year = positiveInt(requireValue(args, 'year', '年度'), '--year');
      if (year < 2000 || year > 2100) throw usage(`--year 应为 2000 到 2100 之间的年份，当前为「${year}」`);
      const file = outputFile(args.positional[0]!, '.xlsx', '工作台账');
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const r = await trainingLedger(ctxOf(host, actor), year);
        writeAtomically(file, r.bytes);
        return { data: { file, year, count: r.count }, lines: [`已导出 ${year} 年培训工作台账，共 ${r.count} 个计划：${file}`] };
      });
    },
  },

  'plan-settle': {
    usage: 'plan-settle --plan ID [--json]',
    summary: '显示培训计划的结算说明：每名学员的补贴、预拨、已拨付、尚应拨付和应退回（只读）',
    values: ['plan'],
    async run({ dataDir, args, actor }) {
      const planId = positiveInt(requireValue(args, 'plan', '培训计划编号'), '--plan');
      return withHost(dataDir, {}, async (host) => {
        requireInitialized(host);
        const s = (await run(host, 'training:planSettlement', { id: planId }, actor)) as Settlement;
        return { data: { settlement: s }, lines: s.text };
      });
    },
  },

  status: {
    usage: 'status',
    summary: '显示台账状态：单位、数据版本、企业数、审计记录数、最近的备份',
    async run({ dataDir }) {
      if (!existsSync(ledgerFile(dataDir))) {
        return { data: { dataDir, exists: false, initialized: false }, lines: [`数据目录：${dataDir}`, '尚无台账文件（运行 init 或 seed-demo 创建）'] };
      }
      return withHost(dataDir, { allowBroken: true }, (host) => {
        const s = host.status(null);
        if (s.state === 'error') {
          const hint = s.latestBackup ? `最近的有效备份：${s.latestBackup.file}，可运行 restore 该文件恢复。` : '';
          throw new AppError(s.error!.code, `${s.error!.message}${hint}`, { latestBackup: s.latestBackup ?? null });
        }
        const db = host.database;
        const enterprises = db.prepare(`SELECT count(*) FROM enterprise WHERE status = 'active'`).pluck().get() as number;
        const auditCount = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
        const latest = listBackups(host.dataDir)[0] ?? null;
        return {
          data: { dataDir: host.dataDir, exists: true, initialized: s.initialized, office: s.office, schemaVersion: s.schemaVersion, enterprises, auditEntries: auditCount, latestBackup: latest },
          lines: [
            `数据目录：${host.dataDir}`,
            s.office ? `单位：${s.office.name}（${LEVEL_LABEL[s.office.level]}，${s.office.region_code} ${s.office.region_name ?? ''}）` : '单位：尚未完成初始设置',
            `数据版本：${s.schemaVersion}`,
            `在册企业：${enterprises} 家`,
            `审计记录：${auditCount} 条`,
            `最近备份：${latest ? `${latest.name}（${latest.mtime}）` : '无'}`,
          ],
        };
      });
    },
  },

  'export-package': {
    usage: 'export-package FILE.cxpkg|目录 --kind report|receipt|return|rules|checkout|checkin|backup --to CODE [--period 2026|2026-H1|2026-03] [--passphrase 口令] [--explain 说明.json] [--town GID | --enterprise GID] [--refers-to 包编号] [--comments 意见.json]',
    summary: '导出交换包（上报、回执、退回、下发规则、外勤领出/交回、完整备份），签名，可加密；给出目录时按“发送单位-类型-报送期-至接收单位-第N号”命名',
    values: ['kind', 'to', 'period', 'passphrase', 'explain', 'town', 'enterprise', 'refers-to', 'comments'],
    positional: ['交换包文件'],
    async run({ dataDir, args, actor }) {
      // A folder: the package is named for who sent what (known once its sequence is taken).
      const given = resolve(args.positional[0]!);
      const target = existsSync(given) && statSync(given).isDirectory() ? { dir: given } : outputFile(given, '.cxpkg', '交换包');
      const json = (name: string) => {
        const f = args.values.get(name);
        if (!f) return undefined;
        try {
          return JSON.parse(inputFile(f).bytes.toString('utf8')) as unknown;
        } catch (e) {
          if (e instanceof AppError) throw e;
          throw new AppError('VALIDATION', `--${name} 文件不是有效的 JSON：${f}`);
        }
      };
      const input = {
        kind: requireValue(args, 'kind', '交换包类型'), to: requireValue(args, 'to', '接收单位行政区划代码'), period: args.values.get('period'),
        passphrase: args.values.get('passphrase'), explanations: json('explain'), town_gid: args.values.get('town'),
        enterprise_gid: args.values.get('enterprise'), refers_to: args.values.get('refers-to'), comments: json('comments'),
      };
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        const r = exportPackage(ctxOf(host, actor), input as ExportInput, target);
        const m = r.manifest;
        return {
          data: { file: r.file, manifest: m, warnings: r.warnings },
          lines: [
            `已导出${KIND_LABEL[m.kind]}包：${r.file}`,
            `发给 ${m.receiver.name ?? ''}（${m.receiver.office_code}），第 ${m.sequence} 号${m.period ? `，报送期 ${m.period}` : ''}${m.encryption ? '，已加密' : ''}`,
            `本单位密钥指纹：${m.sender.fingerprint}`,
            ...Object.entries(m.tables).map(([t, n]) => `  ${t}\t${n}`),
            ...r.warnings.map((w) => `注意：${w}`),
          ],
        };
      });
    },
  },

  'verify-package': {
    usage: 'verify-package FILE.cxpkg [--passphrase 口令]',
    summary: '检查交换包：清单、签名人指纹、每个文件的 SHA-256（或第一处问题）',
    values: ['passphrase'],
    positional: ['交换包文件'],
    async run({ dataDir, args }) {
      const { file } = inputFile(args.positional[0]!);
      return withHost(dataDir, {}, (host) => {
        const r = verifyPackage(host.database, file, { passphrase: args.values.get('passphrase') });
        const m = r.manifest;
        return {
          data: { file, ...r },
          lines: [
            `交换包校验通过：${file}`,
            `类型：${KIND_LABEL[m.kind]}  报送期：${m.period ?? '—'}  第 ${m.sequence} 号  生成于 ${m.created_at}`,
            `发送：${m.sender.name}（${m.sender.office_code}）  接收：${m.receiver.name ?? ''}（${m.receiver.office_code}）`,
            `签名人指纹：${r.fingerprint}${keyStanding(r.key)}`,
            `格式版本 ${m.format_version}，程序 ${m.app.version}，数据版本 ${m.schema_version}${m.encryption ? '，AES-256-GCM 加密' : ''}`,
            ...r.parts.map((p) => `  OK ${p.sha256.slice(0, 16)}…  ${p.path}`),
          ],
        };
      });
    },
  },

  'retrust-key': {
    usage: 'retrust-key FILE.cxpkg --fingerprint 新指纹 --reason 原因 [--keep-old]',
    summary: '密钥更换后重新信任（管理员）：信任签发此交换包的新密钥，停用并保留旧密钥（--keep-old：本单位另一台外勤笔记本，保留原有密钥）',
    flags: ['keep-old'],
    values: ['fingerprint', 'reason'],
    positional: ['交换包文件'],
    async run({ dataDir, args, actor }) {
      const { file } = inputFile(args.positional[0]!);
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        const r = retrustPeer(ctxOf(host, actor), file, { fingerprint: args.values.get('fingerprint') ?? '', reason: args.values.get('reason') ?? '', keep_old: args.flags.has('keep-old') });
        return {
          data: r,
          lines: [
            `已信任 ${r.peer.name}（${r.peer.office_code}）的新密钥：${r.peer.fingerprint}`,
            ...r.retired.map((p) => `已停用旧密钥：${p.fingerprint}（保留记录）`),
          ],
        };
      });
    },
  },

  'import-package': {
    usage: 'import-package FILE.cxpkg --dry-run|--apply [--pin] [--force] [--passphrase 口令] [--period 报送期] [--choice mine|theirs] [--choices 选择.json]',
    summary: '导入交换包：--dry-run 只看将新增/更新/冲突什么，--apply 在一个事务中全部写入（--json 输出差异）',
    flags: ['dry-run', 'apply', 'pin', 'force'],
    values: ['passphrase', 'period', 'choice', 'choices'],
    positional: ['交换包文件'],
    async run({ dataDir, args, actor }) {
      const { file } = inputFile(args.positional[0]!);
      const dry = args.flags.has('dry-run');
      if (dry === args.flags.has('apply')) throw usage('请选择 --dry-run（试导入）或 --apply（导入）之一');
      const choicesFile = args.values.get('choices');
      const choices = choicesFile ? (JSON.parse(inputFile(choicesFile).bytes.toString('utf8')) as Record<string, 'mine' | 'theirs'>) : {};
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        const r = importPackage(ctxOf(host, actor), file, dry ? 'dry' : 'apply', {
          pin: args.flags.has('pin'), force: args.flags.has('force'), passphrase: args.values.get('passphrase'), period: args.values.get('period'),
          choiceAll: args.values.get('choice') as 'mine' | 'theirs' | undefined, choices, fileName: file,
        });
        const lines = [r.message, '表\t新增\t更新\t未变\t删除\t冲突\t合并'];
        for (const t of r.tables) lines.push(`${t.label}\t${t.added}\t${t.updated}\t${t.unchanged}\t${t.deleted}\t${t.conflict}\t${t.merged}`);
        for (const x of r.merges.slice(0, 50)) {
          lines.push(`合并到已有企业：「${x.label}」${x.uscc}：${x.origin_name}（${x.origin}）→ ${x.into_origin_name}（${x.into_origin}）登记的记录，字段以 ${x.owner_name} 为准`);
          for (const f of x.fields) lines.push(`    ${f.field}：本台账 ${JSON.stringify(f.mine)} ｜ ${x.origin_name} ${JSON.stringify(f.theirs)}${x.applied ? '（已采用）' : '（差异，未覆盖）'}`);
        }
        for (const c of r.conflicts.slice(0, 50)) {
          lines.push(`冲突：${c.table_label}「${c.label}」(${c.gid})${c.choice ? ` → ${c.choice === 'mine' ? '保留本单位' : '采用对方'}` : ''}`);
          for (const f of c.fields) lines.push(`    ${f.field}：本单位 ${JSON.stringify(f.mine)} ｜ 对方 ${JSON.stringify(f.theirs)}`);
        }
        for (const e of r.explanations) lines.push(`出错说明：${e.message} —— ${e.explanation}`);
        for (const c of r.comments) lines.push(`退回意见：${c.table} ${c.gid}：${c.comment}`);
        lines.push(...r.warnings.map((w) => `注意：${w}`));
        return { data: { file, ...r }, lines };
      });
    },
  },

  consolidate: {
    usage: 'consolidate DIR [--pin] [--force]',
    summary: '汇总：按发送单位和序号导入目录中的全部 .cxpkg，每个包一个事务，输出汇总表',
    flags: ['pin', 'force'],
    positional: ['目录'],
    async run({ dataDir, args, actor }) {
      const dir = resolve(args.positional[0]!);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AppError('FILE_NOT_FOUND', `目录不存在：${dir}`);
      const files = packagesInFolder(dir);
      if (files.length === 0) throw new AppError('FILE_NOT_FOUND', `目录中没有 .cxpkg 交换包：${dir}`);
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        const r = consolidateFiles(ctxOf(host, actor), files, { pin: args.flags.has('pin'), force: args.flags.has('force') });
        const label = { applied: '已导入', already: '已导入过', refused: '已拒绝' } as const;
        const refusedRows = r.rows.filter((x) => x.result === 'refused');
        return {
          data: r,
          // The good packages are in; the refused ones still need a person, so a script must not read this as success.
          failure: refusedRows.length
            ? { code: 'PACKAGES_REFUSED', message: `${refusedRows.length} 个交换包被拒绝（${refusedRows.map((x) => `${basename(x.file)}：${x.message}`).join('；')}），其余已导入`, details: refusedRows }
            : undefined,
          lines: [
            `共 ${files.length} 个包：导入 ${r.applied}，拒绝 ${r.refused}`,
            '文件\t发送单位\t序号\t结果\t新增\t更新\t说明',
            ...r.rows.map((x) => `${basename(x.file)}\t${x.sender_name ?? '—'}\t${x.sequence ?? '—'}\t${label[x.result]}\t${x.added}\t${x.updated}\t${x.message}`),
          ],
        };
      });
    },
  },

  submissions: {
    usage: 'submissions --period 2026',
    summary: '报送情况：本期每个下级单位是否报送、时间、状态，逾期的标出（催报名单）',
    values: ['period'],
    async run({ dataDir, args, actor }) {
      const period = requireValue(args, 'period', '报送期');
      return withHost(dataDir, {}, (host) => {
        requireInitialized(host);
        const r = submissions(ctxOf(host, actor), { period });
        return {
          data: r,
          lines: [`${r.label} 报送情况（截止 ${r.due ?? '—'}，逾期 ${r.overdue} 个）`, '代码\t单位\t状态\t报送时间',
            ...r.rows.map((x) => `${x.office_code}\t${x.office_name}\t${x.status_label}${x.overdue ? '（逾期）' : ''}\t${x.reported_at ?? '—'}`)],
        };
      });
    },
  },
};

const COUNT_LABEL: Record<string, string> = { enterprises: '企业', tiers: '梯度认定' };
const ROLE_TEXT: Record<string, string> = { admin: '管理员', reviewer: '审核人', clerk: '录入员' };

export function helpText(): string {
  const lines = [
    '县域产业台账 命令行',
    '用法：npm run ledger -- [--data 数据目录] <命令> [参数] [--json]',
    `  --data   台账所在目录（默认 ${defaultDataDir()}）`,
    '  --json   输出一个 JSON 对象：{ok:true,...} 或 {ok:false,error:{code,message,details}}',
    '',
    '命令：',
  ];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push('', '退出码：0 成功；1 校验发现问题、汇总时有交换包被拒绝（其余已导入）或内部错误；2 输入有误被拒绝（未写入任何数据）');
  return lines.join('\n');
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line; returns what to print instead of printing, so tests can call it in-process too. */
export async function runCli(argv: readonly string[], actor: Actor = cliActor()): Promise<CliResult> {
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.flags.has('json');
    if (args.flags.has('help')) return { exitCode: EXIT.ok, stdout: `${helpText()}\n`, stderr: '' };
    if (!args.command) throw usage('缺少命令');
    const cmd = COMMANDS[args.command];
    if (!cmd) throw usage(`未知命令「${args.command}」`);
    const allowedValues = new Set([...GLOBAL_VALUES, ...(cmd.values ?? [])]);
    const allowedFlags = new Set([...GLOBAL_FLAGS, ...(cmd.flags ?? [])]);
    for (const k of args.values.keys()) if (!allowedValues.has(k)) throw usage(`命令 ${args.command} 不接受选项 --${k}`);
    for (const k of args.flags) if (!allowedFlags.has(k)) throw usage(`命令 ${args.command} 不接受选项 --${k}`);
    const need = cmd.positional ?? [];
    if (args.positional.length < need.length) throw usage(`命令 ${args.command} 缺少参数：${need.slice(args.positional.length).join('、')}（用法：${cmd.usage}）`);
    if (args.positional.length > need.length) throw usage(`命令 ${args.command} 多余的参数：${args.positional.slice(need.length).join(' ')}`);
    const dataDir = resolve(args.values.get('data') ?? defaultDataDir());
    const out = await cmd.run({ dataDir, actor, args });
    const exitCode = out.failure ? EXIT.failed : EXIT.ok;
    return json
      ? { exitCode, stdout: `${JSON.stringify({ ok: !out.failure, command: args.command, ...(out.failure ? { error: out.failure } : {}), ...out.data })}\n`, stderr: '' }
      : { exitCode, stdout: `${out.lines.join('\n')}\n`, stderr: out.failure ? `错误：${out.failure.message}\n` : '' };
  } catch (e) {
    const error: AppErrorData = toErrorData(e);
    const exitCode = error.code === 'INTERNAL' || error.code === 'AUDIT_BROKEN' ? EXIT.failed : EXIT.refused;
    if (json) return { exitCode, stdout: `${JSON.stringify({ ok: false, error })}\n`, stderr: '' };
    const lines = [`错误：${error.message}`];
    const rowErrors = (error.details as { errors?: RowError[] } | undefined)?.errors;
    if (error.code === 'IMPORT_REJECTED' && Array.isArray(rowErrors)) lines.push(...formatRowErrors(rowErrors));
    // 审核公式 failures: each with the id an --explain file keys its 出错说明 by.
    if (error.code === 'CHECKS_FAILED' && Array.isArray(error.details)) {
      for (const f of error.details as Array<{ id: string; message: string }>) lines.push(`  ${f.id}\t${f.message}`);
      lines.push('在 --explain 文件中按 {"编号": "出错说明"} 写明原因后重新导出。');
    }
    return { exitCode, stdout: '', stderr: `${lines.join('\n')}\n` };
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const r = await runCli(process.argv.slice(2));
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.exitCode;
}
