// What the explorers rely on: the compact trace, keyset cursors for logs, histogram counts
// from the log rollup, and live events naming traces and the newest log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
const now = Date.now();
const base = Math.floor((now - 50 * 60_000) / 60_000) * 60_000; // a minute boundary 50 min ago
const TRACE = 'e'.repeat(32);

function log(i: number, ms: number, severity: number) {
  return {
    timeUnixNano: String(BigInt(ms) * 1_000_000n + BigInt(i % 1000)),
    severityNumber: severity,
    body: { stringValue: `record ${i} ${severity >= 17 ? 'failed' : 'ok'}` },
  };
}

async function postLogs(service: string, records: object[]) {
  const res = await fetch(`${h.otlp}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords: records }] }] }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  h = await startHarness();
  // 300 records over ~45 minutes, many sharing one millisecond, mixed severities
  const records = Array.from({ length: 300 }, (_, i) => log(i, base + 30_000 + Math.floor(i / 10) * 90_000 + (i % 3 === 0 ? 0 : 17), [5, 9, 13, 17, 21, 0][i % 6]));
  await postLogs('alpha', records.slice(0, 150));
  await postLogs('beta', records.slice(150));
  const spans = ['svc-a', 'svc-b', 'svc-c'].map((svc, k) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }, { key: 'host.name', value: { stringValue: 'h' } }] },
    scopeSpans: [
      {
        scope: { name: `lib-${k}`, version: '1' },
        spans: Array.from({ length: 20 }, (_, i) => ({
          traceId: TRACE,
          spanId: (k * 100 + i + 1).toString(16).padStart(16, '0'),
          ...(k * 100 + i > 0 ? { parentSpanId: '0000000000000001' } : {}),
          name: `op ${i}`,
          kind: 1,
          startTimeUnixNano: String(BigInt(base) * 1_000_000n + BigInt(i)),
          endTimeUnixNano: String(BigInt(base) * 1_000_000n + 1000n + BigInt(i)),
          attributes: [{ key: 'i', value: { intValue: String(i) } }],
        })),
      },
    ],
  }));
  expect((await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: spans }) })).status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

describe('compact trace', () => {
  it('lists each resource and scope once and expands to the full trace', async () => {
    const full = (await h.api(`/api/traces/${TRACE}`)).body;
    const { status, body } = await h.api(`/api/traces/${TRACE}/compact`);
    expect(status).toBe(200);
    expect(body.resources).toHaveLength(3);
    expect(body.scopes).toHaveLength(3);
    expect(body.spans).toHaveLength(60);
    const expanded = body.spans.map(({ resourceIndex, scopeIndex, ...span }: Record<string, unknown> & { resourceIndex: number; scopeIndex: number }) => ({
      ...span,
      resource: body.resources[resourceIndex],
      scope: body.scopes[scopeIndex],
    }));
    expect(expanded).toEqual(full.spans);
    expect(JSON.stringify(body).length).toBeLessThan(JSON.stringify(full).length);
  });
});

describe('trace JSON', () => {
  it('writes every span field, whatever the text holds, with durations to the nanosecond', async () => {
    const trace = 'd'.repeat(32);
    const t0 = BigInt(base) * 1_000_000n;
    const name = 'say "hi"\n\t\\ ünï ✓ \u0001';
    const res = await fetch(`${h.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'quoted "svc"' } }] },
            scopeSpans: [
              {
                scope: { name: 'lib' },
                spans: [
                  {
                    traceId: trace,
                    spanId: '00000000000000aa',
                    name,
                    kind: 2,
                    traceState: 'k=v',
                    startTimeUnixNano: String(t0),
                    endTimeUnixNano: String(t0 + 1_234_567n),
                    status: { code: 2, message: 'no "luck"' },
                    events: [{ timeUnixNano: String(t0 + 5n), name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'a\nb' } }] }],
                    links: [{ traceId: TRACE, spanId: '0000000000000001', attributes: [] }],
                    droppedAttributesCount: 2,
                  },
                  { traceId: trace, spanId: '00000000000000bb', parentSpanId: '00000000000000aa', name: 'instant', kind: 1, startTimeUnixNano: String(t0 + 7n), endTimeUnixNano: String(t0 + 7n) },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const full = (await h.api(`/api/traces/${trace}`)).body;
    expect(full.spans[0]).toMatchObject({
      spanId: '00000000000000aa',
      parentSpanId: '',
      service: 'quoted "svc"',
      name,
      kind: 'SERVER',
      startTimeUnixNano: String(t0),
      endTimeUnixNano: String(t0 + 1_234_567n),
      durationMs: 1.234567,
      status: { code: 'ERROR', message: 'no "luck"' },
      isError: true,
      traceState: 'k=v',
      events: [{ timeUnixNano: String(t0 + 5n), name: 'exception', attributes: { 'exception.message': 'a\nb' } }],
      links: [expect.objectContaining({ traceId: TRACE, spanId: '0000000000000001' })],
      droppedAttributesCount: 2,
    });
    expect(full.spans[1]).toMatchObject({ parentSpanId: '00000000000000aa', durationMs: 0, status: { code: 'UNSET', message: '' }, events: [], links: [] });
    const compact = (await h.api(`/api/traces/${trace}/compact`)).body;
    expect(compact.spans.map(({ resourceIndex, scopeIndex, ...span }: Record<string, unknown> & { resourceIndex: number; scopeIndex: number }) => ({
      ...span,
      resource: compact.resources[resourceIndex],
      scope: compact.scopes[scopeIndex],
    }))).toEqual(full.spans);
  });
});

describe('log cursors', () => {
  it('pages through records that share a millisecond exactly, in time order', async () => {
    const from = base;
    const to = now;
    const all = (await h.api(`/api/logs?from=${from}&to=${to}&limit=5000`)).body as Array<{ id: number; cursor: string }>;
    expect(all).toHaveLength(300);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const q = `/api/logs?from=${from}&to=${to}&limit=7${cursor ? `&beforeCursor=${cursor}` : ''}`;
      const rows = (await h.api(q)).body as Array<{ id: number; cursor: string }>;
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
      cursor = rows[rows.length - 1].cursor;
    }
    expect(seen).toEqual(all.map((r) => r.id));
    const newer = (await h.api(`/api/logs?from=${from}&to=${to}&order=asc&limit=3&afterCursor=${all[all.length - 1].cursor}`)).body as Array<{ id: number }>;
    expect(newer.map((r) => r.id)).toEqual(all.slice(-4, -1).reverse().map((r) => r.id));
    expect((await h.api(`/api/logs?beforeCursor=nope`)).status).toBe(400);
  });
});

describe('log histogram', () => {
  it('counts from the rollup agree with counting the records, at the window edges too', async () => {
    const from = base + 45_000; // mid-minute: the edges come from the records themselves
    const to = base + 47 * 60_000 + 20_000;
    const all = (await h.api(`/api/logs?from=${from}&to=${to}&limit=5000`)).body as Array<{ severityNumber: number; service: string }>;
    const hist = (await h.api(`/api/logs/histogram?from=${from}&to=${to}&buckets=30`)).body;
    expect(hist.stepMs % 60_000).toBe(0);
    expect(hist.total).toBe(all.length);
    const band = (n: number) => (n === 0 ? 6 : n < 5 ? 0 : n < 9 ? 1 : n < 13 ? 2 : n < 17 ? 3 : n < 21 ? 4 : 5);
    for (let b = 0; b < 7; b++) {
      const counted = hist.counts[b].reduce((x: number, y: number) => x + y, 0);
      expect(counted).toBe(all.filter((r) => band(r.severityNumber) === b).length);
    }
    const errorsBeta = (await h.api(`/api/logs/histogram?from=${from}&to=${to}&buckets=30&service=beta&minSeverity=17`)).body;
    expect(errorsBeta.total).toBe(all.filter((r) => r.service === 'beta' && r.severityNumber >= 17).length);
    // a filter the rollup cannot answer falls back to counting records
    const text = (await h.api(`/api/logs/histogram?from=${from}&to=${to}&buckets=30&q=failed`)).body;
    expect(text.total).toBe(all.filter((r) => r.severityNumber >= 17).length);
    // Full text: every match in its bucket and band, with service and severity filters too.
    type Match = { timeUnixNano: string; severityNumber: number; service: string };
    const matches = (await h.api(`/api/logs?from=${from}&to=${to}&limit=5000&q=failed`)).body as Match[];
    const filters: Array<[string, (r: Match) => boolean]> = [
      ['', () => true],
      ['&service=beta&minSeverity=17', (r) => r.service === 'beta' && r.severityNumber >= 17],
      ['&service=alpha', (r) => r.service === 'alpha'],
    ];
    for (const [extra, keep] of filters) {
      const got = (await h.api(`/api/logs/histogram?from=${from}&to=${to}&buckets=30&q=failed${extra}`)).body;
      const want = got.counts.map((row: number[]) => row.map(() => 0));
      for (const r of matches.filter(keep)) {
        const bucket = Number((BigInt(r.timeUnixNano) - BigInt(got.start) * 1_000_000n) / (BigInt(got.stepMs) * 1_000_000n));
        want[band(r.severityNumber)][Math.min(want[0].length - 1, bucket)]++;
      }
      expect(got.counts).toEqual(want);
      expect(got.total).toBe(matches.filter(keep).length);
    }
    expect(matches.some((r) => r.service === 'beta' && r.severityNumber >= 17)).toBe(true);
  });
});

describe('live events', () => {
  it('name the traces that changed and the newest log id', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${h.ui}/api/events`, { headers: { authorization: `Bearer ${h.token}` }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    const trace = 'f'.repeat(32);
    await fetch(`${h.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: trace, spanId: '00000000000000aa', name: 'x', startTimeUnixNano: String(BigInt(now) * 1_000_000n), endTimeUnixNano: String(BigInt(now) * 1_000_000n + 5n) }] }] }] }),
    });
    await postLogs('gamma', [log(9999, now - 1000, 9)]);
    // The log is acknowledged, so it is stored: its id is the newest an event can name.
    const newest = (await h.api('/api/logs?service=gamma')).body[0].id as number;
    let text = '';
    const deadline = Date.now() + 10_000;
    const events: Array<{ traceIds: string[]; lastLogId: number }> = [];
    while (Date.now() < deadline && !(events.some((e) => e.traceIds.includes(trace)) && events.some((e) => e.lastLogId >= newest))) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      for (const m of text.matchAll(/event: ingest\ndata: (.+)\n\n/g)) events.push(JSON.parse(m[1]));
      text = text.slice(text.lastIndexOf('\n\n') + 2);
    }
    ctrl.abort();
    expect(events.some((e) => e.traceIds.includes(trace))).toBe(true);
    expect(Math.max(...events.map((e) => e.lastLogId))).toBe(newest);
  });
});
