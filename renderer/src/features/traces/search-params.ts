// The trace search lives in the URL: service, op, attr (repeated), peer, minMs, maxMs, status, limit.
import type { InputOf } from '../../api/client';

export interface TraceFilter {
  service: string;
  operation: string;
  attrs: string[];
  /** Only traces where `service` called this map node (set by the map's edge drawer). */
  peer: string;
  minMs: string;
  maxMs: string;
  status: '' | 'ok' | 'error';
  limit: string;
}

export function filterFromParams(p: URLSearchParams): TraceFilter {
  const status = p.get('status');
  return {
    service: p.get('service') ?? '',
    operation: p.get('op') ?? '',
    attrs: p.getAll('attr'),
    peer: p.get('peer') ?? '',
    minMs: p.get('minMs') ?? '',
    maxMs: p.get('maxMs') ?? '',
    status: status === 'ok' || status === 'error' ? status : '',
    limit: p.get('limit') ?? '',
  };
}

export function writeFilter(p: URLSearchParams, f: TraceFilter): URLSearchParams {
  const n = new URLSearchParams(p);
  for (const k of ['service', 'op', 'attr', 'peer', 'minMs', 'maxMs', 'status', 'limit']) n.delete(k);
  if (f.service) n.set('service', f.service);
  if (f.operation) n.set('op', f.operation);
  for (const a of f.attrs) n.append('attr', a);
  if (f.peer && f.service) n.set('peer', f.peer);
  if (f.minMs) n.set('minMs', f.minMs);
  if (f.maxMs) n.set('maxMs', f.maxMs);
  if (f.status) n.set('status', f.status);
  if (f.limit) n.set('limit', f.limit);
  return n;
}

/** "250ms", "1.5s", "2m", "800us" or a bare number of milliseconds → ms (NaN if unreadable). */
export function parseDurationMs(text: string): number {
  const t = text.trim().toLowerCase();
  if (!t) return NaN;
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|min|h)?$/.exec(t);
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
  return n * factor[unit];
}

export function searchInput(f: TraceFilter): InputOf<'traces'> {
  const min = parseDurationMs(f.minMs);
  const max = parseDurationMs(f.maxMs);
  const limit = Number(f.limit);
  return {
    service: f.service || undefined,
    operation: f.operation || undefined,
    attr: f.attrs.length ? f.attrs : undefined,
    // A peer means the calls of one service: without a service there is nothing to narrow.
    peer: f.peer && f.service ? f.peer : undefined,
    minDurationMs: Number.isFinite(min) ? min : undefined,
    maxDurationMs: Number.isFinite(max) ? max : undefined,
    status: f.status || undefined,
    limit: Number.isFinite(limit) && limit > 0 ? limit : 100,
  };
}
