// The demo shop: which processes run, what each one plays, and how the parent and the children
// talk while starting and stopping. Shared by the parent (index.ts) and every child (service.ts).

export type Role =
  | 'frontend'
  | 'gateway'
  | 'cart'
  | 'checkout'
  | 'payment'
  | 'inventory'
  | 'recommendation'
  | 'fulfillment'
  | 'broker';

export interface DemoProcessSpec {
  /** Unique within the demo; the child is started with it. */
  id: string;
  role: Role;
  /** `service.name` of the process (several processes share "payment" and "checkout"). */
  service: string;
  version: string;
  /** Share of its service's traffic when several versions run side by side. */
  weight: number;
  /** The broker stands in for Kafka, which teams rarely instrument: it exports nothing, so it
   * shows up only as the messaging peer of its producers and consumers. */
  instrumented: boolean;
}

export const SERVICE_NAMESPACE = 'shop';
export const ENVIRONMENT = 'demo';

export const DEMO_PROCESSES: readonly DemoProcessSpec[] = [
  { id: 'broker', role: 'broker', service: 'kafka', version: '3.8.0', weight: 1, instrumented: false },
  { id: 'frontend', role: 'frontend', service: 'frontend', version: '2.3.1', weight: 1, instrumented: true },
  { id: 'gateway', role: 'gateway', service: 'gateway', version: '1.12.0', weight: 1, instrumented: true },
  { id: 'cart', role: 'cart', service: 'cart', version: '3.0.4', weight: 1, instrumented: true },
  // Checkout is stateless and runs twice behind the gateway's balancer (a bad release can be
  // rolled out to one of them).
  { id: 'checkout-a', role: 'checkout', service: 'checkout', version: '2.7.0', weight: 1, instrumented: true },
  { id: 'checkout-b', role: 'checkout', service: 'checkout', version: '2.7.0', weight: 1, instrumented: true },
  // Three payment instances; the new version runs as a canary on ONE of them and takes a
  // quarter of checkout's calls. It is slower and flakier.
  { id: 'payment-a', role: 'payment', service: 'payment', version: '1.4.2', weight: 3, instrumented: true },
  { id: 'payment-b', role: 'payment', service: 'payment', version: '1.4.2', weight: 3, instrumented: true },
  { id: 'payment-canary', role: 'payment', service: 'payment', version: '1.5.0', weight: 2, instrumented: true },
  { id: 'inventory', role: 'inventory', service: 'inventory', version: '1.9.3', weight: 1, instrumented: true },
  { id: 'recommendation', role: 'recommendation', service: 'recommendation', version: '0.8.1', weight: 1, instrumented: true },
  { id: 'fulfillment', role: 'fulfillment', service: 'fulfillment', version: '1.2.0', weight: 1, instrumented: true },
];

export function demoProcess(id: string): DemoProcessSpec | undefined {
  return DEMO_PROCESSES.find((p) => p.id === id);
}

/** Where one process of a service listens. */
export interface Endpoint {
  url: string;
  version: string;
  weight: number;
}

/** Every service's endpoints by `service.name`, sent to each child once all listen. */
export type Directory = Record<string, Endpoint[]>;

/** Child to parent, over the IPC channel. */
export type ChildMessage = { type: 'listening'; port: number } | { type: 'ready' };

/** Parent to child: `start` carries the directory (ports are only known once every child
 * listens on a free port); `stop` asks for a graceful exit that flushes telemetry. */
export type ParentMessage = { type: 'start'; directory: Directory } | { type: 'stop' };
