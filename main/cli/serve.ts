// `loupe serve`: the core in headless mode, UI served to a browser.
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, defaultDataDir } from '../config/paths';
import { startCore } from '../core';
import { openInBrowser } from './open-browser';

function port(v: string | undefined, flag: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} expects a port number (0–65535), got "${v}"`);
  return n;
}

function positive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`${flag} expects a positive number, got "${v}"`);
  return n;
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'otlp-http-port': { type: 'string' },
      'otlp-grpc-port': { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      demo: { type: 'boolean' },
      open: { type: 'boolean' },
      'self-telemetry': { type: 'boolean' },
      'max-size-mb': { type: 'string' },
      'max-age-hours': { type: 'string' },
      catalog: { type: 'string', multiple: true },
      plugin: { type: 'string', multiple: true },
      'ingest-queue-jobs': { type: 'string' },
    },
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const maxSizeMb = positive(values['max-size-mb'], '--max-size-mb');
  const maxAgeHours = positive(values['max-age-hours'], '--max-age-hours');
  const core = await startCore({
    dataDir,
    host: values.host ?? '127.0.0.1',
    apiPort: port(values.port, '--port', DEFAULT_PORTS.api),
    otlpHttpPort: port(values['otlp-http-port'], '--otlp-http-port', DEFAULT_PORTS.otlpHttp),
    otlpGrpcPort: port(values['otlp-grpc-port'], '--otlp-grpc-port', DEFAULT_PORTS.otlpGrpc),
    token: values.token,
    demo: values.demo ?? false,
    selfTelemetry: values['self-telemetry'] ?? false,
    catalog: values.catalog ?? [],
    plugins: values.plugin ?? [],
    ingestQueue: { maxPendingJobs: positive(values['ingest-queue-jobs'], '--ingest-queue-jobs') },
    retention: {
      ...(maxSizeMb ? { maxSizeBytes: maxSizeMb * 1024 * 1024 } : {}),
      ...(maxAgeHours ? { maxAgeHours } : {}),
    },
  });
  const { info } = core;
  console.log(`Loupe ${info.version} — data in ${info.dataDir}`);
  console.log(`  UI:        ${core.openUrl}`);
  console.log(`  OTLP/HTTP: http://127.0.0.1:${info.ports.otlpHttp}  (OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${info.ports.otlpHttp})`);
  if (info.ports.otlpGrpc !== null) console.log(`  OTLP/gRPC: 127.0.0.1:${info.ports.otlpGrpc}`);
  if (values.open) openInBrowser(core.openUrl);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('loupe: stopping…');
  // Stopping is bounded: whatever still holds the process after a few seconds (a stuck
  // client, a writer that will not finish) does not keep it alive, and a second signal ends it now.
  setTimeout(() => {
    console.error('loupe: did not stop within 8 s; exiting');
    process.exit(1);
  }, 8_000).unref();
  const now = () => process.exit(130);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await core.close();
  return 0;
}
