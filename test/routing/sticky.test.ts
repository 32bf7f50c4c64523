import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketCount, candidateBucketCount, candidateIdRegex, candidateSharePercent, stickyCaveat } from '../../src/routing/sticky.js';

const ALPHABETS = { decimal: '0123456789', hex: '0123456789abcdef' } as const;
type Alphabet = keyof typeof ALPHABETS;

/** Every two-character suffix of the alphabet, i.e. every bucket. */
function suffixes(alphabet: Alphabet): string[] {
  const digits = [...ALPHABETS[alphabet]];
  return digits.flatMap((high) => digits.map((low) => high + low));
}

/** Istio/Envoy match the whole header value; JS needs the anchors spelled. */
function matcher(alphabet: Alphabet, weight: number): RegExp {
  return new RegExp(`^(?:${candidateIdRegex(alphabet, weight)})$`);
}

function matchedBuckets(alphabet: Alphabet, weight: number): Set<string> {
  const re = matcher(alphabet, weight);
  return new Set(suffixes(alphabet).filter((suffix) => re.test(`user-${suffix}`)));
}

describe('sticky user-id buckets', () => {
  it('has 100 decimal and 256 hex buckets', () => {
    expect(bucketCount('decimal')).toBe(100);
    expect(bucketCount('hex')).toBe(256);
  });

  it.each([
    ['decimal', 1, 1],
    ['decimal', 5, 5],
    ['decimal', 25, 25],
    ['hex', 1, 3],
    ['hex', 5, 13],
    ['hex', 50, 128],
    ['hex', 100, 256],
  ] as const)('%s ids at %d%% send exactly %d buckets to the candidate', (alphabet, weight, buckets) => {
    expect(candidateBucketCount(alphabet, weight)).toBe(buckets);
    expect(matchedBuckets(alphabet, weight).size).toBe(buckets);
    expect(candidateSharePercent(alphabet, weight)).toBeCloseTo((buckets / bucketCount(alphabet)) * 100, 10);
  });

  it('gives any positive weight at least one bucket', () => {
    expect(matchedBuckets('hex', 0.1).size).toBe(1);
  });

  it('matches exactly the buckets it counts, and nested: a larger weight keeps every smaller one', () => {
    fc.assert(
      fc.property(fc.constantFrom<Alphabet>('decimal', 'hex'), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (alphabet, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const small = matchedBuckets(alphabet, low);
        const large = matchedBuckets(alphabet, high);
        expect(small.size).toBe(candidateBucketCount(alphabet, low));
        for (const bucket of small) expect(large.has(bucket)).toBe(true);
      }),
    );
  });

  it('decides by the last two characters only, in either case for hex', () => {
    const re = matcher('hex', 5);
    expect(re.test('0a1f00')).toBe(true);
    expect(re.test('0A1F00')).toBe(true);
    expect(re.test('00ff')).toBe(false);
    // 13 buckets at 5%: 00..0c; 0C in upper case is the same bucket.
    expect(re.test('xyz0C')).toBe(true);
    expect(re.test('xyz0d')).toBe(false);
  });

  it('never matches an id shorter than two characters', () => {
    expect(matcher('decimal', 100).test('7')).toBe(false);
  });

  it('says that requests without the header stay on stable', () => {
    expect(stickyCaveat({ header: 'x-user-id', idAlphabet: 'hex' })).toContain('without the x-user-id header stay on stable');
  });
});
