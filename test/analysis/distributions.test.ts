import { describe, expect, it } from 'vitest';
import { chiSquareNoncentrality, chiSquareQuantile, normalCdf, normalQuantile } from '../../src/analysis/distributions.js';

describe('standard normal', () => {
  // Values from any printed table of the standard normal distribution (e.g. Abramowitz & Stegun 26.2).
  it.each([
    [0.8, 0.8416],
    [0.9, 1.2816],
    [0.95, 1.6449],
    [0.975, 1.96],
    [0.99, 2.3263],
    [0.999, 3.0902],
    [0.05, -1.6449],
  ])('Φ⁻¹(%s) = %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 4);
  });

  it.each([
    [0, 0.5],
    [1, 0.84134],
    [1.96, 0.975],
    [2.13, 0.98341],
    [-2.5, 0.00621],
  ])('Φ(%s) = %s', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 5);
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('chi-square', () => {
  // Upper critical values from the NIST/SEMATECH e-Handbook table 1.3.6.7.4.
  it.each([
    [0.95, 1, 3.841],
    [0.95, 8, 15.507],
    [0.99, 5, 15.086],
    [0.9, 10, 15.987],
  ])('χ²(%s; df %s) = %s', (p, df, x) => {
    expect(chiSquareQuantile(p, df)).toBeCloseTo(x, 3);
  });

  // Cohen, "A Power Primer" (Psychological Bulletin 112(1), 1992), Table 2: N for a small effect
  // (w = .1) in a chi-square test at α = .05 and power .80, df = 1…6. N = λ / w².
  it.each([
    [1, 785],
    [2, 964],
    [3, 1090],
    [4, 1194],
    [5, 1283],
    [6, 1362],
  ])('power-primer sample size for df %s is %s', (df, n) => {
    // The table's N comes from λ printed to two decimals, so N is within 1.
    expect(Math.abs(chiSquareNoncentrality(df, 0.05, 0.8) / 0.1 ** 2 - n)).toBeLessThanOrEqual(1);
  });
});
