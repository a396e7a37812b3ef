// Re-signed mutants of real packages: what an infected county PC or a hand-edited file would send. The manifest is
// brought back in step with the edited parts (hashes, sizes, record counts) and signed again with the county's own
// key, so the signature is valid and only the receiver's checks of the content stand between the file and the ledger.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import type { Database } from 'better-sqlite3';
import { signBytes, type OfficeKey } from '../../db/exchange/keys.js';

export type Entries = Record<string, Uint8Array>;
export interface ManifestJson {
  package_id: string;
  sequence: number;
  tables: Record<string, number>;
  parts: Array<{ path: string; sha256: string; bytes: number; table?: string; records?: number }>;
  [k: string]: unknown;
}

export const readEntries = (file: string): Entries => unzipSync(readFileSync(file));
export const manifestOf = (e: Entries): ManifestJson => JSON.parse(Buffer.from(e['manifest.json']!).toString('utf8'));

/** The records of one table's part (parsed), or [] when the package has none. */
export function recordsOf(e: Entries, table: string): Array<Record<string, unknown>> {
  const part = manifestOf(e).parts.find((p) => p.table === table);
  if (!part) return [];
  return Buffer.from(e[part.path]!).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Replaces one table's records (the part is created when missing). */
export function setRecords(e: Entries, table: string, records: Array<Record<string, unknown>>): void {
  const m = manifestOf(e);
  let part = m.parts.find((p) => p.table === table);
  if (!part) {
    part = { path: `data/${table}.ndjson`, sha256: '', bytes: 0, table, records: 0 };
    m.parts.push(part);
    e['manifest.json'] = strToU8(JSON.stringify(m));
  }
  e[part.path] = strToU8(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/**
 * Writes `e` as a package signed with `key`: every part's hash, size and record count recomputed, a new package id
 * and the given sequence (so replay checks do not hide what the content checks do).
 */
export function writeResigned(e: Entries, dst: string, key: OfficeKey, sequence: number, editManifest?: (m: ManifestJson) => void): void {
  const m = manifestOf(e);
  for (const p of m.parts) {
    const b = e[p.path];
    if (!b) continue;
    p.sha256 = createHash('sha256').update(b).digest('hex');
    p.bytes = b.length;
    if (p.table) {
      const n = Buffer.from(b).toString('utf8').split('\n').filter(Boolean).length;
      p.records = n;
      if (!p.table.startsWith('_') || p.table in m.tables) m.tables[p.table] = n;
    }
  }
  m.package_id = `mutant-${sequence}-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 8)}`;
  m.sequence = sequence;
  editManifest?.(m);
  e['manifest.json'] = strToU8(JSON.stringify(m));
  e['manifest.sig'] = strToU8(`${signBytes(key, Buffer.from(e['manifest.json']))}\n`);
  e['sender.pub'] = strToU8(key.publicKeyPem);
  writeFileSync(dst, zipSync(e));
}

/** The whole ledger's bytes, hashed: equal before and after means nothing at all was written. */
export const ledgerHash = (db: Database): string => createHash('sha256').update(db.serialize()).digest('hex');
