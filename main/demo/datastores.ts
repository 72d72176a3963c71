// The shop's datastores, simulated in-process: a PostgreSQL database "shopdb" that several
// services share (the anti-pattern Loupe flags) and a Redis cache. Nothing real runs; each call
// produces the CLIENT span and metrics a database client instrumentation would (database
// semantic conventions), with latency that grows when the connection pool is exhausted. The
// slow-database fault plays a runaway job: it holds all but one connection of every pool and
// its locks make each statement wait.
import { SpanKind, SpanStatusCode, type Attributes, type Histogram, type Meter, type Tracer } from '@opentelemetry/api';
import type { ActiveFaults } from './active-faults';
import { chance, work, type LatencyShape } from './simulation';

export interface Statement {
  operation: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  /** Parameterised, as a driver sends it: values never appear in the text. */
  text: string;
  latency?: LatencyShape;
  /** A failure this statement sometimes hits, by SQLSTATE. */
  failure?: { chance: number; sqlState: string; message: string };
}

export class DatabaseError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

const SHOPDB = { name: 'shopdb', host: 'postgres.shop.internal', port: 5432 };
const DEFAULT_QUERY_LATENCY: LatencyShape = { medianMs: 3, sigma: 0.5, tailChance: 0.01, tailFactor: 10 };
/** How long a statement waits on the runaway job's locks while the slow-database fault is on. */
const LOCK_WAIT: LatencyShape = { medianMs: 80, sigma: 0.4, tailChance: 0.02, tailFactor: 4 };

export class ShopDatabase {
  /** Connections in use by this service's requests. */
  private used = 0;
  /** Connections held by the runaway job (slow-database fault). */
  private held = 0;
  private locksHeld = false;
  private readonly waiting: Array<() => void> = [];
  private readonly duration: Histogram;

  constructor(
    private readonly tracer: Tracer,
    meter: Meter,
    private readonly poolSize: number,
    faults: ActiveFaults,
  ) {
    this.duration = operationDurationHistogram(meter);
    faults.watch((active) => {
      this.locksHeld = active.has('slow-database');
      this.held = this.locksHeld ? poolSize - 1 : 0;
      this.handOver();
    });
    const pool = { 'db.client.connection.pool.name': `${SHOPDB.host}:${SHOPDB.port}/${SHOPDB.name}` };
    meter
      .createObservableUpDownCounter('db.client.connection.count', {
        unit: '{connection}',
        description: 'Connections in the pool, by state',
      })
      .addCallback((result) => {
        const used = Math.min(this.poolSize, this.used + this.held);
        result.observe(used, { ...pool, 'db.client.connection.state': 'used' });
        result.observe(this.poolSize - used, { ...pool, 'db.client.connection.state': 'idle' });
      });
    meter
      .createObservableUpDownCounter('db.client.connection.pending_requests', {
        unit: '{request}',
        description: 'Requests waiting for a free connection',
      })
      .addCallback((result) => result.observe(this.waiting.length, pool));
  }

  query(statement: Statement): Promise<void> {
    const attributes: Attributes = {
      'db.system.name': 'postgresql',
      'db.namespace': SHOPDB.name,
      'db.operation.name': statement.operation,
      'db.collection.name': statement.table,
      'db.query.summary': `${statement.operation} ${statement.table}`,
      'db.query.text': statement.text,
      'server.address': SHOPDB.host,
      'server.port': SHOPDB.port,
    };
    return this.tracer.startActiveSpan(`${statement.operation} ${statement.table}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      let errorType: string | undefined;
      try {
        await this.acquire();
        try {
          if (this.locksHeld) await work(LOCK_WAIT);
          await work(statement.latency ?? DEFAULT_QUERY_LATENCY);
          const failure = statement.failure;
          if (failure && chance(failure.chance)) throw new DatabaseError(failure.sqlState, failure.message);
        } finally {
          this.release();
        }
      } catch (err) {
        const error = err as Error;
        errorType = err instanceof DatabaseError ? err.sqlState : error.name;
        span.recordException(error);
        span.setAttributes({ 'error.type': errorType, 'db.response.status_code': errorType });
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        throw err;
      } finally {
        span.end();
        const metricAttributes = { ...pick(attributes, 'db.system.name', 'db.namespace', 'db.operation.name', 'db.collection.name', 'server.address', 'server.port') };
        if (errorType) metricAttributes['error.type'] = errorType;
        this.duration.record((performance.now() - started) / 1000, metricAttributes);
      }
    });
  }

  private async acquire(): Promise<void> {
    if (this.waiting.length === 0 && this.used + this.held < this.poolSize) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    this.used--;
    this.handOver();
  }

  /** Gives free connections to waiting requests, oldest first. */
  private handOver(): void {
    while (this.waiting.length > 0 && this.used + this.held < this.poolSize) {
      this.used++;
      this.waiting.shift()!();
    }
  }
}

const CACHE = { host: 'redis.shop.internal', port: 6379, database: '0' };

export type CacheOperation = 'GET' | 'SET' | 'DEL' | 'HGETALL' | 'HSET';

export class ShopCache {
  private readonly duration: Histogram;

  constructor(
    private readonly tracer: Tracer,
    meter: Meter,
  ) {
    this.duration = operationDurationHistogram(meter);
  }

  /** Runs one command; `keyPattern` is the key with its variable part as `?` (e.g. `cart:?`). */
  command(operation: CacheOperation, keyPattern: string, latency: LatencyShape = { medianMs: 0.6, sigma: 0.4 }): Promise<void> {
    const attributes: Attributes = {
      'db.system.name': 'redis',
      'db.namespace': CACHE.database,
      'db.operation.name': operation,
      'db.query.text': `${operation} ${keyPattern}`,
      'server.address': CACHE.host,
      'server.port': CACHE.port,
    };
    return this.tracer.startActiveSpan(operation, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      await work(latency);
      span.end();
      this.duration.record((performance.now() - started) / 1000, pick(attributes, 'db.system.name', 'db.namespace', 'db.operation.name', 'server.address', 'server.port'));
    });
  }
}

function operationDurationHistogram(meter: Meter): Histogram {
  return meter.createHistogram('db.client.operation.duration', {
    unit: 's',
    description: 'Duration of database client operations',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] },
  });
}

function pick(attributes: Attributes, ...keys: string[]): Attributes {
  return Object.fromEntries(keys.filter((k) => attributes[k] !== undefined).map((k) => [k, attributes[k]]));
}
