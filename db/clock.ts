// An injected clock keeps tests deterministic and lets backups/idle-locks be tested without waiting.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock & { advance(ms: number): void; set(iso: string): void } {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(v: string) {
      t = new Date(v).getTime();
    },
  };
}

/** Local calendar date as YYYY-MM-DD (offices work in China Standard Time). */
export function isoDate(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3600_000);
  return cst.toISOString().slice(0, 10);
}

export function isoTimestamp(d: Date): string {
  return d.toISOString();
}
