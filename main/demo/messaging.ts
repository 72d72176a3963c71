// Producing to and consuming from the demo broker with the spans a Kafka client instrumentation
// makes (messaging semantic conventions): a PRODUCER "send orders" span whose context travels
// in the message headers, and a CONSUMER "process orders" span that starts a NEW trace linked to
// the producer's span (the conventions' recommended shape, and what most real consumers do: the
// work happens later, on its own schedule, often batched).
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link } from '@opentelemetry/api';
import type { BrokerMessage } from './broker';
import { untracedRequest } from './http-service';
import { sleep } from './simulation';
import type { ServiceTelemetry } from './telemetry';

const KAFKA = { host: 'kafka.shop.internal', port: 9092 };

function messagingAttributes(topic: string): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': '0',
    'server.address': KAFKA.host,
    'server.port': KAFKA.port,
  };
}

export class TopicProducer {
  constructor(
    private readonly telemetry: ServiceTelemetry,
    private readonly brokerUrl: string,
    readonly topic: string,
  ) {}

  send(key: string, value: unknown): Promise<void> {
    const attributes: Attributes = {
      ...messagingAttributes(this.topic),
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.kafka.message.key': key,
    };
    return this.telemetry.tracer.startActiveSpan(`send ${this.topic}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
      try {
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        const body = JSON.stringify({ key, headers, value });
        span.setAttribute('messaging.message.body.size', Buffer.byteLength(body));
        const reply = await brokerRequest(this.telemetry, 'POST', new URL(`/topics/${this.topic}/messages`, this.brokerUrl), body);
        const { offset } = JSON.parse(reply) as { offset: number };
        span.setAttribute('messaging.kafka.offset', offset);
      } catch (err) {
        const error = err as Error;
        span.recordException(error);
        span.setAttribute('error.type', error.name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        throw err;
      } finally {
        span.end();
      }
    });
  }
}

export type MessageHandler = (message: BrokerMessage) => Promise<void>;

export class TopicConsumer {
  /** Messages waiting in the topic at the last poll. */
  backlog = 0;
  private stopped = false;
  /** Paused (the stop-consumer fault): no messages are taken, the backlog is still read. */
  paused = false;
  /** Messages taken from the broker and not processed yet: a pause stops between two of them. */
  private fetched: BrokerMessage[] = [];
  private readonly polling = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly telemetry: ServiceTelemetry,
    private readonly brokerUrl: string,
    readonly topic: string,
    readonly group: string,
  ) {
    telemetry.meter
      .createObservableGauge('shop.queue.depth', { unit: '{message}', description: 'Messages waiting in the topic, as the broker reported on the last poll' })
      .addCallback((result) => result.observe(this.backlog, { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': group }));
  }

  start(handle: MessageHandler): void {
    this.loop = this.run(handle);
  }

  /** Stops polling; the message being processed is finished first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.polling.abort();
    await this.loop;
  }

  private async run(handle: MessageHandler): Promise<void> {
    const url = new URL(`/topics/${this.topic}/messages?max=10&waitMs=1000`, this.brokerUrl);
    const depth = new URL(`/topics/${this.topic}`, this.brokerUrl);
    while (!this.stopped) {
      if (this.paused) {
        try {
          const waiting = (JSON.parse(await brokerRequest(this.telemetry, 'GET', depth, undefined, this.polling.signal)) as { backlog: number }).backlog;
          this.backlog = waiting + this.fetched.length;
        } catch {
          // the broker is away; try again on the next round
        }
        if (!this.stopped) await sleep(1000);
        continue;
      }
      if (this.fetched.length === 0) {
        let batch: { messages: BrokerMessage[]; backlog: number };
        try {
          batch = JSON.parse(await brokerRequest(this.telemetry, 'GET', url, undefined, this.polling.signal));
        } catch {
          if (!this.stopped) await sleep(500);
          continue;
        }
        this.fetched = batch.messages;
        this.backlog = batch.backlog + batch.messages.length;
      }
      // A stop finishes the batch (its messages left the broker); a pause keeps the rest for later.
      while (this.fetched.length > 0 && !this.paused) {
        await this.process(this.fetched.shift()!, handle);
        this.backlog--;
      }
    }
  }

  private process(message: BrokerMessage, handle: MessageHandler): Promise<void> {
    const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers));
    const links: Link[] = producer ? [{ context: producer }] : [];
    const attributes: Attributes = {
      ...messagingAttributes(this.topic),
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': this.group,
      'messaging.kafka.message.key': message.key,
      'messaging.kafka.offset': message.offset,
    };
    return this.telemetry.tracer.startActiveSpan(`process ${this.topic}`, { kind: SpanKind.CONSUMER, attributes, links, root: true }, ROOT_CONTEXT, async (span) => {
      try {
        await handle(message);
      } catch (err) {
        const error = err as Error;
        span.recordException(error);
        span.setAttribute('error.type', error.name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        this.telemetry.log.error(`failed to process message ${message.offset} from ${this.topic}: ${error.message}`, {
          'messaging.destination.name': this.topic,
          'messaging.kafka.offset': message.offset,
        });
      } finally {
        span.end();
      }
    });
  }
}

/** One call to the broker; its wire protocol is not part of the trace. */
async function brokerRequest(telemetry: ServiceTelemetry, method: 'GET' | 'POST', url: URL, body?: string, signal?: AbortSignal): Promise<string> {
  const reply = await untracedRequest(telemetry.http, method, url, { body, signal, timeoutMs: 5000 });
  if (reply.status >= 300) throw new Error(`broker answered ${reply.status}: ${reply.text}`);
  return reply.text;
}
