import { create } from 'zustand';
import type { BatchRow, ClaimDetail, ClaimImportSummary, ClaimInput, ClaimListRow, ClaimStatus, FairInput, FairView, OriginOption, RecalcChange, RuleSetRow, RuleSetView, RuleTableInput } from '../../../db/types';
import type { OpOutput } from '../../../db/api';
import { call, runJob, saveFile, fileToBase64, type JobProgress } from '../api/client';

export interface ClaimQuery {
  year?: number;
  status?: ClaimStatus;
  fair_id?: number;
  enterprise_id?: number;
  /** 上报单位 */
  origin_office?: string;
  q?: string;
  page: number;
  pageSize: number;
}

export type RuleSetListRow = RuleSetRow & { version: number; claim_count: number };
export type BatchListRow = BatchRow & { claim_count: number };
export type Dashboard = OpOutput<'exhibition:dashboard'>;
export type ReviewSheet = OpOutput<'exhibition:reviewSheet'>;
export type PublicityList = OpOutput<'exhibition:publicityList'>;

interface ExhibitionState {
  fairs: FairView[];
  ruleSets: RuleSetListRow[];
  batches: BatchListRow[];
  query: ClaimQuery;
  rows: ClaimListRow[];
  total: number;
  loading: boolean;
  error: string | null;
  detail: ClaimDetail | null;
  /** 上报单位 options: lower offices with claims in this ledger (none at county level). */
  origins: OriginOption[];
  loadOrigins(): Promise<void>;
  loadFairs(): Promise<void>;
  saveFair(id: number | null, data: FairInput): Promise<FairView>;
  loadRuleSets(): Promise<void>;
  getRuleSet(id: number): Promise<RuleSetView>;
  createRuleSet(input: { name: string; region_code: string; year: number; source?: string | null; note?: string | null; rules: RuleTableInput }): Promise<RuleSetView>;
  reviseRuleSet(input: { rule_set_id: number; note: string; rules: RuleTableInput }): Promise<{ rule_set: RuleSetView; changes: RecalcChange[]; changed_count: number }>;
  setQuery(patch: Partial<ClaimQuery>): void;
  load(): Promise<void>;
  loadDetail(id: number): Promise<ClaimDetail>;
  saveClaim(id: number | null, data: ClaimInput): Promise<ClaimDetail>;
  transition(input: { claim_id: number; action: 'submit' | 'first_review' | 'second_review' | 'return' | 'reject' | 'approve'; comment?: string | null; override_reason?: string | null }): Promise<ClaimDetail>;
  publish(input: { claim_ids: number[]; batch_no?: string | null; title: string; start_date: string; end_date: string }): Promise<BatchRow>;
  pay(input: { claim_id: number; pay_date: string; amount_yuan: string; voucher_no: string; note?: string | null; override_reason?: string | null; opinion?: string | null }): Promise<ClaimDetail>;
  /** The 公示 batches; `origin`: only those a lower office published. */
  loadBatches(origin?: string): Promise<void>;
  addAttachment(claimId: number, material: string, file: File): Promise<void>;
  openAttachment(id: number): Promise<void>;
  removeAttachment(id: number, reason: string): Promise<void>;
  exportYear(year: number, onProgress: (p: JobProgress) => void): Promise<void>;
  importFile(file: File, onProgress: (p: JobProgress) => void): Promise<ClaimImportSummary>;
  downloadTemplate(): Promise<void>;
  dashboard(year: number, origin?: string): Promise<Dashboard>;
  reviewSheet(id: number): Promise<ReviewSheet>;
  publicityList(batchId: number): Promise<PublicityList>;
}

let seq = 0;

export const useExhibitions = create<ExhibitionState>((set, get) => ({
  fairs: [],
  ruleSets: [],
  batches: [],
  query: { page: 1, pageSize: 20 },
  rows: [],
  total: 0,
  loading: false,
  error: null,
  detail: null,
  origins: [],
  async loadOrigins() {
    set({ origins: await call('exchange:origins', { list: 'claim' }) });
  },
  async loadFairs() {
    set({ fairs: await call('exhibition:fairList', {}) });
  },
  async saveFair(id, data) {
    const f = id ? await call('exhibition:fairUpdate', { id, data }) : await call('exhibition:fairCreate', data);
    void get().loadFairs();
    return f;
  },
  async loadRuleSets() {
    set({ ruleSets: await call('exhibition:ruleSetList') });
  },
  getRuleSet: (id) => call('exhibition:ruleSetGet', { id }),
  async createRuleSet(input) {
    const r = await call('exhibition:ruleSetCreate', input);
    void get().loadRuleSets();
    return r;
  },
  async reviseRuleSet(input) {
    const r = await call('exhibition:ruleSetRevise', input);
    void get().loadRuleSets();
    return r;
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
      const clean = Object.fromEntries(Object.entries(get().query).filter(([, v]) => v !== undefined && v !== '' && v !== null));
      const r = await call('exhibition:claimList', clean as ClaimQuery);
      if (mine === seq) set({ rows: r.rows, total: r.total, loading: false });
    } catch (e) {
      if (mine === seq) set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  },
  async loadDetail(id) {
    const d = await call('exhibition:claimGet', { id });
    set({ detail: d });
    return d;
  },
  async saveClaim(id, data) {
    const d = id ? await call('exhibition:claimUpdate', { id, data }) : await call('exhibition:claimCreate', data);
    set({ detail: d });
    return d;
  },
  async transition(input) {
    const d = await call('exhibition:transition', input);
    set({ detail: d });
    return d;
  },
  async publish(input) {
    const b = await call('exhibition:publish', input);
    void get().load();
    void get().loadBatches();
    return b;
  },
  async pay(input) {
    const d = await call('exhibition:pay', input);
    set({ detail: d });
    return d;
  },
  async loadBatches(origin) {
    set({ batches: await call('exhibition:batchList', origin ? { origin_office: origin } : {}) });
  },
  async addAttachment(claimId, material, file) {
    await call('exhibition:attachmentAdd', { claim_id: claimId, material: material as never, fileName: file.name, dataBase64: await fileToBase64(file) });
    await get().loadDetail(claimId);
  },
  async openAttachment(id) {
    const a = await call('exhibition:attachmentGet', { id });
    const bytes = Uint8Array.from(atob(a.dataBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: a.mime }));
    const w = window.open(url, '_blank');
    if (!w) await saveFile(a);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
  async removeAttachment(id, reason) {
    await call('exhibition:attachmentRemove', { id, reason });
    const d = get().detail;
    if (d) await get().loadDetail(d.claim.id);
  },
  async exportYear(year, onProgress) {
    // The list's 上报单位 applies to the file too.
    const origin = get().query.origin_office;
    await saveFile(await runJob('exhibition:export', { year, ...(origin ? { origin_office: origin } : {}) }, onProgress));
  },
  async importFile(file, onProgress) {
    const r = await runJob('exhibition:import', { fileName: file.name, dataBase64: await fileToBase64(file) }, onProgress);
    void get().load();
    return r;
  },
  async downloadTemplate() {
    await saveFile(await call('exhibition:claimTemplate'));
  },
  dashboard: (year, origin) => call('exhibition:dashboard', { year, ...(origin ? { origin_office: origin } : {}) }),
  reviewSheet: (id) => call('exhibition:reviewSheet', { id }),
  publicityList: (batchId) => call('exhibition:publicityList', { id: batchId }),
}));
