// A small client for the Prometheus HTTP query API. Every way a backend can fail becomes a
// PluginError whose code and message say what is wrong: unreachable, TLS, 401/403, an HTML
// page instead of the API, a timeout, or the server's own PromQL error as it gave it.
import { authHeaders, PluginError, type HttpAuth } from '../sdk/index';

export interface PromSettings extends HttpAuth {
  url: string;
  timeoutSeconds: number;
}

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

export interface PromData {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: PromSample[] | [number, string];
}

export class PromClient {
  constructor(
    private readonly settings: PromSettings,
    private readonly signal: AbortSignal,
  ) {}

  private headers(): Record<string, string> {
    return { Accept: 'application/json', ...authHeaders(this.settings) };
  }

  /** GET (or POST for long queries) an /api/v1 path; returns `data` or throws a PluginError. */
  async get<T = unknown>(path: string, params: Record<string, string | string[]> = {}): Promise<{ data: T; warnings: string[] }> {
    const base = this.settings.url.replace(/\/+$/, '');
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
    const timeout = AbortSignal.timeout(this.settings.timeoutSeconds * 1000);
    const signal = AbortSignal.any([this.signal, timeout]);
    const query = form.toString();
    const usePost = query.length > 4000 && path !== '/api/v1/labels';
    let res: Response;
    try {
      res = await fetch(`${base}${path}${!usePost && query ? `?${query}` : ''}`, {
        method: usePost ? 'POST' : 'GET',
        headers: { ...this.headers(), ...(usePost ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
        body: usePost ? query : undefined,
        signal,
        redirect: 'manual',
      });
    } catch (e) {
      if (timeout.aborted) throw new PluginError('timeout', `${base} did not answer within ${this.settings.timeoutSeconds} s`);
      if (this.signal.aborted) throw new PluginError('cancelled', 'cancelled');
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? '';
      if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code) || /certificate|ssl|tls/i.test(cause?.message ?? ''))
        throw new PluginError('unavailable', `TLS with ${base} failed: ${cause?.message ?? code}`);
      throw new PluginError('unavailable', `cannot reach ${base}: ${cause?.message ?? (e as Error).message}`);
    }
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    if (res.status === 401 || res.status === 403)
      throw new PluginError('unauthorized', `${base} answered ${res.status} ${res.statusText}: check the credentials (auth: ${this.settings.auth})`);
    if (res.status >= 300 && res.status < 400)
      throw new PluginError('not_prometheus', `${base} redirected to ${res.headers.get('location') ?? 'another page'} (a login page?), not the Prometheus API`);
    let body: { status?: string; data?: T; error?: string; errorType?: string; warnings?: string[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      const what = type.includes('html') ? 'an HTML page (a login page or proxy?)' : `"${type || 'no content type'}"`;
      throw new PluginError('not_prometheus', `${base}${path} answered ${res.status} with ${what}, not the Prometheus API`);
    }
    if (body.status === 'error') {
      const code = body.errorType === 'bad_data' || res.status === 400 || res.status === 422 ? 'bad_query' : body.errorType === 'timeout' ? 'timeout' : 'backend_error';
      throw new PluginError(code, `${body.errorType ?? 'error'}: ${body.error ?? 'no message'}`);
    }
    if (res.status >= 400 || body.status !== 'success') throw new PluginError('not_prometheus', `${base}${path} answered ${res.status} without a Prometheus API body`);
    return { data: body.data as T, warnings: body.warnings ?? [] };
  }

  /** Instant query at `time` (unix ms): one number per label set. */
  async instant(query: string, time: number): Promise<Array<{ labels: Record<string, string>; value: number }>> {
    const { data } = await this.get<PromData>('/api/v1/query', { query, time: String(time / 1000) });
    if (data.resultType !== 'vector') return [];
    return (data.result as PromSample[]).map((s) => ({ labels: s.metric, value: Number(s.value![1]) })).filter((s) => Number.isFinite(s.value));
  }

  /** Range query: points per label set, times in unix ms. */
  async range(query: string, from: number, to: number, stepSeconds: number): Promise<Array<{ labels: Record<string, string>; points: Array<[number, number]> }>> {
    const { data } = await this.get<PromData>('/api/v1/query_range', { query, start: String(from / 1000), end: String(to / 1000), step: String(stepSeconds) });
    return (data.result as PromSample[]).map((s) => ({ labels: s.metric, points: (s.values ?? []).map(([t, v]) => [t * 1000, Number(v)] as [number, number]) }));
  }
}
