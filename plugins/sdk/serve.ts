// The plugin process: loads one plugin's module and serves it to the core over the IPC channel
// (bundled as dist/plugin-runner.js; the core forks it with the plugin's main file as argument).
// Everything the plugin sends is shaped by common/plugin-protocol.ts; the core validates it again.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  CHUNK_ITEMS,
  HostMessage,
  PROTOCOL_VERSION,
  methods,
  type Capability,
  type ErrorInfo,
  type MethodName,
  type PluginMessage,
} from '../../common/plugin-protocol';
import { PLUGIN_BRAND, PluginError, type Context, type IngestContext, type Plugin } from './index';

type AnyPlugin = Plugin<z.ZodType>;

const send = (msg: PluginMessage): void => {
  if (process.connected) process.send!(msg);
};

async function main(): Promise<void> {
  const [mainFile, sdkFile] = process.argv.slice(2);
  if (!mainFile || !process.send) {
    console.error('loupe plugin runner: started without a plugin file or an IPC channel (the core starts it)');
    process.exit(2);
  }
  // Third-party plugins import '@loupe/plugin-sdk'; resolve it to the SDK bundled with Loupe.
  if (sdkFile) {
    const hooks = `let sdk; export function initialize(d) { sdk = d.sdk; }
export async function resolve(spec, ctx, next) { return spec === '@loupe/plugin-sdk' ? { url: sdk, shortCircuit: true } : next(spec, ctx); }`;
    register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { sdk: pathToFileURL(sdkFile).href } });
  }
  const mod = (await import(pathToFileURL(mainFile).href)) as { default?: unknown };
  const plugin = mod.default as AnyPlugin | undefined;
  if (!plugin || typeof plugin !== 'object' || !(PLUGIN_BRAND in plugin)) {
    throw new Error(`${mainFile} must "export default definePlugin({...})" (its default export is ${describe(mod.default)})`);
  }
  serve(plugin);
}

function serve(plugin: AnyPlugin): void {
  const def = plugin.definition;
  const capabilities = new Set<Capability>();
  for (const name of Object.keys(plugin.handlers) as MethodName[]) capabilities.add(methods[name].capability);
  if (plugin.ingest) capabilities.add('ingest');
  const inflight = new Map<number, AbortController>();
  const ingests = new Map<string, { stop: () => Promise<void> }>();
  const acks = new Map<number, (ack: Extract<HostMessage, { type: 'ingestAck' }>) => void>();
  let nextSeq = 1;

  send({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    id: def.id,
    name: def.name,
    version: def.version,
    capabilities: [...capabilities],
    settingsSchema: z.toJSONSchema(def.settings, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>,
  });

  const settingsOf = (instance: { name: string; settings: Record<string, unknown> }): unknown => {
    const parsed = def.settings.safeParse(instance.settings);
    if (!parsed.success)
      throw new PluginError('bad_settings', `data source "${instance.name}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };

  async function call(msg: Extract<HostMessage, { type: 'call' }>): Promise<void> {
    const spec = methods[msg.method as MethodName];
    const handler = plugin.handlers[msg.method as MethodName];
    if (!spec || !handler) return void send({ type: 'error', id: msg.id, error: { code: 'not_implemented', message: `${def.id} does not implement ${msg.method}` } });
    const abort = new AbortController();
    inflight.set(msg.id, abort);
    const timer = setTimeout(() => abort.abort(new PluginError('timeout', 'deadline passed')), Math.max(0, msg.deadline - Date.now()));
    try {
      const params = spec.params.safeParse(msg.params);
      if (!params.success) throw new PluginError('bad_params', params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const ctx: Context<unknown> = {
        source: msg.instance.name,
        settings: settingsOf(msg.instance),
        signal: abort.signal,
        deadline: msg.deadline,
        log: (message) => send({ type: 'log', level: 'info', message: `${msg.instance.name}: ${message}` }),
      };
      const result = (await handler(params.data as never, ctx as never)) as Record<string, unknown>;
      if (abort.signal.aborted) return;
      // Large arrays go ahead in chunks so neither side holds one huge message.
      const field = spec.stream;
      if (field && result && Array.isArray(result[field]) && (result[field] as unknown[]).length > CHUNK_ITEMS) {
        const items = result[field] as unknown[];
        for (let i = 0; i < items.length; i += CHUNK_ITEMS) send({ type: 'chunk', id: msg.id, items: items.slice(i, i + CHUNK_ITEMS) });
        send({ type: 'result', id: msg.id, result: { ...result, [field]: [] } });
      } else send({ type: 'result', id: msg.id, result });
    } catch (e) {
      if (!abort.signal.aborted || typeof (e as { code?: unknown })?.code === 'string') send({ type: 'error', id: msg.id, error: errorInfo(e) });
    } finally {
      clearTimeout(timer);
      inflight.delete(msg.id);
    }
  }

  async function startIngest(instance: { name: string; settings: Record<string, unknown> }): Promise<void> {
    await ingests.get(instance.name)?.stop();
    const source = plugin.ingest;
    if (!source) return;
    const abort = new AbortController();
    const ctx: IngestContext<unknown> = {
      source: instance.name,
      settings: settingsOf(instance),
      signal: abort.signal,
      emit: (signal, otlp) =>
        new Promise((resolve, reject) => {
          const seq = nextSeq++;
          acks.set(seq, (ack) => {
            if (ack.failed) reject(new PluginError('failed', ack.failed));
            else if (ack.retryAfterMs !== null) reject(new PluginError('backpressure', `the ingest queue is full; retry in ${ack.retryAfterMs} ms`));
            else resolve({ accepted: ack.accepted, rejected: ack.rejected, errors: ack.errors });
          });
          send({ type: 'ingest', name: instance.name, seq, signal, otlp });
        }),
      reportTargets: (targets) => send({ type: 'ingestStatus', name: instance.name, targets }),
      log: (message) => send({ type: 'log', level: 'info', message: `${instance.name}: ${message}` }),
    };
    ingests.set(instance.name, {
      stop: async () => {
        abort.abort();
        ingests.delete(instance.name);
        await source.stop?.();
      },
    });
    await source.start(ctx);
  }

  process.on('message', (raw) => {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) return void send({ type: 'log', level: 'error', message: `unreadable message from the core: ${parsed.error.message}` });
    const msg = parsed.data;
    switch (msg.type) {
      case 'call':
        void call(msg);
        break;
      case 'cancel':
        inflight.get(msg.id)?.abort(new PluginError('cancelled', 'cancelled by the core'));
        break;
      case 'ping':
        send({ type: 'pong', id: msg.id });
        break;
      case 'ingestStart':
        startIngest(msg.instance).catch((e) => send({ type: 'log', level: 'error', message: `${msg.instance.name}: could not start: ${errorInfo(e).message}` }));
        break;
      case 'ingestStop':
        void ingests.get(msg.name)?.stop();
        break;
      case 'ingestAck': {
        const done = acks.get(msg.seq);
        acks.delete(msg.seq);
        done?.(msg);
        break;
      }
    }
  });
  // The core went away: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

function errorInfo(e: unknown): ErrorInfo {
  // By shape, not instanceof: a bundled plugin carries its own copy of the SDK's PluginError.
  if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && (e as PluginError).code !== '') {
    const code = (e as PluginError).code;
    if (e instanceof PluginError || /^[a-z_]+$/.test(code)) return { code, message: e.message };
  }
  if (e instanceof Error) return { code: e.name === 'AbortError' ? 'cancelled' : 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  return v === null ? 'null' : typeof v;
}

main().catch((e: unknown) => {
  // Shown by the core as the reason the plugin did not start.
  console.error(`loupe plugin: ${(e as Error)?.stack ?? String(e)}`);
  process.exit(1);
});
