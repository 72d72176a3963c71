// Data-source secrets (bearer tokens, passwords), kept out of datasources.yaml and out of every
// API answer. Headless: an owner-only (0600) JSON file next to the data. In the desktop app the
// Electron shell protects a key with the OS keychain (safeStorage) and hands it to the core,
// and the values in the file are sealed with it (AES-256-GCM).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRETS_FILE = 'datasource-secrets.json';

type Stored = Record<string, Record<string, string>>;

export class SecretStore {
  readonly path: string;
  private values: Stored = {};
  readonly problems: string[] = [];

  /** `key`: 32 bytes (hex) from the desktop shell's safeStorage; without it values are kept
   * in plain text in the owner-only file. */
  constructor(
    dataDir: string,
    private readonly key: Buffer | null = keyFromEnv(),
  ) {
    this.path = join(dataDir, SECRETS_FILE);
    if (!existsSync(this.path)) return;
    try {
      chmodSync(this.path, 0o600);
      const raw = JSON.parse(readFileSync(this.path, 'utf8')) as { sealed?: boolean; sources?: Stored };
      for (const [source, fields] of Object.entries(raw.sources ?? {})) {
        this.values[source] = {};
        for (const [field, value] of Object.entries(fields)) {
          const open = raw.sealed ? this.unseal(value) : value;
          if (open === null) this.problems.push(`${this.path}: the ${field} of "${source}" was sealed with another key; enter it again`);
          else this.values[source][field] = open;
        }
      }
    } catch (e) {
      this.problems.push(`${this.path}: unreadable (${(e as Error).message}); secrets must be entered again`);
    }
  }

  get(source: string): Record<string, string> {
    return { ...(this.values[source] ?? {}) };
  }

  /** Replaces one source's secrets (fields set to '' are removed). */
  set(source: string, fields: Record<string, string>): void {
    const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
    if (Object.keys(kept).length) this.values[source] = kept;
    else delete this.values[source];
    this.save();
  }

  delete(source: string): void {
    if (!(source in this.values)) return;
    delete this.values[source];
    this.save();
  }

  /** Every secret value, to blank out of logs and messages. */
  all(): string[] {
    return Object.values(this.values).flatMap((f) => Object.values(f));
  }

  private save(): void {
    const sources: Stored = {};
    for (const [source, fields] of Object.entries(this.values))
      sources[source] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, this.key ? this.seal(v) : v]));
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ sealed: this.key !== null, sources }, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }

  private seal(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key!, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  private unseal(value: string): string | null {
    if (!this.key) return null;
    try {
      const raw = Buffer.from(value, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

function keyFromEnv(): Buffer | null {
  const hex = process.env.LOUPE_SECRETS_KEY;
  return hex && /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, 'hex') : null;
}
