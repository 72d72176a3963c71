// Random behaviour that makes the demo look like production: latencies are log-normal (most
// requests near the median, a long right tail) with rare much slower outliers, as measured
// service latencies usually are; failures happen at fixed rates.

export interface LatencyShape {
  medianMs: number;
  /** Spread of the log-normal; 0.3–0.6 looks like a healthy service. */
  sigma?: number;
  /** Chance of an outlier (GC pause, lock wait, cold cache) and how much slower it is. */
  tailChance?: number;
  tailFactor?: number;
}

export function latencyMs({ medianMs, sigma = 0.4, tailChance = 0.01, tailFactor = 6 }: LatencyShape): number {
  const ms = medianMs * Math.exp(sigma * standardNormal());
  return chance(tailChance) ? ms * tailFactor * (0.7 + Math.random() * 0.6) : ms;
}

/** Waits a latency drawn from `shape`. */
export function work(shape: LatencyShape): Promise<void> {
  return sleep(latencyMs(shape));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function chance(probability: number): boolean {
  return Math.random() < probability;
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

export function pickWeighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = Math.random() * total;
  for (const [item, w] of entries) {
    r -= w;
    if (r < 0) return item;
  }
  return entries[entries.length - 1][0];
}

/** Milliseconds until the next arrival of a Poisson process with `ratePerSecond`. */
export function nextArrivalMs(ratePerSecond: number): number {
  return (-Math.log(1 - Math.random()) / ratePerSecond) * 1000;
}

export function randomId(prefix: string, length = 10): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = prefix;
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

function standardNormal(): number {
  // Box–Muller; 1 - random() keeps log() away from 0.
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}
