// Find within a trace: plain words match span names, services, span ids, attribute keys and
// values and event names (case-insensitive, substring); `key=value` matches a span or resource
// attribute by key with the value as a substring. Matches come in waterfall (depth-first) order.
import { attrText } from '../../ui/format';
import type { SpanNode, TraceModel } from './trace-model';

export interface FindQuery {
  text: string;
  key: string | null;
  value: string;
}

export function parseFindQuery(raw: string): FindQuery | null {
  const text = raw.trim();
  if (!text) return null;
  const eq = /^([^\s=]+)\s*=\s*(.*)$/.exec(text);
  if (eq) return { text: text.toLowerCase(), key: eq[1].toLowerCase(), value: eq[2].trim().toLowerCase() };
  return { text: text.toLowerCase(), key: null, value: '' };
}

function attributeMatches(attrs: Record<string, unknown>, q: FindQuery): boolean {
  for (const k in attrs) {
    if (q.key !== null) {
      if (k.toLowerCase() === q.key && attrText(attrs[k]).toLowerCase().includes(q.value)) return true;
    } else if (k.toLowerCase().includes(q.text) || attrText(attrs[k]).toLowerCase().includes(q.text)) return true;
  }
  return false;
}

export function spanMatches(node: SpanNode, q: FindQuery): boolean {
  const s = node.span;
  if (q.key !== null) {
    if (q.key === 'service' || q.key === 'service.name') return s.service.toLowerCase().includes(q.value);
    if (q.key === 'name' || q.key === 'span.name') return s.name.toLowerCase().includes(q.value);
    return attributeMatches(s.attributes, q) || attributeMatches(node.resource.attributes, q);
  }
  if (s.name.toLowerCase().includes(q.text) || s.service.toLowerCase().includes(q.text)) return true;
  if (s.spanId === q.text) return true;
  if (attributeMatches(s.attributes, q)) return true;
  for (const ev of s.events) if (ev.name.toLowerCase().includes(q.text)) return true;
  return false;
}

/** Matching spans in depth-first order. */
export function findSpans(model: TraceModel, raw: string): SpanNode[] {
  const q = parseFindQuery(raw);
  if (!q) return [];
  return model.order.filter((n) => spanMatches(n, q));
}

/** The next (or previous) span of `list` after the span at depth-first `index`, wrapping. */
export function stepThrough(list: SpanNode[], index: number, dir: 1 | -1): SpanNode | null {
  if (list.length === 0) return null;
  if (dir === 1) return list.find((n) => n.index > index) ?? list[0];
  for (let i = list.length - 1; i >= 0; i--) if (list[i].index < index) return list[i];
  return list[list.length - 1];
}
