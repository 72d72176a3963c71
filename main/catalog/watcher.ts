// Watches the catalog's sources and calls back (debounced) when something may have changed.
// macOS and Windows watch a folder tree natively (fs.watch recursive). On Linux, Node emulates
// recursion with one inotify watch per folder including node_modules, so Loupe watches each
// folder itself and skips node_modules and .git. Files outside the source folders (Location
// targets, missing targets) are watched through their parent folder. If watching fails (no
// support, inotify limits), it falls back to polling; the catalog then reloads only when a
// file's fingerprint changed.
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WatchTargets {
  /** Folders to watch with everything below them. */
  directories: readonly string[];
  /** Single files (or paths that do not exist yet). */
  paths: readonly string[];
}

export interface SourceWatcherOptions {
  debounceMs: number;
  pollIntervalMs: number;
  /** Poll instead of using fs.watch. */
  poll: boolean;
  /** Called with the paths that changed (empty when polling, where only a reload can tell). */
  onChange: (paths: string[]) => void;
}

const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';
const SKIPPED = new Set(['node_modules', '.git']);

/** Events worth a reload: descriptor files, and names without an extension (likely folders). */
function isRelevant(name: string): boolean {
  if (name.split(/[\\/]/).some((part) => SKIPPED.has(part))) return false;
  const base = basename(name);
  return /\.ya?ml$/i.test(base) || !base.includes('.');
}

async function subfolders(dir: string): Promise<string[]> {
  const out = [dir];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const nested = await Promise.all(entries.filter((e) => e.isDirectory() && !SKIPPED.has(e.name)).map((e) => subfolders(join(dir, e.name))));
  return out.concat(...nested);
}

export class SourceWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  /** For folders watched for single files: the file names that matter. */
  private readonly fileNames = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private debounce: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private missingTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Whether update() has run once: folders watched after that are new since the last load. */
  private updated = false;

  constructor(private readonly options: SourceWatcherOptions) {
    if (options.poll) this.startPolling();
  }

  get polling(): boolean {
    return this.pollTimer !== null;
  }

  /** Watches exactly these targets (called after every load, as targets and folders change). */
  async update(targets: WatchTargets): Promise<void> {
    if (this.closed || this.polling) return;
    const wanted = new Map<string, { recursive: boolean; names?: Set<string> }>();
    for (const dir of targets.directories) {
      if (NATIVE_RECURSIVE) wanted.set(dir, { recursive: true });
      else for (const folder of await subfolders(dir)) wanted.set(folder, { recursive: false });
    }
    for (const path of targets.paths) {
      const dir = dirname(path);
      const entry = wanted.get(dir) ?? { recursive: false, names: new Set<string>() };
      // A folder already watched as part of a tree reports every name anyway.
      if (entry.names) entry.names.add(basename(path));
      wanted.set(dir, entry);
    }
    if (this.closed) return;

    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    this.fileNames.clear();
    let missingFolder = false;
    const added: string[] = [];
    for (const [dir, how] of wanted) {
      if (how.names) this.fileNames.set(dir, how.names);
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { recursive: how.recursive, persistent: false }, (_event, name) => this.onEvent(dir, name?.toString() ?? ''));
        watcher.on('error', () => this.startPolling());
        this.watchers.set(dir, watcher);
        if (!how.names) added.push(dir);
      } catch (e) {
        // A missing parent folder (a target that does not exist yet) is only noticed by polling;
        // anything else (no recursive support, inotify limits) switches to polling altogether.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') missingFolder = true;
        else return this.startPolling();
      }
    }
    // A folder that appeared since the last load is only watched from now on: whatever was
    // written into it between its creation and this watcher (`mkdir x && cp catalog-info.yaml x/`)
    // raised no event, so it is read once more.
    if (this.updated) for (const dir of added) this.onEvent(dir, '');
    this.updated = true;
    if (missingFolder) this.ensurePollingFor();
    else if (this.missingTimer) {
      clearInterval(this.missingTimer);
      this.missingTimer = null;
    }
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.missingTimer) clearInterval(this.missingTimer);
    this.debounce = null;
    this.pollTimer = null;
    this.missingTimer = null;
  }

  private onEvent(dir: string, name: string): void {
    // Folders watched for single files report their other entries too; trees report only names
    // that can matter (see isRelevant).
    const names = this.fileNames.get(dir);
    if (names ? !names.has(basename(name)) : name !== '' && !isRelevant(name)) return;
    this.pending.add(name ? join(dir, name) : dir);
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), this.options.debounceMs);
  }

  private flush(): void {
    this.debounce = null;
    if (this.closed) return;
    const paths = [...this.pending];
    this.pending.clear();
    this.options.onChange(paths);
  }

  /** A poll alongside the watchers, for targets whose folder does not exist yet. */
  private ensurePollingFor(): void {
    if (this.missingTimer || this.closed) return;
    this.missingTimer = setInterval(() => this.options.onChange([]), this.options.pollIntervalMs);
    this.missingTimer.unref();
  }

  private startPolling(): void {
    if (this.closed) return;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => this.options.onChange([]), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }
}
