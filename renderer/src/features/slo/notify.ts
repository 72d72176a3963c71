// Desktop notifications for paging SLO alerts: through the desktop app's bridge when Loupe runs
// in its window, else the browser's Notification API (which needs permission, asked from a click).
import { useCallback, useState } from 'react';
import { desktopBridge } from '../../../../common/desktop-bridge';

export type NotificationState = 'desktop' | 'granted' | 'default' | 'denied' | 'unsupported';

export function notificationState(): NotificationState {
  if (desktopBridge()) return 'desktop';
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

export function useNotificationPermission(): { state: NotificationState; request: () => Promise<void> } {
  const [state, setState] = useState<NotificationState>(notificationState);
  const request = useCallback(async () => {
    if (typeof Notification === 'undefined' || desktopBridge()) return;
    try {
      await Notification.requestPermission();
    } finally {
      setState(notificationState());
    }
  }, []);
  return { state, request };
}

/** Shows a desktop notification if the platform allows one; returns whether it did. */
export async function notifyDesktop(title: string, body: string, tag?: string, path?: string): Promise<boolean> {
  const bridge = desktopBridge();
  if (bridge) {
    try {
      return await bridge.notify(title, body, path);
    } catch {
      return false;
    }
  }
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  try {
    const n = new Notification(title, { body, tag });
    if (path)
      n.onclick = () => {
        window.focus();
        window.location.assign(path);
      };
    return true;
  } catch {
    return false;
  }
}
