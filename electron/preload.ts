// Runs sandboxed, before the page: exposes exactly one object, `window.countyLedger`.
import { contextBridge, ipcRenderer } from 'electron';
import type { LedgerBridge } from './bridge.js';
import { CHANNELS, MENU_COMMANDS, menuEventName, type MenuCommand } from './channels.js';

// The root tsconfig has no DOM lib (db/ must not see it); the preload needs only this much of `window`.
declare const window: { dispatchEvent(event: Event): boolean };

const bridge = {
  transport: 'electron',
  call: (op, input, session) => ipcRenderer.invoke(CHANNELS.call, op, input, session),
  saveFile: (suggestedName, dataBase64) => ipcRenderer.invoke(CHANNELS.saveFile, suggestedName, dataBase64),
  openFile: (filters) => ipcRenderer.invoke(CHANNELS.openFile, filters),
  printToPdf: (suggestedName) => ipcRenderer.invoke(CHANNELS.printToPdf, suggestedName),
} satisfies LedgerBridge;

contextBridge.exposeInMainWorld('countyLedger', bridge);

// Menu items the renderer carries out (it holds the session): re-dispatched as plain DOM events, so the bridge
// contract stays identical to browser mode. Only known commands pass.
ipcRenderer.on(CHANNELS.menu, (_e, command: unknown) => {
  if ((MENU_COMMANDS as readonly unknown[]).includes(command)) {
    window.dispatchEvent(new Event(menuEventName(command as MenuCommand)));
  }
});
