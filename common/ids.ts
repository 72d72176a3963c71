// Trace and span ids travel as lowercase hex in the API and as bytes in the store.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array | null | undefined): string {
  if (!b) return '';
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

/** Parses hex (any case); null when the text is not an even-length hex string. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export const TRACE_ID_HEX = /^[0-9a-f]{32}$/;
export const SPAN_ID_HEX = /^[0-9a-f]{16}$/;

/** Normalises a user-supplied trace id: lowercase, and 64-bit ids left-padded to 128 bits
 * (Zipkin/B3 and older Jaeger clients emit 16-hex-digit trace ids). */
export function normalizeTraceId(id: string): string | null {
  const hex = id.trim().toLowerCase();
  if (/^[0-9a-f]{16}$/.test(hex)) return hex.padStart(32, '0');
  return TRACE_ID_HEX.test(hex) ? hex : null;
}
