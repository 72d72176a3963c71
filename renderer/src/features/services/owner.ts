/** A catalog entity reference as people say it: "group:default/payments-team" → "payments-team",
 * "group:ops/sre" → "ops/sre". */
export function refName(ref: string): string {
  return ref.replace(/^[^:]+:/, '').replace(/^default\//, '');
}
