/**
 * The validators generated at build time (ajv standalone code, loaded by the built CLI) and the
 * ones compiled at run time (under vitest, or when the generated file is missing or stale) must
 * be the same validator: same verdict and the same errors, down to which `$defs` entry the
 * policy-schema messages name, on the examples and on systematic breakages of them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRECOMPILED_STRICT_VALIDATORS, compileStrictValidator } from '../../src/check/crd-schemas.js';
import { codeCacheFile, loadWithCodeCache, makeCodeCache } from '../../src/precompiled/code-cache.js';
import { loadPrecompiled, precompiledSource, type PrecompiledValidator } from '../../src/precompiled/precompiled-validator.js';
import { targets } from '../../src/targets/index.js';
import { POLICY_VALIDATOR, compilePolicyValidator, defName, withPolicySchemaNodes } from '../../src/validate/policy-schema.js';
import { profileSchemaDocument } from '../../src/validate/profile-schema.js';
import { examplePolicies, repoRoot } from '../gates/example-policies.js';
import { requireBuiltCli } from '../security/run-cli.js';

// The generated code requires ajv's runtime; a node_modules link lets it load from a temp folder.
const work = mkdtempSync(path.join(tmpdir(), 'modelgate-precompiled-'));
symlinkSync(path.join(repoRoot, 'node_modules'), path.join(work, 'node_modules'), 'dir');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The validator as the built CLI gets it: generated source and its code cache written to files, then loaded. */
function generatedAndLoaded(validator: PrecompiledValidator): ValidateFunction {
  const url = pathToFileURL(path.join(work, path.basename(validator.url.pathname)));
  writeFileSync(url, precompiledSource(validator));
  writeFileSync(codeCacheFile(fileURLToPath(url)), makeCodeCache(fileURLToPath(url)));
  const loaded = loadPrecompiled({ ...validator, url });
  if (!loaded) throw new Error(`${url} did not load`);
  return loaded;
}

/** The value itself and breakages of every node: wrong types, out-of-range values, misspelt keys, removed keys. */
function breakages(value: unknown): unknown[] {
  const out: unknown[] = [value];
  const visit = (node: unknown, replace: (next: unknown) => unknown): void => {
    for (const wrong of [42, -1, 'zz', '', {}, [], null]) out.push(replace(wrong));
    if (Array.isArray(node)) {
      out.push(replace([...node, ...node]));
      node.forEach((item, i) => visit(item, (next) => replace(node.map((x, j) => (j === i ? next : x)))));
    } else if (node !== null && typeof node === 'object') {
      out.push(replace({ ...node, wieght: 5 }));
      for (const key of Object.keys(node)) {
        const { [key]: removed, ...rest } = node as Record<string, unknown>;
        out.push(replace(rest));
        visit(removed, (next) => replace({ ...node, [key]: next }));
      }
    }
  };
  visit(value, (next) => next);
  return out;
}

function expectSameErrors(runtime: ValidateFunction, precompiled: ValidateFunction, inputs: unknown[], nameOf: (node: unknown) => string | undefined = defName): void {
  let invalid = 0;
  for (const input of inputs) {
    const verdict = runtime(input);
    expect(precompiled(input)).toBe(verdict);
    expect(precompiled.errors).toEqual(runtime.errors);
    // Messages read schema nodes by content, and tell a `$defs` entry by identity.
    precompiled.errors?.forEach((error, i) => expect(nameOf(error.parentSchema)).toBe(nameOf(runtime.errors![i]!.parentSchema)));
    if (!verdict) invalid++;
  }
  // The breakages must actually exercise the error paths.
  expect(invalid).toBeGreaterThan(inputs.length / 2);
}

describe('precompiled validators', () => {
  it('the policy schema can be precompiled: no $defs entry has the text of another node', () => {
    expect(POLICY_VALIDATOR.precompilable?.()).toBeUndefined();
  });

  it('the policy schema: same verdicts and errors (same schema nodes) on the examples and their breakages', () => {
    const policies = readdirSync(path.join(repoRoot, 'policies')).filter((file) => file.endsWith('.yaml'));
    expect(policies.length).toBeGreaterThan(0);
    const inputs = policies.flatMap((file) => breakages(parse(readFileSync(path.join(repoRoot, 'policies', file), 'utf8'))));
    expectSameErrors(compilePolicyValidator(), withPolicySchemaNodes(generatedAndLoaded(POLICY_VALIDATOR)), inputs);
  });

  it('the platform profile schema: precompilable, and the same verdicts and errors on the example profile and its breakages', () => {
    expect(profileSchemaDocument.precompiled.precompilable?.()).toBeUndefined();
    const inputs = breakages(parse(readFileSync(path.join(repoRoot, 'modelgate.config.yaml'), 'utf8')));
    const precompiled = profileSchemaDocument.withSchemaNodes(generatedAndLoaded(profileSchemaDocument.precompiled));
    expectSameErrors(profileSchemaDocument.compile(), precompiled, inputs, profileSchemaDocument.defName);
  });

  it.each([...PRECOMPILED_STRICT_VALIDATORS])('strict CRD validator for %s: same verdicts and errors on every compiled example object and its breakages', (type, validator) => {
    const documents = exampleObjects().filter((document) => {
      const { apiVersion, kind } = document as { apiVersion?: string; kind?: string };
      return `${apiVersion}/${kind}` === type;
    });
    // The v1alpha3 Istio kinds are known but not emitted; their v1beta1 twins' objects exercise them.
    const inputs = (documents.length > 0 ? documents : exampleObjects().filter((document) => (document as { kind?: string }).kind === type.split('/').pop())).flatMap(breakages);
    expect(inputs.length).toBeGreaterThan(0);
    expectSameErrors(compileStrictValidator(type), generatedAndLoaded(validator), inputs);
  });

  it('ignores a generated file made from other inputs, and a missing one', () => {
    const url = pathToFileURL(path.join(work, 'stale.generated.cjs'));
    writeFileSync(url, precompiledSource(POLICY_VALIDATOR));
    expect(loadPrecompiled({ ...POLICY_VALIDATOR, url, inputsSha256: () => 'other' })).toBeUndefined();
    expect(loadPrecompiled({ ...POLICY_VALIDATOR, url: pathToFileURL(path.join(work, 'missing.cjs')) })).toBeUndefined();
  });

  it('loads a generated file through the code cache made for it, and never through one made for other source', () => {
    if (!requireBuiltCli()) return;
    const file = path.join(work, 'cached.generated.cjs');
    writeFileSync(file, precompiledSource(profileSchemaDocument.precompiled));
    writeFileSync(codeCacheFile(file), makeCodeCache(file));
    expect(loadInFreshProcess(file)).toEqual({ cacheUsed: true, verdict: false, stamp: profileSchemaDocument.precompiled.inputsSha256() });
    // The same code with another stamp: V8 would take a cache made for a source of the same length.
    writeFileSync(file, precompiledSource({ ...profileSchemaDocument.precompiled, inputsSha256: () => 'f'.repeat(64) }));
    expect(loadInFreshProcess(file)).toEqual({ cacheUsed: false, verdict: false, stamp: 'f'.repeat(64) });
    expect(loadWithCodeCache(path.join(work, 'missing.generated.cjs'))).toBeUndefined();
  });

  it('a code cache made after validating inputs holds what they reached: a run validating them compiles nothing more', () => {
    if (!requireBuiltCli()) return;
    const rollouts = exampleObjects().filter((document) => (document as { kind?: string }).kind === 'Rollout');
    expect(rollouts.length).toBeGreaterThan(0);
    const file = path.join(work, 'trained.generated.cjs');
    writeFileSync(file, precompiledSource(PRECOMPILED_STRICT_VALIDATORS.get('argoproj.io/v1alpha1/Rollout')!));
    const inputs = path.join(work, 'rollouts.json');
    writeFileSync(inputs, JSON.stringify(rollouts));
    // Made from the file alone: validating compiles the functions the objects reach.
    writeFileSync(codeCacheFile(file), makeCodeCache(file));
    const untrained = validateInFreshProcess(file, inputs);
    expect(untrained.cacheUsed).toBe(true);
    expect(untrained.verdicts.every(Boolean)).toBe(true);
    expect(untrained.compiledBytes).toBeGreaterThan(untrained.loadedBytes);
    writeFileSync(codeCacheFile(file), makeCodeCache(file, (validate) => rollouts.forEach((rollout) => (validate as ValidateFunction)(rollout))));
    const trained = validateInFreshProcess(file, inputs);
    expect(trained.cacheUsed).toBe(true);
    expect(trained.verdicts).toEqual(untrained.verdicts);
    expect(trained.loadedBytes).toBeGreaterThan(untrained.loadedBytes);
    // What validating compiled on top of the loaded cache: nearly all of it without training. Not
    // zero with it, always: V8 may drop the bytecode of a function not run for a while (the file's
    // top level) before the cache is made, and compile it again here.
    const grown = (run: { loadedBytes: number; compiledBytes: number }): number => Math.max(0, run.compiledBytes - run.loadedBytes);
    expect(grown(trained)).toBeLessThan(grown(untrained) / 10);
  });

  it('a code cache V8 cannot use (damaged, or from another V8) is rejected, and the file compiles as usual', () => {
    if (!requireBuiltCli()) return;
    const file = path.join(work, 'damaged.generated.cjs');
    writeFileSync(file, precompiledSource(profileSchemaDocument.precompiled));
    const cache = makeCodeCache(file);
    // The stamp line stays; V8's own header after it (its version hash) does not.
    cache.fill(0, 65, 80);
    writeFileSync(codeCacheFile(file), cache);
    expect(loadInFreshProcess(file)).toEqual({ cacheUsed: false, verdict: false, stamp: profileSchemaDocument.precompiled.inputsSha256() });
  });
});

/** Every object the targets build from the example policies. */
function exampleObjects(): unknown[] {
  return examplePolicies().flatMap((policy) => targets.flatMap((target) => target.build(policy)).flatMap((file) => file.documents ?? []));
}

/**
 * In a process of its own (see loadInFreshProcess), `file` loaded through its code cache and given
 * every input of the JSON file `inputs`: its verdicts, the size of the V8 cache it loaded, and of
 * the cache of what is compiled after validating (larger when validating compiled more).
 */
function validateInFreshProcess(file: string, inputs: string): { cacheUsed: boolean; verdicts: boolean[]; loadedBytes: number; compiledBytes: number } {
  const codeCache = pathToFileURL(path.join(repoRoot, 'dist', 'precompiled', 'code-cache.js')).href;
  const script = `import { readFileSync } from 'node:fs';
    import { codeCacheFile, loadWithCodeCache } from ${JSON.stringify(codeCache)};
    const { exports: validate, cacheUsed, script } = loadWithCodeCache(${JSON.stringify(file)});
    const verdicts = JSON.parse(readFileSync(${JSON.stringify(inputs)}, 'utf8')).map((input) => validate(input));
    // The stored cache starts with its 64-digit stamp and a newline.
    const loadedBytes = readFileSync(codeCacheFile(${JSON.stringify(file)})).length - 65;
    process.stdout.write(JSON.stringify({ cacheUsed, verdicts, loadedBytes, compiledBytes: script.createCachedData().length }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { cacheUsed: boolean; verdicts: boolean[]; loadedBytes: number; compiledBytes: number };
}

/**
 * `loadWithCodeCache` of the built code (dist/) in a process of its own: within one process V8
 * finds a script it compiled before in memory and never reads the cache it is given.
 */
function loadInFreshProcess(file: string): { cacheUsed: boolean; verdict: boolean; stamp: string } {
  const codeCache = pathToFileURL(path.join(repoRoot, 'dist', 'precompiled', 'code-cache.js')).href;
  const script = `import { loadWithCodeCache } from ${JSON.stringify(codeCache)};
    const { exports: validate, cacheUsed } = loadWithCodeCache(${JSON.stringify(file)});
    process.stdout.write(JSON.stringify({ cacheUsed, verdict: validate({}), stamp: validate.inputsSha256 }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { cacheUsed: boolean; verdict: boolean; stamp: string };
}
