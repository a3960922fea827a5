import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Multi-process tests start many real nodes; on a 2-core machine they must not overlap.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
