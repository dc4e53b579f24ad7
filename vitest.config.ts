import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // A few unit tests start the real bin or run fast-check properties of hundreds of cases;
        // vitest's 5 s default trips on a loaded 2-core machine although nothing hangs.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        // Integration tests change the real kernel, OVS and Docker: one file at a time.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The editor in Chromium against a real serve on the real lab host.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
