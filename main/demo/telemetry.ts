// The OpenTelemetry SDK as a demo service sets it up: its own resource, OTLP/HTTP protobuf
// exporters for the three signals, the HTTP and Node runtime auto-instrumentations, and a
// couple of process gauges. Intervals are short so Loupe fills within seconds of starting.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import {
  context,
  diag,
  DiagLogLevel,
  metrics,
  type Attributes,
  type DiagLogger,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { outgoingCallAttributes } from './http-service';
import { randomId } from './simulation';
import { ENVIRONMENT, SERVICE_NAMESPACE, type DemoProcessSpec } from './topology';

export type HttpModule = typeof import('node:http');

export interface ServiceTelemetry {
  tracer: Tracer;
  meter: Meter;
  log: ServiceLog;
  /** `node:http` as patched by the HTTP instrumentation: every request made or served through
   * it gets genuine client and server spans with W3C trace-context propagation. */
  http: HttpModule;
  /** Flushes what is buffered and stops exporting; resolves within `timeoutMs` regardless. */
  shutdown(timeoutMs: number): Promise<void>;
}

const BATCH_DELAY_MS = 500;
const METRIC_INTERVAL_MS = 2000;
const EXPORT_TIMEOUT_MS = 5000;

export function startTelemetry(spec: DemoProcessSpec, otlpEndpoint: string): ServiceTelemetry {
  diag.setLogger(new OncePerMessageDiagLogger(), DiagLogLevel.ERROR);
  const base = otlpEndpoint.replace(/\/+$/, '');
  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.name': spec.service,
      'service.namespace': SERVICE_NAMESPACE,
      'service.version': spec.version,
      // Named like a pod: the process's id plus a suffix that changes on every (re)start.
      'service.instance.id': `${spec.id}-${randomId('', 5)}`,
      'deployment.environment.name': ENVIRONMENT,
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    }),
  );

  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS }), {
        scheduledDelayMillis: BATCH_DELAY_MS,
      }),
    ],
  });
  // Installs the AsyncLocalStorage context manager and the W3C trace-context propagator.
  tracerProvider.register();

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: `${base}/v1/logs`, timeoutMillis: EXPORT_TIMEOUT_MS }),
        scheduledDelayMillis: BATCH_DELAY_MS,
      }),
    ],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics`, timeoutMillis: EXPORT_TIMEOUT_MS }),
        exportIntervalMillis: METRIC_INTERVAL_MS,
        exportTimeoutMillis: METRIC_INTERVAL_MS - 500,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  registerInstrumentations({
    tracerProvider,
    meterProvider,
    loggerProvider,
    instrumentations: [new HttpInstrumentation({ startOutgoingSpanHook: outgoingCallAttributes }), new RuntimeNodeInstrumentation({ monitoringPrecision: 1000 })],
  });
  // The instrumentation patches `node:http` when it is required after registration; a static
  // import would be bound before that, so the module is required here, explicitly.
  const http = createRequire(import.meta.url)('node:http') as HttpModule;

  const meter = meterProvider.getMeter('shop.demo', spec.version);
  observeProcess(meter);

  return {
    tracer: tracerProvider.getTracer('shop.demo', spec.version),
    meter,
    log: new ServiceLog(loggerProvider.getLogger('shop.demo', spec.version)),
    http,
    async shutdown(timeoutMs) {
      const flushed = Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
      await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
  };
}

/** Log records emitted in the active context, so they carry the current trace and span ids. */
export class ServiceLog {
  constructor(private readonly logger: Logger) {}

  debug(body: string, attributes?: Attributes): void {
    this.emit(SeverityNumber.DEBUG, 'DEBUG', body, attributes);
  }

  info(body: string, attributes?: Attributes): void {
    this.emit(SeverityNumber.INFO, 'INFO', body, attributes);
  }

  warn(body: string, attributes?: Attributes): void {
    this.emit(SeverityNumber.WARN, 'WARN', body, attributes);
  }

  error(body: string, attributes?: Attributes, exception?: unknown): void {
    this.emit(SeverityNumber.ERROR, 'ERROR', body, attributes, exception);
  }

  private emit(severityNumber: SeverityNumber, severityText: string, body: string, attributes?: Attributes, exception?: unknown): void {
    this.logger.emit({ severityNumber, severityText, body, attributes, exception, context: context.active() });
  }
}

/** process.cpu.utilization and process.memory.usage per the process semantic conventions. */
function observeProcess(meter: Meter): void {
  const cpus = availableParallelism();
  let lastCpu = process.cpuUsage();
  let lastAt = process.hrtime.bigint();
  meter
    .createObservableGauge('process.cpu.utilization', {
      unit: '1',
      description: 'CPU time used since the last measurement, divided by the elapsed time and the number of CPUs',
    })
    .addCallback((result) => {
      const now = process.hrtime.bigint();
      const cpu = process.cpuUsage(lastCpu);
      const elapsedUs = Number(now - lastAt) / 1000;
      lastCpu = process.cpuUsage();
      lastAt = now;
      if (elapsedUs <= 0) return;
      result.observe(cpu.user / elapsedUs / cpus, { 'cpu.mode': 'user' });
      result.observe(cpu.system / elapsedUs / cpus, { 'cpu.mode': 'system' });
    });
  meter
    .createObservableUpDownCounter('process.memory.usage', { unit: 'By', description: 'The amount of physical memory in use' })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
}

/** The SDK reports export failures through diag; when Loupe is unreachable that would repeat
 * every half second, so each distinct message is written (to stderr, which the parent
 * forwards) once. */
class OncePerMessageDiagLogger implements DiagLogger {
  private readonly seen = new Set<string>();

  error(message: string, ...args: unknown[]): void {
    this.write(message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.write(message, args);
  }
  info(): void {}
  debug(): void {}
  verbose(): void {}

  private write(message: string, args: unknown[]): void {
    const line = [message, ...args].map(readable).join(' ').trim();
    if (this.seen.has(line) || this.seen.size > 100) return;
    this.seen.add(line);
    process.stderr.write(`${line}\n`);
  }
}

/** Export errors arrive as JSON-serialized errors, stack and all; the message is what helps. */
function readable(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part !== 'string') return JSON.stringify(part);
  if (!part.startsWith('{')) return part;
  try {
    const parsed = JSON.parse(part) as { message?: unknown };
    return typeof parsed.message === 'string' ? `telemetry export failed: ${parsed.message}` : part;
  } catch {
    return part;
  }
}
