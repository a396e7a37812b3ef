import type { Database } from 'better-sqlite3';
import { INDUSTRY_CODES } from './industry-data.js';

export function ensureIndustries(db: Database): void {
  const n = db.prepare('SELECT count(*) FROM industry').pluck().get() as number;
  if (n >= INDUSTRY_CODES.length) return;
  const ins = db.prepare('INSERT OR IGNORE INTO industry(code, name, kind, parent_code) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const c of INDUSTRY_CODES) ins.run(c.code, c.name, c.kind, c.parent);
  })();
}
