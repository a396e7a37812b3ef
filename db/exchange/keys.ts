// The office's Ed25519 signing key (made lazily, on first export or import) and the keys pinned from others.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Ctx } from '../context.js';
import { isoTimestamp } from '../clock.js';
import { audit } from '../audit/audit.js';
import { AppError } from '../result.js';

export interface OfficeKey {
  publicKeyPem: string;
  fingerprint: string;
  privateKey: KeyObject;
}

/** SHA-256 of the raw 32-byte public key, first 16 bytes, as 8 groups of 4 hex digits people can read aloud. */
export function fingerprintOf(publicKeyPem: string): string {
  const raw = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' }).subarray(-32);
  const hex = createHash('sha256').update(raw).digest('hex').slice(0, 32).toUpperCase();
  return hex.match(/.{4}/g)!.join('-');
}

export function parsePublicKey(pem: string): KeyObject {
  try {
    const k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return k;
  } catch {
    throw new AppError('BAD_SIGNATURE', '交换包中的发送单位公钥无效（应为 Ed25519）。未写入任何数据。');
  }
}

export function officeKey(ctx: Pick<Ctx, 'db' | 'clock' | 'actor'>): OfficeKey {
  let row = ctx.db.prepare('SELECT public_key, private_key, fingerprint FROM exchange_key WHERE id = 1').get() as
    | { public_key: string; private_key: string; fingerprint: string }
    | undefined;
  if (!row) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const priv = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const fingerprint = fingerprintOf(pub);
    ctx.db.transaction(() => {
      ctx.db.prepare('INSERT INTO exchange_key(id, public_key, private_key, fingerprint, created_at, created_by) VALUES (1, ?, ?, ?, ?, ?)').run(
        pub, priv, fingerprint, isoTimestamp(ctx.clock.now()), ctx.actor.username);
      audit(ctx, 'exchange.key.create', 'exchange_key', 1, { fingerprint });
    })();
    row = { public_key: pub, private_key: priv, fingerprint };
  }
  return { publicKeyPem: row.public_key, fingerprint: row.fingerprint, privateKey: createPrivateKey(row.private_key) };
}

export const signBytes = (k: OfficeKey, bytes: Buffer): string => sign(null, bytes, k.privateKey).toString('base64');
export const verifyBytes = (pub: KeyObject, bytes: Buffer, sigB64: string): boolean => {
  try {
    return verify(null, bytes, pub, Buffer.from(sigB64.trim(), 'base64'));
  } catch {
    return false;
  }
};

export interface Peer {
  id: number;
  office_code: string;
  level: string;
  name: string;
  fingerprint: string;
  pinned_at: string;
  pinned_by: string;
  /** The administrator's reason when the key was pinned by a re-trust (key change). */
  trust_reason: string | null;
  /** Set when a later key replaced this one: no longer trusted, kept so the packages it signed stay attributable. */
  retired_at: string | null;
  retired_by: string | null;
  retired_reason: string | null;
  replaced_by: number | null;
}

export function listPeers(db: Database): Peer[] {
  return db.prepare(`SELECT id, office_code, level, name, fingerprint, pinned_at, pinned_by, trust_reason, retired_at, retired_by, retired_reason, replaced_by
    FROM exchange_peer ORDER BY office_code, retired_at IS NOT NULL, id`).all() as Peer[];
}

export function unpinPeer(ctx: Ctx, id: number): void {
  const p = ctx.db.prepare('SELECT * FROM exchange_peer WHERE id = ?').get(id) as Peer | undefined;
  if (!p) throw new AppError('NOT_FOUND', `没有编号为 ${id} 的已信任密钥`);
  if (p.retired_at) throw new AppError('KEY_RETIRED', `${p.name} 的密钥 ${p.fingerprint} 已停用，作为历史记录保留，不能移除`);
  ctx.db.transaction(() => {
    // The keys it replaced stay retired; they just no longer name a successor.
    ctx.db.prepare('UPDATE exchange_peer SET replaced_by = NULL WHERE replaced_by = ?').run(id);
    ctx.db.prepare('DELETE FROM exchange_peer WHERE id = ?').run(id);
    audit(ctx, 'exchange.peer.unpin', 'exchange_peer', id, { office_code: p.office_code, fingerprint: p.fingerprint });
  })();
}
