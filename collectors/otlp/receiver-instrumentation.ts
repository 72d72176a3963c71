// Spans and counters of the receivers, through @opentelemetry/api: no-ops until Loupe's
// self-telemetry registers providers (`loupe serve --self-telemetry`).
import { ProxyTracerProvider, metrics, trace, type Counter, type MeterProvider } from '@opentelemetry/api';

/** Requests carrying this header (HTTP) or metadata key (gRPC) are Loupe's own exports: they
 * are not traced, so exporting a span never produces another span to export. */
export const SELF_TELEMETRY_HEADER = 'x-loupe-self-telemetry';

export const ingestTracer = trace.getTracer('loupe.ingest');
export const untracedTracer = new ProxyTracerProvider().getDelegate().getTracer('loupe.ingest');

interface IngestCounters {
  accepted: Counter;
  rejected: Counter;
  requests: Counter;
}

let counters: IngestCounters | null = null;
let countersProvider: MeterProvider | null = null;

/** The counters of the current meter provider (the metrics API has no proxy provider, so
 * counters made before self-telemetry starts would stay no-ops forever). */
export function ingestCounters(): IngestCounters {
  const provider = metrics.getMeterProvider();
  if (counters === null || provider !== countersProvider) {
    const meter = provider.getMeter('loupe.ingest');
    countersProvider = provider;
    counters = {
      accepted: meter.createCounter('loupe.ingest.items.accepted', { description: 'Items stored from OTLP requests' }),
      rejected: meter.createCounter('loupe.ingest.items.rejected', { description: 'Items rejected as invalid' }),
      requests: meter.createCounter('loupe.ingest.requests', { description: 'OTLP requests by outcome' }),
    };
  }
  return counters;
}
