import { describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import { setWideRules } from '../../src/rules/set-wide.js';

describe('set-wide rules', () => {
  // An unchanged policy is checked against the others only through set-wide.ts's list
  // (src/validate/shared-keys.ts): a rule with a setKey left out of it would miss a collision.
  it('lists every rule that has a setKey, and only those', () => {
    expect(rules.filter((rule) => rule.setKey).map((rule) => rule.id)).toEqual(setWideRules.map((rule) => rule.id));
    expect(setWideRules.every((rule) => rules.includes(rule))).toBe(true);
  });
});
