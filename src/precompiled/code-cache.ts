/**
 * A generated validator loaded through V8's code cache. The strict CRD validators are up to 1 MB
 * of generated code (the Rollout's pod template written out in full), and V8 compiles a function
 * when it is first called: without a cache the Rollout's costs ~145 ms to load and first validate.
 * Node's own compile cache (NODE_COMPILE_CACHE) stores a module's code as V8 compiled it on
 * loading, which leaves every function body out. So the build runs each generated file on what
 * modelgate's compile of the example policies gives it (their objects, the policies, the profile)
 * and then stores what V8 compiled (`vm.Script#createCachedData` after running: the top level and
 * every function those inputs reached). Storing every function instead (V8's `--no-lazy`) made
 * the caches about three times larger, and deserializing them, not compiling, became the cost:
 * 2.2 MB for the strict CRD kinds, most of it for pod-spec fields modelgate never writes. A
 * function no example reaches is compiled when a run first reaches it, as without a cache.
 *
 * V8 takes a cache made by the same V8 with the same flags for a source of the same length, and
 * otherwise rejects it (the run compiles as usual). It does not compare the text, so the cache
 * starts with the stamp of the source it was made from.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The cache of `file`: `<file>.v8-cache`. */
export const codeCacheFile = (file: string): string => `${file}.v8-cache`;

/** `module.exports.inputsSha256 = "<hex>";`, the last line precompiledSource writes. */
const STAMP_LINE = /module\.exports\.inputsSha256 = "([0-9a-f]{64})";\n$/;
const stampOf = (source: string): string | undefined => STAMP_LINE.exec(source.slice(-120))?.[1];
const HEADER_BYTES = 65;

export interface LoadedModule {
  exports: unknown;
  /** Whether V8 took the stored cache (false: none, or made for another source or V8). */
  cacheUsed: boolean;
  /** The compiled file: its `createCachedData()` holds every function compiled so far. */
  script: vm.Script;
}

/** The CommonJS file's exports, compiled from its cache when one fits; undefined when the file is missing. */
export function loadWithCodeCache(file: string): LoadedModule | undefined {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const cachedData = storedCache(file, source);
  const { script, exports } = run(file, source, cachedData);
  return { exports, cacheUsed: cachedData !== undefined && !script.cachedDataRejected, script };
}

/**
 * The cache to store beside a generated validator: its top level, and every function `exercise`
 * reaches when it is given the module's exports (a validator: call it on typical inputs).
 */
export function makeCodeCache(file: string, exercise: (exports: unknown) => void = () => undefined): Buffer {
  const source = readFileSync(file, 'utf8');
  const stamp = stampOf(source);
  if (!stamp) throw new Error(`${file} does not end with its stamp`);
  const { script, exports } = run(file, source, undefined);
  exercise(exports);
  return Buffer.concat([Buffer.from(`${stamp}\n`), script.createCachedData()]);
}

function storedCache(file: string, source: string): Buffer | undefined {
  let stored: Buffer;
  try {
    stored = readFileSync(codeCacheFile(file));
  } catch {
    return undefined;
  }
  const stamp = stampOf(source);
  return stamp !== undefined && stored.length > HEADER_BYTES && stored.toString('latin1', 0, HEADER_BYTES) === `${stamp}\n` ? stored.subarray(HEADER_BYTES) : undefined;
}

/** Node's CommonJS wrapper, so the file runs as `require` would run it. */
const wrapped = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

function run(file: string, source: string, cachedData: Buffer | undefined): { script: vm.Script; exports: unknown } {
  const script = new vm.Script(wrapped(source), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  return { script, exports: module.exports };
}
