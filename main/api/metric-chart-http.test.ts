// The metric chart API through HTTP, from OTLP JSON sent to the receiver: every kind, filters,
// group-by, aggregation, percentiles, exemplars, and bad input shown as notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
// A minute-aligned window start in the past, so steps line up with the points sent.
const T0 = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const TRACE = 'aaaabbbbccccdddd0000111122223333';

function resource(service: string, instance: string) {
  return { attributes: [str('service.name', service), str('service.instance.id', instance)] };
}

async function send(body: object): Promise<void> {
  const res = await fetch(`${h.otlp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  h = await startHarness();
  const minutes = Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 60_000);
  const counter = (route: string, perMinute: number, resetAt = -1) => {
    let total = 0;
    return minutes.map((t, i) => {
      if (i === resetAt) total = 0;
      total += perMinute;
      return { attributes: [str('http.route', route)], startTimeUnixNano: ns(i >= resetAt && resetAt >= 0 ? minutes[resetAt] - 60_000 : T0), timeUnixNano: ns(t), asInt: String(total) };
    });
  };
  const histogramPoints = minutes.map((t, i) => ({
    attributes: [str('http.route', '/cart')],
    startTimeUnixNano: ns(T0),
    timeUnixNano: ns(t),
    // Cumulative: each minute adds 10 in (0,0.1], 30 in (0.1,0.5], 50 in (0.5,1], 10 above 1.
    count: String(100 * (i + 1)),
    sum: 60 * (i + 1),
    explicitBounds: [0.1, 0.5, 1],
    bucketCounts: [10, 30, 50, 10].map((c) => String(c * (i + 1))),
    exemplars: i === 4 ? [{ timeUnixNano: ns(t - 1000), asDouble: 0.93, traceId: TRACE, spanId: '0000000000000001' }] : [],
  }));
  await send({
    resourceMetrics: [
      {
        resource: resource('web', 'web-1'),
        scopeMetrics: [
          {
            metrics: [
              { name: 'req.count', unit: '{request}', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [...counter('/cart', 600), ...counter('/pay', 120, 5)] } },
              { name: 'req.duration', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: histogramPoints } },
              { name: 'queue.depth', unit: '{message}', gauge: { dataPoints: minutes.map((t, i) => ({ timeUnixNano: ns(t), asDouble: i === 3 ? 'NaN' : i })) } },
              {
                name: 'rpc.latency',
                unit: 'ms',
                summary: { dataPoints: minutes.map((t) => ({ timeUnixNano: ns(t), count: '10', sum: 50, quantileValues: [{ quantile: 0.5, value: 4 }, { quantile: 0.99, value: 20 }] })) },
              },
              {
                name: 'gc.pause',
                unit: 'ms',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  // Delta, scale 0: each minute 4 values in (1,2] and 4 in (2,4].
                  dataPoints: minutes.map((t) => ({ startTimeUnixNano: ns(t - 60_000), timeUnixNano: ns(t), count: '8', scale: 0, zeroCount: '0', positive: { offset: 0, bucketCounts: ['4', '4'] } })),
                },
              },
            ],
          },
        ],
      },
      {
        resource: resource('web', 'web-2'),
        scopeMetrics: [
          {
            metrics: [
              // Delta temporality from a second instance: 300 per minute on /cart.
              {
                name: 'req.count',
                unit: '{request}',
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: minutes.map((t) => ({ attributes: [str('http.route', '/cart')], startTimeUnixNano: ns(t - 60_000), timeUnixNano: ns(t), asInt: '300' })) },
              },
            ],
          },
        ],
      },
    ],
  });
  await h.waitForIngest({ metricPoints: 70 });
});
afterAll(async () => {
  await h.close();
});

const window = `from=${T0}&to=${T0 + 11 * 60_000}&step=60000`;
const defined = (values: Array<number | null>) => values.filter((v): v is number => v !== null);

describe('metric chart API', () => {
  it('monotonic sums are per-second rates, cumulative and delta alike, across a reset', async () => {
    const { status, body } = await h.api(`/api/metrics/req.count/series?${window}&groupBy=http.route`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'sum', display: 'rate', unit: '{request}', temporality: ['cumulative', 'delta'] });
    const cart = body.series.find((s: { group: { 'http.route': string } }) => s.group['http.route'] === '/cart');
    const pay = body.series.find((s: { group: { 'http.route': string } }) => s.group['http.route'] === '/pay');
    // /cart: 600/min cumulative (web-1) + 300/min delta (web-2) = 15/s in every minute.
    for (const v of defined(cart.values)) expect(v).toBeCloseTo(15, 6);
    expect(cart.sources).toBe(2);
    // /pay: 120/min = 2/s, through its restart in minute 6.
    for (const v of defined(pay.values)) expect(v).toBeCloseTo(2, 6);
    expect(defined(pay.values).length).toBeGreaterThanOrEqual(9);
    expect(body.notes.join(' ')).toMatch(/1 counter reset/);
  });

  it('filters (=, !=, regex) and aggregation', async () => {
    const only = await h.api(`/api/metrics/req.count/series?${window}&attr=service.instance.id=web-2`);
    for (const v of defined(only.body.series[0].values)) expect(v).toBeCloseTo(5, 6);
    const not = await h.api(`/api/metrics/req.count/series?${window}&attr=http.route!=/cart`);
    expect(not.body.matched).toBe(1);
    const re = await h.api(`/api/metrics/req.count/series?${window}&attr=${encodeURIComponent('http.route=~/c.*')}&agg=max`);
    expect(re.body.matched).toBe(2);
    for (const v of defined(re.body.series[0].values)) expect(v).toBeCloseTo(10, 6);
  });

  it('histograms: percentiles per step, a heatmap and exemplars', async () => {
    const { body } = await h.api(`/api/metrics/req.duration/series?${window}&percentile=50&percentile=95`);
    expect(body.display).toBe('percentiles');
    const p50 = body.series.find((s: { stat: string }) => s.stat === 'p50');
    const p95 = body.series.find((s: { stat: string }) => s.stat === 'p95');
    for (const v of defined(p50.values)) expect(v).toBeCloseTo(0.6, 9);
    for (const v of defined(p95.values)) expect(v).toBe(1);
    expect(body.heatmap.bounds.slice(0, 3)).toEqual([0.1, 0.5, 1]);
    expect(body.heatmap.counts.find((row: number[]) => row.some((c) => c > 0))).toEqual([10, 30, 50, 10]);
    expect(body.exemplars).toEqual([expect.objectContaining({ traceId: TRACE, spanId: '0000000000000001', value: 0.93, service: 'web' })]);
  });

  it('exponential histograms, summaries and gauges with a NaN point', async () => {
    const gc = (await h.api(`/api/metrics/gc.pause/series?${window}&percentile=50`)).body;
    expect(gc.kind).toBe('exponential_histogram');
    for (const v of defined(gc.series[0].values)) expect(v).toBeCloseTo(2, 9);
    const rpc = (await h.api(`/api/metrics/rpc.latency/series?${window}`)).body;
    expect(rpc.series.map((s: { stat: string }) => s.stat)).toEqual(['q0.5', 'q0.99']);
    expect(defined(rpc.series[1].values)[0]).toBe(20);
    const depth = (await h.api(`/api/metrics/queue.depth/series?${window}`)).body;
    expect(depth.display).toBe('value');
    expect(depth.series[0].values.filter((v: number | null) => v === null).length).toBeGreaterThanOrEqual(1);
    expect(depth.notes.join(' ')).toMatch(/NaN/);
  });

  it('autocompletes attribute keys and values, and refuses bad or unknown parameters', async () => {
    const attrs = (await h.api(`/api/metrics/req.count/attributes?from=${T0}`)).body;
    expect(attrs.find((a: { key: string }) => a.key === 'http.route').values.map((v: { value: string }) => v.value)).toEqual(['/cart', '/pay']);
    expect(attrs.find((a: { key: string }) => a.key === 'service.instance.id')).toBeTruthy();
    expect((await h.api(`/api/metrics/req.count/series?${window}&group=http.route`)).status).toBe(400);
    expect((await h.api(`/api/metrics/req.count/series?${window}&attr=nonsense`)).status).toBe(400);
    expect((await h.api(`/api/metrics/req.count/series?${window}&attr=${encodeURIComponent('a=~(')}`)).status).toBe(400);
    expect((await h.api(`/api/metrics/req.count/series?${window}&percentile=120`)).status).toBe(400);
    expect((await h.api(`/api/metrics/nope/series?${window}`)).status).toBe(404);
  });
});
