import { create } from 'zustand';
import type { EnterpriseDetail, ListQuery, ListedEnterprise, RegionRow } from '../../../db/types';
import { call, runJob, saveFile, fileToBase64, type JobProgress } from '../api/client';

export type Query = Omit<ListQuery, 'page' | 'pageSize'> & { page: number; pageSize: number };

interface EnterpriseState {
  query: Query;
  rows: ListedEnterprise[];
  total: number;
  loading: boolean;
  error: string | null;
  counties: RegionRow[];
  tierTypes: Array<{ code: string; name: string }>;
  detail: EnterpriseDetail | null;
  setQuery(patch: Partial<Query>): void;
  load(): Promise<void>;
  loadCodes(): Promise<void>;
  loadDetail(id: number): Promise<void>;
  exportList(onProgress: (p: JobProgress) => void): Promise<void>;
  downloadTemplate(): Promise<void>;
  importFile(file: File, updateExisting: boolean, onProgress: (p: JobProgress) => void): ReturnType<typeof importJob>;
}

const importJob = async (file: File, updateExisting: boolean, onProgress: (p: JobProgress) => void) =>
  runJob('enterprise:import', { fileName: file.name, dataBase64: await fileToBase64(file), updateExisting }, onProgress);

let seq = 0;

export const useEnterprises = create<EnterpriseState>((set, get) => ({
  query: { page: 1, pageSize: 20, sort: 'updated_at', order: 'desc', status: 'active' },
  rows: [],
  total: 0,
  loading: false,
  error: null,
  counties: [],
  tierTypes: [],
  detail: null,
  setQuery(patch) {
    const resetsPage = Object.keys(patch).some((k) => k !== 'page' && k !== 'pageSize');
    set({ query: { ...get().query, ...patch, ...(resetsPage && !('page' in patch) ? { page: 1 } : {}) } });
    void get().load();
  },
  async load() {
    const mine = ++seq;
    set({ loading: true, error: null });
    try {
      const q = get().query;
      const clean = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '' && v !== null));
      const r = await call('enterprise:list', clean as ListQuery);
      // Typing fast fires several searches; only the newest may paint the table.
      if (mine === seq) set({ rows: r.rows, total: r.total, loading: false });
    } catch (e) {
      if (mine === seq) set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  },
  async loadCodes() {
    const [counties, tierTypes] = await Promise.all([call('codes:officeCounties'), call('codes:tierTypes')]);
    set({ counties, tierTypes });
  },
  async loadDetail(id) {
    set({ detail: null });
    set({ detail: await call('enterprise:get', { id }) });
  },
  async exportList(onProgress) {
    const { page: _p, pageSize: _s, ...q } = get().query;
    const file = await runJob('enterprise:export', q as ListQuery, onProgress);
    await saveFile(file);
  },
  async downloadTemplate() {
    await saveFile(await call('enterprise:template'));
  },
  importFile: importJob,
}));
