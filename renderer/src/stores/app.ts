import { create } from 'zustand';
import type { AppStatus } from '../../../db/types';
import { call, onSessionLost, setSession } from '../api/client';

export const IDLE_LOCK_MS = 15 * 60_000;

interface AppState {
  status: AppStatus | null;
  loading: boolean;
  refresh(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  setup(input: Record<string, unknown>): Promise<void>;
  /** First-run alternative: the demo county, logged in as its administrator. */
  setupDemo(): Promise<{ office: string; username: string; password: string }>;
  logout(): Promise<void>;
  lock(): Promise<void>;
  unlock(password: string): Promise<void>;
}

export const useApp = create<AppState>((set, get) => ({
  status: null,
  loading: true,
  async refresh() {
    const status = await call('app:status');
    if (status.session.state === 'none') setSession(null);
    set({ status, loading: false });
  },
  async login(username, password) {
    const { token } = await call('auth:login', { username, password });
    setSession(token);
    await get().refresh();
  },
  async setup(input) {
    const { token } = await call('setup:init', input);
    setSession(token);
    await get().refresh();
  },
  async setupDemo() {
    const r = await call('setup:demo');
    setSession(r.token);
    await get().refresh();
    return r;
  },
  async logout() {
    await call('auth:logout').catch(() => null);
    setSession(null);
    await get().refresh();
  },
  async lock() {
    await call('auth:lock').catch(() => null);
    await get().refresh();
  },
  async unlock(password) {
    await call('auth:unlock', { password });
    await get().refresh();
  },
}));

onSessionLost(() => void useApp.getState().refresh());

/** Locks the screen after 15 idle minutes; the server enforces the same limit on every call. */
export function startIdleWatch(): () => void {
  let last = Date.now();
  const bump = () => {
    last = Date.now();
  };
  const events = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart'] as const;
  for (const e of events) window.addEventListener(e, bump, { passive: true });
  const timer = setInterval(() => {
    const s = useApp.getState().status;
    if (s?.session.state === 'active' && Date.now() - last > IDLE_LOCK_MS) void useApp.getState().lock();
  }, 15_000);
  return () => {
    clearInterval(timer);
    for (const e of events) window.removeEventListener(e, bump);
  };
}

export const ROLE_LABEL: Record<string, string> = { admin: '管理员', reviewer: '审核人', clerk: '录入员' };
export const LEVEL_LABEL: Record<string, string> = { county: '县级', city: '市级', province: '省级' };

export function hasRole(role: string | undefined, min: 'clerk' | 'reviewer' | 'admin'): boolean {
  const rank: Record<string, number> = { clerk: 1, reviewer: 2, admin: 3 };
  return (rank[role ?? ''] ?? 0) >= rank[min]!;
}
