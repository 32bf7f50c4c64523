/**
 * fast-check generators for hostile input: strings built from the characters that mean something
 * in the languages our output is written in, random bytes, random YAML structures, and the
 * example policies with their values, keys and structure mutated.
 *
 * Every fuzz test uses `fuzzRuns(n)` and `FUZZ_SEED`: CI runs a small fixed sample; `npm run fuzz`
 * (FUZZ_RUNS=20000) runs a long one with the same seed, so a failure reproduces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { repoRoot } from './tools.js';

export const FUZZ_SEED = 8;

/** Per-test time limit: vitest's default normally, hours for a long FUZZ_RUNS run (a hang guard, not a timing check). */
export const FUZZ_TIMEOUT_MS = process.env.FUZZ_RUNS ? 4 * 3600_000 : undefined;

/**
 * `fallback` runs normally; FUZZ_RUNS raises it for long runs, divided by `cost` for properties
 * that are that many times slower per run (a child process, a whole compile).
 */
export function fuzzRuns(fallback: number, cost = 1): number {
  const asked = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? Math.max(Math.floor(asked / cost), fallback) : fallback;
}

/** Unicode bidirectional controls: embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069. */
export const BIDI_CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

/** Fragments that change meaning in YAML, PromQL, protobuf text, Markdown, Go/handlebars templates. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  // YAML
  '\n', '\r\n', ': ', ' #', '#', '&anchor', '*alias', '!tag', '!!binary', '  leading', '\n---\n', '...', '- ', '? ', '|', '>', '%YAML', '@', '`',
  '{', '}', '[', ']', ',', 'yes', 'no', 'on', '0o17', '1e3', '~', 'null', '\t',
  // PromQL and protobuf text
  '"', "'", '\\', '\\"', '\\n', '\\x41', '\\101', '"} or vector(1) #', 'config { name: "evil" }', '\u0000', '\u007f',
  // Markdown
  ' | ', '<script>alert(1)</script>', '[x](javascript:alert(1))', '![i](https://evil.example/i.png)', '@alice', '@acme/team', '# heading', '**b**', '<!--',
  // templates
  '{{', '}}', '{{ .Labels }}', '{{#each x}}', '{{{raw}}}', '$labels', '$value',
  // Unicode
  ...BIDI_CONTROLS, '\u200b', '\u2028', '\ufeff', 'é', '日本', '😀',
];

/** A string mixing ordinary text with hostile fragments. */
export function hostileString(maxParts = 6): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS), weight: 3 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 }, { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 1 }), {
      minLength: 1,
      maxLength: maxParts,
    })
    .map((parts) => parts.join(''));
}

export interface ExamplePolicy {
  file: string;
  text: string;
  data: Record<string, unknown>;
}

export function examplePolicies(): ExamplePolicy[] {
  const dir = path.join(repoRoot, 'policies');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      return { file: name, text, data: parse(text) as Record<string, unknown> };
    });
}

export type JsonPath = Array<string | number>;

/** Every path to a node of `value`, root first. */
export function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** A deep copy of `data` with the node at `at` replaced (or removed, when `value` is undefined). */
export function withValue(data: unknown, at: JsonPath, value: unknown): unknown {
  if (at.length === 0) return value;
  const copy: any = Array.isArray(data) ? [...data] : { ...(data as object) };
  const [head, ...rest] = at;
  const next = withValue(copy[head!], rest, value);
  if (next === undefined) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else {
    copy[head!] = next;
  }
  return copy;
}

/** A deep copy of `data` with the key at the end of `at` renamed. */
function withKeyRenamed(data: unknown, at: JsonPath, key: string): unknown {
  const parent = at.slice(0, -1);
  const last = at[at.length - 1];
  const node = parent.reduce<any>((n, part) => n?.[part], data);
  if (node === null || typeof node !== 'object' || Array.isArray(node) || typeof last !== 'string') return data;
  const renamed = Object.fromEntries(Object.entries(node).map(([k, v]) => [k === last ? key : k, v]));
  return withValue(data, parent, renamed);
}

/** Small YAML-able values: scalars of every type, hostile strings, nested lists and maps. */
export const randomValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString(),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('1%', '100%', '0.5pp', '5m', '0s', 'manual', '99999999999999999999', '-1', '1e308'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostileString(2)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'rename'; key: string } | { kind: 'duplicate' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: randomValue.map((value) => ({ kind: 'replace' as const, value })), weight: 4 },
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 2 },
  { arbitrary: fc.oneof(hostileString(2), fc.string({ maxLength: 10 })).map((key) => ({ kind: 'rename' as const, key })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'duplicate' as const }), weight: 1 },
);

function applyMutation(data: unknown, at: JsonPath, change: Mutation): unknown {
  if (change.kind === 'replace') return withValue(data, at, change.value);
  if (change.kind === 'delete') return at.length === 0 ? null : withValue(data, at, undefined);
  if (change.kind === 'rename') return withKeyRenamed(data, at, change.key);
  // Copy a node onto its parent's other slot: structure in the wrong place.
  const node = at.reduce<any>((n, part) => n?.[part], data);
  return at.length < 2 ? data : withValue(data, at.slice(0, -2), { ...(at.slice(0, -2).reduce<any>((n, p) => n?.[p], data) ?? {}), [String(at[at.length - 2])]: node });
}

/** An example policy with 1–4 mutations of its values, keys or structure, as YAML text. */
export function mutatedPolicy(): fc.Arbitrary<{ base: string; text: string }> {
  const examples = examplePolicies();
  return fc.constantFrom(...examples).chain((example) => {
    const paths = pathsOf(example.data);
    return fc
      .array(fc.tuple(fc.constantFrom(...paths), mutation), { minLength: 1, maxLength: 4 })
      .map((changes) => ({ base: example.file, text: stringify(changes.reduce<unknown>((data, [at, change]) => applyMutation(data, at, change), example.data)) }));
  });
}

/** A random document: any structure, serialized as YAML. */
export const randomDocument: fc.Arbitrary<string> = fc.oneof(randomValue, fc.record({ apiVersion: fc.constant('modelgate.io/v1alpha1'), kind: fc.constant('ReleasePolicy'), metadata: randomValue, spec: randomValue })).map((value) => stringify(value));

/** Raw bytes: random, or an example policy with bytes flipped, cut or inserted. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.tuple(fc.constantFrom(...examplePolicies()), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat())).map(([example, flips, cut]) => {
    const bytes = new TextEncoder().encode(example.text);
    for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
    return cut === null ? bytes : bytes.subarray(0, cut % bytes.length);
  }),
);
