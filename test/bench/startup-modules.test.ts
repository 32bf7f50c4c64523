/**
 * Commands load only what they use: the pre-commit case (`validate` of one policy) and
 * `--version` must not pay for Octokit, handlebars or the PromQL parser. Runs the built CLI with
 * a resolve hook that records every module actually loaded, dynamic imports and requires included: the modules
 * tsc built (dist/cli/main.js), and the bin, whose chunks are mapped to the packages in them by
 * the build's metafile.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain as bin } from '../security/run-cli.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const trace = join(repoRoot, 'bench', 'trace-modules.mjs');
const work = mkdtempSync(join(tmpdir(), 'modelgate-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every module (URL) a CLI run loads, imported or required. */
function modulesLoadedBy(args: string[], entry = cli, cwd = repoRoot): string[] {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' (npm test does) before this test`);
  const log = join(work, `${args.join('_').replace(/[^\w-]/g, '')}.log`);
  rmSync(log, { force: true });
  // The exit status is not the point here (compile --check may find the output stale).
  const run = spawnSync(process.execPath, ['--import', trace, entry, ...args], { cwd, env: { ...process.env, MODELGATE_TRACE_MODULES: log }, encoding: 'utf8' });
  if (run.status === null || run.status > 1) throw new Error(`modelgate ${args.join(' ')} failed: ${run.stderr}`);
  // The hook appends only when something is resolved past the entry point.
  return existsSync(log) ? [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))] : [];
}

const packageOf = (path: string): string[] => [/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? []].flat();

/** Packages (under node_modules) a CLI run loads. */
function packagesLoadedBy(args: string[], cwd?: string): string[] {
  return [...new Set(modulesLoadedBy(args, cli, cwd).flatMap(packageOf))].sort();
}

/** Packages in the chunks of the bin a CLI run loads, by the build's metafile, and those it requires from node_modules. */
function bundledPackagesLoadedBy(args: string[], cwd?: string): string[] {
  const { outputs } = JSON.parse(readFileSync(join(dirname(bin), 'metafile.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const files = modulesLoadedBy(args, bin, cwd).flatMap((url) => (url.startsWith('file:') ? [relative(repoRoot, fileURLToPath(url))] : []));
  // The build copies the generated validators and the table of query flows beside the chunks; esbuild did not make them.
  const chunks = files.filter((file) => packageOf(file).length === 0 && !file.includes('.generated.'));
  expect(chunks.every((chunk) => chunk in outputs), 'a loaded file of the bundle is missing from its metafile').toBe(true);
  const inputs = chunks.flatMap((chunk) => Object.keys(outputs[chunk]!.inputs));
  return [...new Set([...inputs, ...files].flatMap(packageOf))].sort();
}

const HEAVY = ['@octokit/rest', '@octokit/plugin-retry', '@octokit/plugin-throttling', 'handlebars', '@prometheus-io/lezer-promql'];

// The same expectations of the modules tsc built and of the bin.
describe.each([
  { form: 'dist/cli/main.js', packagesLoadedBy },
  { form: 'the bin (the bundle)', packagesLoadedBy: bundledPackagesLoadedBy },
])('start-up path of $form', ({ form, packagesLoadedBy: loadedBy }) => {
  it('validate of one policy loads YAML, and none of the heavy packages', () => {
    const loaded = loadedBy(['validate', 'policies/fraud-detector.yaml']);
    // ajv is now required (CommonJS, precompiled or on demand), which this import trace does not see.
    expect(loaded).toEqual(expect.arrayContaining(['yaml']));
    expect(loaded.filter((name) => HEAVY.includes(name) || name.startsWith('@octokit/'))).toEqual([]);
  });

  it('--version loads no package at all', () => {
    expect(loadedBy(['--version'])).toEqual([]);
  });

  it("compile of an example loads no PromQL parser: the build's table has the flow of every query shape it writes", () => {
    expect(loadedBy(['compile', '--check', '--out', join(work, `out-${form.replace(/\W+/g, '-')}`), 'policies/fraud-detector.yaml'])).not.toContain('@prometheus-io/lezer-promql');
  });

  it('compile of a query shape the table lacks requires the parser on demand, and the trace sees it', () => {
    // A segment label no example or bench policy uses is spelt in the shape of the segment gate's queries.
    const project = join(work, `novel-${form.replace(/\W+/g, '-')}`);
    mkdirSync(join(project, 'policies'), { recursive: true });
    copyFileSync(join(repoRoot, 'modelgate.config.yaml'), join(project, 'modelgate.config.yaml'));
    writeFileSync(join(project, 'policies', 'fraud-detector.yaml'), readFileSync(join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8').replaceAll('merchant_category', 'card_network'));
    expect(loadedBy(['compile', '--check', '--out', join(project, 'out'), 'policies/fraud-detector.yaml'], project)).toContain('@prometheus-io/lezer-promql');
  });
});

describe('start-up path of dist/cli/main.js', () => {
  it('compile with nothing changed loads no package, and of the rules only the set-wide ones', () => {
    const out = join(work, 'unchanged');
    seedRunningRollouts(out, ['fraud-detector']);
    const args = ['compile', '--out', out, 'policies/fraud-detector.yaml'];
    modulesLoadedBy(args);
    const loaded = modulesLoadedBy(args);
    expect(loaded.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    const rules = loaded.flatMap((url) => /\/dist\/rules\/([^/]+)\.js$/.exec(url)?.[1] ?? []).sort();
    expect(rules).toEqual(['repeats', 'rule', 'set-wide', 'unique-hosts', 'unique-policy-names']);
  });
});

describe('compiled code kept between runs', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv): void => {
    const result = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  };

  it("a command keeps Node's compile cache in the user's own cache folder (mode 0700), --version writes nothing", () => {
    const cache = join(work, 'xdg-cache');
    run(['--version'], { XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: '' });
    expect(existsSync(cache)).toBe(false);
    run(['validate', 'policies/fraud-detector.yaml'], { XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: '' });
    expect(statSync(join(cache, 'modelgate')).mode & 0o777).toBe(0o700);
    const kept = readdirSync(join(cache, 'modelgate', 'node-compile-cache'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(kept.length).toBeGreaterThan(0);
  });
});
