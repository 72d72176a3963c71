// Shapes of the demo shop: whether it runs, and the faults that can be switched on in it.
import { z } from 'zod';
import { FAULT_NAMES } from '../demo-faults';

export const DemoStatus = z.object({ running: z.boolean(), services: z.array(z.string()) });
export type DemoStatus = z.infer<typeof DemoStatus>;

export const DemoFaultName = z.enum(FAULT_NAMES);

/** A fault started or stopped (`at`: ms since the epoch, when it took effect). */
export const DemoFaultEvent = z.object({
  fault: DemoFaultName,
  action: z.enum(['started', 'stopped']),
  at: z.number(),
  /** Why it stopped, when not switched off by hand (e.g. the demo was stopped). */
  reason: z.string().optional(),
});
export type DemoFaultEvent = z.infer<typeof DemoFaultEvent>;

export const DemoFaults = z.object({
  running: z.boolean(),
  faults: z.array(
    z.object({
      name: DemoFaultName,
      title: z.string(),
      target: z.string(),
      does: z.string(),
      whenOff: z.string(),
      lookFor: z.string(),
      active: z.boolean(),
      /** When it took effect, while on. */
      since: z.number().nullable(),
    }),
  ),
  /** Newest first. */
  history: z.array(DemoFaultEvent),
});
export type DemoFaults = z.infer<typeof DemoFaults>;

export const DemoFaultChange = z.object({
  /** One of the fault names (an unknown one is a 400 listing them). */
  fault: z.string().min(1),
  /** true starts the fault, false stops it. */
  active: z.boolean(),
});
