// The one object the preload exposes as `window.countyLedger` (contextBridge). Types only: the renderer
// imports this with `import type`, the preload implements it with `satisfies LedgerBridge`.
import type { Result } from '../db/result.js';

export interface LedgerBridge {
  readonly transport: 'electron';
  /** Same contract as POST /api/call in browser mode. */
  call(op: string, input: unknown, session: string | null): Promise<Result<unknown>>;
  /** Native save dialog; resolves to the chosen path, or null if cancelled. */
  saveFile(suggestedName: string, dataBase64: string): Promise<string | null>;
  /** Native open dialog for one file; null if cancelled. */
  openFile(filters: Array<{ name: string; extensions: string[] }>): Promise<{ fileName: string; dataBase64: string } | null>;
  /** Print the current window to PDF through Chromium (print views: 公示名单, 审核表). */
  printToPdf(suggestedName: string): Promise<string | null>;
}
