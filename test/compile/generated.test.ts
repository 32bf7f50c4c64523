/**
 * `generated/` in the repository is exactly what `modelgate compile` makes of `policies/`: the
 * same check CI runs with `modelgate compile --check`, here without writing anything.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompile } from '../../src/compile/run.js';
import { repoRoot } from '../support/tools.js';

describe('generated/', () => {
  it('is up to date with policies/', async () => {
    const { diagnostics, changes } = await runCompile({ paths: [resolve(repoRoot, 'policies')], outDir: join(repoRoot, 'generated'), mode: 'check' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(changes, 'run `npx tsc -p . && node dist/cli/main.js compile` from the repository root and commit generated/').toEqual([]);
  });
});
