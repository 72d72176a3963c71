// Opening the store: pragmas, migrations and their checksums.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'loupe.db';

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

export interface OpenOptions {
  readonly?: boolean;
  /** Page cache in MiB for this connection. */
  cacheMb?: number;
}

export function openDatabase(dataDir: string, opts: OpenOptions = {}): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(dbPath(dataDir), { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash (kill -9); only an OS crash or
    // power loss may roll back the last transactions.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    db.pragma('wal_autocheckpoint = 4000');
  }
  // Page caches are the core's main memory cost (RSS target: 300 MB at 10M spans). No mmap:
  // mapped pages count towards RSS as they are touched, and reads through the page cache
  // measured as fast for these queries.
  db.pragma(`cache_size = -${(opts.cacheMb ?? 32) * 1024}`);
  db.pragma('temp_store = MEMORY');
  return db;
}

/** Closes a connection that wrote, letting SQLite refresh its planner statistics first. */
export function closeDatabase(db: Db): void {
  try {
    db.pragma('optimize');
  } finally {
    db.close();
  }
}

/**
 * Keeps the write-ahead log small next to a size cap: the WAL is part of what the store takes
 * on disk, and by default it may grow to ~16 MB before a checkpoint (and never shrink). It is
 * checkpointed after ~4 % of the cap (bounded to 0.4–16 MB) and truncated back to that size
 * after each checkpoint.
 */
export function fitWalToCap(db: Db, maxSizeBytes: number): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const limit = Math.min(16 * 1024 * 1024, Math.max(400 * 1024, Math.floor(maxSizeBytes * 0.04)));
  db.pragma(`wal_autocheckpoint = ${Math.max(100, Math.floor(limit / pageSize))}`);
  db.pragma(`journal_size_limit = ${limit}`);
  return limit;
}

export function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex').slice(0, 16);
}

/** Applies pending migrations; throws when an applied one was edited or the store is newer. */
export function migrate(db: Db, migrations: Migration[] = MIGRATIONS): { applied: number[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_ms INTEGER NOT NULL)`);
  const done = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as Array<{
    version: number;
    name: string;
    checksum: string;
  }>;
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of done) {
    const m = known.get(row.version);
    if (!m)
      throw new Error(
        `the store was written by a newer Loupe (schema migration ${row.version} "${row.name}" is unknown to this version)`,
      );
    if (checksum(m) !== row.checksum)
      throw new Error(
        `schema migration ${m.version} "${m.name}" changed after it was applied (checksum ${row.checksum} → ${checksum(m)}); add a new migration instead of editing an applied one`,
      );
  }
  const applied: number[] = [];
  const doneVersions = new Set(done.map((d) => d.version));
  for (const m of migrations) {
    if (doneVersions.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_ms) VALUES (?, ?, ?, ?)').run(
        m.version,
        m.name,
        checksum(m),
        Date.now(),
      );
    })();
    applied.push(m.version);
  }
  return { applied };
}
