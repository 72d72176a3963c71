// The shape of the preload bridge (main/electron/preload.ts) as the renderer sees it:
// present in the desktop app, absent in a browser.
export interface DesktopBridge {
  platform: string;
  /** `path`: the page of the UI a click on the notification opens (e.g. /alerts?rule=…). */
  notify(title: string, body: string, path?: string): Promise<boolean>;
  openFile(): Promise<{ name: string; data: Uint8Array } | null>;
  onMenu(callback: (action: string) => void): () => void;
}

export function desktopBridge(): DesktopBridge | null {
  const w = globalThis as unknown as { loupeDesktop?: DesktopBridge };
  return w.loupeDesktop ?? null;
}
