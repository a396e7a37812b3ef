// The exchange (数据交换) area's calls: one function each, so the screens never import the api client.
import type { OpInput } from '../../../db/api';
import { call, runJob, saveFile, fileToBase64, type JobProgress } from '../api/client';

export interface PackageFile {
  fileName: string;
  dataBase64: string;
}

export const readPackageFile = async (f: File): Promise<PackageFile> => ({ fileName: f.name, dataBase64: await fileToBase64(f) });

type ImportOpts = Omit<OpInput<'exchange:apply'>, 'fileName' | 'dataBase64'>;

export const exchange = {
  key: () => call('exchange:key'),
  peers: () => call('exchange:peers'),
  unpin: (id: number) => call('exchange:unpin', { id }),
  /** After a key change: trusts the key that signed this package (administrators; audited with the reason). */
  retrust: (f: PackageFile, i: { fingerprint: string; reason: string; keep_old?: boolean }) => call('exchange:peer:retrust', { ...f, ...i }),
  checks: (period: string) => call('exchange:checks', { period }),
  review: (period: string, explanations: Record<string, string>) => call('exchange:review', { period, explanations }),
  /** Exports a package and saves it (download or native dialog); returns the file name. */
  exportPackage: async (i: OpInput<'exchange:export'>, onProgress: (p: JobProgress) => void): Promise<string> => {
    const file = await runJob('exchange:export', i, onProgress);
    await saveFile(file);
    return file.fileName;
  },
  verify: (f: PackageFile, passphrase?: string) => call('exchange:verify', { ...f, passphrase }),
  dryRun: (f: PackageFile, o: ImportOpts, onProgress: (p: JobProgress) => void) => runJob('exchange:dryRun', { ...f, ...o }, onProgress),
  apply: (f: PackageFile, o: ImportOpts, onProgress: (p: JobProgress) => void) => runJob('exchange:apply', { ...f, ...o }, onProgress),
  consolidate: (files: PackageFile[], o: { pin?: boolean; force?: boolean }, onProgress: (p: JobProgress) => void) =>
    runJob('exchange:consolidate', { files, ...o }, onProgress),
  submissions: (period: string) => call('exchange:submissions', { period }),
  packages: (limit = 500) => call('exchange:packages', { limit }),
  summary: (i: OpInput<'exchange:summary'>) => call('exchange:summary', i),
  exportSummary: async (i: OpInput<'exchange:summaryExport'>, onProgress: (p: JobProgress) => void): Promise<void> => {
    await saveFile(await runJob('exchange:summaryExport', i, onProgress));
  },
  notes: (i: { gid?: string; period?: string }) => call('exchange:notes', i),
  towns: () => call('town:list', {}),
  enterprises: (q: string) => call('enterprise:list', { q: q || undefined, pageSize: 30, sort: 'name', order: 'asc' }),
};
