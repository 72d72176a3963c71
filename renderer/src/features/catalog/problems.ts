// Problems of the descriptor files: counted per severity and rule, filtered, and their files
// shown relative to the catalog source they were read from.
import type { CatalogProblem } from '../../../../common/api/catalog-schemas';

export const SEVERITY_ORDER = ['error', 'warning', 'info'] as const;

export interface ProblemFilter {
  severity: string[];
  rule: string[];
}

export function filterProblems(problems: readonly CatalogProblem[], f: ProblemFilter): CatalogProblem[] {
  return problems.filter((p) => (f.severity.length === 0 || f.severity.includes(p.severity)) && (f.rule.length === 0 || f.rule.includes(p.rule)));
}

/** Value counts, most frequent first. */
export function countBy<T>(items: readonly T[], key: (t: T) => string): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Ordered by severity, then file and line. */
export function sortProblems(problems: readonly CatalogProblem[]): CatalogProblem[] {
  const rank = (s: string) => {
    const i = (SEVERITY_ORDER as readonly string[]).indexOf(s);
    return i === -1 ? SEVERITY_ORDER.length : i;
  };
  return [...problems].sort((a, b) => rank(a.severity) - rank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * A descriptor path relative to the source folder that holds it (`services/cart/catalog-info.yaml`);
 * the file itself when a source names the file; the full path when no source holds it.
 */
export function relativeToSource(file: string, sources: readonly string[]): string {
  let best = '';
  for (const s of sources) {
    const root = s.replace(/\/+$/, '');
    if ((file === root || file.startsWith(`${root}/`)) && root.length > best.length) best = root;
  }
  if (!best) return file;
  if (file === best) return file.slice(file.lastIndexOf('/') + 1);
  return file.slice(best.length + 1);
}
