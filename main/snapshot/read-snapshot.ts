// Opening a snapshot: all or nothing. The zip's central directory is read first (a truncated
// file has none, so it is refused before anything is read), then every telemetry entry is
// decoded once in full — checksums, OTLP JSON, item counts against the manifest — without
// storing anything. Only when the whole file is sound is it read a second time into the store.
import { crc32, createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { importStream } from '../../collectors/import/importer';
import { batchItems } from '../../collectors/import/chunk-builder';
import { Backpressure, type SinkOutcome } from '../../common/ingest';
import type { TelemetryBatch } from '../../common/model';
import { countItems } from '../../common/model';
import { CATALOG_ENTRY, DEPLOYS_ENTRY, MANIFEST_ENTRY, SLO_ENTRY, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotManifest, TELEMETRY_ENTRIES } from './manifest';

/** The file is not a snapshot Loupe can open; nothing was stored. */
export class SnapshotRefused extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}; nothing was imported`);
    this.name = 'SnapshotRefused';
  }
}

export type SnapshotSource = { path: string } | { name: string; buffer: Buffer };

export interface OpenedSnapshot {
  manifest: SnapshotManifest;
  /** SLO file text and catalog descriptors, when the snapshot has them. */
  slosYaml: string | null;
  catalogYaml: string | null;
  /** deploys.jsonl as written (JSON lines), when the snapshot has announced deploys. */
  deploysJsonl: string | null;
}

export interface SnapshotImportResult extends OpenedSnapshot {
  spans: number;
  logs: number;
  metricPoints: number;
  /** Items that were already in the store (the snapshot was imported before). */
  duplicates: number;
}

export interface SnapshotImportProgress {
  phase: 'checking' | 'importing';
  bytesRead: number;
  totalBytes: number;
}

const MAX_SIDE_ENTRY = 64 * 1024 * 1024;

/** True when the bytes start like a zip file (local file header or empty archive). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
}

const sourceName = (s: SnapshotSource) => ('path' in s ? s.path : s.name);

function openZip(source: SnapshotSource): Promise<yauzl.ZipFile> {
  const opts: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error('unreadable')) : resolve(zip));
    if ('path' in source) yauzl.open(source.path, opts, done);
    else yauzl.fromBuffer(source.buffer, opts, done);
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (e: yauzl.Entry) => {
      entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** An entry's bytes, inflated here rather than by yauzl: its own inflate stream stalls without
 * an error on some damaged deflate data, and a damaged file must be refused, not hang. */
function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    return Promise.reject(new Error(`${entry.fileName} uses compression method ${entry.compressionMethod}; snapshots use deflate`));
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, { decompress: false } as yauzl.ZipFileOptions, (err, raw) => {
      if (err || !raw) return reject(err ?? new Error('unreadable'));
      if (entry.compressionMethod === 0) return resolve(raw);
      const inflate = createInflateRaw();
      raw.on('error', (e) => inflate.destroy(e));
      resolve(raw.pipe(inflate));
    }),
  );
}

async function readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_SIDE_ENTRY) throw new Error(`${entry.fileName} is ${entry.uncompressedSize} bytes, more than a snapshot's ${MAX_SIDE_ENTRY}`);
  const parts: Buffer[] = [];
  let crc = 0;
  for await (const b of await entryStream(zip, entry)) {
    parts.push(b as Buffer);
    crc = crc32(b as Buffer, crc);
  }
  const data = Buffer.concat(parts);
  if (data.length !== entry.uncompressedSize || crc >>> 0 !== entry.crc32 >>> 0) throw new Error(`${entry.fileName} does not match its checksum (the file is damaged)`);
  return data.toString('utf8');
}

/** An entry's bytes, checked against the zip's CRC-32 once they have all been read. */
async function* checkedBytes(zip: yauzl.ZipFile, entry: yauzl.Entry, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let crc = 0;
  let size = 0;
  for await (const b of await entryStream(zip, entry)) {
    const buf = b as Buffer;
    crc = crc32(buf, crc);
    size += buf.length;
    if (size > entry.uncompressedSize) throw new Error('longer than the zip says (the file is damaged)');
    onBytes(buf.length);
    yield buf;
  }
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32 >>> 0) throw new Error('the data does not match its checksum (the file is damaged)');
}

/** Opens and checks the manifest and side entries; telemetry entries are not read yet. */
async function openSnapshot(source: SnapshotSource): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry>; opened: OpenedSnapshot }> {
  const file = sourceName(source);
  let zip: yauzl.ZipFile;
  let entries: Map<string, yauzl.Entry>;
  try {
    zip = await openZip(source);
    entries = await listEntries(zip);
  } catch (e) {
    throw new SnapshotRefused(file, `not a readable zip file (truncated or corrupt?): ${(e as Error).message}`);
  }
  try {
    const manifestEntry = entries.get(MANIFEST_ENTRY);
    if (!manifestEntry) throw new SnapshotRefused(file, `a zip file, but not a Loupe snapshot: it has no ${MANIFEST_ENTRY}`);
    let raw: unknown;
    try {
      raw = JSON.parse(await readSmall(zip, manifestEntry));
    } catch (e) {
      throw new SnapshotRefused(file, `${MANIFEST_ENTRY} is unreadable: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== SNAPSHOT_FORMAT)
      throw new SnapshotRefused(file, `${MANIFEST_ENTRY} is not a Loupe snapshot manifest (expected "format": "${SNAPSHOT_FORMAT}")`);
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version > SNAPSHOT_VERSION)
      throw new SnapshotRefused(file, `made by a newer Loupe (snapshot version ${version}; this Loupe reads up to ${SNAPSHOT_VERSION})`);
    const parsed = SnapshotManifest.safeParse(raw);
    if (!parsed.success)
      throw new SnapshotRefused(file, `${MANIFEST_ENTRY}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ')}`);
    for (const name of Object.values(TELEMETRY_ENTRIES)) if (!entries.has(name)) throw new SnapshotRefused(file, `${name} is missing`);
    const side = async (name: string) => {
      const e = entries.get(name);
      if (!e) return null;
      try {
        return await readSmall(zip, e);
      } catch (err) {
        throw new SnapshotRefused(file, (err as Error).message);
      }
    };
    return { zip, entries, opened: { manifest: parsed.data, slosYaml: await side(SLO_ENTRY), catalogYaml: await side(CATALOG_ENTRY), deploysJsonl: await side(DEPLOYS_ENTRY) } };
  } catch (e) {
    zip.close();
    throw e;
  }
}

type Signal = keyof typeof TELEMETRY_ENTRIES;
const SIGNALS = Object.keys(TELEMETRY_ENTRIES) as Signal[];

function itemsOf(signal: Signal, batch: TelemetryBatch): number {
  const n = countItems(batch);
  return signal === 'traces' ? n.spans : signal === 'logs' ? n.logs : n.metricPoints;
}

/** Reads every telemetry entry; `onBatch` gets each batch (or nothing, when only checking). */
async function readTelemetry(
  file: string,
  zip: yauzl.ZipFile,
  entries: Map<string, yauzl.Entry>,
  manifest: SnapshotManifest,
  onBytes: (n: number) => void,
  onBatch: ((batch: TelemetryBatch) => Promise<void>) | null,
): Promise<void> {
  for (const signal of SIGNALS) {
    const name = TELEMETRY_ENTRIES[signal];
    const entry = entries.get(name)!;
    let items = 0;
    // A signal the window had none of is an empty entry (the importer calls an empty file a problem).
    if (entry.uncompressedSize === 0) {
      if (manifest[signal].items !== 0) throw new SnapshotRefused(file, `${name} is empty but the manifest says ${manifest[signal].items} items`);
      continue;
    }
    try {
      for await (const chunk of importStream(`${file}:${name}`, checkedBytes(zip, entry, onBytes), entry.uncompressedSize, { format: 'otlp-jsonl', maxProblems: 1 })) {
        if (chunk.problems.length > 0) {
          const p = chunk.problems[0];
          throw new SnapshotRefused(file, `${name}${p.line ? ` line ${p.line}` : ''}: ${p.message}`);
        }
        if (chunk.batch.rejected > 0) throw new SnapshotRefused(file, `${name}: ${chunk.batch.errors[0] ?? 'an item was rejected'}`);
        const other = batchItems(chunk.batch) - itemsOf(signal, chunk.batch);
        if (other > 0) throw new SnapshotRefused(file, `${name} holds data of another signal`);
        items += itemsOf(signal, chunk.batch);
        if (onBatch && batchItems(chunk.batch) > 0) await onBatch(chunk.batch);
      }
    } catch (e) {
      if (e instanceof SnapshotRefused) throw e;
      throw new SnapshotRefused(file, `${name}: ${(e as Error).message}`);
    }
    if (items !== manifest[signal].items)
      throw new SnapshotRefused(file, `${name} holds ${items} items but the manifest says ${manifest[signal].items} (the file is incomplete or was altered)`);
  }
}

/** Checks a snapshot completely without storing anything; throws SnapshotRefused when unsound. */
export async function checkSnapshot(source: SnapshotSource, onProgress?: (p: SnapshotImportProgress) => void): Promise<OpenedSnapshot> {
  const { zip, entries, opened } = await openSnapshot(source);
  try {
    const total = SIGNALS.reduce((n, s) => n + entries.get(TELEMETRY_ENTRIES[s])!.uncompressedSize, 0);
    let read = 0;
    await readTelemetry(sourceName(source), zip, entries, opened.manifest, (n) => onProgress?.({ phase: 'checking', bytesRead: (read += n), totalBytes: total }), null);
    return opened;
  } finally {
    zip.close();
  }
}

export type SnapshotSubmit = (batch: TelemetryBatch) => Promise<SinkOutcome>;

/**
 * Imports a snapshot: checks it whole first (nothing is stored when any part is unsound), then
 * stores it through `submit` (the ingest queue), waiting out backpressure.
 */
export async function importSnapshot(
  source: SnapshotSource,
  submit: SnapshotSubmit,
  onProgress?: (p: SnapshotImportProgress) => void,
): Promise<SnapshotImportResult> {
  const file = sourceName(source);
  await checkSnapshot(source, onProgress);
  const { zip, entries, opened } = await openSnapshot(source);
  const result: SnapshotImportResult = { ...opened, spans: 0, logs: 0, metricPoints: 0, duplicates: 0 };
  try {
    const total = SIGNALS.reduce((n, s) => n + entries.get(TELEMETRY_ENTRIES[s])!.uncompressedSize, 0);
    let read = 0;
    await readTelemetry(
      file,
      zip,
      entries,
      opened.manifest,
      (n) => onProgress?.({ phase: 'importing', bytesRead: (read += n), totalBytes: total }),
      async (batch) => {
        const outcome = await submitWithRetry(submit, batch);
        if (outcome.failed || outcome.malformed) throw new Error(`storing failed: ${outcome.failed ?? outcome.malformed}`);
        const n = countItems(batch);
        result.spans += n.spans;
        result.logs += n.logs;
        result.metricPoints += n.metricPoints;
        result.duplicates += outcome.duplicates;
      },
    );
    return result;
  } finally {
    zip.close();
  }
}

async function submitWithRetry(submit: SnapshotSubmit, batch: TelemetryBatch): Promise<SinkOutcome> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      return await submit(batch);
    } catch (e) {
      if (!(e instanceof Backpressure) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, Math.min(Math.max(0.05, e.retryAfterSeconds), 5) * 1000));
    }
  }
}
