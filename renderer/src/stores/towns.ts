import { create } from 'zustand';
import type { OpInput, OpOutput } from '../../../db/api';
import type { OriginOption, RegionRow, TownListQuery } from '../../../db/types';
import { call, runJob, saveFile, fileToBase64, type JobProgress } from '../api/client';

export type TownCodes = OpOutput<'town:codes'>;
export type ListedTown = OpOutput<'town:list'>[number];
export type TownDetail = OpOutput<'town:get'>;
export type IndicatorTable = OpOutput<'town:indicators'>;
export type PlanProgress = OpOutput<'town:plans'>[number];
export type RuleSet = OpOutput<'town:ruleSets'>[number];
export type TownEvaluation = OpOutput<'town:evaluate'>;
export type Assessment = OpOutput<'town:assessments'>[number];
export type TownEvent = OpOutput<'town:events'>[number];
export type Dashboard = OpOutput<'town:dashboard'>;
export type Batch = OpOutput<'town:batches'>[number];

interface TownState {
  codes: TownCodes | null;
  counties: RegionRow[];
  /** 上报单位 options: lower offices with towns in this ledger (none at county level). */
  origins: OriginOption[];
  query: TownListQuery;
  rows: ListedTown[];
  loading: boolean;
  error: string | null;
  detail: TownDetail | null;
  indicators: IndicatorTable | null;
  plans: PlanProgress[];
  assessments: Assessment[];
  events: TownEvent[];
  ruleSets: RuleSet[];
  loadCodes(): Promise<void>;
  loadOrigins(): Promise<void>;
  setQuery(patch: Partial<TownListQuery>): void;
  load(): Promise<void>;
  loadDetail(id: number): Promise<void>;
  refreshDetail(): Promise<void>;
  loadIndicators(townId: number): Promise<void>;
  loadPlans(townId: number): Promise<void>;
  loadAssessments(townId: number): Promise<void>;
  loadEvents(townId: number): Promise<void>;
  recordEvent(input: OpInput<'town:recordEvent'>): Promise<void>;
  loadRuleSets(all?: boolean): Promise<RuleSet[]>;
  exportTowns(): Promise<void>;
  exportIndicators(year: number | undefined, onProgress: (p: JobProgress) => void): Promise<void>;
  downloadIndicatorTemplate(): Promise<void>;
  importIndicators(file: File, onProgress: (p: JobProgress) => void): Promise<OpOutput<'town:importIndicators'>>;
}

let seq = 0;

const cleanQuery = (q: TownListQuery): TownListQuery =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '' && v !== null)) as TownListQuery;

export const useTowns = create<TownState>((set, get) => ({
  codes: null,
  counties: [],
  origins: [],
  query: {},
  rows: [],
  loading: false,
  error: null,
  detail: null,
  indicators: null,
  plans: [],
  assessments: [],
  events: [],
  ruleSets: [],
  async loadCodes() {
    if (get().codes) return;
    const [codes, counties] = await Promise.all([call('town:codes'), call('codes:officeCounties')]);
    set({ codes, counties });
  },
  async loadOrigins() {
    // Not cached with the codes: every 装入数据包 can add an office.
    set({ origins: await call('exchange:origins', { list: 'town' }) });
  },
  setQuery(patch) {
    set({ query: { ...get().query, ...patch } });
    void get().load();
  },
  async load() {
    const mine = ++seq;
    set({ loading: true, error: null });
    try {
      const rows = await call('town:list', cleanQuery(get().query));
      if (mine === seq) set({ rows, loading: false });
    } catch (e) {
      if (mine === seq) set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  },
  async loadDetail(id) {
    set({ detail: null, indicators: null, plans: [], assessments: [], events: [] });
    set({ detail: await call('town:get', { id }) });
  },
  async refreshDetail() {
    const d = get().detail;
    if (d) set({ detail: await call('town:get', { id: d.town.id }) });
  },
  async loadIndicators(townId) {
    set({ indicators: await call('town:indicators', { town_id: townId }) });
  },
  async loadPlans(townId) {
    set({ plans: await call('town:plans', { town_id: townId }) });
  },
  async loadAssessments(townId) {
    set({ assessments: await call('town:assessments', { town_id: townId }) });
  },
  async loadEvents(townId) {
    set({ events: await call('town:events', { town_id: townId }) });
  },
  async recordEvent(input) {
    await call('town:recordEvent', input);
    // An event on a member lists under the town too (while it was a member): reload the town's list.
    const d = get().detail;
    if (d) await get().loadEvents(d.town.id);
  },
  async loadRuleSets(all) {
    const ruleSets = await call('town:ruleSets', { all: !!all });
    set({ ruleSets });
    return ruleSets;
  },
  async exportTowns() {
    // Every list filter goes along: the file holds the towns on screen.
    await saveFile(await call('town:exportTowns', cleanQuery(get().query)));
  },
  async exportIndicators(year, onProgress) {
    // The list's 上报单位 applies to the indicator file too.
    const origin = get().query.origin_office;
    await saveFile(await runJob('town:exportIndicators', { ...(year ? { year } : {}), ...(origin ? { origin_office: origin } : {}) }, onProgress));
  },
  async downloadIndicatorTemplate() {
    await saveFile(await call('town:indicatorTemplate'));
  },
  async importIndicators(file, onProgress) {
    return runJob('town:importIndicators', { fileName: file.name, dataBase64: await fileToBase64(file) }, onProgress);
  },
}));

/** Shared formatting: figures with thousands separators, at most two decimals; null shows as a dash. */
export const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: digits });

export const STATUS_COLOR: Record<string, string> = {
  cultivating: 'default', applied: 'processing', reviewing: 'processing', publicizing: 'gold', designated: 'green', rereview: 'cyan',
  warned: 'orange', downgraded: 'volcano', revoked: 'red',
};
