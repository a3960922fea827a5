import { defineConfig } from 'vitest/config'

// Two projects: `unit` (pure logic, in-process, fake time, and the deploy/ file
// checks: runs files in parallel) and `integration` (real processes, real TCP, network namespaces: one file at a
// time, so a loaded 2-core machine runs at most one fleet at once).
const INTEGRATION = ['test/**/*.test.ts', 'packages/*/src/**/*.process.test.ts', 'packages/cli/src/bin.test.ts']
// The architecture's rules read files only: they run with the unit tests.
const RULES = ['test/rules/**/*.test.ts']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'deploy/**/*.test.ts', ...RULES],
          exclude: ['**/node_modules/**', '**/dist/**', ...INTEGRATION.filter((g) => !g.startsWith('test/'))],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: ['**/node_modules/**', '**/dist/**', ...RULES],
          fileParallelism: false,
          testTimeout: 180_000,
        },
      },
    ],
  },
})
