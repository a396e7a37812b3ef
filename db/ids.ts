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

/** The last 74 random bits given out per millisecond (a few recent ones: tests run ledgers on several fixed clocks). */
const lastTail = new Map<bigint, bigint>();
const TAIL_BITS = 74n;

/**
 * Monotonic within a millisecond (RFC 9562 §6.2, method 2): the next id of the same millisecond is the last one
 * plus one, so ids made in one office sort exactly by creation. A receiver inserts a package's records in gid order,
 * so its row ids keep the sender's order, and whatever is decided by "the earlier record" (the annual cap used by
 * earlier claims, the first certificate of a person) comes out the same at every office.
 */
export function uuidv7(clock: Clock, rand: (n: number) => Buffer = pooled): string {
  const ms = BigInt(clock.now().getTime());
  const prev = lastTail.get(ms);
  let tail: bigint;
  if (prev !== undefined && prev + 1n < 1n << TAIL_BITS) tail = prev + 1n;
  else {
    // 72 random bits: room for 2^73 more ids in the same millisecond before the counter could overflow.
    tail = BigInt(`0x${rand(9).toString('hex')}`) & ((1n << 72n) - 1n);
    if (lastTail.size >= 64) lastTail.delete(lastTail.keys().next().value!);
  }
  lastTail.set(ms, tail);
  const b = Buffer.alloc(16);
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  const randA = tail >> 62n;
  const randB = tail & ((1n << 62n) - 1n);
  b[6] = 0x70 | Number(randA >> 8n);
  b[7] = Number(randA & 0xffn);
  b[8] = 0x80 | Number(randB >> 56n);
  for (let i = 9; i < 16; i++) b[i] = Number((randB >> BigInt(8 * (15 - i))) & 0xffn);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
