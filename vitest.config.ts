import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'collectors/**/*.test.ts', 'main/**/*.test.ts', 'plugins/**/*.test.ts', 'renderer/**/*.test.ts', 'bench/**/*.test.ts', 'build/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: run files two at a time so servers started by tests do not starve.
    maxWorkers: 2,
    env: { LOUPE_VALIDATE_OUTPUT: '1' },
  },
});
