// SLOs live in `slos.yaml` next to the data, so they can be edited in the UI, by hand, or kept
// in a repository. The file is re-read when it changes; invalid entries are reported with
// their line and do not stop the valid ones.
import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { editYamlList } from '../config/yaml-list';
import { SloDefinition } from '../../common/api/slo-schemas';
import { parseWindow } from '../../common/slo';

export const SLO_FILE = 'slos.yaml';

const HEADER = `# Loupe service-level objectives. Edit here or in the UI (Services → SLOs).
#   sli: availability (requests that did not fail) or latency (successful requests faster than thresholdMs)
#   objective: percent of good requests over the rolling window, e.g. 99.9
#   window: rolling window, e.g. 30d, 7d, 12h
`;

export interface SloFileState {
  slos: SloDefinition[];
  problems: string[];
}

export function readSloFile(path: string): SloFileState {
  if (!existsSync(path)) return { slos: [], problems: [] };
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: string[] = doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? '?'}: ${e.message}`);
  const root = doc.get('slos', true) as { items?: Array<{ range?: [number, number, number]; toJSON(): unknown }> } | undefined;
  const slos: SloDefinition[] = [];
  const ids = new Set<string>();
  for (const item of root?.items ?? []) {
    const line = item.range ? lines.linePos(item.range[0]).line : '?';
    const parsed = SloDefinition.safeParse(item.toJSON());
    if (!parsed.success) {
      problems.push(`${path}:${line}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ')}`);
      continue;
    }
    const slo = parsed.data;
    if (ids.has(slo.id)) {
      problems.push(`${path}:${line}: duplicate SLO id "${slo.id}"`);
      continue;
    }
    const problem = sloProblem(slo);
    if (problem) {
      problems.push(`${path}:${line}: ${problem}`);
      continue;
    }
    ids.add(slo.id);
    slos.push(slo);
  }
  if (root === undefined && text.trim() !== '' && doc.errors.length === 0) problems.push(`${path}:1: expected a top-level "slos:" list`);
  return { slos, problems };
}

/** What the schema alone cannot check; null when the SLO is usable. */
export function sloProblem(slo: SloDefinition): string | null {
  if (slo.sli === 'latency' && !slo.thresholdMs) return `latency SLO "${slo.id}" needs thresholdMs`;
  if (parseWindow(slo.window)! > 30 * 86_400_000) return `SLO "${slo.id}" window ${slo.window} is longer than the 30 days of rollups kept`;
  return null;
}

/**
 * Changes one entry in place through the YAML document, so comments, formatting and entries
 * this version cannot read (even invalid ones) survive an edit made in the UI.
 */
export function editSloFile(path: string, id: string, next: SloDefinition | null): boolean {
  return editYamlList(path, 'slos', HEADER, id, next);
}

/** Keeps the parsed file current; `onChange` runs after every reload. */
export class SloFile {
  readonly path: string;
  private state: SloFileState;

  constructor(dataDir: string, private readonly onChange: () => void = () => undefined) {
    this.path = join(dataDir, SLO_FILE);
    this.state = readSloFile(this.path);
    watchFile(this.path, { interval: 1000 }, () => this.reload());
  }

  get slos(): SloDefinition[] {
    return this.state.slos;
  }

  get problems(): string[] {
    return this.state.problems;
  }

  reload(): void {
    this.state = readSloFile(this.path);
    this.onChange();
  }

  /** Saves one SLO; throws (writing nothing) when it is not usable. */
  upsert(slo: SloDefinition): void {
    const problem = sloProblem(slo);
    if (problem) throw new Error(problem);
    editSloFile(this.path, slo.id, slo);
    this.reload();
  }

  remove(id: string): boolean {
    const removed = editSloFile(this.path, id, null);
    this.reload();
    return removed;
  }

  close(): void {
    unwatchFile(this.path);
  }
}
