// How a plugin authenticates to an HTTP backend, declared once so every built-in plugin that
// talks HTTP (the Prometheus data source, the scrape source) offers the same settings: none,
// bearer or basic, plus extra headers. Token and password are `secret` fields, so the core keeps
// them in its secret store, never returns them and blanks them out of anything the plugin says.
import { z } from 'zod';
import { PluginError, secret } from './index';

/** The settings fields; spread them into a plugin's settings object. `headers` describes the
 * extra headers for this plugin's backends, and gives an example the settings form shows as
 * its placeholder (JSON Schema `examples`). */
export function httpAuthSettings(headers: { description: string; example?: Record<string, string> } = { description: 'Extra HTTP headers sent with every request' }) {
  return {
    auth: z.enum(['none', 'bearer', 'basic']).default('none').describe('How to authenticate'),
    token: secret('Bearer token (auth: bearer)').optional(),
    username: z.string().optional().describe('User (auth: basic)'),
    password: secret('Password (auth: basic)').optional(),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: headers.description, ...(headers.example ? { examples: [headers.example] } : {}) }),
  };
}

export interface HttpAuth {
  auth: 'none' | 'bearer' | 'basic';
  token?: string;
  username?: string;
  password?: string;
  headers: Record<string, string>;
}

/** The request headers for `settings`: its extra headers, then Authorization. A missing
 * credential is a `bad_settings` error naming the field, raised before anything is sent. */
export function authHeaders(settings: HttpAuth): Record<string, string> {
  const h: Record<string, string> = { ...settings.headers };
  if (settings.auth === 'bearer') {
    if (!settings.token) throw new PluginError('bad_settings', 'auth is "bearer" but no token is set');
    h.Authorization = `Bearer ${settings.token}`;
  } else if (settings.auth === 'basic') {
    if (!settings.username) throw new PluginError('bad_settings', 'auth is "basic" but no username is set');
    h.Authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
  }
  return h;
}
