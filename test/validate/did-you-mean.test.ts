import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/validate/did-you-mean.js';

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('maxIncrease', 'maxIncrease')).toBe(0);
    expect(editDistance('maxIncrase', 'maxIncrease')).toBe(1);
    expect(editDistance('maxIncreasee', 'maxIncrease')).toBe(1);
    expect(editDistance('maxIncreate', 'maxIncrease')).toBe(1);
    expect(editDistance('maxIcnrease', 'maxIncrease')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest allowed name, ignoring case, only when it is close', () => {
    const allowed = ['max', 'maxIncrease', 'metric', 'percentile'];
    expect(closestName('maxincrease', allowed)).toBe('maxIncrease');
    expect(closestName('percentil', allowed)).toBe('percentile');
    expect(closestName('threshold', allowed)).toBeUndefined();
  });
});
