// One process of the demo shop (bundled as dist/demo-service.js and started by index.ts):
//   node demo-service.js --process <id from topology.ts> --otlp <endpoint> [--rps <n>]
//                        [--port <n>] [--version <v>]
// It listens on a free loopback port (or the one it is given when restarted in place), reports
// the port to the parent over IPC, receives every other service's address and the faults that
// are on, then serves (and, for the frontend, drives the shoppers) until the parent says stop or
// goes away. `--version` deploys another version of the process's service. Telemetry is flushed
// before exiting.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { FAULTS } from '../../common/demo-faults';
import { ActiveFaults } from './active-faults';
import { createBroker } from './broker';
import { createServiceServer, ServiceClient } from './http-service';
import { startTelemetry } from './telemetry';
import { demoProcess, type ChildMessage, type DemoProcessSpec, type Directory, type ParentMessage, type Role } from './topology';
import type { ServiceContext, ServiceFactory, ServiceRole } from './services/context';
import { cart } from './services/cart';
import { checkout } from './services/checkout';
import { frontend } from './services/frontend';
import { fulfillment } from './services/fulfillment';
import { gateway } from './services/gateway';
import { inventory } from './services/inventory';
import { payment } from './services/payment';
import { recommendation } from './services/recommendation';

const SERVICES: Record<Exclude<Role, 'broker'>, ServiceFactory> = {
  frontend,
  gateway,
  cart,
  checkout,
  payment,
  inventory,
  recommendation,
  fulfillment,
};

/** How long telemetry may take to flush on the way out. */
const FLUSH_TIMEOUT_MS = 2000;
const STOP_WORK_TIMEOUT_MS = 6000;

function fail(message: string): never {
  process.stderr.write(`demo-service: ${message}\n`);
  process.exit(2);
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { process: { type: 'string' }, otlp: { type: 'string' }, rps: { type: 'string' }, port: { type: 'string' }, version: { type: 'string' } },
  });
  const found = demoProcess(values.process ?? '');
  if (!found) fail(`unknown or missing --process "${values.process ?? ''}"`);
  const spec: DemoProcessSpec = values.version ? { ...found, version: values.version } : found;
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
  if (!process.send) fail('must be started by the demo (it needs an IPC channel to its parent)');
  if (spec.role !== 'broker' && !values.otlp) fail('--otlp <endpoint> is required');

  let directory: Directory = {};
  const faults = new ActiveFaults();
  const { server, role, flush } =
    spec.role === 'broker' ? startBroker() : startService(spec, SERVICES[spec.role], values.otlp!, Number(values.rps ?? 15), () => directory, faults);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.race([role?.stop?.(), new Promise((resolve) => setTimeout(resolve, STOP_WORK_TIMEOUT_MS).unref())]).catch(() => {});
      server.close();
      server.closeIdleConnections();
      await flush();
      process.exit(0);
    })());

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') {
      directory = message.directory;
      faults.set(message.faults);
      role?.start?.();
      send({ type: 'ready' });
    } else if (message.type === 'faults') faults.set(message.faults);
    else if (message.type === 'stop') void stop();
  });
  // When the parent dies, even by SIGKILL, the IPC channel closes. The parent-pid check backs
  // that up: a child whose parent died is re-parented and sees a different ppid.
  process.on('disconnect', () => void stop());
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid) void stop();
  }, 1000).unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
}

function startService(
  spec: DemoProcessSpec,
  factory: ServiceFactory,
  otlpEndpoint: string,
  rps: number,
  directory: () => Directory,
  faults: ActiveFaults,
): { server: Server; role: ServiceRole; flush: () => Promise<void> } {
  // Telemetry first: the HTTP instrumentation must patch node:http before any server exists.
  const telemetry = startTelemetry(spec, otlpEndpoint);
  if (FAULTS['silent-service'].target === spec.service) faults.watch((active) => telemetry.setSilent(active.has('silent-service')));
  const clients = new Map<string, ServiceClient>();
  const endpoints = (service: string) => {
    const found = directory()[service];
    if (!found?.length) throw new Error(`${spec.id} does not know where "${service}" listens (yet)`);
    return found;
  };
  const ctx: ServiceContext = {
    spec,
    telemetry,
    faults,
    rps,
    peer(service) {
      let client = clients.get(service);
      if (!client) clients.set(service, (client = new ServiceClient(telemetry, service, endpoints(service))));
      return client;
    },
    endpoint: (service) => endpoints(service)[0].url,
  };
  const role = factory(ctx);
  return { server: createServiceServer(telemetry, role.routes), role, flush: () => telemetry.shutdown(FLUSH_TIMEOUT_MS) };
}

function startBroker(): { server: Server; role: undefined; flush: () => Promise<void> } {
  return { server: createBroker(), role: undefined, flush: async () => {} };
}

main().catch((err: Error) => fail(err.stack ?? err.message));
