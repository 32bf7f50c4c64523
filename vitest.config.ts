import { defineConfig } from 'vitest/config';

// `*.long.test.ts` files hold the heavy proofs (many runs through promtool, kill loops, real
// servers). `npm test` leaves them out to stay within a few minutes; `LONG=1 npm test` runs
// everything, and `.ci/run` does that.
const long = process.env.LONG === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: long ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/**/*.long.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // promtool, protoc and CLI processes make some tests slow on a 2-core machine; none is timed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
