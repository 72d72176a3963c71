// What a snapshot carries besides telemetry: the SLO definitions of the services involved and
// their catalog descriptors. Taken from the live core when writing; when importing, SLOs the
// store does not define yet are added to slos.yaml and the descriptors are saved next to the
// data and added as a catalog source, so the service pages show owners and runbooks as they were.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { migrate, openDatabase } from '../store/database';
import { type DeployRow, addDeploys } from '../store/deploys';
import { SloDefinition } from '../../common/api/slo-schemas';
import { CATALOG_SOURCES_FILE } from '../catalog/host';
import { SLO_FILE, editSloFile, readSloFile } from '../slo/slo-file';
import type { SnapshotExtras } from './write-snapshot';
import type { OpenedSnapshot } from './read-snapshot';
import { CATALOG_ENTRY } from './manifest';

/** SLOs of the services involved (all services when `services` is empty) and catalog descriptors. */
export function snapshotExtras(dataDir: string, services: readonly string[], descriptors: Array<Record<string, unknown>>): SnapshotExtras {
  const wanted = new Set(services);
  const slos = readSloFile(join(dataDir, SLO_FILE)).slos.filter((s) => wanted.size === 0 || wanted.has(s.service));
  return {
    slos: slos.length ? { yaml: stringify({ slos }), count: slos.length } : null,
    catalogYaml: descriptors.length ? { yaml: descriptors.map((d) => stringify(d)).join('---\n'), count: descriptors.length } : null,
  };
}

export interface AdoptedSideData {
  slosAdded: string[];
  deploysAdded: number;
  /** Where the snapshot's catalog descriptors were saved (a catalog source), if it had any. */
  catalogPath: string | null;
}

/** Adds the snapshot's SLOs (those whose id is new) and saves its catalog descriptors. */
export function adoptSideData(dataDir: string, opened: OpenedSnapshot): AdoptedSideData {
  const out: AdoptedSideData = { slosAdded: [], deploysAdded: 0, catalogPath: null };
  if (opened.deploysJsonl) out.deploysAdded = storeSnapshotDeploys(dataDir, opened.deploysJsonl);
  if (opened.slosYaml) {
    const path = join(dataDir, SLO_FILE);
    const have = new Set(readSloFile(path).slos.map((s) => s.id));
    const list = (parse(opened.slosYaml) as { slos?: unknown[] } | null)?.slos ?? [];
    for (const item of list) {
      const slo = SloDefinition.safeParse(item);
      if (!slo.success || have.has(slo.data.id)) continue;
      editSloFile(path, slo.data.id, slo.data);
      out.slosAdded.push(slo.data.id);
    }
  }
  if (opened.catalogYaml) {
    const stamp = opened.manifest.createdAt.replace(/[^0-9A-Za-z]/g, '');
    const dir = join(dataDir, 'snapshots', stamp);
    mkdirSync(dir, { recursive: true });
    out.catalogPath = join(dir, CATALOG_ENTRY);
    writeFileSync(out.catalogPath, opened.catalogYaml);
  }
  return out;
}

/** Adds a path to the catalog sources kept next to the data (what the UI's source list edits). */
export function addCatalogSource(dataDir: string, path: string): void {
  const file = join(dataDir, CATALOG_SOURCES_FILE);
  let sources: string[] = [];
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { sources?: unknown };
      if (Array.isArray(parsed.sources)) sources = parsed.sources.filter((s): s is string => typeof s === 'string');
    } catch {
      // an unreadable file is replaced, as the UI would
    }
  }
  if (!sources.includes(path)) writeFileSync(file, JSON.stringify({ sources: [...sources, path] }, null, 2) + '\n');
}

/** Announced deploys, each stored once (same service, version and time: already there). */
function storeSnapshotDeploys(dataDir: string, jsonl: string): number {
  const db = openDatabase(dataDir);
  try {
    migrate(db);
    const deploys: DeployRow[] = [];
    for (const line of jsonl.split('\n')) {
      if (!line.trim()) continue;
      const d = JSON.parse(line) as { service?: unknown; version?: unknown; timeMs?: unknown; instance?: unknown; description?: unknown };
      if (typeof d.service !== 'string' || typeof d.version !== 'string' || typeof d.timeMs !== 'number') continue;
      deploys.push({
        service: d.service,
        version: d.version,
        timeMs: d.timeMs,
        instance: typeof d.instance === 'string' ? d.instance : null,
        description: typeof d.description === 'string' ? d.description : null,
      });
    }
    return addDeploys(db, deploys);
  } finally {
    db.close();
  }
}
