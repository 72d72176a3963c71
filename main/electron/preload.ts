// The renderer's only door to the desktop: a few allow-listed calls. In a browser this
// object does not exist and the UI falls back (Notification API, <input type=file>).
import { contextBridge, ipcRenderer } from 'electron';

const MENU_ACTIONS = new Set(['import']);

contextBridge.exposeInMainWorld('loupeDesktop', {
  platform: process.platform,
  notify: (title: string, body: string, path?: string): Promise<boolean> =>
    ipcRenderer.invoke('loupe:notify', String(title), String(body), path === undefined ? undefined : String(path)),
  openFile: (): Promise<{ name: string; data: Uint8Array } | null> => ipcRenderer.invoke('loupe:open-file'),
  onMenu: (callback: (action: string) => void): (() => void) => {
    const listener = (_e: unknown, action: unknown) => {
      if (typeof action === 'string' && MENU_ACTIONS.has(action)) callback(action);
    };
    ipcRenderer.on('loupe:menu', listener);
    return () => ipcRenderer.removeListener('loupe:menu', listener);
  },
});
