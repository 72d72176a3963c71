// Collects imported items into batches of about `chunkItems` items, grouped by resource and
// scope the way an OTLP request groups them (the writer deduplicates resources by hash, so a
// resource split across chunks is still stored once).
import type { ResourceGroup, ResourceRecord, ScopeRecord, SpanRecord, TelemetryBatch } from '../../common/model';
import { countItems, emptyBatch } from '../../common/model';
import { DEFAULT_LIMITS, addError } from '../otlp/normalize';

function scopeKey(s: ScopeRecord): string {
  return `${s.name}\u0000${s.version}\u0000${s.attributes}\u0000${s.schemaUrl}`;
}

function resourceKey(r: ResourceRecord): string {
  return `${r.attributes}\u0000${r.schemaUrl}`;
}

export class ChunkBuilder {
  private batch: TelemetryBatch = emptyBatch();
  private items = 0;
  private spanGroups = new Map<string, { group: ResourceGroup<SpanRecord>; scopes: Map<string, SpanRecord[]> }>();
  /** Sealed batches waiting to be handed out. */
  readonly ready: TelemetryBatch[] = [];

  constructor(private readonly chunkItems: number) {}

  get pendingItems(): number {
    return this.items;
  }

  addSpan(resource: ResourceRecord, scope: ScopeRecord, span: SpanRecord): void {
    const rk = resourceKey(resource);
    let r = this.spanGroups.get(rk);
    if (!r) {
      r = { group: { resource, scopes: [] }, scopes: new Map() };
      this.spanGroups.set(rk, r);
      this.batch.spans.push(r.group);
    }
    const sk = scopeKey(scope);
    let items = r.scopes.get(sk);
    if (!items) {
      items = [];
      r.scopes.set(sk, items);
      r.group.scopes.push({ scope, items });
    }
    items.push(span);
    if (++this.items >= this.chunkItems) this.seal();
  }

  /** Adds a decoded batch as a whole (an OTLP request is already grouped). */
  addBatch(b: TelemetryBatch): void {
    this.batch.spans.push(...b.spans);
    this.batch.logs.push(...b.logs);
    this.batch.metrics.push(...b.metrics);
    this.batch.truncated += b.truncated;
    this.batch.rejected += b.rejected - b.errors.length;
    for (const e of b.errors) addError(this.batch, DEFAULT_LIMITS, e);
    const n = countItems(b);
    this.items += n.spans + n.logs + n.metricPoints;
    if (this.items >= this.chunkItems) this.seal();
  }

  /** Counts values cut to the attribute limits while converting. */
  addTruncated(n: number): void {
    this.batch.truncated += n;
  }

  /** Counts an item that could not be imported; the store records the reason. */
  reject(message: string): void {
    addError(this.batch, DEFAULT_LIMITS, message);
  }

  seal(): void {
    if (this.items === 0 && this.batch.rejected === 0) return;
    this.ready.push(this.batch);
    this.batch = emptyBatch();
    this.items = 0;
    this.spanGroups = new Map();
  }
}

export function batchItems(b: TelemetryBatch): number {
  const n = countItems(b);
  return n.spans + n.logs + n.metricPoints;
}
