// `loupe snapshot --from T1 --to T2 [--service S…] --out FILE`: one zip with the window's
// traces, logs and metrics (OTLP JSON lines), SLOs, the catalog entities of the services
// involved and a manifest, for a colleague to open with `loupe import` or `loupe serve --snapshot`.
import { parseArgs } from 'node:util';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { defaultDataDir } from '../config/paths';
import { ReadStore } from '../query/read-store';
import { migrate, openDatabase } from '../store/database';
import { CatalogHost } from '../catalog/host';
import { writeSnapshot } from '../snapshot/write-snapshot';
import { snapshotExtras } from '../snapshot/side-data';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `now`, `now-15m`, unix ms or an ISO time → unix ms. */
export function parseTimeArg(v: string, flag: string, now = Date.now()): number {
  const t = v.trim();
  if (t === 'now') return now;
  const rel = /^now-(\d+(?:\.\d+)?)([smhd])$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`${flag} expects a time: an ISO time (2026-12-05T08:00:00Z), unix ms, "now" or "now-30m"; got "${v}"`);
  return ms;
}

export async function snapshotCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      service: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
      'data-dir': { type: 'string' },
      catalog: { type: 'string', multiple: true },
    },
  });
  if (!values.from || !values.out) {
    console.error('loupe snapshot: --from T and --out FILE are required (--to defaults to now)');
    return 2;
  }
  const from = parseTimeArg(values.from, '--from');
  const to = parseTimeArg(values.to ?? 'now', '--to');
  if (from >= to) throw new Error(`--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openDatabase(dataDir);
  migrate(db);
  db.close();
  const store = new ReadStore(dataDir);
  const catalog = new CatalogHost(dataDir, values.catalog ?? [], store, () => undefined, () => undefined);
  const tmp = `${values.out}.partial`;
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  try {
    await catalog.start();
    const services = values.service ?? [];
    const involved = services.length ? services : catalog.observe({ from, to }).services;
    const extras = snapshotExtras(dataDir, services, catalog.descriptorsFor(involved));
    const manifest = await writeSnapshot(store, { from, to, services }, extras, createWriteStream(tmp), (p) => {
      const now = Date.now();
      if (p.phase === 'done' || (!tty && now - lastLine < 2000)) return;
      lastLine = now;
      const line = `${p.phase}: ${p.done}/${p.total} · ${(p.bytes / 1024 / 1024).toFixed(1)} MB written`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    });
    if (tty) process.stderr.write('\r\x1b[K');
    renameSync(tmp, values.out);
    console.log(
      `${values.out}: ${manifest.traces.traces} traces (${manifest.traces.items} spans), ${manifest.logs.items} log records, ${manifest.metrics.items} metric points, ` +
        `${manifest.slos} SLOs, ${manifest.catalogEntities} catalog entities from ${manifest.services.length} services`,
    );
    return 0;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    catalog.close();
    store.close();
  }
}
