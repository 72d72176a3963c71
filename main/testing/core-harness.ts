// Starts a real core (receiver, writer, API) on free loopback ports in a temporary data
// directory, for tests that go through HTTP like a user's exporters and UI do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCore, type CoreOptions, type RunningCore } from '../core';

export interface Harness {
  core: RunningCore;
  dataDir: string;
  otlp: string;
  ui: string;
  token: string;
  /** GET/POST an API path with the session token; returns status and parsed JSON. */
  api<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
  /** Waits until the API reports at least this many stored items. */
  waitForIngest(min: { spans?: number; logs?: number; metricPoints?: number }, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<CoreOptions> = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'loupe-test-'));
  const token = 'test-token-0123456789';
  const core = await startCore({
    dataDir,
    apiPort: 0,
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    token,
    staticDir: null,
    log: () => undefined,
    ...opts,
  });
  const ui = core.info.url;
  const api: Harness['api'] = async (path, init = {}) => {
    const res = await fetch(ui + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return {
    core,
    dataDir,
    otlp: `http://127.0.0.1:${core.info.ports.otlpHttp}`,
    ui,
    token,
    api,
    async waitForIngest(min, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await api('/api/health');
        const i = body.ingest;
        if (i.spans >= (min.spans ?? 0) && i.logs >= (min.logs ?? 0) && i.metricPoints >= (min.metricPoints ?? 0)) return;
        if (Date.now() > deadline) throw new Error(`ingest did not reach ${JSON.stringify(min)}; health says ${JSON.stringify(i)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await core.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
