// Writes an incident snapshot: the window's traces (whole, for traces starting in it), logs and
// metric points, read page by page and streamed into a zip, so memory stays bounded whatever the
// window holds. yazl writes entries one after another; each entry is fed through a PassThrough
// that waits on backpressure, so a slow disk (or a slow download) slows the reading, not RAM.
import { PassThrough, type Writable } from 'node:stream';
import { once } from 'node:events';
import { ZipFile } from 'yazl';
import { traceToOtlpJson } from '../../common/otlp-export';
import { toHex } from '../../common/ids';
import { VERSION } from '../config/paths';
import { type ReadStore, msToNs } from '../query/read-store';
import { getTrace } from '../query/traces';
import { announcedDeploys, logPages, metricSeriesRows, pointPages, serviceIdsNamed, tracePages } from '../query/snapshot-pages';
import { CATALOG_ENTRY, DEPLOYS_ENTRY, MANIFEST_ENTRY, SLO_ENTRY, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotManifest, TELEMETRY_ENTRIES } from './manifest';
import { type LogRow, type PointRow, type SeriesRow, logsRequest, metricsRequest } from './otlp-rows';

export interface SnapshotRequest {
  /** Unix ms. */
  from: number;
  to: number;
  /** Only these services (traces touching them, their logs and metrics); empty: all. */
  services?: string[];
}

export interface SnapshotExtras {
  /** The SLO file's text and how many SLOs it defines (null: none to include). */
  slos?: { yaml: string; count: number } | null;
  /** Catalog descriptors (as written) of the services involved, written as one YAML stream. */
  catalogYaml?: { yaml: string; count: number } | null;
}

export interface SnapshotProgress {
  phase: 'traces' | 'logs' | 'metrics' | 'done';
  /** Items of this phase written so far, and how many there are (traces, log records, points). */
  done: number;
  total: number;
  /** Compressed bytes written so far. */
  bytes: number;
}

const TRACE_PAGE = 200;
const LOG_PAGE = 1000;
const POINT_PAGE = 1000;

class Entry {
  readonly stream = new PassThrough({ highWaterMark: 256 * 1024 });
  lines = 0;
  constructor(zip: ZipFile, name: string, mtime: Date) {
    zip.addReadStream(this.stream, name, { mtime, compress: true });
  }
  async line(value: unknown): Promise<void> {
    this.lines++;
    if (!this.stream.write(JSON.stringify(value) + '\n')) await once(this.stream, 'drain');
  }
  end(): void {
    this.stream.end();
  }
}

/**
 * Streams the snapshot into `out` and resolves with its manifest once `out` has everything.
 * The caller owns `out` (a file, or an HTTP response).
 */
export async function writeSnapshot(
  store: ReadStore,
  request: SnapshotRequest,
  extras: SnapshotExtras,
  out: Writable,
  onProgress?: (p: SnapshotProgress) => void,
): Promise<SnapshotManifest> {
  const fromNs = msToNs(request.from);
  const toNs = msToNs(request.to);
  const requested = [...new Set(request.services ?? [])];
  const serviceIds = requested.length ? serviceIdsNamed(store, requested) : null;
  if (serviceIds && serviceIds.length === 0) throw new SnapshotError(`no data from ${requested.map((s) => `"${s}"`).join(', ')} in this store`);
  const mtime = new Date();
  const zip = new ZipFile();
  let bytes = 0;
  const counting = new PassThrough();
  counting.on('data', (b: Buffer) => (bytes += b.length));
  const piped = new Promise<void>((resolve, reject) => {
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('finish', resolve);
    out.on('close', resolve);
  });
  zip.outputStream.pipe(counting).pipe(out);

  const seen = new Set<string>();
  const tell = (phase: SnapshotProgress['phase'], done: number, total: number) => onProgress?.({ phase, done, total, bytes });

  // Traces: every trace that starts in the window (and touches a chosen service), whole.
  const window = { fromNs, toNs };
  const tracePage = tracePages(store, window, requested, TRACE_PAGE);
  const traceTotal = tracePage.total;
  const traces = new Entry(zip, TELEMETRY_ENTRIES.traces, mtime);
  let traceCount = 0;
  let spanCount = 0;
  let after: [bigint, Buffer] = [-1n, Buffer.alloc(0)];
  tell('traces', 0, traceTotal);
  for (;;) {
    const page = tracePage.page(after);
    for (const [id] of page) {
      const detail = getTrace(store, toHex(id));
      for (const s of detail.spans) {
        const name = s.resource.attributes['service.name'];
        if (typeof name === 'string') seen.add(name);
      }
      spanCount += detail.spans.length;
      traceCount++;
      await traces.line(traceToOtlpJson(detail));
    }
    tell('traces', traceCount, traceTotal);
    if (page.length < TRACE_PAGE) break;
    after = [page[page.length - 1][1], page[page.length - 1][0]];
  }
  traces.end();

  // Logs in the window, in time order, a page per line.
  const logPage = logPages(store, window, serviceIds, LOG_PAGE);
  const logTotal = logPage.total;
  const logs = new Entry(zip, TELEMETRY_ENTRIES.logs, mtime);
  let logCount = 0;
  let logAfter: [bigint, bigint] = [-1n, 0n];
  tell('logs', 0, logTotal);
  for (;;) {
    const raw = logPage.page(logAfter);
    if (raw.length === 0) break;
    const rows = raw.map(toLogRow);
    for (const r of raw) seen.add(String(r.service));
    await logs.line(logsRequest(rows));
    logCount += rows.length;
    tell('logs', logCount, logTotal);
    const last = raw[raw.length - 1];
    logAfter = [last.time_ns as bigint, last.dedup as bigint];
    if (raw.length < LOG_PAGE) break;
  }
  logs.end();

  // Metric points in the window, series by series.
  const seriesRows = metricSeriesRows<SeriesRow & { id: number; service: string }>(store, serviceIds);
  const pointPage = pointPages(store, window, POINT_PAGE);
  let pointTotal = 0;
  for (const s of seriesRows) pointTotal += pointPage.count(s.id);
  const metrics = new Entry(zip, TELEMETRY_ENTRIES.metrics, mtime);
  let pointCount = 0;
  tell('metrics', 0, pointTotal);
  for (const s of seriesRows) {
    let afterNs = -1n;
    for (;;) {
      const raw = pointPage.page(s.id, afterNs);
      if (raw.length === 0) break;
      seen.add(s.service);
      await metrics.line(metricsRequest(s, raw.map(toPointRow)));
      pointCount += raw.length;
      tell('metrics', pointCount, pointTotal);
      afterNs = raw[raw.length - 1].time_ns as bigint;
      if (raw.length < POINT_PAGE) break;
    }
  }
  metrics.end();

  const deploys = announcedDeploys(store, request.from, request.to, requested);
  if (deploys.length) zip.addBuffer(Buffer.from(deploys.map((d) => JSON.stringify(d) + '\n').join('')), DEPLOYS_ENTRY, { mtime });
  if (extras.slos) zip.addBuffer(Buffer.from(extras.slos.yaml), SLO_ENTRY, { mtime });
  if (extras.catalogYaml) zip.addBuffer(Buffer.from(extras.catalogYaml.yaml), CATALOG_ENTRY, { mtime });
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: mtime.toISOString(),
    loupeVersion: VERSION,
    window: { from: request.from, to: request.to },
    requestedServices: requested,
    services: [...seen].sort(),
    traces: { lines: traces.lines, items: spanCount, traces: traceCount },
    logs: { lines: logs.lines, items: logCount },
    metrics: { lines: metrics.lines, items: pointCount },
    slos: extras.slos?.count ?? 0,
    catalogEntities: extras.catalogYaml?.count ?? 0,
    deploys: deploys.length,
  };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), MANIFEST_ENTRY, { mtime });
  zip.end();
  await piped;
  tell('done', 1, 1);
  return manifest;
}

export class SnapshotError extends Error {}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function resourcePart(r: Record<string, unknown>) {
  return {
    resource_attributes: String(r.resource_attributes),
    resource_dropped: num(r.resource_dropped),
    resource_schema_url: String(r.resource_schema_url ?? ''),
    scope_name: String(r.scope_name ?? ''),
    scope_version: String(r.scope_version ?? ''),
    scope_attributes: String(r.scope_attributes ?? '{}'),
    scope_dropped: num(r.scope_dropped),
    scope_schema_url: String(r.scope_schema_url ?? ''),
  };
}

function toLogRow(r: Record<string, unknown>): LogRow {
  return {
    ...resourcePart(r),
    resource_id: num(r.resource_id),
    scope_id: num(r.scope_id),
    time_ns: r.time_ns as bigint,
    observed_ns: r.observed_ns as bigint,
    severity_number: num(r.severity_number),
    severity_text: String(r.severity_text ?? ''),
    body: String(r.body ?? ''),
    body_is_json: num(r.body_is_json),
    trace_id: (r.trace_id as Buffer | null) ?? null,
    span_id: (r.span_id as Buffer | null) ?? null,
    flags: num(r.flags),
    event_name: String(r.event_name ?? ''),
    attributes: String(r.attributes ?? '{}'),
    dropped_attributes_count: num(r.dropped_attributes_count),
  };
}

function toPointRow(r: Record<string, unknown>): PointRow {
  return {
    time_ns: r.time_ns as bigint,
    start_ns: r.start_ns as bigint,
    value: numOrNull(r.value),
    is_int: num(r.is_int),
    count: numOrNull(r.count),
    sum: numOrNull(r.sum),
    min: numOrNull(r.min),
    max: numOrNull(r.max),
    detail: (r.detail as string | null) ?? null,
    flags: num(r.flags),
  };
}
