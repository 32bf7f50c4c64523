/**
 * `generated/` in the repository is exactly what `modelgate compile` makes of `policies/`: the
 * same check CI runs with `modelgate compile --check`, here without writing anything.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/compile.js';
import { scopeOf, syncOutput } from '../../src/emit/sync.js';
import { repoRoot } from '../support/tools.js';

describe('generated/', () => {
  it('is up to date with policies/', async () => {
    const result = await compile([resolve(repoRoot, 'policies')], { sourceRoot: repoRoot });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { changes } = await syncOutput(join(repoRoot, 'generated'), result.files, scopeOf(['policies']), 'check');
    expect(changes, 'run `npx tsc -p . && node dist/cli/main.js compile` from the repository root and commit generated/').toEqual([]);
  });
});
