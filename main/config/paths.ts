// Where Loupe keeps its data by default: the OS's per-user application-data folder, the same
// one Electron's app.getPath('userData') gives for an app named "Loupe".
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Loupe';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LOUPE_DATA_DIR) return env.LOUPE_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export const SERVER_INFO_FILE = 'server.json';

export const DEFAULT_PORTS = { api: 7600, otlpHttp: 4318, otlpGrpc: 4317 } as const;

export const VERSION: string = process.env.LOUPE_VERSION ?? '0.1.0';
