import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { serializeBody, serializeJson, serializeYaml } from '../../src/emit/serialize.js';

function parseBack(text: string, version: '1.1' | '1.2' = '1.1'): unknown[] {
  return parseAllDocuments(text, { version }).map((doc) => doc.toJS());
}

describe('serializeYaml', () => {
  it('quotes strings YAML 1.1 readers (Kubernetes) would take for booleans, octals or dates', () => {
    const value = { a: 'yes', b: 'on', c: '0777', d: 'true', e: '2025-01-01', f: '1_000', g: 'null' };
    const text = serializeYaml([value]);
    expect(parseBack(text, '1.1')).toEqual([value]);
    expect(parseBack(text, '1.2')).toEqual([value]);
  });

  it('round-trips strings carrying YAML syntax', () => {
    const value = { s: ['a: b', '# x', '&anchor', '*alias', '!tag', '  leading', '---', 'multi\nline', "q'\"", '{x}', '[y]', '%z'] };
    expect(parseBack(serializeYaml([value]))).toEqual([value]);
  });

  it('never folds long strings across lines', () => {
    const query = `sum(rate(x{a="b"}[5m])) ${'and y '.repeat(100)}`.trim();
    const text = serializeYaml([{ query }]);
    expect(text.split('\n').filter((line) => line.includes('sum(rate')).length).toBe(1);
    expect(parseBack(text)).toEqual([{ query }]);
  });

  it('writes an object used twice in full instead of as an alias', () => {
    const shared = { name: 'stable' };
    const text = serializeYaml([{ a: shared, b: shared }]);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text.match(/name: stable/g)).toHaveLength(2);
  });

  it('keeps the key order the target chose and separates documents', () => {
    const text = serializeYaml([{ z: 1, a: 2 }, { kind: 'B' }]);
    expect(text).toBe('z: 1\na: 2\n---\nkind: B\n');
  });
});

describe('serializeBody', () => {
  it('writes JSON with two-space indent and a final newline, and text verbatim', () => {
    expect(serializeJson({ b: [1], a: 'x' })).toBe('{\n  "b": [\n    1\n  ],\n  "a": "x"\n}\n');
    expect(serializeBody({ path: 'x.json', kind: 'json', documents: [{ a: 1 }] })).toBe('{\n  "a": 1\n}\n');
    expect(serializeBody({ path: 'm.config', kind: 'text', text: 'model_config_list {\n}\n' })).toBe('model_config_list {\n}\n');
  });
});
