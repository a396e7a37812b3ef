import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Actor } from '../context.js';

export const IDLE_LOCK_MS = 15 * 60_000;

interface Session {
  actor: Actor;
  lastSeen: number;
  locked: boolean;
}

export type SessionState = { state: 'none' } | { state: 'locked'; actor: Actor } | { state: 'active'; actor: Actor };

/** Sessions live in the host process only; the ledger file never holds a session token. */
export class SessionStore {
  private sessions = new Map<string, Session>();
  constructor(private clock: Clock, private idleMs = IDLE_LOCK_MS) {}

  create(actor: Actor): string {
    const token = randomBytes(32).toString('hex');
    this.sessions.set(token, { actor, lastSeen: this.clock.now().getTime(), locked: false });
    return token;
  }

  /** Looks the session up and, if it is active, counts this call as activity. */
  use(token: string | undefined | null): SessionState {
    if (!token) return { state: 'none' };
    const s = this.sessions.get(token);
    if (!s) return { state: 'none' };
    const now = this.clock.now().getTime();
    if (!s.locked && now - s.lastSeen > this.idleMs) s.locked = true;
    if (s.locked) return { state: 'locked', actor: s.actor };
    s.lastSeen = now;
    return { state: 'active', actor: s.actor };
  }

  lock(token: string): void {
    const s = this.sessions.get(token);
    if (s) s.locked = true;
  }

  unlock(token: string): void {
    const s = this.sessions.get(token);
    if (s) {
      s.locked = false;
      s.lastSeen = this.clock.now().getTime();
    }
  }

  end(token: string): void {
    this.sessions.delete(token);
  }

  endAllFor(userId: number): void {
    for (const [t, s] of this.sessions) if (s.actor.userId === userId) this.sessions.delete(t);
  }
}
