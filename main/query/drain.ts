// Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing Approach with Fixed Depth Tree",
// ICWS 2017), as Drain3 implements it: a message's masked tokens walk a tree keyed by token
// count and then by its first tokens (tokens holding digits, and any token past a node's
// child limit, take the wildcard branch); the leaf's clusters are compared position by
// position, and the most similar one at or above the threshold takes the message, its template
// turning the positions that differ into a wildcard. Otherwise the message starts a cluster.
import { maskVariables } from './message-masks';

export const WILDCARD = '<*>';

export interface DrainOptions {
  /** Tree depth including the root and the token-count level (Drain3's default 4: two prefix tokens). */
  depth?: number;
  /** Share of equal tokens a message needs to join a cluster (Drain3: 0.4). */
  similarity?: number;
  /** Children per inner node before new tokens share the wildcard branch (Drain3: 100). */
  maxChildren?: number;
  /** Tokens past this many are folded into the last one, so a huge body stays one cost. */
  maxTokens?: number;
}

export interface DrainCluster {
  id: number;
  tokens: string[];
  size: number;
}

interface Node {
  children: Map<string, Node>;
  clusters: DrainCluster[];
}

const newNode = (): Node => ({ children: new Map(), clusters: [] });
const hasDigit = (token: string) => /\d/.test(token);

/** A message's tokens as Drain sees them: variables masked, split on whitespace. */
export function tokenize(message: string, maxTokens = 64): string[] {
  const tokens = maskVariables(message).trim().split(/\s+/).filter(Boolean);
  if (tokens.length > maxTokens) tokens.splice(maxTokens - 1, tokens.length, tokens.slice(maxTokens - 1).join(' '));
  return tokens;
}

export class Drain {
  private readonly root = newNode();
  private readonly depth: number;
  private readonly similarity: number;
  private readonly maxChildren: number;
  readonly maxTokens: number;
  readonly clusters: DrainCluster[] = [];

  constructor(opts: DrainOptions = {}) {
    this.depth = Math.max(3, opts.depth ?? 4);
    this.similarity = opts.similarity ?? 0.4;
    this.maxChildren = opts.maxChildren ?? 100;
    this.maxTokens = opts.maxTokens ?? 64;
  }

  /** Adds one message; returns the cluster that took it. */
  add(message: string): DrainCluster {
    const tokens = tokenize(message, this.maxTokens);
    const leaf = this.leafFor(tokens);
    const match = this.bestMatch(leaf.clusters, tokens);
    if (match) {
      for (let i = 0; i < tokens.length; i++) if (match.tokens[i] !== tokens[i]) match.tokens[i] = WILDCARD;
      match.size++;
      return match;
    }
    const cluster: DrainCluster = { id: this.clusters.length, tokens: [...tokens], size: 1 };
    this.clusters.push(cluster);
    leaf.clusters.push(cluster);
    return cluster;
  }

  /** The leaf a message of these tokens belongs under, created as needed. */
  private leafFor(tokens: string[]): Node {
    const lengthKey = String(tokens.length);
    let node: Node | undefined = this.root.children.get(lengthKey);
    if (!node) this.root.children.set(lengthKey, (node = newNode()));
    const prefixLevels = Math.min(this.depth - 2, tokens.length);
    for (let i = 0; i < prefixLevels; i++) {
      const token = tokens[i];
      let next: Node | undefined = node.children.get(token);
      if (!next) {
        const key = hasDigit(token) || node.children.size >= this.maxChildren - (node.children.has(WILDCARD) ? 0 : 1) ? WILDCARD : token;
        next = node.children.get(key);
        if (!next) node.children.set(key, (next = newNode()));
      }
      node = next;
    }
    return node;
  }

  private bestMatch(clusters: DrainCluster[], tokens: string[]): DrainCluster | null {
    let best: DrainCluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of clusters) {
      let equal = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (c.tokens[i] === WILDCARD) params++;
        else if (c.tokens[i] === tokens[i]) equal++;
      }
      const sim = tokens.length === 0 ? 1 : equal / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    return best && bestSim >= this.similarity ? best : null;
  }
}

export const templateOf = (cluster: DrainCluster): string => cluster.tokens.join(' ');

/**
 * A matcher for one template: true for the messages it describes (same token count; every
 * non-wildcard token equal after masking). Every message Drain put in a cluster matches the
 * cluster's final template, since templates only ever widen.
 */
export function templateMatcher(template: string, maxTokens = 64): (message: string) => boolean {
  const want = template.trim().split(/\s+/).filter(Boolean);
  return (message) => {
    const tokens = tokenize(message, maxTokens);
    if (tokens.length !== want.length) return false;
    for (let i = 0; i < want.length; i++) if (want[i] !== WILDCARD && want[i] !== tokens[i]) return false;
    return true;
  };
}
