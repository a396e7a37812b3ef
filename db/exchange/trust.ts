// Trust in a sender's signing key (issue 12). A key is trusted once a person compared its fingerprint (pinned);
// a different key from an office that already has a trusted one is a key change: the package is refused loudly and
// only an administrator's re-trust, with a reason, pins the new key. The old pin is retired, never deleted, so the
// packages it signed stay attributable. Field laptops (ledgers of this same office) may hold several keys, but each
// one is pinned by an administrator: a second key is never taken in silently as "首次".
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { hasRole, requireRole } from '../context.js';
import { isoTimestamp } from '../clock.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../result.js';
import { parseInput } from '../validate.js';
import { getOffice } from '../office/service.js';
import { openPackage, type Manifest } from './package.js';
import type { Peer } from './keys.js';

export type KeyStatus = 'pinned' | 'new' | 'changed' | 'retired';

export interface KeyTrust {
  /** pinned: trusted; new: no key of this office is trusted yet; changed: another key of it is; retired: this key was replaced. */
  status: KeyStatus;
  /** The sender is this same office (a field laptop or another ledger of it). */
  own_office: boolean;
  /** The keys of the sender's office trusted now, oldest first. */
  trusted: Peer[];
  /** This key's pin when it has been retired. */
  retired: Peer | null;
}

const PEER_COLUMNS = 'id, office_code, level, name, fingerprint, pinned_at, pinned_by, trust_reason, retired_at, retired_by, retired_reason, replaced_by';

export function keyTrust(db: Database, officeCode: string, fingerprint: string): KeyTrust {
  const rows = db.prepare(`SELECT ${PEER_COLUMNS} FROM exchange_peer WHERE office_code = ? ORDER BY id`).all(officeCode) as Peer[];
  const trusted = rows.filter((r) => r.retired_at === null);
  const mine = rows.find((r) => r.fingerprint === fingerprint);
  const own_office = getOffice(db)?.region_code === officeCode;
  const status: KeyStatus = mine ? (mine.retired_at === null ? 'pinned' : 'retired') : trusted.length ? 'changed' : 'new';
  return { status, own_office, trusted, retired: mine && mine.retired_at !== null ? mine : null };
}

const day = (iso: string | null) => (iso ?? '').slice(0, 10);
const pinnedText = (p: Peer) => `${p.fingerprint}（${day(p.pinned_at)} 由 ${p.pinned_by} 确认信任）`;
/** A key's standing in words, after its fingerprint (command line). */
export function keyStanding(t: KeyTrust): string {
  if (t.status === 'pinned') return '（已信任）';
  if (t.status === 'new') return t.own_office ? '（尚未信任，首次出现：管理员核对无误后导入时加 --pin）' : '（尚未信任，首次出现：与对方核对无误后导入时加 --pin）';
  if (t.status === 'retired') return `（警告：此密钥已于 ${day(t.retired!.retired_at)} 由 ${t.retired!.retired_by} 停用，不再接受）`;
  return `（警告：密钥已更换！已信任的是 ${t.trusted.map(pinnedText).join('；')}。核对新指纹后由管理员 retrust-key）`;
}

type Sender = Pick<Manifest['sender'], 'office_code' | 'name'>;

/**
 * The refusal for a package whose key is not trusted (null when it is, or when `pin` confirms a first key). An
 * import calls it before reading any data; the messages name both fingerprints and who trusted the old one.
 */
export function untrustedKey(ctx: Pick<Ctx, 'db' | 'actor'>, sender: Sender, fingerprint: string, pin: boolean): AppError | null {
  const t = keyTrust(ctx.db, sender.office_code, fingerprint);
  const who = t.own_office ? `本单位另一台账（外勤笔记本）${sender.name}（${sender.office_code}）` : `${sender.name}（${sender.office_code}）`;
  const details = { fingerprint, sender, own_office: t.own_office, pinned: t.trusted[0]?.fingerprint ?? null, trusted: t.trusted, retired: t.retired };
  if (t.status === 'pinned') return null;
  if (t.status === 'retired') {
    const r = t.retired!;
    return new AppError('KEY_RETIRED', `${who}的签名密钥 ${fingerprint} 已于 ${day(r.retired_at)} 由 ${r.retired_by} 停用（${r.retired_reason ?? ''}），不再接受用它签名的交换包，已拒绝导入。未写入任何数据。`, details);
  }
  if (t.status === 'changed') {
    const old = t.trusted.map(pinnedText).join('；');
    const what = t.own_office
      ? '若这是新的外勤笔记本或重新安装的台账，请与持有人核对新指纹后，由管理员「重新信任」（可保留原有密钥）。'
      : '若对方确实更换了密钥，请打电话与对方核对新指纹后，由管理员「重新信任」（须填写原因，旧密钥将停用并保留记录）。';
    return new AppError('KEY_CHANGED', `密钥已更换：${who}的交换包用新的密钥签名（新指纹 ${fingerprint}），与已信任的密钥不同（原指纹 ${old}）。可能是伪造的包，已拒绝导入。${what}未写入任何数据。`, details);
  }
  if (!pin) {
    return new AppError('NEEDS_PIN', t.own_office
      ? `首次收到${who}的交换包：请管理员与台账持有人核对密钥指纹 ${fingerprint} 后确认信任`
      : `首次收到 ${who} 的交换包：请与对方核对密钥指纹 ${fingerprint} 后确认信任`, details);
  }
  // Another ledger of this office writes back into this one (外勤交回, 完整备份): its first key is an administrator's call.
  if (t.own_office && !hasRole(ctx.actor, 'admin')) {
    return new AppError('FORBIDDEN', `信任${who}的密钥需要「管理员」权限：请管理员核对指纹 ${fingerprint} 后确认信任。未写入任何数据。`, details);
  }
  return null;
}

export const retrustInput = z.object({
  /** The new key's fingerprint as the administrator compared it with the sender (spaces or dashes). */
  fingerprint: z.string().trim().min(1, '必填').max(80),
  reason: z.string().trim().min(4, '至少 4 个字').max(500),
  /** Field laptops only: pin the new key beside the ones trusted now (another laptop) instead of replacing them. */
  keep_old: z.boolean().default(false),
});
export type RetrustInput = z.input<typeof retrustInput>;
const LABELS = { fingerprint: '新密钥指纹', reason: '重新信任的原因', keep_old: '保留原有密钥' };

// A type, not an interface: the command line takes it as a plain record.
export type RetrustResult = { peer: Peer; retired: Peer[] };

const bare = (fp: string) => fp.replace(/[\s-]/g, '').toUpperCase();

/** exchange:peer:retrust: pins the key that signed `file` after a key change, retiring the old pin(s). Admin only. */
export function retrustPeer(ctx: Ctx, file: string, raw: RetrustInput): RetrustResult {
  requireRole(ctx.actor, 'admin', '重新信任交换密钥');
  const i = parseInput(retrustInput, raw, LABELS);
  const pkg = openPackage(file);
  let m: Manifest;
  let pem: string;
  let fp: string;
  try {
    m = pkg.manifest;
    pem = pkg.publicKeyPem;
    fp = pkg.fingerprint;
  } finally {
    pkg.close();
  }
  if (bare(i.fingerprint) !== bare(fp)) {
    throw new AppError('FINGERPRINT_MISMATCH', `所核对的新密钥指纹「${i.fingerprint}」与交换包中的 ${fp} 不一致：请再与对方核对。未写入任何数据。`, [{ field: 'fingerprint', label: LABELS.fingerprint, message: '与交换包中的指纹不一致' }]);
  }
  const own = ctx.db.prepare('SELECT fingerprint FROM exchange_key WHERE id = 1').pluck().get() as string | undefined;
  if (own === fp) throw new AppError('SELF_PACKAGE', '这是本台账自己的密钥，不需要信任。未写入任何数据。');
  const sender = m.sender;
  const t = keyTrust(ctx.db, sender.office_code, fp);
  if (t.status === 'pinned') throw new AppError('ALREADY_TRUSTED', `${sender.name}（${sender.office_code}）的密钥 ${fp} 已经是信任的密钥。未写入任何数据。`);
  if (t.status === 'retired') {
    throw new AppError('KEY_RETIRED', `${sender.name}（${sender.office_code}）的密钥 ${fp} 已于 ${day(t.retired!.retired_at)} 停用，停用的密钥不能重新信任。未写入任何数据。`);
  }
  if (t.status === 'new') {
    throw new AppError('NOT_KEY_CHANGE', `尚未信任 ${sender.name}（${sender.office_code}）的任何密钥：这不是密钥更换，请在装入交换包时核对指纹并确认信任。未写入任何数据。`);
  }
  if (i.keep_old && !t.own_office) {
    throw new AppError('VALIDATION', `只有本单位的外勤台账可以同时信任多个密钥；${sender.name} 更换密钥时旧密钥必须停用。未写入任何数据。`, [{ field: 'keep_old', label: LABELS.keep_old, message: '仅适用于本单位的外勤台账' }]);
  }
  const now = isoTimestamp(ctx.clock.now());
  const by = ctx.actor.username;
  const retired = i.keep_old ? [] : t.trusted;
  return ctx.db.transaction(() => {
    const id = Number(ctx.db.prepare(`INSERT INTO exchange_peer(office_code, level, name, public_key, fingerprint, pinned_at, pinned_by, trust_reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(sender.office_code, sender.level, sender.name, pem, fp, now, by, i.reason).lastInsertRowid);
    const retire = ctx.db.prepare('UPDATE exchange_peer SET retired_at = ?, retired_by = ?, retired_reason = ?, replaced_by = ? WHERE id = ?');
    for (const p of retired) retire.run(now, by, i.reason, id, p.id);
    audit(ctx, 'exchange.peer.retrust', 'exchange_peer', id, {
      office_code: sender.office_code, name: sender.name, new_fingerprint: fp, old_fingerprints: t.trusted.map((p) => p.fingerprint),
      retired: retired.map((p) => p.fingerprint), kept_old: i.keep_old, reason: i.reason, package_id: m.package_id,
    });
    const get = ctx.db.prepare(`SELECT ${PEER_COLUMNS} FROM exchange_peer WHERE id = ?`);
    return { peer: get.get(id) as Peer, retired: retired.map((p) => get.get(p.id) as Peer) };
  })();
}
