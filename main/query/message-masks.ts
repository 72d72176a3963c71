// The variable parts of a message (ids, numbers, addresses, quoted values) replaced by a
// placeholder, so messages that differ only in them read the same: exception fingerprints and
// the tokens log patterns are clustered on. Order matters: a UUID holds hex and digits, an
// address holds numbers, so the wider shapes are masked first.
const MASKS: Array<[RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<UUID>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TIME>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<IP>'],
  [/\b0x[0-9a-f]+\b/gi, '<HEX>'],
  // Hex runs long enough to be ids (trace ids, hashes, object ids) and holding a digit.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<HEX>'],
  [/\b\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?\b/g, '<NUM>'],
];

const QUOTED: Array<[RegExp, string]> = [
  [/"(?:[^"\\]|\\.)*"/g, '<STR>'],
  [/'(?:[^'\\]|\\.)*'/g, '<STR>'],
  [/`[^`]*`/g, '<STR>'],
];

/** Masks ids, times, addresses, hex and numbers in `text`. */
export function maskVariables(text: string): string {
  let out = text;
  for (const [re, placeholder] of MASKS) out = out.replace(re, placeholder);
  return out;
}

/**
 * An exception message's fingerprint: quoted values masked too (`user "bob" not found` and
 * `user "ann" not found` are one error), whitespace collapsed, capped in length so a message
 * that embeds a payload still groups.
 */
export function messageFingerprint(message: string): string {
  let out = message;
  for (const [re, placeholder] of QUOTED) out = out.replace(re, placeholder);
  return maskVariables(out).replace(/\s+/g, ' ').trim().slice(0, 300);
}
