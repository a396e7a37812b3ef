// The training area's store: the plan list's filters and rows, and thin actions over the training:* ops (the
// only place the training screens reach the api client).
import { create } from 'zustand';
import type { OpInput } from '../../../db/api';
import type { OriginOption, PlanListed } from '../../../db/types';
import { call, runJob, saveFile, fileToBase64, type JobProgress } from '../api/client';

export type PlanQuery = Omit<NonNullable<OpInput<'training:planList'>>, 'page' | 'pageSize'> & { page: number; pageSize: number };

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== null)) as T;

interface PlanListState {
  query: PlanQuery;
  rows: PlanListed[];
  total: number;
  loading: boolean;
  error: string | null;
  /** 上报单位 options: lower offices with plans in this ledger (none at county level). */
  origins: OriginOption[];
  loadOrigins(): Promise<void>;
  setQuery(patch: Partial<PlanQuery>): void;
  load(): Promise<void>;
  exportList(onProgress: (p: JobProgress) => void): Promise<void>;
}

let seq = 0;

export const usePlans = create<PlanListState>((set, get) => ({
  query: { page: 1, pageSize: 20 },
  rows: [],
  total: 0,
  loading: false,
  error: null,
  origins: [],
  async loadOrigins() {
    set({ origins: await call('exchange:origins', { list: 'plan' }) });
  },
  setQuery(patch) {
    const resetsPage = Object.keys(patch).some((k) => k !== 'page' && k !== 'pageSize');
    set({ query: { ...get().query, ...patch, ...(resetsPage && !('page' in patch) ? { page: 1 } : {}) } });
    void get().load();
  },
  async load() {
    const mine = ++seq;
    set({ loading: true, error: null });
    try {
      const r = await call('training:planList', clean(get().query));
      if (mine === seq) set({ rows: r.rows, total: r.total, loading: false });
    } catch (e) {
      if (mine === seq) set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  },
  async exportList(onProgress) {
    const { page: _p, pageSize: _s, ...q } = get().query;
    await saveFile(await runJob('training:planExport', clean(q), onProgress));
  },
}));

/** Every other training call, one function each, so the screens never import the api client. */
export const training = {
  institutions: () => call('training:institutionList'),
  createInstitution: (i: OpInput<'training:institutionCreate'>) => call('training:institutionCreate', i),
  updateInstitution: (i: OpInput<'training:institutionUpdate'>) => call('training:institutionUpdate', i),

  rules: (i: OpInput<'training:ruleList'>) => call('training:ruleList', i),
  rule: (id: number) => call('training:ruleGet', { id }),
  createRule: (i: OpInput<'training:ruleCreate'>) => call('training:ruleCreate', i),
  retireRule: (id: number, reason: string) => call('training:ruleRetire', { id, reason }),

  plan: (id: number) => call('training:planGet', { id }),
  /** One enterprise's plans, newest first (the 处理措施 form links a 收回资金 to one of them). */
  plansOf: async (enterprise_id: number) => (await call('training:planList', { enterprise_id, pageSize: 500 })).rows,
  settlement: (id: number) => call('training:planSettlement', { id }),
  createPlan: (i: OpInput<'training:planCreate'>) => call('training:planCreate', i),
  transition: (i: OpInput<'training:planTransition'>) => call('training:planTransition', i),
  recoveryReceived: (i: OpInput<'training:recoveryReceived'>) => call('training:recoveryReceived', i),

  trainees: (plan_id: number) => call('training:traineeList', { plan_id }),
  addTrainee: (i: OpInput<'training:traineeAdd'>) => call('training:traineeAdd', i),
  updateTrainee: (i: OpInput<'training:traineeUpdate'>) => call('training:traineeUpdate', i),
  removeTrainee: (id: number, reason: string) => call('training:traineeRemove', { id, reason }),
  addCertificate: (i: OpInput<'training:certificateAdd'>) => call('training:certificateAdd', i),
  rosterTemplate: async () => saveFile(await call('training:rosterTemplate')),
  importRoster: async (plan_id: number, file: File, onProgress: (p: JobProgress) => void) =>
    runJob('training:rosterImport', { plan_id, fileName: file.name, dataBase64: await fileToBase64(file) }, onProgress),
  exportRoster: async (plan_id: number) => saveFile(await call('training:rosterExport', { plan_id })),

  courses: (year: number, origin_office?: string) => call('training:courseList', { year, origin_office }),
  createCourse: (i: OpInput<'training:courseCreate'>) => call('training:courseCreate', i),
  addAttendee: (i: OpInput<'training:courseAttendee'>) => call('training:courseAttendee', i),
  courseTotals: (year: number, origin_office?: string) => call('training:courseTotals', { year, origin_office }),

  ledger: (i: OpInput<'training:ledger'>) => call('training:ledger', i),
  exportLedger: async (i: OpInput<'training:ledgerExport'>, onProgress: (p: JobProgress) => void) =>
    saveFile(await runJob('training:ledgerExport', i, onProgress)),
  /** The reports take a year and, after consolidation, a 上报单位. */
  progress: (year: number, origin?: string) => call('training:progress', { year, ...(origin ? { origin_office: origin } : {}) }),
  exportProgress: async (year: number, origin?: string) => saveFile(await call('training:progressExport', { year, ...(origin ? { origin_office: origin } : {}) })),
  dashboard: (year: number, origin?: string) => call('training:dashboard', { year, ...(origin ? { origin_office: origin } : {}) }),
  sanctions: (enterprise_id: number) => call('sanction:list', { enterprise_id }),
};
