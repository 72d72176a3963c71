// Field-format checks exactly as Backstage's catalog-model defines them
// (packages/catalog-model/src/validation/KubernetesValidatorFunctions.ts and
// CommonValidatorFunctions.ts): names, namespaces, labels and annotations follow the
// Kubernetes object-name rules; tags are lower-case DNS-label-like words.

/** `<suffix>` or `<prefix>/<suffix>`, each part checked separately. */
function isValidPrefixAndOrSuffix(value: unknown, isValidPrefix: (v: string) => boolean, isValidSuffix: (v: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  const parts = value.split('/');
  if (parts.length === 1) return isValidSuffix(parts[0]);
  if (parts.length === 2) return isValidPrefix(parts[0]) && isValidSuffix(parts[1]);
  return false;
}

/** RFC 1123 DNS label: `[a-z0-9]` runs separated by `-`, 1–63 characters. */
export function isValidDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value);
}

/** RFC 1123 DNS subdomain: dot-separated DNS labels, at most 253 characters. */
export function isValidDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 253 && value.split('.').every(isValidDnsLabel);
}

/** Entity names, label values, link icons: `[a-zA-Z0-9]` runs separated by `-`, `_` or `.`, 1–63 characters. */
export function isValidObjectName(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(value);
}

/** `backstage.io/v1alpha1`: optional DNS-subdomain group, then an alphanumeric version. */
export function isValidApiVersion(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, (v) => v.length >= 1 && v.length <= 63 && /^[a-z0-9A-Z]+$/.test(v));
}

export function isValidKind(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-zA-Z][a-z0-9A-Z]*$/.test(value);
}

export const isValidNamespace = isValidDnsLabel;

/** Label and annotation keys: optional DNS-subdomain prefix, then an object name (`example.com/my-key`). */
export function isValidLabelKey(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidObjectName);
}
export const isValidAnnotationKey = isValidLabelKey;

export function isValidLabelValue(value: unknown): boolean {
  return value === '' || isValidObjectName(value);
}

export function isValidAnnotationValue(value: unknown): boolean {
  return typeof value === 'string';
}

/** Tags: `[a-z0-9:+#]` runs separated by `-`, 1–63 characters (Backstage's isValidTag, which
 * widened the DNS-label rule to allow tags such as `c++`, `c#` and `lang:go`). */
export function isValidTag(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$/.test(value);
}

export function isValidUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** A string with at least one non-blank character. */
export function isValidString(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length >= 1;
}
