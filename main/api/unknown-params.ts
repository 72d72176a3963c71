// No endpoint silently ignores a parameter: a query parameter or body field the contract does
// not declare is refused with a 400 naming it (a typo like `atr=` would otherwise return
// unfiltered data that looks like an answer).
import { z } from 'zod';

/** The keys an input schema declares, or null when it is not an object (nothing to check). */
export function declaredKeys(schema: z.ZodType, depth = 0): Set<string> | null {
  if (depth > 8) return null;
  const s: unknown = schema;
  if (s instanceof z.ZodObject) return new Set(Object.keys(s.shape as Record<string, unknown>));
  // Unwrap transforms, pipes and optional wrappers to the object the input is parsed as first.
  if (s instanceof z.ZodPipe) return declaredKeys(s.in as z.ZodType, depth + 1);
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable)
    return declaredKeys(s.unwrap() as z.ZodType, depth + 1);
  // A union or intersection of objects declares every key any of them does.
  const parts = s instanceof z.ZodUnion ? (s.options as z.ZodType[]) : s instanceof z.ZodIntersection ? [s.def.left as z.ZodType, s.def.right as z.ZodType] : null;
  if (!parts) return null;
  const keys = new Set<string>();
  for (const part of parts) {
    const k = declaredKeys(part, depth + 1);
    if (!k) return null;
    for (const key of k) keys.add(key);
  }
  return keys;
}

/** The names in `raw` the schema does not declare. */
export function unknownParameters(schema: z.ZodType, raw: Record<string, unknown>): string[] {
  const keys = declaredKeys(schema);
  if (!keys) return [];
  return Object.keys(raw).filter((k) => !keys.has(k));
}
