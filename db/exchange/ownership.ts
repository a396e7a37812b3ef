// Whose records a package may write (issue 12). A signature tells who sent a file; what it may change follows from
// who that is: its own records and those of the offices below it. Another county's records, the receiver's own, and
// the rules of an office above are never created or changed by it: they may only arrive unchanged, or (rules of an
// office above both sender and receiver, or shipped with the program, that the receiver lacks) as read-only copies so
// the sender's plans and claims still resolve. A rules package carries rules only: the sender's own and those it
// received from above (forwarded down the chain), never another county's.
import { regionWithin } from '../codes/regions.js';
import { SHIPPED_ORIGIN, TABLE_BY_NAME } from './tables.js';
import type { Kind } from './package.js';
import type { OfficeRef } from './relations.js';

export type OfficeLevel = OfficeRef['level'];

/** The level an office code stands for in GB/T 2260: 14 00 00 a province, 14 05 00 a city, 14 05 25 a county. */
export function levelOfCode(code: string): OfficeLevel {
  return code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'city' : 'county';
}

export interface Ownership {
  /** The sender may create or change records of this origin. */
  writable(origin: string): boolean;
  /** A missing record of this origin and table may be kept as a read-only reference copy. */
  referenceCopy(origin: string, table: string): boolean;
  /** The tables a package of this kind may carry at all (null: any exchanged table). */
  tables: ((table: string) => boolean) | null;
}

export function ownership(kind: Kind, sender: OfficeRef, receiver: OfficeRef): Ownership {
  const code = sender.office_code;
  const isRule = (t: string) => !!TABLE_BY_NAME.get(t)?.rule;
  // Office → its own field laptop, or a full backup restored by an administrator: the ledger's own copy of itself.
  if (kind === 'checkout' || kind === 'backup') return { writable: () => true, referenceCopy: () => true, tables: null };
  const above = (o: string) => o !== code && o !== SHIPPED_ORIGIN && levelOfCode(o) !== 'county' && regionWithin(code, o, levelOfCode(o));
  // Rules come down the chain: a city forwards the province's rules with its own, never a county's (sideways).
  if (kind === 'rules') return { writable: (o) => o === code || above(o), referenceCopy: () => false, tables: isRule };
  if (kind === 'receipt' || kind === 'return') return { writable: () => false, referenceCopy: () => false, tables: () => false };
  const writable = (o: string) => o !== SHIPPED_ORIGIN && (o === code || regionWithin(o, code, sender.level));
  // A copy is kept only of what lies above the receiver too: the receiver's own rules it knows, and a county cannot
  // plant "the city's rules" at the city.
  const aboveReceiver = (o: string) => o !== receiver.office_code && levelOfCode(o) !== 'county' && regionWithin(receiver.office_code, o, levelOfCode(o));
  return { writable, referenceCopy: (o, t) => isRule(t) && (o === SHIPPED_ORIGIN || (above(o) && aboveReceiver(o))), tables: null };
}
