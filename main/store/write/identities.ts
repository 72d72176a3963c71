// Services, resources and scopes: rows every signal refers to, deduplicated by hash and
// cached by identity so a batch from a known process costs one map lookup each.
import { createHash } from 'node:crypto';
import type { ResourceRecord, ScopeRecord } from '../../../common/model';
import type { Db } from '../database';
import type { ResourceRef, WriteState } from './state';

export class Identities {
  private readonly services = new Map<string, number>();
  private readonly resources = new Map<string, ResourceRef>();
  private readonly scopes = new Map<string, number>();
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insertService: db.prepare(
        'INSERT INTO services (name, namespace, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (name, namespace) DO NOTHING',
      ),
      selectService: db.prepare('SELECT id FROM services WHERE name = ? AND namespace = ?').pluck(),
      touchService: db.prepare('UPDATE services SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?'),
      touchResource: db.prepare('UPDATE resources SET last_seen_ms = ? WHERE id = ? AND last_seen_ms < ?'),
      insertResource: db.prepare(
        `INSERT INTO resources (hash, service_id, service_version, environment, attributes, dropped_attributes_count, schema_url, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET last_seen_ms = excluded.last_seen_ms RETURNING id`,
      ).pluck(),
      insertScope: db.prepare(
        `INSERT INTO scopes (hash, name, version, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET name = excluded.name RETURNING id`,
      ).pluck(),
    };
  }

  /** The caches may name rows a rolled-back transaction had inserted: forget them. */
  clear(): void {
    this.services.clear();
    this.resources.clear();
    this.scopes.clear();
  }

  private serviceId(name: string, namespace: string, nowMs: number): number {
    const key = namespace + '\u0000' + name;
    let id = this.services.get(key);
    if (id === undefined) {
      this.stmt.insertService.run(name, namespace, nowMs, 0);
      id = this.stmt.selectService.get(name, namespace) as number;
      this.services.set(key, id);
    }
    return id;
  }

  resource(r: ResourceRecord, nowMs: number): ResourceRef {
    const key = `${r.schemaUrl}\u0000${r.droppedAttributesCount}\u0000${r.attributes}`;
    let cached = this.resources.get(key);
    if (cached === undefined) {
      const serviceId = this.serviceId(r.serviceName, r.serviceNamespace, nowMs);
      const hash = createHash('sha1').update(key).digest('hex');
      const id = this.stmt.insertResource.get(hash, serviceId, r.serviceVersion, r.environment, r.attributes, r.droppedAttributesCount, r.schemaUrl, nowMs, nowMs) as number;
      cached = { id, serviceId, serviceName: r.serviceName, version: r.serviceVersion };
      if (this.resources.size > 50_000) this.resources.clear();
      this.resources.set(key, cached);
    } else this.stmt.touchResource.run(nowMs, cached.id, nowMs);
    return cached;
  }

  scope(sc: ScopeRecord): number {
    const key = `${sc.name}\u0000${sc.version}\u0000${sc.schemaUrl}\u0000${sc.droppedAttributesCount}\u0000${sc.attributes}`;
    let id = this.scopes.get(key);
    if (id === undefined) {
      const hash = createHash('sha1').update(key).digest('hex');
      id = this.stmt.insertScope.get(hash, sc.name, sc.version, sc.attributes, sc.droppedAttributesCount, sc.schemaUrl) as number;
      if (this.scopes.size > 50_000) this.scopes.clear();
      this.scopes.set(key, id);
    }
    return id;
  }

  /** Moves each service that received data to its newest item's time; names them in the result. */
  touchServices(st: WriteState): void {
    for (const [id, t] of st.touched) {
      this.stmt.touchService.run(Number(t.lastNs / 1_000_000n), id);
      st.result.services.push(t.name);
    }
  }
}
