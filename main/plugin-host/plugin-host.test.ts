// The plugin host against real plugin processes: a well-behaved one, and ones that crash at
// start, crash mid-query, hang and allocate without bound. The core (this process) stays up,
// the status says what happened, restarts back off, and other plugins keep answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginHost, type PluginRuntime } from './host';
import { buildPluginRuntime } from './build-runtime';
import { PluginCallError } from './plugin-process';

const REPO = join(import.meta.dirname, '..', '..');
const TESTDATA = join(import.meta.dirname, 'testdata');
const instance = { name: 'test-source', settings: {} };
const window = { from: 1_700_000_000_000, to: 1_700_000_060_000 };

let buildDir: string;
let runtime: PluginRuntime;
let dataDir: string;
let host: PluginHost;
const logs: string[] = [];

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function failure(p: Promise<unknown>): Promise<PluginCallError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PluginCallError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  runtime = { ...(await buildPluginRuntime(REPO, buildDir)), builtinDir: null };
  dataDir = mkdtempSync(join(tmpdir(), 'loupe-plugins-'));
  host = new PluginHost({
    dataDir,
    extraDirs: ['echo', 'crash-at-start', 'crash-mid-query', 'hang', 'memory-hog', 'bad-manifest', 'dice'].map((d) => join(TESTDATA, d)),
    runtime,
    log: (l) => logs.push(l),
    secrets: () => ['s3cr3t-token'],
    timing: { pingEveryMs: 200, hangAfterMs: 2_000, backoffBaseMs: 300, backoffMaxMs: 5_000, startTimeoutMs: 15_000 },
  });
});

afterAll(async () => {
  await host?.close();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('plugin host', () => {
  it('reports a broken manifest with file, line and rule, and still loads the others', () => {
    const bad = host.problems.filter((p) => p.includes('bad-manifest'));
    expect(bad.some((p) => /loupe-plugin\.json:2: \[id\]/.test(p))).toBe(true);
    expect(bad.some((p) => /loupe-plugin\.json:6: \[capabilities\.0\]/.test(p))).toBe(true);
    expect(host.list().map((p) => p.id)).toEqual(['echo', 'crash-at-start', 'crash-mid-query', 'hang', 'memory-hog', 'dice']);
  });

  it('starts a plugin lazily, validates its answers and streams large results', async () => {
    expect(host.list().find((p) => p.id === 'echo')!.status.state).toBe('stopped');
    const health = await host.process('echo').call('health', { name: 'prod', settings: { greeting: 'hi' } }, {});
    expect(health).toEqual({ status: 'ok', message: 'hi from prod' });
    const info = host.list().find((p) => p.id === 'echo')!;
    expect(info.status.state).toBe('ready');
    expect(info.settingsSchema).toMatchObject({ properties: { token: { secret: true } } });

    const many = await host.process('echo').call('metrics.names', instance, { ...window, match: 'many' });
    expect(many.names).toHaveLength(2000);
    expect(many.names[1999]).toBe('metric_1999');

    const bad = await failure(host.process('echo').call('metrics.query', instance, { ...window, query: 'bad', stepSeconds: 15 }));
    expect(bad.code).toBe('bad_result');
    expect(bad.message).toMatch(/series\.0\.labels\.a/);
    expect(host.list().find((p) => p.id === 'echo')!.status.state).toBe('degraded');
    const good = await host.process('echo').call('metrics.query', instance, { ...window, query: 'up', stepSeconds: 15 });
    expect(good.series[0].points).toEqual([[window.from, 1], [window.to, 2]]);
    expect(host.list().find((p) => p.id === 'echo')!.status.state).toBe('ready');
  });

  it('runs the plugin the SDK README walks through (written from the README alone)', async () => {
    const dice = host.process('dice');
    expect(await dice.call('health', { name: 'my-dice', settings: { sides: 20 } }, {})).toEqual({ status: 'ok', message: 'a 20-sided die is ready' });
    const r = await dice.call('metrics.query', { name: 'my-dice', settings: { sides: 20 } }, { ...window, query: 'dice_roll', stepSeconds: 60 });
    expect(r.series[0].points).toHaveLength(2);
    for (const [, v] of r.series[0].points) expect(v).toBeGreaterThanOrEqual(1);
    const e = await failure(dice.call('metrics.query', { name: 'my-dice', settings: {} }, { ...window, query: 'up', stepSeconds: 60 }));
    expect(e).toMatchObject({ code: 'bad_query', message: 'unknown metric "up"; try dice_roll' });
  });

  it('refuses settings that do not fit the plugin schema, naming the field', async () => {
    const e = await failure(host.process('echo').call('health', { name: 'x', settings: { greeting: 42 } }, {}));
    expect(e.code).toBe('bad_settings');
    expect(e.message).toMatch(/greeting/);
  });

  it('never logs a secret the plugin prints', async () => {
    await host.process('echo').call('metrics.query', { name: 'x', settings: { token: 's3cr3t-token' } }, { ...window, query: 'leak', stepSeconds: 15 });
    await until('the log line', () => logs.find((l) => l.includes('my token is')));
    expect(logs.join('\n')).not.toContain('s3cr3t-token');
  });

  it('a plugin that crashes at start is reported with its error and retried with backoff', async () => {
    const e = await failure(host.process('crash-at-start').call('health', instance, {}));
    expect(e.message).toMatch(/did not start/);
    const status = host.list().find((p) => p.id === 'crash-at-start')!.status;
    expect(status.state).toBe('crashed');
    expect(status.lastError).toMatch(/cannot find my configuration/);
    // While the backoff runs, calls fail fast with the reason instead of respawning.
    const fast = await failure(host.process('crash-at-start').call('health', instance, {}));
    expect(fast.message).toMatch(/crashed .*cannot find my configuration.*restarting in/);
    const firstGap = status.nextRestartAt! - Date.now();
    await until('the restart', () => host.list().find((p) => p.id === 'crash-at-start')!.status.nextRestartAt === null);
    await failure(host.process('crash-at-start').call('health', instance, {}));
    const after = host.list().find((p) => p.id === 'crash-at-start')!.status;
    expect(after.restarts).toBe(1);
    // The second failure in a row waits longer than the first.
    expect(after.nextRestartAt! - Date.now()).toBeGreaterThan(firstGap);
  });

  it('a plugin that crashes mid-query fails that query, restarts, and others keep answering', async () => {
    await host.process('crash-mid-query').call('health', instance, {});
    const e = await failure(host.process('crash-mid-query').call('metrics.query', instance, { ...window, query: 'up', stepSeconds: 15 }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/segfault-like failure.*during metrics\.query/);
    expect(host.list().find((p) => p.id === 'crash-mid-query')!.status.state).toBe('crashed');
    expect((await host.process('echo').call('health', instance, {})).status).toBe('ok');
    await until('the restart', () => host.list().find((p) => p.id === 'crash-mid-query')!.status.nextRestartAt === null);
    expect((await host.process('crash-mid-query').call('health', instance, {})).message).toBe('fine until you query me');
    expect(host.list().find((p) => p.id === 'crash-mid-query')!.status).toMatchObject({ state: 'ready', restarts: 1 });
  });

  it('a plugin that hangs times out, is killed as hung and comes back', async () => {
    await host.process('hang').call('health', instance, {});
    const e = await failure(host.process('hang').call('metrics.query', instance, { ...window, query: 'up', stepSeconds: 15 }, 1_000));
    expect(e.code).toBe('timeout');
    const killed = await until('the hang to be detected', () => {
      const s = host.list().find((p) => p.id === 'hang')!.status;
      return s.state === 'crashed' && s;
    });
    expect(killed.lastError).toMatch(/stopped answering .* \(hung\)/);
    await until('the restart', () => host.list().find((p) => p.id === 'hang')!.status.nextRestartAt === null);
    expect((await host.process('hang').call('health', instance, {})).message).toBe('awake');
  });

  it('a plugin that allocates without bound is stopped at its memory cap', async () => {
    await host.process('memory-hog').call('health', instance, {});
    const e = await failure(host.process('memory-hog').call('metrics.query', instance, { ...window, query: 'up', stepSeconds: 15 }, 60_000));
    expect(e.code).toBe('unavailable');
    const status = host.list().find((p) => p.id === 'memory-hog')!.status;
    expect(status.state).toBe('crashed');
    expect(status.lastError).toMatch(/memory cap/);
    expect((await host.process('echo').call('health', instance, {})).status).toBe('ok');
  });
});
