// The core's environment: Loupe's memory settings are added, and whatever the user set wins.
import { describe, expect, it } from 'vitest';
import { coreEnv } from './core-env';

describe('coreEnv', () => {
  it('adds two malloc arenas, a fixed 1 MiB mmap threshold and a 4 MiB semi-space to the environment it is given', () => {
    const env = coreEnv({ PATH: '/usr/bin' });
    expect(env).toMatchObject({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576', NODE_OPTIONS: '--max-semi-space-size=4' });
  });

  it("keeps the user's own settings and their other node options", () => {
    expect(coreEnv({ MALLOC_ARENA_MAX: '8', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=16' })).toMatchObject({
      MALLOC_ARENA_MAX: '8',
      MALLOC_MMAP_THRESHOLD_: '131072',
      NODE_OPTIONS: '--max-semi-space-size=16',
    });
    expect(coreEnv({ NODE_OPTIONS: '--enable-source-maps' }).NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=4');
  });
});
