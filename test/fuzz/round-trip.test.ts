/**
 * Round-trip: every user string that reaches an output comes back exactly when the output is
 * parsed the way its consumer parses it (YAML for manifests, PromQL string literals for queries,
 * protobuf text for TF Serving configs, Go templates for alert annotations) — or the validator
 * rejects it with an error at that field. A string that is neither is injected or mangled.
 */
import { parser } from '@prometheus-io/lezer-promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, stringify, type Node } from 'yaml';
import { compileSources } from '../../src/compile/compile.js';
import { loadPolicy, positionOf } from '../../src/load/load.js';
import { examplePolicies, FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzRuns, hostileString, withValue, type JsonPath } from '../support/arbitraries.js';
import { repoRoot } from '../support/tools.js';
import { exampleProfile } from '../gates/example-policies.js';

const FILE = 'policies/round-trip.yaml';
const examples = new Map(examplePolicies().map((example) => [example.file, example.data]));

/** Harmless values that pass validation, to learn which fields reach the output. */
const MARKER = 'marker-7f3a9c';
const URL_MARKER = 'https://marker-7f3a9c.example/runbook';

/** Where a user string goes in a policy: the example it starts from and the field's path. */
/** `prefix` starts every generated value, so a field with a required shape is still reached. */
const FIELDS: Array<{ example: string; path: JsonPath; marker?: string; prefix?: string }> = [
  { example: 'fraud-detector.yaml', path: ['metadata', 'name'] },
  { example: 'fraud-detector.yaml', path: ['metadata', 'namespace'] },
  { example: 'fraud-detector.yaml', path: ['metadata', 'owners', 0] },
  { example: 'fraud-detector.yaml', path: ['spec', 'model', 'name'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'model', 'basePath'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'model', 'image'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'traffic', 'host'] },
  { example: 'recommender.yaml', path: ['spec', 'traffic', 'gateways', 1] },
  { example: 'recommender.yaml', path: ['spec', 'traffic', 'sticky', 'header'] },
  { example: 'recommender.yaml', path: ['spec', 'traffic', 'cohorts', 0, 'name'] },
  { example: 'recommender.yaml', path: ['spec', 'traffic', 'cohorts', 0, 'header'] },
  { example: 'recommender.yaml', path: ['spec', 'traffic', 'cohorts', 0, 'exact'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'gates', 'runbook'], marker: URL_MARKER, prefix: 'https://runbooks.example/' },
  { example: 'fraud-detector.yaml', path: ['spec', 'gates', 'checks', 0, 'runbook'], marker: URL_MARKER, prefix: 'https://runbooks.example/' },
  { example: 'fraud-detector.yaml', path: ['spec', 'gates', 'checks', 2, 'name'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'gates', 'checks', 3, 'segment'], marker: 'marker_7f3a9c' },
  { example: 'fraud-detector.yaml', path: ['spec', 'versions', 'info', '42', 'name'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'versions', 'info', '42', 'dataSnapshot'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'versions', 'info', '42', 'author'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'versions', 'info', '41', 'author'] },
  { example: 'fraud-detector.yaml', path: ['spec', 'dashboard', 'folder'] },
];

/** Go's unquoting of a PromQL double-quoted string, for the escapes a printer may write. */
function promqlUnquote(literal: string): string {
  const escapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  const bytes: number[] = [];
  const body = literal.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(...new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i)!)));
      if (body.codePointAt(i)! > 0xffff) i++;
      continue;
    }
    const e = body[++i]!;
    if (e === 'x') bytes.push(parseInt(body.slice(i + 1, (i += 2) + 1), 16));
    else if (/[0-7]/.test(e)) bytes.push(parseInt(body.slice(i, (i += 2) + 1), 8));
    else if (e === 'u' || e === 'U') {
      const width = e === 'u' ? 4 : 8;
      bytes.push(...new TextEncoder().encode(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + width), 16))));
      i += width;
    } else bytes.push(...new TextEncoder().encode(escapes[e] ?? e));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function promqlStrings(query: string): string[] {
  const found: string[] = [];
  parser.parse(query).iterate({ enter: (n) => void (n.name === 'StringLiteral' && found.push(promqlUnquote(query.slice(n.from, n.to)))) });
  return found;
}

/** protobuf text format string values, unescaped as protobuf's tokenizer does. */
function protoStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map(([, body]) => {
    const bytes: number[] = [];
    for (let i = 0; i < body!.length; i++) {
      const c = body![i]!;
      if (c !== '\\') {
        bytes.push(...new TextEncoder().encode(c));
        continue;
      }
      const e = body![++i]!;
      if (/[0-7]/.test(e)) {
        const digits = /^[0-7]{1,3}/.exec(body!.slice(i))![0];
        bytes.push(parseInt(digits, 8));
        i += digits.length - 1;
      } else if (e === 'x') {
        const digits = /^[0-9a-fA-F]{1,2}/.exec(body!.slice(i + 1))![0];
        bytes.push(parseInt(digits, 16));
        i += digits.length;
      } else bytes.push(...new TextEncoder().encode({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' }[e] ?? e));
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  });
}

/** Prometheus alert annotations are Go templates. */
const TEMPLATED_KEYS = new Set(['summary', 'description', 'runbook_url', 'threshold']);

/** What a Go template prints for `text`, if it holds no action but the `{{ "{{" }}` escape. */
function goTemplateText(text: string): string | null {
  const parts = text.split('{{ "{{" }}');
  return parts.some((part) => part.includes('{{')) ? null : parts.join('{{');
}

/** Every string a consumer reads from one generated file. */
function stringsOf(path: string, content: string): Set<string> {
  const found = new Set<string>();
  const add = (key: string | null, value: string) => {
    const printed = key !== null && TEMPLATED_KEYS.has(key) ? goTemplateText(value) : value;
    if (printed !== null) found.add(printed);
    if (key === 'expr' || key === 'query') for (const s of promqlStrings(value)) found.add(s);
    if (key?.endsWith('.config')) for (const s of protoStrings(value)) found.add(s);
  };
  if (path.endsWith('.config')) {
    for (const s of protoStrings(content)) found.add(s);
    return found;
  }
  const visit = (node: unknown, key: string | null): void => {
    if (isMap(node) || isSeq(node)) for (const item of node.items) visit(item, key);
    else if (isPair(node)) {
      const k = isScalar(node.key) ? String(node.key.value) : null;
      if (k !== null) found.add(k);
      visit(node.value, k);
    } else if (isScalar(node) && typeof node.value === 'string') add(key, node.value);
  };
  for (const doc of parseAllDocuments(content)) {
    expect(doc.errors, path).toEqual([]);
    visit(doc.contents as Node, null);
  }
  return found;
}

type Outcome = { kind: 'rejected'; messages: string[] } | { kind: 'compiled'; strings: Set<string> };

function compileWith(example: string, path: JsonPath, value: string): Outcome {
  const text = stringify(withValue(examples.get(example), path, value));
  const bytes = new TextEncoder().encode(text);
  const result = compileSources([{ file: FILE, bytes }], { sourceRoot: repoRoot, profile: exampleProfile() });
  expect(result.internalError, result.diagnostics.map((d) => d.message).join('\n')).toBe(false);
  if (result.policies.length === 0) {
    const loaded = loadPolicy(FILE, bytes);
    const at = loaded.policy ? positionOf(loaded.policy, path).line : -1;
    const messages = result.diagnostics.filter((d) => d.severity === 'error' && d.line === at).map((d) => `${d.rule}: ${d.message}`);
    expect(messages, `${JSON.stringify(value)} at ${path.join('.')} is rejected, but not at its line: ${JSON.stringify(result.diagnostics)}`).not.toEqual([]);
    return { kind: 'rejected', messages };
  }
  const strings = new Set<string>();
  for (const [file, content] of result.files) for (const s of stringsOf(file, content)) strings.add(s);
  return { kind: 'compiled', strings };
}

describe('user strings round-trip through every output, or are rejected at their field', () => {
  for (const { example, path, marker = MARKER, prefix = '' } of FIELDS) {
    const where = path.join('.');
    const probe = compileWith(example, path, marker);
    const reaches = probe.kind === 'compiled' && probe.strings.has(marker);

    it(`${where}${reaches ? '' : ' (does not reach the output)'}`, () => {
      fc.assert(
        fc.property(hostileString().map((text) => prefix + text), (value) => {
          const outcome = compileWith(example, path, value);
          if (outcome.kind === 'rejected' || !reaches) return;
          expect(outcome.strings.has(value), `${JSON.stringify(value)} at ${where} was accepted but is not in the output as itself`).toBe(true);
        }),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(25, 20) },
      );
    }, FUZZ_TIMEOUT_MS);
  }
});
