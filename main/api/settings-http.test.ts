// The Settings page's API: how this Loupe was started, and the token only for those holding it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retention: { maxAgeHours: 36, maxSizeBytes: 256 * 1024 ** 2 } });
});
afterAll(async () => {
  await h.close();
});

describe('settings API', () => {
  it('reports the data directory, retention caps, listeners and session token', async () => {
    const { status, body } = await h.api('/api/settings');
    expect(status).toBe(200);
    expect(body.dataDir).toBe(h.dataDir);
    expect(body.retention).toMatchObject({ maxAgeHours: 36, maxSizeBytes: 256 * 1024 ** 2 });
    expect(body.listeners.otlpHttp).toBe(h.otlp);
    expect(body.listeners.ui).toBe(h.ui);
    expect(body.token).toBe(h.token);
  });

  it('refuses callers without the token and unknown parameters', async () => {
    const anonymous = await fetch(`${h.ui}/api/settings`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.text()).includes(h.token)).toBe(false);
    expect((await h.api('/api/settings?verbose=1')).status).toBe(400);
  });
});
