// Parameters and shapes every part of the core HTTP API uses: times and windows, numbers and
// repeatable values given as query strings, attributes, and the error envelope.
import { z } from 'zod';

/** A time parameter: unix milliseconds or an ISO-8601 timestamp. Parsed to unix ms. */
export const TimeParam = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is neither unix milliseconds nor an ISO-8601 time` });
    return z.NEVER;
  }
  return ms;
});

/** An optional number given as a number or a query-string value. */
export const optionalNumber = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
      return z.NEVER;
    }
    return n;
  });

/** Repeatable query parameter (?attr=a&attr=b) as an array. */
export const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** A page size: `def` when absent, clamped to 1 … `max`. */
export const limit = (def: number, max: number) =>
  optionalNumber.transform((v) => Math.max(1, Math.min(max, Math.floor(v ?? def))));

export const TimeRange = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});

export const AttributesSchema = z.record(z.string(), z.unknown());

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
