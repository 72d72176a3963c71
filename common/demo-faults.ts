// The faults the demo shop can be broken with, for rehearsing incidents: what each one does to
// the shop's processes and what to look for in Loupe. Shared by the demo, the API (validation),
// the CLI (`loupe demo --fault`) and the Faults panel, so they describe the same thing.

export const FAULT_NAMES = ['kill-instance', 'slow-database', 'stop-consumer', 'dependency-timeout', 'bad-version', 'silent-service'] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultInfo {
  name: FaultName;
  title: string;
  /** The demo service it acts on. */
  target: string;
  /** What really happens in the shop while it is on. */
  does: string;
  /** What switching it off does. */
  whenOff: string;
  /** Where the symptom shows in Loupe first. */
  lookFor: string;
}

export const FAULTS: Record<FaultName, FaultInfo> = {
  'kill-instance': {
    name: 'kill-instance',
    title: 'Kill an instance',
    target: 'payment',
    does: 'Kills the payment-b process (SIGKILL): its connections are refused and it stops sending telemetry. It stays down while the fault is on.',
    whenOff: 'The instance comes back on the same port with a new service.instance.id, as a restarted pod would.',
    lookFor: "checkout → payment: refused connections and retried calls; payment's instances: one stops reporting.",
  },
  'slow-database': {
    name: 'slow-database',
    title: 'Slow the shared database',
    target: 'shopdb',
    does: 'A runaway job holds all but one connection of every shopdb pool and statements wait on its locks (about +80 ms each). Requests queue for a connection.',
    whenOff: 'The job ends: connections return to the pools and statements run at their usual speed.',
    lookFor: 'Latency up on cart, checkout and inventory together; the shopdb node and its edges slow; db.client.connection.pending_requests rising.',
  },
  'stop-consumer': {
    name: 'stop-consumer',
    title: 'Stop the queue consumer',
    target: 'fulfillment',
    does: 'fulfillment stops consuming the orders topic (still alive, still reporting the backlog it sees). Orders pile up in the broker.',
    whenOff: 'Consumption resumes and the backlog drains.',
    lookFor: 'shop.queue.depth rising; the kafka → fulfillment edge going quiet while checkout → kafka keeps sending; no new shipments.',
  },
  'dependency-timeout': {
    name: 'dependency-timeout',
    title: 'A dependency times out',
    target: 'payment',
    does: "payment's card processor stops answering: charges hang for 5 s. checkout gives up after 1 s per attempt, retries twice, then fails the order (504).",
    whenOff: 'The processor answers again; charges take their usual ~50 ms.',
    lookFor: 'checkout errors and p95 near 3 s; on checkout → payment, timed-out client spans (error.type TimeoutError) and resends (http.request.resend_count).',
  },
  'bad-version': {
    name: 'bad-version',
    title: 'Roll out a bad version',
    target: 'checkout',
    does: 'Redeploys ONE checkout instance (checkout-b) as 2.8.0: a pricing bug fails about a third of its orders (TypeError) and it queries prices line by line.',
    whenOff: 'checkout-b is rolled back to 2.7.0.',
    lookFor: 'checkout errors and latency up on version 2.8.0 only; the exception in its traces and logs.',
  },
  'silent-service': {
    name: 'silent-service',
    title: 'A service goes silent',
    target: 'inventory',
    does: 'inventory keeps serving every request but stops exporting telemetry (spans, metrics, logs are dropped), as with a broken collector sidecar.',
    whenOff: 'inventory exports again.',
    lookFor: 'inventory missing from the services list for recent windows, while its callers still show calls to it.',
  },
};

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** Parses `a,b` as given to `--fault`; throws naming the unknown ones and the known ones. */
export function parseFaultList(value: string): FaultName[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isFaultName(n));
  if (unknown.length) throw new Error(unknownFaultMessage(unknown));
  return [...new Set(names)] as FaultName[];
}

export function unknownFaultMessage(names: string[]): string {
  return `unknown fault${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}; known faults: ${FAULT_NAMES.join(', ')}`;
}
