/**
 * The bench's 1,000-policy set (what `npm run bench` compiles) writes no query shape beyond those
 * of the smaller sets the build's table of flows and its test are made from, so its compile
 * parses no query (src/check/query-flows.ts).
 */
import { describe, expect, it } from 'vitest';
import { BENCH_POLICIES, benchShapes } from '../../src/precompiled/generate-query-flows.js';

describe('the table of query flows, at the bench size', () => {
  it('the 1,000-policy set has the query shapes of the smaller set the build walks, and no other', async () => {
    const [small, large] = [await benchShapes(BENCH_POLICIES), await benchShapes(1000)];
    expect(small.size).toBeGreaterThan(30);
    expect([...large].filter((shape) => !small.has(shape))).toEqual([]);
  });
});
