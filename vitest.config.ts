import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'sim/**/*.test.ts', 'gateway/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real HTTPS servers and spawn kubectl; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
