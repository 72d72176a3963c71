// One registry of data sources: `local` (this SQLite store) and every source in
// datasources.yaml, each read by the plugin its `type` names. Screens ask the registry, never a
// plugin directly; each answer and failure updates the source's status, so a backend that is
// down shows as unavailable (not as an empty chart) and recovers on the next good answer.
import { CAPABILITIES, type Capability, type MethodName, type ParamsOf, type ResultOf } from '../../common/plugin-protocol';
import { LOCAL_SOURCE, type DataSourceEntry, type DataSourceInfo, type DataSourceList, type DataSourceTest } from '../../common/api/datasource-schemas';
import { QueryError } from '../query/traces';
import type { PluginHost } from '../plugin-host/host';
import { PluginCallError } from '../plugin-host/plugin-process';
import type { DataSourceFile } from './datasource-file';
import type { SecretStore } from './secrets';
import type { SloFile } from '../slo/slo-file';
import { pluginReads } from './plugin-reads';
import type { SourceReads } from './source-reads';

/** What `local` answers (the store's own screens). */
const LOCAL_CAPABILITIES: Capability[] = ['metrics', 'serviceGraph', 'traces', 'logs', 'health'];

interface Observed {
  status: DataSourceInfo['status'];
  error: string | null;
  checkedAt: number | null;
}

export class SourceRegistry {
  private readonly observed = new Map<string, Observed>();
  /** Called after the configured sources changed (added, edited, removed, file edited). */
  onChange: (() => void) | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  /** The local store's reads, given by the API that serves them. */
  private localReads: SourceReads | null = null;

  constructor(
    private readonly file: DataSourceFile,
    private readonly secrets: SecretStore,
    private readonly host: PluginHost,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Registers how the local store answers the reads (its own handlers). */
  serveLocal(reads: SourceReads): void {
    this.localReads = reads;
  }

  /** The reads of a source by name (`local` when none is named): the store's own, or the
   * source's plugin's. An unknown name is a 400 naming it, when its first read is asked. */
  reads(name: string | undefined, context: { sloFile: SloFile }): SourceReads {
    if (name === undefined || name === '' || name === LOCAL_SOURCE) {
      if (!this.localReads) throw new Error('the local store has not been registered as a source');
      return this.localReads;
    }
    return pluginReads(this, name, context.sloFile);
  }

  list(): DataSourceList {
    const local: DataSourceInfo = {
      name: LOCAL_SOURCE,
      type: 'local',
      status: 'ok',
      error: null,
      checkedAt: null,
      capabilities: LOCAL_CAPABILITIES,
      settings: {},
      secretsSet: [],
      targets: [],
      formerNames: [],
    };
    return {
      file: this.file.path,
      problems: [...this.file.problems, ...this.secrets.problems],
      datasources: [local, ...this.file.entries.map((e) => this.info(e))],
    };
  }

  private info(entry: DataSourceEntry): DataSourceInfo {
    const { name, type, formerNames, ...settings } = entry;
    const plugin = this.host.list().find((p) => p.id === type);
    const seen = this.observed.get(name) ?? { status: 'unknown', error: null, checkedAt: null };
    let { status, error } = seen;
    if (!plugin) {
      status = 'error';
      error = `no plugin "${type}" is installed (loupe plugins list)`;
    } else if (plugin.status.state === 'crashed') {
      status = 'unavailable';
      error = `the ${type} plugin crashed: ${plugin.status.lastError}`;
    }
    const secretFields = plugin?.settingsSchema ? secretFieldsOf(plugin.settingsSchema) : [];
    const stored = this.secrets.get(name);
    const visible = Object.fromEntries(Object.entries(settings).filter(([k]) => !secretFields.includes(k)));
    const secretsSet = [...new Set([...Object.keys(stored), ...Object.keys(settings).filter((k) => secretFields.includes(k))])];
    // Without the plugin's schema yet, hide every value that looks like a credential.
    if (!plugin?.settingsSchema) for (const k of Object.keys(visible)) if (/token|password|secret|key/i.test(k)) delete visible[k];
    return {
      name,
      type,
      status,
      error,
      checkedAt: seen.checkedAt,
      capabilities: plugin?.capabilities.filter((c) => (CAPABILITIES as readonly string[]).includes(c)) ?? [],
      settings: visible,
      secretsSet,
      targets: plugin ? (this.host.process(type).targets.get(name) ?? []) : [],
      formerNames: namesOf(formerNames),
    };
  }

  /** A source by its name, or by a name it had before a rename. */
  entry(name: string): DataSourceEntry {
    const entry = this.file.entries.find((e) => e.name === name) ?? this.file.entries.find((e) => namesOf(e.formerNames).includes(name));
    if (!entry) throw new QueryError('unknown_source', `no data source "${name}" (configured: ${[LOCAL_SOURCE, ...this.file.entries.map((e) => e.name)].join(', ')})`, 404);
    return entry;
  }

  /** Adds or replaces a source; secrets go to the secret store, the rest to datasources.yaml. */
  async put(input: { name: string; type: string; settings: Record<string, unknown> }): Promise<DataSourceInfo> {
    if (input.name === LOCAL_SOURCE) throw new QueryError('bad_source', '"local" is the built-in store; choose another name');
    if (!this.host.has(input.type)) throw new QueryError('unknown_plugin', `no plugin "${input.type}" is installed`);
    const schema = await this.host.settingsSchema(input.type).catch((e: Error) => {
      throw new QueryError('plugin_unavailable', e.message, 502);
    });
    const secretFields = secretFieldsOf(schema);
    const settings: Record<string, unknown> = {};
    const secrets = this.secrets.get(input.name);
    for (const [k, v] of Object.entries(input.settings)) {
      if (k === 'name' || k === 'type' || k === 'formerNames') continue;
      if (secretFields.includes(k)) {
        // An empty secret field in a form means "unchanged".
        if (typeof v === 'string' && v !== '') secrets[k] = v;
      } else if (v !== undefined && v !== null && v !== '') settings[k] = v;
    }
    const previous = this.file.entries.find((e) => e.name === input.name);
    if (previous && previous.type !== input.type) for (const k of Object.keys(secrets)) delete secrets[k];
    // Secrets written into the YAML by hand stay there; those from the UI never go there.
    const kept = previous ? Object.fromEntries(Object.entries(previous).filter(([k]) => (secretFields.includes(k) && !(k in secrets)) || k === 'formerNames')) : {};
    const entry: DataSourceEntry = { name: input.name, type: input.type, ...settings, ...kept };
    const check = await this.host.process(input.type).call('health', { name: input.name, settings: settingsOf(entry, secrets) }, {}, 10_000).catch((e: Error) => e);
    if (check instanceof PluginCallError && check.code === 'bad_settings') throw new QueryError('bad_settings', check.message);
    this.secrets.set(input.name, secrets);
    this.file.upsert(entry);
    this.observed.delete(input.name);
    this.record(input.name, check instanceof Error ? asCallError(check) : check.status === 'ok' ? null : new PluginCallError('error', check.message));
    this.sync();
    return this.info(this.entry(input.name));
  }

  /** Renames a source in place (comments in datasources.yaml stay); its secrets move with it and
   * the old name is kept as a former name, so links naming it keep working. */
  rename(from: string, to: string): DataSourceInfo {
    if (from === LOCAL_SOURCE) throw new QueryError('bad_source', '"local" is the built-in store and cannot be renamed');
    const entry = this.file.entries.find((e) => e.name === from);
    if (!entry) this.entry(from); // 404 naming the configured sources
    if (to === from) return this.info(entry!);
    if (this.file.entries.some((e) => e.name === to)) throw new QueryError('source_exists', `a data source "${to}" already exists`, 409);
    const formerNames = [...new Set([from, ...namesOf(entry!.formerNames)])].filter((n) => n !== to);
    this.file.rename(from, { ...entry!, name: to, formerNames });
    this.secrets.set(to, this.secrets.get(from));
    this.secrets.delete(from);
    const seen = this.observed.get(from);
    this.observed.delete(from);
    if (seen) this.observed.set(to, seen);
    this.sync();
    return this.info(this.entry(to));
  }

  remove(name: string): boolean {
    const removed = this.file.remove(name);
    this.secrets.delete(name);
    this.observed.delete(name);
    this.sync();
    return removed;
  }

  async test(name: string): Promise<DataSourceTest> {
    const started = Date.now();
    if (name === LOCAL_SOURCE) return { name, status: 'ok', message: 'the local store is always available', durationMs: 0 };
    try {
      const r = await this.call(name, 'health', {}, 10_000);
      return { name, status: r.status === 'ok' ? 'ok' : 'error', message: r.message, durationMs: Date.now() - started };
    } catch (e) {
      const seen = this.observed.get(name);
      return { name, status: seen?.status ?? 'error', message: (e as Error).message, durationMs: Date.now() - started };
    }
  }

  /** Calls a method on a source's plugin; failures become QueryErrors the API maps to a status. */
  async call<M extends MethodName>(asked: string, method: M, params: ParamsOf<M>, timeoutMs = 30_000): Promise<ResultOf<M>> {
    const entry = this.entry(asked);
    const name = entry.name;
    if (!this.host.has(entry.type)) throw new QueryError('unknown_plugin', `data source "${name}" needs plugin "${entry.type}", which is not installed`, 400);
    const plugin = this.host.list().find((p) => p.id === entry.type)!;
    const capability = method.split('.')[0] as Capability;
    if (capability !== 'health' && !plugin.capabilities.includes(capability))
      throw new QueryError('not_supported', `data source "${name}" (${entry.type}) does not answer ${capability} queries`, 400);
    try {
      const result = await this.host.process(entry.type).call(method, { name, settings: settingsOf(entry, this.secrets.get(name)) }, params, timeoutMs);
      if (method === 'health') {
        const h = result as ResultOf<'health'>;
        this.record(name, h.status === 'ok' ? null : new PluginCallError('error', h.message));
      } else this.record(name, null);
      return result;
    } catch (e) {
      const err = e instanceof PluginCallError ? e : new PluginCallError('internal', (e as Error).message);
      this.record(name, err);
      throw new QueryError(err.code === 'bad_query' ? 'bad_query' : `source_${err.code}`, `${name}: ${err.message}`, httpStatus(err.code));
    }
  }

  private record(name: string, error: PluginCallError | null): void {
    const status: DataSourceInfo['status'] =
      error === null ? 'ok' : error.code === 'bad_query' ? 'ok' : ['unavailable', 'timeout'].includes(error.code) ? 'unavailable' : 'error';
    // A query the user got wrong says nothing about the source.
    const prev = this.observed.get(name);
    if (error?.code === 'bad_query' && prev) return;
    this.observed.set(name, { status, error: error && status !== 'ok' ? error.message : null, checkedAt: Date.now() });
  }

  /** Starts push sources that are configured and stops those that are not. */
  sync(): void {
    for (const plugin of this.host.list()) {
      if (!plugin.capabilities.includes('ingest')) continue;
      const proc = this.host.process(plugin.id);
      const wanted = this.file.entries.filter((e) => e.type === plugin.id);
      for (const name of proc.ingestNames()) if (!wanted.some((e) => e.name === name)) proc.stopIngest(name);
      for (const e of wanted) proc.startIngest(e.name, settingsOf(e, this.secrets.get(e.name)));
    }
    this.onChange?.();
  }

  /** Checks every configured source now and then, so the list shows what is down before a
   * screen tries it. */
  startHealthChecks(everyMs = 30_000): void {
    const run = () => {
      for (const e of this.file.entries) if (this.host.has(e.type)) void this.test(e.name).catch(() => undefined);
    };
    this.healthTimer = setInterval(run, everyMs);
    this.healthTimer.unref();
    setTimeout(run, 1_000).unref();
  }

  stop(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
  }
}

/** Top-level settings the plugin's schema marks `secret`. */
export function secretFieldsOf(schema: Record<string, unknown>): string[] {
  const props = (schema.properties ?? {}) as Record<string, { secret?: boolean; anyOf?: Array<{ secret?: boolean }> }>;
  return Object.entries(props)
    .filter(([, p]) => p?.secret === true || p?.anyOf?.some((a) => a?.secret === true))
    .map(([k]) => k);
}

function asCallError(e: Error): PluginCallError {
  return e instanceof PluginCallError ? e : new PluginCallError('internal', e.message);
}

function httpStatus(code: string): number {
  if (code === 'bad_query' || code === 'bad_params' || code === 'bad_settings') return 400;
  if (code === 'timeout') return 504;
  return 502;
}

function namesOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : [];
}

/** What a plugin gets: the entry's settings and secrets, without Loupe's own keys. */
function settingsOf(entry: DataSourceEntry, secrets: Record<string, string>): Record<string, unknown> {
  const { formerNames: _former, ...rest } = entry;
  return { ...rest, ...secrets };
}
