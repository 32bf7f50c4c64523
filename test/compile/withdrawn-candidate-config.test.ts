/**
 * A candidate withdrawn by `abort` leaves the policy while Argo Rollouts keeps its ReplicaSet up
 * for a scale-down delay: `compile` (through the output folder) and `plan` / `propose` (through
 * the `--base` output) keep the ConfigMap its pods mount, and a compiled folder stays clean under
 * `compile --check`. The ReplicaSet walk that proves when the ConfigMap may go is
 * test/serving/config-outlives-pods.test.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import { runCompile } from '../../src/compile/run.js';
import { parseHeader } from '../../src/emit/header.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';

const CONFIGMAPS = 'default/churn-scorer/tfserving/template-configmaps.yaml';
const names = (text: string): string[] => [...text.matchAll(/^ {2}name: (\S+)$/gm)].map((match) => match[1]!);

let root: string;
let cacheHome: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-withdrawn-'));
  cacheHome = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  cpSync(join(repoRoot, 'policies', 'churn-scorer.yaml'), join(root, 'policies', 'churn-scorer.yaml'));
  cpSync(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
  seedRunningRollouts(join(root, 'generated'), ['churn-scorer']);
});
afterEach(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
  rmSync(root, { recursive: true, force: true });
});

const policyFile = () => join(root, 'policies', 'churn-scorer.yaml');
const abortCandidate = () => writeFileSync(policyFile(), readFileSync(policyFile(), 'utf8').replace(/^ {4}candidate: 8\n/m, ''));
const run = (mode: 'write' | 'check') => runCompile({ paths: [join(root, 'policies')], outDir: join(root, 'generated'), mode });
const configMaps = () => readFileSync(join(root, 'generated', CONFIGMAPS), 'utf8');

describe("a withdrawn candidate's ConfigMap", () => {
  it('stays in the output compile writes, and compile --check then sees no change', async () => {
    await run('write');
    const withCandidate = names(configMaps());
    expect(withCandidate).toEqual([expect.stringMatching(/^churn-scorer-tfserving-8-/), expect.stringMatching(/^churn-scorer-tfserving-7-/)]);
    abortCandidate();
    const aborted = await run('write');
    expect(aborted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The policy's own first, then those carried over.
    expect(names(configMaps())).toEqual([withCandidate[1], withCandidate[0]]);
    expect((await run('check')).changes).toEqual([]);
  });

  it('is carried from the base output by the compile plan and propose run', async () => {
    await run('write');
    const base = configMaps();
    abortCandidate();
    const compiled = (previous: string | null) =>
      compileSources([{ file: 'policies/churn-scorer.yaml', bytes: readFileSync(policyFile()) }], {
        sourceRoot: root,
        profile: { file: 'modelgate.config.yaml', bytes: readFileSync(join(root, 'modelgate.config.yaml')) },
        previousOutput: (path) => (path === CONFIGMAPS ? (parseHeader(previous ?? '')?.body ?? null) : null),
      }).files.get(CONFIGMAPS)!;
    expect(names(compiled(base))).toEqual([names(base)[1], names(base)[0]]);
    expect(names(compiled(null))).toEqual([names(base)[1]]);
  });
});
