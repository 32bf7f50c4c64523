import { defineConfig } from 'vitest/config';

// Only the live-rollback bench; `npm test` never picks it up (its include is test/**).
export default defineConfig({ test: { include: ['bench/live-rollback.bench.ts'], reporters: ['dot'] } });
