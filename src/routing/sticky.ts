/**
 * Sticky routing by user id: a user keeps one version, and the candidate's cohort only grows.
 *
 * The last two characters of the user id pick a bucket (decimal ids: 100 buckets, hex ids: 256).
 * A step at N% sends the first round(N% of all) buckets, in a fixed order, to the candidate, so
 * the set at 5% contains the set at 1% and nobody flips back to stable while the rollout advances.
 * The set is written as one RE2 regex for an Istio header match; Envoy matches it against the
 * whole header value.
 */
import type { TrafficSpec } from '../resolve/policy.js';

type Sticky = NonNullable<TrafficSpec['sticky']>;
type IdAlphabet = Sticky['idAlphabet'];

const DIGITS: Record<IdAlphabet, string> = { decimal: '0123456789', hex: '0123456789abcdef' };

export function bucketCount(alphabet: IdAlphabet): number {
  return DIGITS[alphabet].length ** 2;
}

/** How many buckets a step's weight sends to the candidate: at least one for any weight above 0. */
export function candidateBucketCount(alphabet: IdAlphabet, weightPercent: number): number {
  if (weightPercent <= 0) return 0;
  const total = bucketCount(alphabet);
  return Math.min(total, Math.max(1, Math.round((weightPercent / 100) * total)));
}

/** The share of users the candidate really gets at a step, in percent (buckets are whole). */
export function candidateSharePercent(alphabet: IdAlphabet, weightPercent: number): number {
  return (candidateBucketCount(alphabet, weightPercent) / bucketCount(alphabet)) * 100;
}

/**
 * RE2 regex matching user ids whose last two characters fall in the candidate's buckets.
 * Buckets are taken in numeric order of the two-digit suffix; hex letters match in either case.
 */
export function candidateIdRegex(alphabet: IdAlphabet, weightPercent: number): string {
  const digits = DIGITS[alphabet];
  const base = digits.length;
  const count = candidateBucketCount(alphabet, weightPercent);
  const fullHighDigits = Math.floor(count / base);
  const rest = count % base;
  const alternatives: string[] = [];
  if (fullHighDigits > 0) alternatives.push(`${characterClass(digits.slice(0, fullHighDigits))}${characterClass(digits)}`);
  if (rest > 0) alternatives.push(`${characterClass(digits[fullHighDigits]!)}${characterClass(digits.slice(0, rest))}`);
  if (alternatives.length === 0) return '$.^'; // matches nothing: weight 0
  return `^.*(?:${alternatives.join('|')})$`;
}

/**
 * A plan-visible fact: requests without the user-id header carry no bucket, so they match no
 * sticky route and stay on stable until the final step moves everyone (`setWeight: 100`).
 */
export function stickyCaveat(sticky: Sticky): string {
  return `requests without the ${sticky.header} header stay on stable until the rollout reaches 100%`;
}

function characterClass(chars: string): string {
  const withCase = [...chars].flatMap((char) => (char.toUpperCase() === char ? [char] : [char, char.toUpperCase()]));
  return withCase.length === 1 ? withCase[0]! : `[${withCase.join('')}]`;
}
