// Query latencies through the HTTP API (the path the UI uses), p50/p95 in milliseconds.
import { readFileSync } from 'node:fs';
import { percentile, round } from './stats';

interface Target {
  url: string;
  token: string;
  services: number;
  smoke: boolean;
  storeDir: string;
  bigTraceId: string;
  bigTraceSpans: number;
}

const r2 = (n: number) => round(n, 2);

const FTS_QUERIES = ['payment declined', 'deadlock', 'connection reset', 'cache miss', 'timeout retry', 'refund', 'pool exhausted', 'coupon applied'];

/**
 * p50/p95 over the calls, the first call alone (a cold cache, as a user's first look finds it),
 * and the core's CPU time per call (all its threads, from /proc): wall times on a loaded machine
 * include waiting for a core, CPU time much less so.
 */
async function timeGets(t: Target, paths: string[]): Promise<{ p50Ms: number; p95Ms: number; firstMs: number; cpuMsPerCall: number | null; n: number }> {
  const samples: number[] = [];
  const cpu0 = cpuMsOfServer(t.storeDir);
  for (const p of paths) {
    const t0 = performance.now();
    const res = await authedFetch(t, p);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
  }
  const cpu1 = cpuMsOfServer(t.storeDir);
  const cpuMsPerCall = cpu0 !== null && cpu1 !== null && samples.length > 0 ? r2((cpu1 - cpu0) / samples.length) : null;
  return { p50Ms: r2(percentile(samples, 50)), p95Ms: r2(percentile(samples, 95)), firstMs: r2(samples[0] ?? 0), cpuMsPerCall, n: samples.length };
}

async function get<T>(t: Target, path: string): Promise<T> {
  const res = await authedFetch(t, path);
  return (await res.json()) as T;
}

/**
 * A GET with the token, sent again once when the kept-alive connection it went out on had been
 * closed by the server (its 5 s idle timeout ran out while this process was busy, e.g. in the
 * in-process rollup measurement, so the client never saw the close), as browsers do for
 * idempotent requests. A core that is down fails the second attempt too.
 */
async function authedFetch(t: Target, path: string): Promise<Response> {
  const send = () => fetch(t.url + path, { headers: { authorization: `Bearer ${t.token}` } });
  try {
    return await send();
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return send();
  }
}

export async function benchQueries(t: Target): Promise<Record<string, unknown>> {
  const n = t.smoke ? 20 : 100;
  const recent = await get<Array<{ traceId: string }>>(t, '/api/traces?limit=1000');
  const ids = recent.map((r) => r.traceId);
  const pick = (i: number) => ids[(i * 7919) % ids.length];
  // warm the page cache once, as a user's second query would find it
  await timeGets(t, ids.slice(0, 5).map((id) => `/api/traces/${id}`));
  const out: Record<string, unknown> = {
    traceById: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/traces/${pick(i)}`)),
    traceSearchRecent: await timeGets(t, Array.from({ length: n }, () => '/api/traces?limit=100')),
    traceSearchByService: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/traces?service=svc-${i % t.services}&limit=50`)),
    traceSearchByServiceAndOperation: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/traces?service=svc-${i % t.services}&operation=${encodeURIComponent('GET /api/cart')}&limit=50`)),
    traceSearchSlowErrors: await timeGets(t, Array.from({ length: n }, () => '/api/traces?minDurationMs=50&status=error&limit=50')),
    traceSearchByAttribute: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/traces?service=svc-${i % t.services}&attr=${encodeURIComponent(`url.path=/api/users/${i % 997}`)}&limit=20`)),
    servicesList1h: await timeGets(t, Array.from({ length: n }, () => '/api/services?sparkline=30')),
    serviceMap1h: await timeGets(t, Array.from({ length: n }, () => '/api/service-map')),
    // The window sliding a minute a call, as a live map moves: mostly cached blocks, new edges fresh.
    serviceMapSliding: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/service-map?from=${Date.now() - 3_600_000 - i * 60_000}&to=${Date.now() - i * 60_000}`)),
    goldenSignals1h: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/services/svc-${i % t.services}/golden-signals`)),
    logFullText: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/logs?q=${encodeURIComponent(FTS_QUERIES[i % FTS_QUERIES.length])}&limit=100`)),
    logFullTextRareTerm: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/logs?q=${encodeURIComponent(`id=${(i * 7919) % 20000}`)}&limit=100`)),
    logRecentByService: await timeGets(t, Array.from({ length: n }, (_, i) => `/api/logs?service=svc-${i % t.services}&minSeverity=13&limit=200`)),
    logHistogramFullText: await timeGets(t, Array.from({ length: Math.max(5, n / 5) }, (_, i) => `/api/logs/histogram?q=${encodeURIComponent(FTS_QUERIES[i % FTS_QUERIES.length])}`)),
  };
  const bigTrace = await timeGets(t, Array.from({ length: t.smoke ? 5 : 20 }, () => `/api/traces/${t.bigTraceId}`));
  const detail = await get<{ spans: unknown[] }>(t, `/api/traces/${t.bigTraceId}`);
  if (detail.spans.length !== t.bigTraceSpans) throw new Error(`the large trace has ${detail.spans.length} spans, expected ${t.bigTraceSpans}`);
  out.largeTraceById = { ...bigTrace, spans: t.bigTraceSpans };
  // The form the trace view loads: resources and scopes once, spans pointing at them.
  out.largeTraceCompact = { ...(await timeGets(t, Array.from({ length: t.smoke ? 5 : 20 }, () => `/api/traces/${t.bigTraceId}/compact`))), spans: t.bigTraceSpans };
  out.coreRssMb = rssOfServer(t.storeDir);
  // And once the core has sat idle a while, as it mostly does on a laptop: each of its threads
  // collects the garbage the burst left (main/config/idle-collect.ts).
  if (!t.smoke) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    out.coreRssSettledMb = rssOfServer(t.storeDir);
  }
  return out;
}

/** CPU time (user + system, every thread) the server process has used so far, from /proc (Linux). */
function cpuMsOfServer(storeDir: string): number | null {
  try {
    const pid = JSON.parse(readFileSync(`${storeDir}/server.json`, 'utf8')).pid as number;
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: /proc counts CPU time in these (100 on Linux builds). */
const CLOCK_TICKS = 100;

/** How long the core is left without requests before its settled memory is read. */
const SETTLE_MS = 10_000;

/** Resident memory of the server process, from /proc (Linux). */
function rssOfServer(storeDir: string): number | null {
  try {
    const pid = JSON.parse(readFileSync(`${storeDir}/server.json`, 'utf8')).pid as number;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}
