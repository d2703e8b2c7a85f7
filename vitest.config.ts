import { defineConfig } from 'vitest/config';

// Unit and end-to-end tests of bootspec itself. The conformance scenarios in suites/ are run by
// `bootspec run` through vitest's Node API with their own configuration (harness/run/).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2 cores: e2e tests start real runtimes; more workers only add contention.
    maxWorkers: 2,
  },
});
