// An in-memory message broker standing in for Kafka. It exports no telemetry (brokers are
// rarely instrumented), so Loupe sees it only through its producers' and consumers' spans.
// One partition per topic and one consumer group: enough for an "order placed" stream.
//   POST /topics/:topic/messages            {key, headers, value} -> 201 {partition, offset}
//   GET  /topics/:topic/messages?max&waitMs  -> 200 {messages, backlog}; waits for a message
//   GET  /topics/:topic                      -> 200 {backlog} (what a lag exporter reads)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface BrokerMessage {
  offset: number;
  key: string;
  headers: Record<string, string>;
  value: unknown;
  timestampMs: number;
}

/** Oldest messages are dropped beyond this, as retention would. */
const MAX_BACKLOG = 10_000;

class Topic {
  readonly backlog: BrokerMessage[] = [];
  private nextOffset = 0;
  private readonly waiters = new Set<() => void>();

  append(key: string, headers: Record<string, string>, value: unknown): number {
    const offset = this.nextOffset++;
    this.backlog.push({ offset, key, headers, value, timestampMs: Date.now() });
    if (this.backlog.length > MAX_BACKLOG) this.backlog.shift();
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return offset;
  }

  async take(max: number, waitMs: number, closed: AbortSignal): Promise<BrokerMessage[]> {
    if (this.backlog.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          closed.removeEventListener('abort', done);
          resolve();
        }
        this.waiters.add(done);
        closed.addEventListener('abort', done);
      });
    }
    return this.backlog.splice(0, max);
  }
}

export function createBroker(): Server {
  const topics = new Map<string, Topic>();
  const topic = (name: string) => topics.get(name) ?? topics.set(name, new Topic()).get(name)!;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://broker.local');
    const described = /^\/topics\/([\w.-]+)$/.exec(url.pathname);
    if (described && req.method === 'GET') return send(res, 200, { backlog: topic(described[1]).backlog.length });
    const match = /^\/topics\/([\w.-]+)\/messages$/.exec(url.pathname);
    if (!match) return send(res, 404, { error: `no such resource: ${url.pathname}` });
    const t = topic(match[1]);
    if (req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { key?: string; headers?: Record<string, string>; value?: unknown };
      const offset = t.append(String(body.key ?? ''), body.headers ?? {}, body.value ?? null);
      return send(res, 201, { partition: 0, offset });
    }
    if (req.method === 'GET') {
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      const max = Math.max(1, Number(url.searchParams.get('max') ?? 10));
      const waitMs = Math.min(30_000, Math.max(0, Number(url.searchParams.get('waitMs') ?? 0)));
      const messages = await t.take(max, waitMs, gone.signal);
      if (gone.signal.aborted) {
        // The consumer went away mid-poll: keep its messages for the next one.
        t.backlog.unshift(...messages);
        return;
      }
      return send(res, 200, { messages, backlog: t.backlog.length });
    }
    send(res, 405, { error: `${req.method} not allowed` });
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 400, { error: err.message }));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
