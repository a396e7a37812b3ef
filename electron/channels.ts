// IPC names shared by the main process (ipc.ts) and the preload. Bundled into both, so no runtime import crosses
// the sandbox.
export const CHANNELS = {
  call: 'ledger:call',
  saveFile: 'ledger:saveFile',
  openFile: 'ledger:openFile',
  printToPdf: 'ledger:printToPdf',
  /** main → renderer: a menu item the renderer carries out (it holds the session). */
  menu: 'ledger:menu',
} as const;

/**
 * Menu commands the renderer handles. The preload re-dispatches each as a DOM event on `window` named
 * `county-ledger:<command>` (no payload), so the LedgerBridge contract stays the same in both transports.
 */
export const MENU_COMMANDS = ['import', 'export', 'backup'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export const menuEventName = (c: MenuCommand): string => `county-ledger:${c}`;
