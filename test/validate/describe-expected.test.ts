import { describe, expect, it } from 'vitest';
import { describeExpected } from '../../src/validate/describe-expected.js';
import { policySchema, type SchemaNode } from '../../src/validate/policy-schema.js';

function nodesWithPattern(node: unknown, found: SchemaNode[] = []): SchemaNode[] {
  if (node && typeof node === 'object') {
    if (typeof (node as SchemaNode).pattern === 'string') found.push(node as SchemaNode);
    for (const child of Object.values(node)) nodesWithPattern(child, found);
  }
  return found;
}

describe('describeExpected', () => {
  it('has plain words for every pattern in the schema, so no message quotes a regex', () => {
    const nodes = nodesWithPattern(policySchema());
    expect(nodes.length).toBeGreaterThan(10);
    const unexplained = nodes.filter((node) => describeExpected(node).includes('pattern')).map((node) => node.pattern);
    expect(unexplained).toEqual([]);
  });

  it('spells out numeric ranges, enums and alternatives', () => {
    expect(describeExpected({ type: 'integer', minimum: 1, maximum: 10 })).toBe('a whole number from 1 to 10');
    expect(describeExpected({ type: 'number', exclusiveMinimum: 0, maximum: 0.5 })).toBe('a number above 0 and at most 0.5');
    expect(describeExpected({ enum: ['psi', 'jsd'] })).toBe('one of `psi`, `jsd`');
    expect(describeExpected({ oneOf: [{ $ref: '#/$defs/duration' }, { const: 'manual' }] })).toBe('a duration like 30s, 5m or 1h30m or `manual`');
  });
});
