// Colours that carry meaning: one stable colour per service, severity bands, health.

// Hues picked to stay distinguishable on both themes; lightness comes from CSS (--svc-l).
const SERVICE_HUES = [212, 28, 152, 280, 48, 340, 190, 100, 255, 8, 170, 310, 232, 70];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

// Colours are handed out first come, first served, starting from the name's hash and moving
// to the next free slot, so the services on one screen get distinct colours and keep them for
// the whole session (Jaeger UI does the same). A second round uses a lighter variant of each hue.
const slots = new Map<string, number>();
const taken = new Set<number>();
const SLOT_COUNT = SERVICE_HUES.length * 2;

/** A stable colour for a service name (same name, same colour, on every page). */
export function serviceColor(name: string): string {
  let slot = slots.get(name);
  if (slot === undefined) {
    const start = hash(name) % SERVICE_HUES.length;
    slot = start;
    for (let i = 0; i < SLOT_COUNT; i++) {
      const candidate = (start + i) % SLOT_COUNT;
      if (!taken.has(candidate)) {
        slot = candidate;
        break;
      }
    }
    slots.set(name, slot);
    taken.add(slot);
  }
  const hue = SERVICE_HUES[slot % SERVICE_HUES.length];
  return slot < SERVICE_HUES.length
    ? `hsl(${hue} var(--svc-s) var(--svc-l))`
    : `hsl(${hue} calc(var(--svc-s) - 18%) calc(var(--svc-l) + 14%))`;
}

/** Assigns colours to a list of services in name order (idempotent). */
export function registerServiceColors(names: string[]): void {
  for (const n of [...names].sort()) serviceColor(n);
}

/** Kiali's default health thresholds: ≥0.1% degraded, >10% failing (one definition for the
 * core, the plugins and the UI). */
export { healthOf } from '../../../common/service-map';

export const SEVERITY_BANDS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'UNSPECIFIED'] as const;

/** OTLP severity number → band name (0 is UNSPECIFIED). */
export function severityBand(n: number): (typeof SEVERITY_BANDS)[number] {
  if (n <= 0) return 'UNSPECIFIED';
  if (n >= 21) return 'FATAL';
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARN';
  if (n >= 9) return 'INFO';
  if (n >= 5) return 'DEBUG';
  return 'TRACE';
}

/** CSS variable holding a severity band's colour. */
export function severityVar(band: string): string {
  return `var(--sev-${band.toLowerCase()})`;
}

/** Minimum severity numbers offered in filters (the first number of each band). */
export const SEVERITY_MINIMUMS: Array<{ value: number; label: string }> = [
  { value: 0, label: 'Any severity' },
  { value: 5, label: 'DEBUG and above' },
  { value: 9, label: 'INFO and above' },
  { value: 13, label: 'WARN and above' },
  { value: 17, label: 'ERROR and above' },
  { value: 21, label: 'FATAL' },
];
