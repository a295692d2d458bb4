import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql module for everyone: Vite would otherwise hand inlined code graphql's .mjs
    // build while Node-loaded dependencies (graphql-ws, Apollo) get its .js build, and schema
    // objects then fail as "from another module or realm".
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts', 'sim/**/*.test.ts', 'gateway/**/*.test.ts'],
    // Tests and examples import the built SDK (what npm pack ships), and the gateway imports
    // #client-node and #kysely from dist/vendor/: build both first.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real HTTPS servers and spawn kubectl; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
