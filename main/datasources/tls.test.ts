// A backend behind a certificate Loupe cannot trust: a self-signed certificate made here with
// openssl, served by a node https server on loopback. Testing a prometheus source (and scraping
// it with prometheus-scrape) names the TLS problem instead of a generic failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import { buildPluginRuntime } from '../plugin-host/build-runtime';
import { until } from '../testing/prom-backends';

const REPO = join(import.meta.dirname, '..', '..');
let h: Harness;
let buildDir: string;
let certDir: string;
let server: Server;
let url = '';
let hits = 0;

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'loupe-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"success","data":{"resultType":"vector","result":[]}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  h = await startHarness({ pluginRuntime: await buildPluginRuntime(REPO, buildDir) });
}, 120_000);

afterAll(async () => {
  await h?.close();
  server?.close();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(certDir, { recursive: true, force: true });
});

const put = (name: string, type: string, settings: Record<string, unknown>) =>
  h.api(`/api/datasources/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type, settings }) });

describe('a backend with a self-signed certificate', () => {
  it('the server itself works: it answers a client that trusts its certificate', async () => {
    // Guards the test: the failure below is the certificate, not a broken server.
    const { request } = await import('node:https');
    const body = await new Promise<string>((resolve, reject) =>
      request(`${url}/api/v1/query?query=1`, { ca: readFileSync(join(certDir, 'cert.pem')) }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end(),
    );
    expect(JSON.parse(body).status).toBe('success');
  });

  it('a prometheus source names the TLS problem', async () => {
    const before = hits;
    expect((await put('secure-prom', 'prometheus', { url })).status).toBe(200);
    const test = await h.api('/api/datasources/secure-prom/test', { method: 'POST' });
    expect(test.body.status).toBe('unavailable');
    expect(test.body.message).toMatch(new RegExp(`TLS with ${url.replace(/[.]/g, '\\.')} failed: self[- ]signed certificate`));
    const listed = (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'secure-prom');
    expect(listed.error).toMatch(/TLS with .* failed/);
    // The handshake failed: no request reached the server.
    expect(hits).toBe(before);
  });

  it('a prometheus-scrape target names the TLS problem', async () => {
    expect((await put('secure-scrape', 'prometheus-scrape', { targets: [`${url}/metrics`], intervalSeconds: 1 })).status).toBe(200);
    const target = await until('the target to report', async () => {
      const t = (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'secure-scrape').targets[0];
      return t?.lastScrape && t;
    }, 20_000);
    expect(target.up).toBe(false);
    expect(target.lastError).toMatch(/TLS with https:\/\/127\.0\.0\.1:\d+\/metrics failed: self[- ]signed certificate/);
  });
});
