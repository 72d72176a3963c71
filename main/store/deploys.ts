// Writes of announced deploys brought in by a snapshot: each stored once (the same service,
// version and time is already there), in one transaction.
import type { Db } from './database';

export interface DeployRow {
  service: string;
  version: string;
  timeMs: number;
  instance: string | null;
  description: string | null;
}

/** Stores the deploys not already there; returns how many were added. */
export function addDeploys(db: Db, deploys: Iterable<DeployRow>, receivedMs = Date.now()): number {
  const exists = db.prepare('SELECT 1 FROM deploys WHERE service = ? AND version = ? AND time_ms = ?').pluck();
  const insert = db.prepare('INSERT INTO deploys (service, version, time_ms, instance, description, received_ms) VALUES (?, ?, ?, ?, ?, ?)');
  let added = 0;
  db.transaction(() => {
    for (const d of deploys) {
      if (exists.get(d.service, d.version, d.timeMs)) continue;
      insert.run(d.service, d.version, d.timeMs, d.instance, d.description, receivedMs);
      added++;
    }
  })();
  return added;
}
