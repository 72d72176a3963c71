// Client mistakes are 4xx, never 500: every method of the contract refuses parameters it does
// not declare, and everything looked up by name or id answers 404 when it is not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../common/api/contract';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** A path with its parameters filled by plausible values. */
function samplePath(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (name === 'traceId' ? '0af7651916cd43dd8448eb211c80319c' : name === 'id' ? '1' : 'sample'));
}

describe('unknown parameters', () => {
  for (const [name, e] of Object.entries(api)) {
    it(`${e.method} ${e.path} (${name}) answers 400 naming an undeclared parameter`, async () => {
      const path = samplePath(e.path);
      const sendsBody = (e.method === 'POST' || e.method === 'PUT') && !e.raw;
      const res = sendsBody
        ? await h.api(path, { method: e.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ zzUnknown: 1 }) })
        : await h.api(`${path}?zzUnknown=1`, { method: e.method });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('unknown_parameter');
      expect(res.body.error.message).toMatch(/"zzUnknown"/);
    });
  }
});

describe('not found is 404', () => {
  it('a trace, a log record, a service, a catalog entity', async () => {
    const cases = [
      '/api/traces/0af7651916cd43dd8448eb211c80319c',
      '/api/traces/0af7651916cd43dd8448eb211c80319c/compact',
      '/api/logs/987654',
      '/api/services/no-such-service/golden-signals',
      '/api/catalog/entities/component/default/no-such-entity',
    ];
    for (const path of cases) {
      const res = await h.api(path);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: 'not_found' });
      expect(res.body.error.message).not.toMatch(/internal error/);
    }
  });
});
