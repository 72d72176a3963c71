// Stored log records and metric points back to OTLP JSON (the same mapping as
// common/otlp-export.ts uses for traces): decimal-string nanoseconds, hex ids, typed AnyValues.
// Rows arrive ordered; consecutive rows of one resource and scope share one envelope entry.
import { toAnyValue, toKeyValues, type OtlpKeyValue } from '../../common/otlp-export';

export interface ResourceRow {
  resource_attributes: string;
  resource_dropped: number;
  resource_schema_url: string;
  scope_name: string;
  scope_version: string;
  scope_attributes: string;
  scope_dropped: number;
  scope_schema_url: string;
}

export interface LogRow extends ResourceRow {
  resource_id: number;
  scope_id: number;
  time_ns: bigint;
  observed_ns: bigint;
  severity_number: number;
  severity_text: string;
  body: string;
  body_is_json: number;
  trace_id: Buffer | null;
  span_id: Buffer | null;
  flags: number;
  event_name: string;
  attributes: string;
  dropped_attributes_count: number;
}

export interface SeriesRow extends ResourceRow {
  name: string;
  kind: string;
  unit: string;
  description: string;
  temporality: number;
  monotonic: number;
  attributes: string;
}

export interface PointRow {
  time_ns: bigint;
  start_ns: bigint;
  value: number | null;
  is_int: number;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  detail: string | null;
  flags: number;
}

const attrs = (json: string): OtlpKeyValue[] => toKeyValues(JSON.parse(json || '{}') as Record<string, unknown>);

function resourceJson(r: ResourceRow) {
  return {
    resource: { attributes: attrs(r.resource_attributes), ...(r.resource_dropped ? { droppedAttributesCount: r.resource_dropped } : {}) },
    ...(r.resource_schema_url ? { schemaUrl: r.resource_schema_url } : {}),
  };
}

function scopeJson(r: ResourceRow) {
  return {
    name: r.scope_name,
    ...(r.scope_version ? { version: r.scope_version } : {}),
    attributes: attrs(r.scope_attributes),
    ...(r.scope_dropped ? { droppedAttributesCount: r.scope_dropped } : {}),
  };
}

/** One ExportLogsServiceRequest from rows ordered as read. */
export function logsRequest(rows: readonly LogRow[]): unknown {
  const resourceLogs: Array<Record<string, unknown> & { scopeLogs: Array<{ scope: unknown; schemaUrl?: string; logRecords: unknown[] }> }> = [];
  let lastResource = -1;
  let lastScope = -1;
  for (const r of rows) {
    if (r.resource_id !== lastResource) {
      resourceLogs.push({ ...resourceJson(r), scopeLogs: [] });
      lastResource = r.resource_id;
      lastScope = -1;
    }
    const entry = resourceLogs[resourceLogs.length - 1];
    if (r.scope_id !== lastScope) {
      entry.scopeLogs.push({ scope: scopeJson(r), ...(r.scope_schema_url ? { schemaUrl: r.scope_schema_url } : {}), logRecords: [] });
      lastScope = r.scope_id;
    }
    const record: Record<string, unknown> = {
      timeUnixNano: String(r.time_ns),
      observedTimeUnixNano: String(r.observed_ns),
      severityNumber: r.severity_number,
      body: r.body_is_json ? toAnyValue(JSON.parse(r.body)) : { stringValue: r.body },
      attributes: attrs(r.attributes),
    };
    if (r.severity_text) record.severityText = r.severity_text;
    if (r.trace_id) record.traceId = r.trace_id.toString('hex');
    if (r.span_id) record.spanId = r.span_id.toString('hex');
    if (r.flags) record.flags = r.flags;
    if (r.event_name) record.eventName = r.event_name;
    if (r.dropped_attributes_count) record.droppedAttributesCount = r.dropped_attributes_count;
    entry.scopeLogs[entry.scopeLogs.length - 1].logRecords.push(record);
  }
  return { resourceLogs };
}

const DATA_KEY: Record<string, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

interface PointDetail {
  bucketCounts?: number[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number;
  zeroThreshold?: number;
  positive?: { offset: number; bucketCounts: number[] };
  negative?: { offset: number; bucketCounts: number[] };
  quantileValues?: Array<{ quantile: number; value: number }>;
  exemplars?: Array<{ filteredAttributes: Record<string, unknown>; timeUnixNano: string; value?: number; spanId?: string; traceId?: string }>;
}

const counts = (v: number[] | undefined) => (v ?? []).map(String);

function pointJson(kind: string, p: PointRow): Record<string, unknown> {
  const d = JSON.parse(p.detail || '{}') as PointDetail;
  const out: Record<string, unknown> = { attributes: [], startTimeUnixNano: String(p.start_ns), timeUnixNano: String(p.time_ns) };
  if (p.flags) out.flags = p.flags;
  if (kind === 'gauge' || kind === 'sum') {
    if (p.value !== null) {
      if (p.is_int) out.asInt = String(Math.round(p.value));
      else out.asDouble = p.value;
    }
  } else {
    if (p.count !== null) out.count = String(p.count);
    if (p.sum !== null) out.sum = p.sum;
    if (kind !== 'summary') {
      if (p.min !== null) out.min = p.min;
      if (p.max !== null) out.max = p.max;
    }
  }
  if (kind === 'histogram') {
    out.bucketCounts = counts(d.bucketCounts);
    out.explicitBounds = d.explicitBounds ?? [];
  } else if (kind === 'exponential_histogram') {
    out.scale = d.scale ?? 0;
    out.zeroCount = String(d.zeroCount ?? 0);
    if (d.zeroThreshold) out.zeroThreshold = d.zeroThreshold;
    out.positive = { offset: d.positive?.offset ?? 0, bucketCounts: counts(d.positive?.bucketCounts) };
    out.negative = { offset: d.negative?.offset ?? 0, bucketCounts: counts(d.negative?.bucketCounts) };
  } else if (kind === 'summary') {
    out.quantileValues = d.quantileValues ?? [];
  }
  if (d.exemplars)
    out.exemplars = d.exemplars.map((e) => ({
      filteredAttributes: toKeyValues(e.filteredAttributes),
      timeUnixNano: e.timeUnixNano,
      ...(e.value === undefined ? {} : Number.isInteger(e.value) ? { asInt: String(e.value) } : { asDouble: e.value }),
      ...(e.spanId ? { spanId: e.spanId } : {}),
      ...(e.traceId ? { traceId: e.traceId } : {}),
    }));
  return out;
}

/** One ExportMetricsServiceRequest holding points of one series. */
export function metricsRequest(series: SeriesRow, points: readonly PointRow[]): unknown {
  const pointAttributes = attrs(series.attributes);
  const dataPoints = points.map((p) => ({ ...pointJson(series.kind, p), attributes: pointAttributes }));
  const data: Record<string, unknown> = { dataPoints };
  if (series.kind !== 'gauge' && series.kind !== 'summary') data.aggregationTemporality = series.temporality;
  if (series.kind === 'sum') data.isMonotonic = Boolean(series.monotonic);
  return {
    resourceMetrics: [
      {
        ...resourceJson(series),
        scopeMetrics: [
          {
            scope: scopeJson(series),
            ...(series.scope_schema_url ? { schemaUrl: series.scope_schema_url } : {}),
            metrics: [{ name: series.name, description: series.description, unit: series.unit, [DATA_KEY[series.kind] ?? series.kind]: data }],
          },
        ],
      },
    ],
  };
}
