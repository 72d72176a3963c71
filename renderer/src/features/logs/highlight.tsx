// Marks the words of a full-text query in a log body (client-side, case-insensitive). Follows
// FTS5's unicode61 tokenizer: tokens are runs of letters and digits (so "insufficient_funds"
// holds the tokens "insufficient" and "funds"); a trailing * matches a prefix.
import type { ReactNode } from 'react';

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR']);

export function queryTerms(q: string): Array<{ term: string; prefix: boolean }> {
  const out: Array<{ term: string; prefix: boolean }> = [];
  for (const m of q.matchAll(/[\p{L}\p{N}_]+\*?/gu)) {
    const raw = m[0];
    const prefix = raw.endsWith('*');
    const word = prefix ? raw.slice(0, -1) : raw;
    if (!word || OPERATORS.has(word)) continue;
    const parts = word.split('_').filter(Boolean);
    parts.forEach((term, i) => out.push({ term: term.toLowerCase(), prefix: prefix && i === parts.length - 1 }));
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function buildMatcher(q: string): RegExp | null {
  const terms = queryTerms(q);
  if (terms.length === 0) return null;
  // Whole tokens (FTS5 matches tokens), or token prefixes for `term*`.
  const alts = terms.map((t) => (t.prefix ? `${escape(t.term)}[\\p{L}\\p{N}]*` : escape(t.term)));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

export function Highlight({ text, matcher }: { text: string; matcher: RegExp | null }): ReactNode {
  if (!matcher) return text;
  const parts: ReactNode[] = [];
  let last = 0;
  matcher.lastIndex = 0;
  for (const m of text.matchAll(matcher)) {
    const i = m.index ?? 0;
    if (i > last) parts.push(text.slice(last, i));
    parts.push(<mark key={i}>{m[0]}</mark>);
    last = i + m[0].length;
  }
  if (parts.length === 0) return text;
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
