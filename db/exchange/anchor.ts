// Anchors held outside the ledger: the audit head recorded in a backup (.cxbak, or an old .sqlite copy, whose
// own chain ends there) or in a package this office sent (.cxpkg, signed with its key), or typed in from paper.
// Kept here rather than under audit/: it reads packages and backups, and the audit log sits below both.
import type { Database } from 'better-sqlite3';
import { basename } from 'node:path';
import { z } from 'zod';
import { AppError } from '../result.js';
import { fileInput } from '../op.js';
import type { AuditAnchor } from '../audit/audit.js';
import { backupAnchor } from '../backup/backup.js';
import { openPackage, KIND_LABEL } from './package.js';

export interface AnchorFromFile {
  anchor: AuditAnchor;
  /** In Chinese: where the anchor came from. */
  source: string;
}

const refuse = (file: string, why: string) => new AppError('ANCHOR_INVALID', `不能从「${basename(file)}」取得审计锚点：${why}`, { file });

function ownOffice(db: Database): { code: string; name: string } {
  const o = db.prepare('SELECT region_code AS code, name FROM office WHERE id = 1').get() as { code: string; name: string } | undefined;
  if (!o) throw new AppError('NOT_INITIALIZED', '台账尚未初始化');
  return o;
}

/** Reads the anchor a backup or an own package recorded; refuses one belonging to another office's ledger. */
export function anchorFromFile(db: Database, file: string): AnchorFromFile {
  const me = ownOffice(db);
  if (file.toLowerCase().endsWith('.cxpkg')) {
    const pkg = openPackage(file); // checks the signature: the anchor is the sender's own word
    try {
      const m = pkg.manifest;
      const ownKey = db.prepare('SELECT fingerprint FROM exchange_key WHERE id = 1').pluck().get() as string | undefined;
      if (m.sender.office_code !== me.code || m.sender.fingerprint !== ownKey) {
        throw refuse(file, `此交换包由 ${m.sender.name}（${m.sender.office_code}，密钥 ${m.sender.fingerprint}）发出，不是本台账发出的包，其锚点不属于本台账的审计日志`);
      }
      if (!m.audit_anchor) throw refuse(file, '此交换包没有记录审计锚点（由较早版本的程序生成）');
      return { anchor: m.audit_anchor, source: `本单位发出的${KIND_LABEL[m.kind]}包 ${basename(file)}（第 ${m.sequence} 号，${m.created_at.slice(0, 10)}）` };
    } finally {
      pkg.close();
    }
  }
  let b: ReturnType<typeof backupAnchor>;
  try {
    b = backupAnchor(file);
  } catch (e) {
    if (e instanceof AppError) throw refuse(file, e.message);
    throw e;
  }
  if (b.office && b.office.office_code !== me.code) {
    throw refuse(file, `这是 ${b.office.name}（${b.office.office_code}）的备份，不是本台账的备份`);
  }
  if (!b.anchor) throw refuse(file, '备份中的审计日志是空的');
  return { anchor: b.anchor, source: `备份 ${basename(file)}${b.created_at ? `（${b.created_at.slice(0, 10)}）` : ''}` };
}

/** The audit page's and the API's input: no anchor, a typed one (count + hash), or a file to take it from. */
export const verifyInput = z
  .object({
    count: z.number().int().positive('应为正整数').optional(),
    hash: z.string().trim().toLowerCase().regex(/^[0-9a-f]{64}$/, '应为 64 位十六进制 SHA-256').optional(),
    anchorFile: fileInput.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.count === undefined) !== (v.hash === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.count === undefined ? 'count' : 'hash'], message: '锚点需要同时给出条数和哈希' });
    }
    if (v.anchorFile && v.count !== undefined) ctx.addIssue({ code: 'custom', path: ['anchorFile'], message: '锚点文件与手工输入的锚点只能选一种' });
  });
export const VERIFY_LABELS = { count: '锚点条数', hash: '锚点哈希', anchorFile: '锚点文件' };
