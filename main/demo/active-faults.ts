// Which faults are on, as one demo process sees them. The parent sends the whole set whenever it
// changes; each part of a service asks (or listens) for the faults that concern it.
import type { FaultName } from '../../common/demo-faults';

export class ActiveFaults {
  private active = new Set<FaultName>();
  private readonly listeners = new Set<(active: ReadonlySet<FaultName>) => void>();

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  set(names: readonly FaultName[]): void {
    const next = new Set(names);
    if (next.size === this.active.size && [...next].every((n) => this.active.has(n))) return;
    this.active = next;
    for (const listener of this.listeners) listener(next);
  }

  /** Called now and on every change. */
  watch(listener: (active: ReadonlySet<FaultName>) => void): void {
    this.listeners.add(listener);
    listener(this.active);
  }
}
