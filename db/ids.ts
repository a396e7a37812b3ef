import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';

/**
 * UUIDv7 (RFC 9562): time-ordered, so ids made in one office sort by creation, and random enough that no
 * other office can produce the same one. Exchange packages (issue 7) rely on these being global.
 */
// One randomBytes call per 256 ids: a call per id cost half a second in a 50,000-row import.
let pool = Buffer.alloc(0);
let poolAt = 0;
function pooled(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n));
  poolAt += n;
  return out;
}

export function uuidv7(clock: Clock, rand: (n: number) => Buffer = pooled): string {
  const ms = BigInt(clock.now().getTime());
  const b = rand(16);
  b[0] = Number((ms >> 40n) & 0xffn);
  b[1] = Number((ms >> 32n) & 0xffn);
  b[2] = Number((ms >> 24n) & 0xffn);
  b[3] = Number((ms >> 16n) & 0xffn);
  b[4] = Number((ms >> 8n) & 0xffn);
  b[5] = Number(ms & 0xffn);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
