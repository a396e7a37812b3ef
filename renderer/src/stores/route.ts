import { create } from 'zustand';

// Hash routes (#/enterprises/12) work the same from file:// in Electron and over HTTP in browser mode.
const current = () => window.location.hash.replace(/^#/, '') || '/enterprises';

export const useRoute = create<{ path: string }>(() => ({ path: current() }));
window.addEventListener('hashchange', () => useRoute.setState({ path: current() }));

export function navigate(path: string): void {
  window.location.hash = path;
}

/** Matches '/enterprises/:id' style patterns; returns params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('?')[0]!.split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) out[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return null;
  }
  return out;
}
