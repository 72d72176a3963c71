// Data-source secrets on disk: owner-only, sealed when the desktop shell gives a key, and a file
// sealed with another key is reported rather than read as garbage.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS_FILE, SecretStore } from './secrets';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'loupe-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('secret store', () => {
  it('seals values with the desktop key and reads them back', () => {
    const d = dir();
    const key = randomBytes(32);
    new SecretStore(d, key).set('team-prom', { token: 'tok-123456' });
    const text = readFileSync(join(d, SECRETS_FILE), 'utf8');
    expect(text).not.toContain('tok-123456');
    expect(statSync(join(d, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(new SecretStore(d, key).get('team-prom')).toEqual({ token: 'tok-123456' });
    const other = new SecretStore(d, randomBytes(32));
    expect(other.get('team-prom')).toEqual({});
    expect(other.problems[0]).toMatch(/sealed with another key; enter it again/);
  });

  it('keeps values in an owner-only file without a key', () => {
    const d = dir();
    new SecretStore(d, null).set('a', { password: 'pw-abcdef' });
    expect(statSync(join(d, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(new SecretStore(d, null).get('a')).toEqual({ password: 'pw-abcdef' });
  });
});
