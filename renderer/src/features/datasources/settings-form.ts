// A plugin's settings form, read from the JSON Schema of its zod settings (GET
// /api/plugins/:id/settings): one field per property, typed by the schema. Values are kept as
// the text the user typed and turned back into settings when the form is sent; the plugin (and
// the core) validate them and name what is wrong.

export type FieldKind = 'text' | 'url' | 'secret' | 'choice' | 'number' | 'boolean' | 'pairs' | 'lines' | 'json';

export interface SettingsField {
  key: string;
  kind: FieldKind;
  label: string;
  description: string;
  required: boolean;
  choices: string[];
  /** The schema's default, as form text ('' when none). */
  placeholder: string;
  /** The schema's first example, as form text ('' when none): what a value could look like. */
  example: string;
  /** Shown only while another (choice) field has this value: a description ending in
   * "(auth: bearer)" belongs to auth = bearer. */
  when: { key: string; value: string } | null;
}

export type FormValues = Record<string, string | boolean>;

interface PropSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  secret?: boolean;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  items?: { type?: string };
  additionalProperties?: { type?: string } | boolean;
  anyOf?: PropSchema[];
}

/** "timeoutSeconds" → "Timeout seconds". */
export function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .replace(/\b(url|tls|id)\b/g, (w) => w.toUpperCase());
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kindOf(p: PropSchema): FieldKind {
  if (p.secret) return 'secret';
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string')) return 'choice';
  const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
  if (type === 'string') return p.format === 'uri' ? 'url' : 'text';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' && typeof p.additionalProperties === 'object' && p.additionalProperties.type === 'string') return 'pairs';
  if (type === 'array' && p.items?.type === 'string') return 'lines';
  return 'json';
}

function defaultText(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'pairs') return pairsText(value as Record<string, string>);
  if (kind === 'lines') return (value as string[]).join('\n');
  if (kind === 'json') return JSON.stringify(value);
  return String(value);
}

export function fieldsOf(schema: Record<string, unknown>): SettingsField[] {
  const props = (schema.properties ?? {}) as Record<string, PropSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([key, raw]) => {
    const p = raw.anyOf?.find((s) => s.type !== 'null') ? { ...raw.anyOf.find((s) => s.type !== 'null'), ...raw, anyOf: undefined } : raw;
    const kind = kindOf(p);
    return {
      key,
      kind,
      label: labelOf(key),
      description: p.description ?? '',
      required: required.has(key) && p.default === undefined,
      choices: kind === 'choice' ? (p.enum as string[]) : [],
      placeholder: defaultText(kind, p.default),
      example: defaultText(kind, Array.isArray(p.examples) ? p.examples[0] : undefined),
      when: null as SettingsField['when'],
    };
  }).map((f, _i, all) => {
    const m = /\((\w+): ([\w-]+)\)\s*$/.exec(f.description);
    const on = m ? all.find((o) => o.key === m[1] && o.kind === 'choice' && o.choices.includes(m[2])) : undefined;
    return on && m ? { ...f, when: { key: on.key, value: m[2] } } : f;
  });
}

/** Whether a field applies with the form as it is (see SettingsField.when). */
export function isShown(f: SettingsField, values: FormValues): boolean {
  return !f.when || values[f.when.key] === f.when.value;
}

function pairsText(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** The form's starting text: a stored source's settings, or the defaults for a new one. Secret
 * fields always start empty (their values never leave the core). */
export function initialValues(fields: SettingsField[], settings: Record<string, unknown> | null): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    if (f.kind === 'secret') out[f.key] = '';
    else if (f.kind === 'boolean') out[f.key] = settings ? settings[f.key] === true : f.placeholder === 'true';
    else if (settings) out[f.key] = defaultText(f.kind, settings[f.key]);
    else out[f.key] = f.kind === 'choice' ? f.placeholder || f.choices[0] || '' : '';
  }
  return out;
}

/** The settings to send, or the first field that cannot be read ({field, message}). Empty
 * fields are left out, so the plugin's defaults apply and an empty secret keeps the stored one. */
export function toSettings(fields: SettingsField[], values: FormValues): { settings: Record<string, unknown> } | { field: string; message: string } {
  const settings: Record<string, unknown> = {};
  for (const f of fields) {
    if (!isShown(f, values)) continue;
    const v = values[f.key];
    if (f.kind === 'boolean') {
      settings[f.key] = v === true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (!text) {
      if (f.required && f.kind !== 'secret') return { field: f.key, message: `${f.label} is required` };
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) return { field: f.key, message: `${f.label}: "${text}" is not a number` };
      settings[f.key] = n;
    } else if (f.kind === 'pairs') {
      const pairs: Record<string, string> = {};
      for (const [i, line] of text.split('\n').entries()) {
        if (!line.trim()) continue;
        const at = line.indexOf(':');
        if (at <= 0) return { field: f.key, message: `${f.label}, line ${i + 1}: write "Name: value"` };
        pairs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      settings[f.key] = pairs;
    } else if (f.kind === 'lines') {
      settings[f.key] = text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    } else if (f.kind === 'json') {
      try {
        settings[f.key] = JSON.parse(text);
      } catch (e) {
        return { field: f.key, message: `${f.label} is not valid JSON: ${(e as Error).message}` };
      }
    } else settings[f.key] = text;
  }
  return { settings };
}

/** The field an API error names (`data source "x": url: Invalid URL` → url). */
export function fieldOfError(fields: SettingsField[], message: string): string | null {
  for (const f of fields) if (message.includes(`: ${f.key}: `) || message.includes(`: ${f.key}.`)) return f.key;
  return null;
}
