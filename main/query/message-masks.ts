// The variable parts of a message (ids, numbers, addresses, quoted values) replaced by a
// placeholder, so messages that differ only in them read the same: exception fingerprints and
// the tokens log patterns are clustered on. Order matters: a UUID holds hex and digits, an
// address holds numbers, so the wider shapes are masked first.
const MASKS: Array<[string, string]> = [
  ['[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b', '<UUID>'],
  ['\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?', '<TIME>'],
  ['(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?\\b', '<IP>'],
  ['0[xX][0-9a-fA-F]+\\b', '<HEX>'],
  // Hex runs long enough to be ids (trace ids, hashes, object ids) and holding a digit.
  ['(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b', '<HEX>'],
  // Prefixed random ids (Stripe-style `ch_3MtwBw`, `ord_jxortitowl`): a short lowercase prefix,
  // an underscore and eight or more letters or digits.
  ['[a-z]{1,5}_[A-Za-z0-9]{8,}\\b', '<ID>'],
  ['\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?\\b', '<NUM>'],
];
// One pass: at each word start the alternatives are tried in the order above.
const MASK = new RegExp(`\\b(?:${MASKS.map(([re]) => `(${re})`).join('|')})`, 'g');
const PLACEHOLDERS = MASKS.map(([, placeholder]) => placeholder);

const QUOTED: Array<[RegExp, string]> = [
  [/"(?:[^"\\]|\\.)*"/g, '<STR>'],
  [/'(?:[^'\\]|\\.)*'/g, '<STR>'],
  [/`[^`]*`/g, '<STR>'],
];

/** Masks ids, times, addresses, hex and numbers in `text`. */
export function maskVariables(text: string): string {
  return text.replace(MASK, (...groups: unknown[]) => {
    for (let i = 0; i < PLACEHOLDERS.length; i++) if (groups[i + 1] !== undefined) return PLACEHOLDERS[i];
    return String(groups[0]);
  });
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
