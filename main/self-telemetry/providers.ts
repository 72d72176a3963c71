// Loupe's own telemetry. The ingest and API paths always use @opentelemetry/api (a no-op until
// a provider is registered); with --self-telemetry their spans and counters are exported over
// OTLP into this same Loupe, as service "loupe", through the real receiver.
import { metrics } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { VERSION } from '../config/paths';

import { SELF_TELEMETRY_HEADER } from '../../collectors/otlp/receiver-instrumentation';

export interface SelfTelemetry {
  shutdown(): Promise<void>;
}

export function startSelfTelemetry(otlpHttpUrl: string): SelfTelemetry {
  const resource = resourceFromAttributes({
    'service.name': 'loupe',
    'service.version': VERSION,
    'service.instance.id': `${process.pid}`,
  });
  const headers = { [SELF_TELEMETRY_HEADER]: '1' };
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces`, headers }), { scheduledDelayMillis: 1000 }),
    ],
  });
  tracerProvider.register();
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${otlpHttpUrl}/v1/metrics`, headers }),
        exportIntervalMillis: 5000,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
