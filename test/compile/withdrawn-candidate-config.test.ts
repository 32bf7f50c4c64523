/**
 * A candidate withdrawn by `abort` leaves the policy while Argo Rollouts keeps its ReplicaSet up
 * for a scale-down delay: `compile` (through the output folder) and `plan` / `propose` (through
 * the `--base` output) keep the ConfigMap its pods mount, and a compiled folder stays clean under
 * `compile --check`. It goes once two versions newer than it have been replaced. The ReplicaSet
 * walk that proves when the ConfigMap may go is test/serving/config-outlives-pods.test.ts.
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
import { releaseAction } from '../serving/release-walk.js';

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

  it('outlives an early promote of the fix and of the release after it, and leaves with the next', () => {
    // Argo aborted 8 and the fix replaced it at once: no `abort` edit, so 8's ReplicaSet holds the
    // warm slot after 9's promotion and keeps its pods until the promotion that replaces 9 is done.
    let text = readFileSync(policyFile(), 'utf8');
    // First the running Rollout alone (seeded), then each compile's own output.
    const ROLLOUT = 'default/churn-scorer/rollout/rollout.yaml';
    let output = new Map([[ROLLOUT, readFileSync(join(root, 'generated', ROLLOUT), 'utf8')]]);
    const compile = (): string[] => {
      const result = compileSources([{ file: 'policies/churn-scorer.yaml', bytes: new TextEncoder().encode(text) }], {
        sourceRoot: root,
        profile: { file: 'modelgate.config.yaml', bytes: readFileSync(join(root, 'modelgate.config.yaml')) },
        previousOutput: (path) => parseHeader(output.get(path) ?? '')?.body ?? null,
      });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      output = result.files;
      return names(result.files.get(CONFIGMAPS)!);
    };
    const withCandidate = (version: number): string => text.replace(/^( {4}stable: \d+\n)(?: {4}candidate: \d+\n)?/m, `$1    candidate: ${version}\n`);
    const versions = (): number[] => compile().map((name) => Number(/-tfserving-(\d+)-/.exec(name)![1]));
    expect(versions()).toEqual([8, 7]);
    // The policy's own versions first, then those carried over.
    const steps: Array<[string, () => string, number[]]> = [
      ['the fix replaces 8', () => withCandidate(9), [9, 7, 8]],
      ['promote 9', () => releaseAction(text, { action: 'promote' }), [9, 7, 8]],
      ['candidate 10', () => withCandidate(10), [10, 9, 7, 8]],
      // 9 is the one version newer than 8 replaced so far: Argo may still be promoting 10.
      ['promote 10', () => releaseAction(text, { action: 'promote' }), [10, 9, 7, 8]],
      ['candidate 11', () => withCandidate(11), [11, 10, 9, 7, 8]],
      ['promote 11', () => releaseAction(text, { action: 'promote' }), [11, 10, 9, 7]],
    ];
    for (const [change, edit, expected] of steps) {
      text = edit();
      expect(versions(), change).toEqual(expected);
      // Compiling the same policy against its own output changes nothing.
      const written = output;
      compile();
      expect(output, `${change}, compiled again`).toEqual(written);
    }
  });
});
