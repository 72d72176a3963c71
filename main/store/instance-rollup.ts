// Instances at ingest (Eureka-like registry, fed by telemetry instead of heartbeats): each
// resource names its instance by `service.instance.id` (the semantic conventions' identity),
// else `host.name` + `process.pid`, else its host alone. Every span, log and metric point is a
// heartbeat; requests entering the instance feed its per-minute RED. Kept beside the writer so
// the writer only calls in at a few points.
import type { Db } from './database';
import type { ResourceRecord } from '../../common/model';
import * as H from '../../common/latency-histogram';

export interface InstanceIdentity {
  instance: string;
  host: string;
}

/** The instance a resource's attributes name (see file comment for the order). */
export function instanceOf(attributes: Record<string, unknown>): InstanceIdentity {
  const str = (k: string) => {
    const v = attributes[k];
    return v === undefined || v === null || v === '' ? '' : String(v);
  };
  const host = str('host.name') || str('host.id') || str('k8s.pod.name');
  const id = str('service.instance.id');
  if (id) return { instance: id, host };
  const pid = str('process.pid');
  if (host && pid) return { instance: `${host}:${pid}`, host };
  if (pid) return { instance: `pid ${pid}`, host };
  return { instance: host || 'unknown', host };
}

interface ResourceInstance extends InstanceIdentity {
  resourceId: number;
  serviceId: number;
  version: string;
  key: string;
}

interface Pending {
  inst: ResourceInstance;
  firstNs: bigint;
  lastNs: bigint;
  minutes: Map<number, MinutePending>;
}

interface MinutePending {
  minute: number;
  telemetry: number;
  calls: number;
  errors: number;
  ok: H.Histogram;
  err: H.Histogram;
}

const MINUTE_NS = 60_000_000_000n;

export class InstanceRollup {
  private readonly byResource = new Map<number, ResourceInstance>();
  private seen = new Map<string, Pending>();
  /** The instance the last item counted for: a request's items are mostly one resource's. */
  private last: Pending | null = null;
  private readonly upsertInstance;
  private readonly upsertMinute;

  constructor(db: Db) {
    this.upsertInstance = db.prepare(
      `INSERT INTO instances (service_id, instance, version, host, first_seen_ns, last_seen_ns, resource_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (service_id, instance, version) DO UPDATE SET first_seen_ns = min(first_seen_ns, excluded.first_seen_ns),
         last_seen_ns = max(last_seen_ns, excluded.last_seen_ns), host = excluded.host, resource_id = excluded.resource_id`,
    );
    this.upsertMinute = db.prepare(
      `INSERT INTO rollup_instance_minute (minute, service_id, instance, version, telemetry, calls, errors, hist_ok, hist_err)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (minute, service_id, instance, version) DO UPDATE SET telemetry = telemetry + excluded.telemetry,
         calls = calls + excluded.calls, errors = errors + excluded.errors,
         hist_ok = loupe_hist_merge(hist_ok, excluded.hist_ok), hist_err = loupe_hist_merge(hist_err, excluded.hist_err)`,
    );
  }

  /** Names the instance of a stored resource (once per resource id). */
  identify(res: { id: number; serviceId: number; version: string }, resource: ResourceRecord): void {
    if (this.byResource.has(res.id)) return;
    let attrs: Record<string, unknown> = {};
    try {
      attrs = JSON.parse(resource.attributes) as Record<string, unknown>;
    } catch {
      // attributes are canonical JSON from the decoder; an unreadable one names no instance
    }
    if (this.byResource.size > 50_000) this.byResource.clear();
    const id = instanceOf(attrs);
    const key = `${res.serviceId}\u0000${id.instance}\u0000${res.version}`;
    this.byResource.set(res.id, { ...id, resourceId: res.id, serviceId: res.serviceId, version: res.version, key });
  }

  /** A stored telemetry item of this resource at `ns` (in `minute`); with `isError` and `micros`
   * when it is a request entering the instance. */
  onItem(resourceId: number, ns: bigint, minute = Number(ns / MINUTE_NS), isError?: boolean, micros = 0): void {
    let p = this.last;
    if (p === null || p.inst.resourceId !== resourceId) {
      const inst = this.byResource.get(resourceId);
      if (inst === undefined) return;
      p = this.seen.get(inst.key) ?? null;
      if (p === null) {
        p = { inst, firstNs: ns, lastNs: ns, minutes: new Map() };
        this.seen.set(inst.key, p);
      }
      this.last = p;
    }
    if (ns < p.firstNs) p.firstNs = ns;
    if (ns > p.lastNs) p.lastNs = ns;
    let m = p.minutes.get(minute);
    if (m === undefined) {
      m = { minute, telemetry: 0, calls: 0, errors: 0, ok: new Map(), err: new Map() };
      p.minutes.set(minute, m);
    }
    m.telemetry++;
    if (isError !== undefined) {
      m.calls++;
      if (isError) {
        m.errors++;
        H.record(m.err, micros);
      } else H.record(m.ok, micros);
    }
  }

  /** Writes what this transaction accumulated (called inside it). */
  flush(): void {
    for (const p of this.seen.values()) {
      const i = p.inst;
      this.upsertInstance.run(i.serviceId, i.instance, i.version, i.host, p.firstNs, p.lastNs, i.resourceId);
      for (const m of p.minutes.values())
        this.upsertMinute.run(m.minute, i.serviceId, i.instance, i.version, m.telemetry, m.calls, m.errors, blob(m.ok), blob(m.err));
    }
    this.seen = new Map();
    this.last = null;
  }

  /** Forgets what a failed transaction accumulated. */
  discard(): void {
    this.seen = new Map();
    this.last = null;
  }
}

function blob(h: H.Histogram): Buffer | null {
  return h.size === 0 ? null : Buffer.from(H.encode(h));
}
