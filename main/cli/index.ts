// The `loupe` command line.
import { parseArgs } from 'node:util';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_PORTS, SERVER_INFO_FILE, VERSION, defaultDataDir } from '../config/paths';
import { FAULT_NAMES, FAULTS, parseFaultList } from '../../common/demo-faults';
import { CANARY_HELP } from '../canary/cli';

const HELP = `Loupe ${VERSION} — OpenTelemetry on your laptop: service map, golden signals, traces, logs, catalog.

Usage:
  loupe serve [options]            run the core and serve the UI on http://127.0.0.1:7600
      --data-dir DIR               where data is kept (default: ${defaultDataDir()})
      --port N                     UI/API port (default ${DEFAULT_PORTS.api})
      --otlp-http-port N           OTLP/HTTP receiver port (default ${DEFAULT_PORTS.otlpHttp})
      --otlp-grpc-port N           OTLP/gRPC receiver port (default ${DEFAULT_PORTS.otlpGrpc})
      --host H                     address to bind (default 127.0.0.1; others expose Loupe to your network)
      --token T                    session token for the UI/API (default: random per start)
      --demo                       also run the built-in demo system
      --no-demo-catalog            with --demo: leave the catalog empty instead of loading the demo's
                                   (it is loaded only when you have no catalog of your own)
      --fault NAME[,NAME]          with --demo: start these demo faults (see below)
      --open                       open the UI in the default browser
      --self-telemetry             export Loupe's own spans and metrics into itself as service "loupe"
      --max-size-mb N              store size cap (default 4096)
      --max-age-hours N            keep raw data this long (default 168)
      --plugin DIR                 also load the plugin in DIR (repeatable)
      --search-attribute KEY       also index this span attribute for trace search (repeatable; beside
                                   http.*, rpc.*, db.*, messaging.*, url.path and error.type)
      --silent-after S             call a source silent after at least S seconds of quiet (default 60;
                                   longer when its usual interval says so: 5 of them)
      --alert-every S              evaluate the alert rules of alerts.yaml every S seconds (default 15)
  loupe serve --snapshot FILE [--port N] [--token T] [--open]
                                   open a snapshot as a read-only view (in a temporary data dir,
                                   receivers off, changes refused), starting at its time range
  loupe import FILE… [--data-dir DIR]
                                   import OTLP JSON / JSON-lines, Jaeger JSON, Zipkin v2 JSON files or Loupe snapshots
  loupe snapshot --from T --to T [--service S…] --out FILE [--data-dir DIR]
                                   write an incident snapshot (zip: OTLP JSON lines, SLOs, catalog, manifest);
                                   T is an ISO time, unix ms, "now" or "now-30m"
  loupe export --trace ID [--data-dir DIR] [--out FILE]
                                   write one trace as OTLP JSON (stdout by default)
  loupe demo [--target URL] [--fault NAME[,NAME]]
                                   run the demo system against a running Loupe's OTLP/HTTP endpoint,
                                   optionally with faults on from the start
  loupe catalog validate PATH…     check Backstage catalog-info.yaml files; exits 1 on any invalid entity
  loupe plugins list [--data-dir DIR] [--plugin DIR]…
                                   installed plugins (built-in, <data-dir>/plugins, --plugin) and broken ones
  loupe plugins check DIR          load a plugin folder, start it and check it speaks the protocol; exits 1 when broken
${CANARY_HELP}
  loupe --version | --help

Demo faults (also switchable in the UI's Demo page and with POST /api/demo/faults):
${FAULT_NAMES.map((n) => `  ${n.padEnd(20)} ${FAULTS[n].title}: ${FAULTS[n].target}`).join('\n')}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve')).serveCommand(rest);
    case 'import':
      return (await import('./import')).importCommand(rest);
    case 'snapshot':
      return (await import('./snapshot')).snapshotCommand(rest);
    case 'export':
      return (await import('./export')).exportCommand(rest);
    case 'demo':
      return demoCommand(rest);
    case 'plugins':
      return (await import('../plugin-host/cli')).pluginsCommand(rest);
    case 'catalog':
      return (await import('../catalog/cli')).runCatalogCommand(rest);
    case 'canary':
      return (await import('../canary/cli')).canaryCommand(rest);
    case '--version':
    case '-v':
    case 'version':
      console.log(VERSION);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(HELP);
      return 0;
    default:
      console.error(`loupe: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { target: { type: 'string' }, 'data-dir': { type: 'string' }, fault: { type: 'string' } }, strict: true });
  const faults = values.fault === undefined ? [] : parseFaultList(values.fault);
  let target = values.target;
  if (!target) {
    try {
      const info = JSON.parse(readFileSync(join(values['data-dir'] ?? defaultDataDir(), SERVER_INFO_FILE), 'utf8')) as {
        ports: { otlpHttp: number | null };
      };
      if (info.ports.otlpHttp === null) throw new Error('the Loupe running there is a read-only snapshot view and receives nothing');
      target = `http://127.0.0.1:${info.ports.otlpHttp}`;
    } catch {
      target = `http://127.0.0.1:${DEFAULT_PORTS.otlpHttp}`;
    }
  }
  const { startDemo } = await import('../demo/index');
  const demo = await startDemo({ otlpEndpoint: target, log: (l) => console.log(l), faults });
  console.log(`loupe demo: ${demo.services.length} services sending OTLP to ${target}; Ctrl+C to stop`);
  for (const name of faults) console.log(`loupe demo: fault ${name} on since ${new Date().toISOString()}: ${FAULTS[name].does}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await demo.stop();
  return 0;
}

/** Runs the CLI and sets the process exit code. */
export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    console.error(`loupe: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

// `node dist/cli.js …` runs directly; bin/loupe.js calls run() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) void run(process.argv.slice(2));
