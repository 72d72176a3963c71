import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import prometheus from '../../../../plugins/prometheus/index';
import prometheusScrape from '../../../../plugins/prometheus-scrape/index';
import { fieldOfError, fieldsOf, initialValues, isShown, toSettings } from './settings-form';

// What GET /api/plugins/prometheus/settings answers (the JSON Schema of the plugin's zod settings).
const PROMETHEUS = {
  type: 'object',
  properties: {
    url: { type: 'string', format: 'uri', description: 'Base URL of the query API' },
    auth: { default: 'none', description: 'How to authenticate', type: 'string', enum: ['none', 'bearer', 'basic'] },
    token: { type: 'string', secret: true, description: 'Bearer token (auth: bearer)' },
    username: { description: 'User (auth: basic)', type: 'string' },
    password: { type: 'string', secret: true, description: 'Password (auth: basic)' },
    headers: { default: {}, type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
    timeoutSeconds: { default: 30, type: 'number', exclusiveMinimum: 0, maximum: 300 },
  },
  required: ['url'],
};

describe('a settings form read from a plugin\'s JSON Schema', () => {
  const fields = fieldsOf(PROMETHEUS);
  const field = (k: string) => fields.find((f) => f.key === k)!;

  it('types each field and shows auth fields only for their auth', () => {
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['url', 'url'],
      ['auth', 'choice'],
      ['token', 'secret'],
      ['username', 'text'],
      ['password', 'secret'],
      ['headers', 'pairs'],
      ['timeoutSeconds', 'number'],
    ]);
    expect(field('url')).toMatchObject({ label: 'URL', required: true });
    expect(field('timeoutSeconds')).toMatchObject({ label: 'Timeout seconds', required: false, placeholder: '30' });
    const values = initialValues(fields, null);
    expect(values.auth).toBe('none');
    expect(isShown(field('token'), values)).toBe(false);
    expect(isShown(field('token'), { ...values, auth: 'bearer' })).toBe(true);
    expect(isShown(field('password'), { ...values, auth: 'bearer' })).toBe(false);
  });

  it('never prefills a secret, and leaves empty and hidden fields out of what is sent', () => {
    const values = initialValues(fields, { url: 'http://prom:9090', auth: 'bearer', headers: { 'X-Scope-OrgID': 'a' }, timeoutSeconds: 5 });
    expect(values).toMatchObject({ url: 'http://prom:9090', auth: 'bearer', token: '', headers: 'X-Scope-OrgID: a', timeoutSeconds: '5' });
    expect(toSettings(fields, { ...values, username: 'ignored (basic only)' })).toEqual({
      settings: { url: 'http://prom:9090', auth: 'bearer', headers: { 'X-Scope-OrgID': 'a' }, timeoutSeconds: 5 },
    });
    expect(toSettings(fields, { ...values, token: ' s3cret ' })).toMatchObject({ settings: { token: 's3cret' } });
  });

  it('names the field that cannot be read', () => {
    const values = initialValues(fields, null);
    expect(toSettings(fields, values)).toEqual({ field: 'url', message: 'URL is required' });
    expect(toSettings(fields, { ...values, url: 'http://x', timeoutSeconds: 'ten' })).toEqual({ field: 'timeoutSeconds', message: 'Timeout seconds: "ten" is not a number' });
    expect(toSettings(fields, { ...values, url: 'http://x', headers: 'no colon here' })).toEqual({ field: 'headers', message: 'Headers, line 1: write "Name: value"' });
    expect(fieldOfError(fields, 'data source "x": timeoutSeconds: Too small: expected number to be >0')).toBe('timeoutSeconds');
  });

  it('takes each plugin\'s own example of its headers (the schema as the plugin process sends it)', () => {
    const headersOf = (settings: z.ZodType) => fieldsOf(z.toJSONSchema(settings, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>).find((f) => f.key === 'headers')!;
    expect(headersOf(prometheus.definition.settings)).toMatchObject({ kind: 'pairs', example: 'X-Scope-OrgID: team-a' });
    const scrape = headersOf(prometheusScrape.definition.settings);
    expect(scrape.example).toBe('Accept: text/plain;version=0.0.4');
    expect(scrape.description).toMatch(/scrape/);
    expect(field('url').example).toBe('');
  });
});
