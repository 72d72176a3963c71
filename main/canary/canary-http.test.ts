// Canary judgement end to end: hand-built traces of two payment versions sent over OTLP/HTTP
// into a real core, judged through the HTTP API and the `loupe canary` command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from '../testing/core-harness';
import { mulberry32 } from '../../common/random';
import { canaryCommand } from './cli';

let h: Harness;
const MIN = 60_000;
// 30 whole minutes, ending a few minutes ago: the baseline runs throughout, the canary joins at minute 10.
const start = (Math.floor(Date.now() / MIN) - 35) * MIN;
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

function instanceSpans(opts: { instance: string; version: string; fromMinute: number; errorEvery: number; latencyMs: number; seed: number }) {
  const rnd = mulberry32(opts.seed);
  const spans: object[] = [];
  let n = 0;
  for (let m = opts.fromMinute; m < 30; m++) {
    for (let i = 0; i < 20; i++) {
      const t = BigInt(start + m * MIN + i * 2000) * 1_000_000n;
      const ms = opts.latencyMs * (0.8 + 0.4 * rnd());
      const fail = n++ % opts.errorEvery === 0;
      spans.push({
        traceId: `${opts.seed.toString(16)}${n.toString(16)}`.padStart(32, '0'),
        spanId: n.toString(16).padStart(16, '0'),
        name: 'POST /charge',
        kind: 2,
        startTimeUnixNano: String(t),
        endTimeUnixNano: String(t + BigInt(Math.round(ms * 1e6))),
        status: fail ? { code: 2 } : {},
        attributes: [attr('http.response.status_code', fail ? 500 : 200)],
      });
    }
  }
  return {
    resource: {
      attributes: [attr('service.name', 'payment'), attr('service.version', opts.version), attr('service.instance.id', opts.instance), attr('host.name', `node-${opts.instance}`)],
    },
    scopeSpans: [{ spans }],
  };
}

beforeAll(async () => {
  h = await startHarness();
  const resourceSpans = [
    instanceSpans({ instance: 'pay-1', version: '1.4.0', fromMinute: 0, errorEvery: 40, latencyMs: 50, seed: 1 }),
    instanceSpans({ instance: 'pay-2', version: '1.4.0', fromMinute: 0, errorEvery: 40, latencyMs: 50, seed: 2 }),
    instanceSpans({ instance: 'pay-3', version: '1.5.0', fromMinute: 10, errorEvery: 4, latencyMs: 90, seed: 3 }),
  ];
  for (const rs of resourceSpans) {
    const res = await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [rs] }) });
    expect(res.status).toBe(200);
  }
  await h.waitForIngest({ spans: 20 * 30 * 2 + 20 * 20 });
}, 60_000);
afterAll(async () => {
  await h.close();
});

const window = `&from=${start}&to=${start + 30 * MIN - 1}`;

describe('canary judgement over HTTP', () => {
  it('fails a canary that errs more and is slower, naming the failing metrics', async () => {
    const { status, body } = await h.api(`/api/canary?service=payment&baseline=1.4.0&canary=1.5.0${window}`);
    expect(status).toBe(200);
    expect(body.classification).toBe('Fail');
    expect(body.score).toBe(0);
    const byName = Object.fromEntries(body.metrics.map((m: { name: string; classification: string }) => [m.name, m]));
    expect(byName['error rate']).toMatchObject({ classification: 'High', critical: true });
    expect(byName['latency p50'].classification).toBe('High');
    expect(byName['latency p50'].test.lower).toBeGreaterThan(byName['latency p50'].test.bound);
    expect(body.reason).toMatch(/error rate was classified as High \(Critical\)/);
    // One sample per minute each side was alive: 30 for the baseline, 20 for the canary.
    expect(byName['latency p50'].baseline.stats.count).toBe(30);
    expect(byName['latency p50'].canary.stats.count).toBe(20);
    // Throughput per instance: the baseline's two instances each serve what the canary's one does.
    expect(byName['throughput per instance'].classification).toBe('Pass');
  });

  it('passes a version judged against itself', async () => {
    const { body } = await h.api(`/api/canary?service=payment&baseline=1.4.0&canary=1.4.0${window}`);
    expect(body).toMatchObject({ classification: 'Pass', score: 100 });
  });

  it('compares instance sets', async () => {
    const { body } = await h.api(`/api/canary?service=payment&by=instance&baseline=pay-1,pay-2&canary=pay-3${window}`);
    expect(body.classification).toBe('Fail');
    const same = await h.api(`/api/canary?service=payment&by=instance&baseline=pay-1&canary=pay-2${window}`);
    expect(same.body.metrics.find((m: { name: string }) => m.name === 'error rate').classification).toBe('Pass');
  });

  it('is Nodata, never a silent Pass, when the canary sent nothing in the window', async () => {
    const { body } = await h.api(`/api/canary?service=payment&baseline=1.4.0&canary=1.5.0&from=${start}&to=${start + 10 * MIN - 1}`);
    expect(body.metrics.every((m: { classification: string }) => m.classification === 'Nodata')).toBe(true);
    expect(body.classification).toBe('Fail');
    expect(body.reason).toMatch(/Missing data for error rate \(canary\)/);
  });

  it('answers 404 naming the versions seen for an unknown version or service', async () => {
    const v = await h.api(`/api/canary?service=payment&baseline=1.4.0&canary=9.9.9`);
    expect(v.status).toBe(404);
    expect(v.body.error.message).toContain('versions seen: 1.4.0, 1.5.0');
    const s = await h.api(`/api/canary?service=nope&baseline=1&canary=2`);
    expect(s.status).toBe(404);
  });

  it('refuses a canary.yaml with mistakes, naming file, line and rule', async () => {
    const file = join(h.dataDir, 'canary.yaml');
    writeFileSync(file, 'metrics:\n  - name: errors\n    query: error_rate\n  - name: slow\n    query: latency_p95\n    direction: upwards\n');
    try {
      const { status, body } = await h.api(`/api/canary?service=payment&baseline=1.4.0&canary=1.5.0${window}`);
      expect(status).toBe(400);
      expect(body.error.message).toContain(`${file}:6: metrics[1].direction:`);
    } finally {
      rmSync(file);
    }
  });
});

describe('loupe canary', () => {
  it('prints the verdict and exits non-zero on Fail', async () => {
    const lines: string[] = [];
    const code = await canaryCommand(
      ['--service', 'payment', '--baseline', '1.4.0', '--canary', '1.5.0', '--from', String(start), '--to', String(start + 30 * MIN - 1), '--url', h.ui.replace(/\/$/, ''), '--token', h.token],
      (l) => lines.push(l),
    );
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/FAIL\s+score 0/);
    expect(lines.join('\n')).toMatch(/High\s+error rate/);
  });

  it('exits 0 on Pass and prints JSON with --json', async () => {
    const lines: string[] = [];
    const code = await canaryCommand(
      ['--service', 'payment', '--baseline', '1.4.0', '--canary', '1.4.0', '--json', '--url', h.ui.replace(/\/$/, ''), '--token', h.token, '--from', String(start), '--to', String(start + 30 * MIN - 1)],
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    expect(JSON.parse(lines.join('\n')).classification).toBe('Pass');
  });
});
