// Peak memory of an import (issue 13: any import under 1 GB), each case in its own process so that its peak RSS is
// its own: a workbook whose shared strings inflate to 500 MB (refused early), and a 200,000-row enterprise list
// (imported whole). The parent writes the files; `tsx tests/bench/memory.ts FILE` is the child that imports one and
// prints {rss_mb, result} as JSON.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openLedger } from '../../db/connection.js';
import { fixedClock } from '../../db/clock.js';
import { ensureCodeLists, initializeOffice } from '../../db/office/service.js';
import { ENTERPRISE_COLUMNS, importEnterprises } from '../../db/enterprises/excel.js';
import { writeWorkbook } from '../../db/excel/write.js';
import { withCheckChar } from '../../db/enterprises/uscc.js';
import { AppError } from '../../db/result.js';
import { ADMIN } from '../helpers.js';
import { bombWorkbook } from '../fixtures/xlsx-bomb.js';

interface Out {
  figure(label: string, value: number, unit: string, target?: { kind: 'min' | 'max'; value: number }): void;
  note(text: string): void;
}

const clock = fixedClock('2026-03-01T02:00:00Z');

/** Rows as the template has them: a real USCC, a county of 泽州, a name. */
function rows(n: number): Array<Array<string | null>> {
  return Array.from({ length: n }, (_, i) => {
    const row: Array<string | null> = ENTERPRISE_COLUMNS.map(() => null);
    const set = (key: string, v: string) => (row[ENTERPRISE_COLUMNS.findIndex((c) => c.key === key)] = v);
    set('uscc', withCheckChar(`91140525${String(i).padStart(9, '0')}`));
    set('name', `泽州县合成企业${i}有限公司`);
    set('region_code', '140525');
    set('scale', i % 7 ? '规下' : '规上');
    set('address', `泽州县某镇某村 ${i} 号`);
    return row;
  });
}

async function child(file: string): Promise<void> {
  const db = openLedger({ file: join(file + '.ledger.sqlite') });
  ensureCodeLists({ db, clock });
  initializeOffice({ db, clock, dataDir: null }, { level: 'county', region_code: '140525', name: '泽州县工业和信息化局', admin_username: 'admin', admin_display_name: '管理员', admin_password: 'Admin12345' });
  let result: string;
  try {
    const r = await importEnterprises({ db, clock, actor: ADMIN, dataDir: null }, { fileName: 'bench.xlsx', bytes: readFileSync(file) });
    result = `导入 ${r.created} 行`;
  } catch (e) {
    result = e instanceof AppError ? `拒绝（${e.code}）` : `错误：${e instanceof Error ? e.message : e}`;
  }
  db.close();
  process.stdout.write(`${JSON.stringify({ rss_mb: process.resourceUsage().maxRSS / 1024, result })}\n`);
}

function measure(file: string): { rss_mb: number; result: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, file], { encoding: 'utf8', env: { ...process.env, LEDGER_IMPORT_THREADS: process.env.LEDGER_IMPORT_THREADS ?? '' } });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as { rss_mb: number; result: string };
  } catch {
    throw new Error(`memory child failed: ${r.stderr.slice(-500)}`);
  }
}

export async function benchMemory(out: Out, tmp: string): Promise<void> {
  const header = ENTERPRISE_COLUMNS.map((c) => ({ header: c.header, required: c.required }));
  const small = await writeWorkbook([{ name: '企业名录', columns: header, rows: rows(2) }]);
  const bomb = join(tmp, 'shared-strings-bomb.xlsx');
  writeFileSync(bomb, bombWorkbook(small, 'sharedStrings', 500, false));
  const m1 = measure(bomb);
  out.note(`共享字符串解压后 500 MB 的工作簿（目录谎报大小）：${m1.result}`);
  out.figure('峰值内存：共享字符串炸弹', m1.rss_mb, 'MB', { kind: 'max', value: 1024 });

  const big = join(tmp, 'enterprises-200k.xlsx');
  const bytes = await writeWorkbook([{ name: '企业名录', columns: header, rows: rows(200_000) }]);
  writeFileSync(big, bytes);
  const m2 = measure(big);
  out.note(`200,000 行企业名录（${(bytes.length / 1048576).toFixed(1)} MB .xlsx）：${m2.result}`);
  out.figure('峰值内存：导入 200,000 行', m2.rss_mb, 'MB', { kind: 'max', value: 1024 });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2]) await child(process.argv[2]);
