// Who may send what to whom: reports go up to the office directly or indirectly above, rules, receipts and
// returns come down, field-laptop and backup packages stay within one office.
import type { Database } from 'better-sqlite3';
import { AppError } from '../result.js';
import { regionWithin } from '../codes/regions.js';
import { getOffice, LEVEL_LABEL, type Office, type OfficeLevel } from '../office/service.js';
import type { Kind } from './package.js';

const RANK: Record<OfficeLevel, number> = { county: 1, city: 2, province: 3 };

export interface OfficeRef {
  office_code: string;
  level: OfficeLevel;
  name: string;
}

export function requireOffice(db: Database): Office {
  const o = getOffice(db);
  if (!o) throw new AppError('NOT_INITIALIZED', '尚未完成初始设置，不能收发交换包');
  return o;
}

/** `a` lies strictly below `b` (a county under its city or province, a city under its province). */
export function isBelow(a: OfficeRef, b: OfficeRef): boolean {
  return RANK[a.level] < RANK[b.level] && regionWithin(a.office_code, b.office_code, b.level);
}

export type Direction = 'up' | 'down' | 'same';
export const KIND_DIRECTION: Record<Kind, Direction> = {
  report: 'up', receipt: 'down', return: 'down', rules: 'down', checkout: 'same', checkin: 'same', backup: 'same',
};

const name = (o: OfficeRef) => `${o.name}（${LEVEL_LABEL[o.level]} ${o.office_code}）`;

/** Refuses a sender/receiver pair the kind does not allow, naming both. */
export function checkRelation(kind: Kind, kindLabel: string, sender: OfficeRef, receiver: OfficeRef): void {
  const d = KIND_DIRECTION[kind];
  if (d === 'up' && !isBelow(sender, receiver)) {
    throw new AppError('WRONG_DIRECTION', `${kindLabel}只能由下级单位报给上级单位：${name(sender)} 不是 ${name(receiver)} 的下级。未写入任何数据。`);
  }
  if (d === 'down' && !isBelow(receiver, sender)) {
    throw new AppError('WRONG_DIRECTION', `${kindLabel}只能由上级单位发给下级单位：${name(sender)} 不是 ${name(receiver)} 的上级。未写入任何数据。`);
  }
  if (d === 'same' && (sender.office_code !== receiver.office_code || sender.level !== receiver.level)) {
    throw new AppError('WRONG_DIRECTION', `${kindLabel}只能在同一单位的台账之间传递：${name(sender)} 与 ${name(receiver)} 不是同一单位。未写入任何数据。`);
  }
}

/** Level of an office from its region code's kind in GB/T 2260. */
export function officeRefFor(db: Database, code: string): OfficeRef {
  const r = db.prepare('SELECT code, full_name, kind FROM region WHERE code = ?').get(code) as { code: string; full_name: string; kind: string } | undefined;
  if (!r) throw new AppError('UNKNOWN_REGION', `行政区划代码「${code}」不存在于 GB/T 2260 代码表`);
  const level: OfficeLevel = r.kind === 'province' ? 'province' : r.kind === 'prefecture' ? 'city' : 'county';
  const peer = db.prepare('SELECT name FROM exchange_peer WHERE office_code = ? ORDER BY id DESC LIMIT 1').pluck().get(code) as string | undefined;
  return { office_code: code, level, name: peer ?? `${r.full_name}工业和信息化主管部门` };
}
