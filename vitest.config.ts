import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // promtool, protoc and CLI processes make some tests slow on a 2-core machine; none is timed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
