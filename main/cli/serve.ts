// `loupe serve`: the core in headless mode, UI served to a browser.
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, defaultDataDir } from '../config/paths';
import { parseFaultList } from '../../common/demo-faults';
import { validSearchKey } from '../../common/search-attributes';
import { collectWhenIdle } from '../config/idle-collect';
import { startCore } from '../core';
import { openInBrowser } from './open-browser';
import { prepareSnapshotView, type PreparedSnapshotView } from '../snapshot/snapshot-view';

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

function searchKeysOf(keys: string[]): string[] {
  for (const k of keys)
    if (!validSearchKey(k))
      throw new Error(`--search-attribute expects an attribute key such as app.tenant (letters, digits, _ . - /), got "${k}"`);
  return keys;
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
      'no-demo-catalog': { type: 'boolean' },
      fault: { type: 'string' },
      open: { type: 'boolean' },
      'self-telemetry': { type: 'boolean' },
      'max-size-mb': { type: 'string' },
      'max-age-hours': { type: 'string' },
      catalog: { type: 'string', multiple: true },
      plugin: { type: 'string', multiple: true },
      'search-attribute': { type: 'string', multiple: true },
      'ingest-queue-jobs': { type: 'string' },
      snapshot: { type: 'string' },
      'silent-after': { type: 'string' },
      'alert-every': { type: 'string' },
    },
  });
  let prepared: PreparedSnapshotView | null = null;
  if (values.snapshot !== undefined) {
    // A read-only view has no data dir of its own to choose, and nothing to receive or run.
    for (const flag of ['data-dir', 'demo', 'no-demo-catalog', 'fault', 'self-telemetry', 'otlp-http-port', 'otlp-grpc-port', 'max-size-mb', 'max-age-hours', 'ingest-queue-jobs'] as const)
      if (values[flag] !== undefined) throw new Error(`--snapshot opens a read-only view and cannot be combined with --${flag}`);
    prepared = await openSnapshot(values.snapshot);
  }
  const dataDir = prepared?.dataDir ?? values['data-dir'] ?? defaultDataDir();
  if (values.fault !== undefined && !values.demo) throw new Error('--fault needs --demo: faults are broken into the demo shop');
  const demoFaults = values.fault === undefined ? [] : parseFaultList(values.fault);
  const maxSizeMb = positive(values['max-size-mb'], '--max-size-mb');
  const maxAgeHours = positive(values['max-age-hours'], '--max-age-hours');
  const core = await startCore({
    dataDir,
    snapshotView: prepared?.view,
    silentAfterMinMs: (positive(values['silent-after'], '--silent-after') ?? 60) * 1000,
    alertEveryMs: values['alert-every'] === undefined ? undefined : positive(values['alert-every'], '--alert-every')! * 1000,
    host: values.host ?? '127.0.0.1',
    apiPort: port(values.port, '--port', DEFAULT_PORTS.api),
    otlpHttpPort: port(values['otlp-http-port'], '--otlp-http-port', DEFAULT_PORTS.otlpHttp),
    otlpGrpcPort: port(values['otlp-grpc-port'], '--otlp-grpc-port', DEFAULT_PORTS.otlpGrpc),
    token: values.token,
    demo: values.demo ?? false,
    demoCatalog: !values['no-demo-catalog'],
    demoFaults,
    selfTelemetry: values['self-telemetry'] ?? false,
    catalog: values.catalog ?? [],
    plugins: values.plugin ?? [],
    searchKeys: searchKeysOf(values['search-attribute'] ?? []),
    ingestQueue: { maxPendingJobs: positive(values['ingest-queue-jobs'], '--ingest-queue-jobs') },
    retention: {
      ...(maxSizeMb ? { maxSizeBytes: maxSizeMb * 1024 * 1024 } : {}),
      ...(maxAgeHours ? { maxAgeHours } : {}),
    },
  }).catch((e: unknown) => {
    prepared?.remove();
    throw e;
  });
  const { info } = core;
  if (prepared) {
    const w = prepared.view;
    console.log(`Loupe ${info.version} — read-only view of ${values.snapshot} (${new Date(w.from).toISOString()} → ${new Date(w.to).toISOString()})`);
    console.log(`  UI:        ${core.openUrl}`);
    console.log(`  ${prepared.spans} spans, ${prepared.logs} log records, ${prepared.metricPoints} metric points of ${w.services.length} services; receivers are off`);
  } else {
    console.log(`Loupe ${info.version} — data in ${info.dataDir}`);
    console.log(`  UI:        ${core.openUrl}`);
    console.log(`  OTLP/HTTP: http://127.0.0.1:${info.ports.otlpHttp}  (OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${info.ports.otlpHttp})`);
    if (info.ports.otlpGrpc !== null) console.log(`  OTLP/gRPC: 127.0.0.1:${info.ports.otlpGrpc}`);
  }
  if (values.open) openInBrowser(core.openUrl);
  // The writer and the query worker do the same on their threads.
  const stopCollecting = collectWhenIdle();
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
  stopCollecting();
  await core.close();
  prepared?.remove();
  return 0;
}

/** Imports the snapshot into a temporary data dir, showing progress; refusals say why. */
async function openSnapshot(file: string): Promise<PreparedSnapshotView> {
  const tty = process.stderr.isTTY;
  let last = 0;
  try {
    return await prepareSnapshotView(file, (p) => {
      const now = Date.now();
      if (!tty && now - last < 2000) return;
      last = now;
      const line = `${file}: ${p.phase} ${((100 * p.bytesRead) / Math.max(1, p.totalBytes)).toFixed(0)}%`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    });
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
  }
}
