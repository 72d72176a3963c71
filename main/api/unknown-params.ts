// No endpoint silently ignores a parameter: a query parameter or body field the contract does
// not declare is refused with a 400 naming it (a typo like `atr=` would otherwise return
// unfiltered data that looks like an answer).
import { z } from 'zod';

/** The keys an input schema declares, or null when it is not an object (nothing to check). */
export function declaredKeys(schema: z.ZodType): Set<string> | null {
  let s: unknown = schema;
  // Unwrap transforms and pipes to the object the input is parsed as first.
  for (let i = 0; i < 8; i++) {
    if (s instanceof z.ZodObject) return new Set(Object.keys(s.shape as Record<string, unknown>));
    if (s instanceof z.ZodPipe) s = s.in;
    else return null;
  }
  return null;
}

/** The names in `raw` the schema does not declare. */
export function unknownParameters(schema: z.ZodType, raw: Record<string, unknown>): string[] {
  const keys = declaredKeys(schema);
  if (!keys) return [];
  return Object.keys(raw).filter((k) => !keys.has(k));
}
