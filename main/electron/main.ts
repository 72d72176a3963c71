// The desktop shell: one window on the core's URL, with secure defaults. The core runs as
// `loupe serve` in a child Node process (the same code as headless mode, and native modules
// built for Node rather than Electron); the window talks to it over HTTP+SSE like a browser.
import { BrowserWindow, Menu, Notification, app, ipcMain, safeStorage, session, shell, dialog } from 'electron';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { coreEnv } from '../config/core-env';

const DIST = __dirname.endsWith('electron') ? join(__dirname, '..') : __dirname;
const CLI = join(DIST, 'cli.js');
const PRELOAD = join(__dirname, 'preload.cjs');
const PROTOCOL = 'loupe';

interface ServerInfo {
  url: string;
  token: string;
  pid: number;
}

let core: ChildProcess | null = null;
let server: ServerInfo | null = null;
let window: BrowserWindow | null = null;
let pendingDeepLink: string | null = null;

if (!app.requestSingleInstanceLock()) app.quit();
app.setName('Loupe');
if (process.defaultApp) app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [process.argv[1] ?? '.']);
else app.setAsDefaultProtocolClient(PROTOCOL);

/** loupe://trace/<id> → /traces/<id>; loupe://logs?q=… → /logs?q=…; loupe://alerts → /alerts */
function deepLinkPath(link: string): string | null {
  try {
    const u = new URL(link);
    if (u.protocol !== `${PROTOCOL}:`) return null;
    const parts = [u.hostname, ...u.pathname.split('/').filter(Boolean)];
    if (parts[0] === 'trace' && parts[1] && /^[0-9a-fA-F]{16,32}$/.test(parts[1]))
      return `/traces/${parts[1].toLowerCase()}${parts[2] ? `?span=${encodeURIComponent(parts[2])}` : ''}`;
    if (parts[0] === 'logs') return `/logs${u.search}`;
    if (parts[0] === 'services') return '/services';
    if (parts[0] === 'alerts') return '/alerts';
    return null;
  } catch {
    return null;
  }
}

function openDeepLink(link: string): void {
  const path = deepLinkPath(link);
  if (!path) return;
  if (!window || !server) {
    pendingDeepLink = link;
    return;
  }
  void window.loadURL(server.url + path);
  if (window.isMinimized()) window.restore();
  window.focus();
}

app.on('second-instance', (_e, argv) => {
  const link = argv.find((a) => a.startsWith(`${PROTOCOL}://`));
  if (link) openDeepLink(link);
  else if (window) window.focus();
});
app.on('open-url', (e, url) => {
  e.preventDefault();
  openDeepLink(url);
});

/** The key that seals data-source secrets (tokens, passwords), kept encrypted by the OS keychain
 * through safeStorage; null where no keychain is available (the 0600 file stays unsealed). */
function secretsKey(dataDir: string): string | null {
  try {
    if (!safeStorage.isEncryptionAvailable()) return null;
    const file = join(dataDir, 'secrets-key.bin');
    if (existsSync(file)) return safeStorage.decryptString(readFileSync(file));
    const key = randomBytes(32).toString('hex');
    writeFileSync(file, safeStorage.encryptString(key), { mode: 0o600 });
    return key;
  } catch {
    return null;
  }
}

async function startCore(dataDir: string): Promise<ServerInfo> {
  const infoFile = join(dataDir, 'server.json');
  rmSync(infoFile, { force: true });
  // `npm start` passes the Node that runs it; a packaged app would ship its own.
  const node = process.env.LOUPE_NODE || 'node';
  core = spawn(node, [CLI, 'serve', '--data-dir', dataDir, ...(process.env.LOUPE_DEMO ? ['--demo'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...coreEnv(), ELECTRON_RUN_AS_NODE: undefined, LOUPE_SECRETS_KEY: secretsKey(dataDir) ?? undefined },
  });
  const exited = new Promise<never>((_, reject) =>
    core!.once('exit', (code) => reject(new Error(`the Loupe core exited (code ${code}); see the terminal for why`))),
  );
  const ready = (async () => {
    for (let i = 0; i < 600; i++) {
      if (existsSync(infoFile)) {
        try {
          return JSON.parse(readFileSync(infoFile, 'utf8')) as ServerInfo;
        } catch {
          // being written
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the Loupe core did not start within 30 s');
  })();
  return Promise.race([ready, exited]);
}

function harden(): void {
  // Nothing but notifications is ever granted to web content.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'notifications'));
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url) && !url.startsWith(server?.url ?? '\u0000')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!server || !url.startsWith(server.url)) {
        event.preventDefault();
        if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(info: ServerInfo): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Loupe',
    backgroundColor: '#111317',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const first = pendingDeepLink ? deepLinkPath(pendingDeepLink) : null;
  pendingDeepLink = null;
  const target = new URL(info.url + (first ?? '/'));
  target.searchParams.set('token', info.token);
  void win.loadURL(target.toString());
  return win;
}

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          {
            label: 'Import Telemetry File…',
            accelerator: 'CmdOrCtrl+O',
            click: () => window?.webContents.send('loupe:menu', 'import'),
          },
          isMac ? { role: 'close' as const } : { role: 'quit' as const },
        ],
      },
      { role: 'editMenu' as const },
      { role: 'viewMenu' as const },
      { role: 'windowMenu' as const },
    ]),
  );
}

// The preload bridge's allow-listed calls.
ipcMain.handle('loupe:notify', (_e, title: unknown, body: unknown, path: unknown) => {
  if (typeof title !== 'string' || typeof body !== 'string' || !Notification.isSupported()) return false;
  const notification = new Notification({ title: title.slice(0, 200), body: body.slice(0, 1000) });
  // Clicking an alert's notification opens it in the window: a page of the UI, nothing else.
  const target = typeof path === 'string' && /^\/[a-z]/.test(path) && !path.startsWith('//') && path.length <= 2000 ? path : null;
  if (target)
    notification.on('click', () => {
      if (!window || !server) return;
      void window.loadURL(server.url + target);
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    });
  notification.show();
  return true;
});
ipcMain.handle('loupe:open-file', async () => {
  if (!window) return null;
  const r = await dialog.showOpenDialog(window, {
    properties: ['openFile'],
    filters: [{ name: 'Telemetry (OTLP, Jaeger, Zipkin JSON) or a Loupe snapshot', extensions: ['json', 'jsonl', 'ndjson', 'zip'] }],
  });
  if (r.canceled || r.filePaths.length === 0) return null;
  const path = r.filePaths[0];
  return { name: path.split(/[\\/]/).pop() ?? 'file.json', data: readFileSync(path) };
});

app.whenReady().then(async () => {
  harden();
  buildMenu();
  try {
    server = await startCore(app.getPath('userData'));
  } catch (e) {
    dialog.showErrorBox('Loupe could not start', (e as Error).message);
    app.quit();
    return;
  }
  window = createWindow(server);
  window.on('closed', () => (window = null));
  app.on('activate', () => {
    if (!window && server) window = createWindow(server);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  if (core && core.exitCode === null) core.kill('SIGTERM');
});
