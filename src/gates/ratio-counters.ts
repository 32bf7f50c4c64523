/**
 * Where a ratio gate's counters come from. They are the application's (the feed counting clicks
 * and impressions per version that ranked it), emitted by the model's callers and scraped by their
 * own scrape job, so modelgate controls neither their `job` nor their target labels, as it does a
 * drift gate's (score-source.ts). What identifies the policy's events is a label the callers
 * write: the profile's `ratioCounters.modelLabel`, valued with the policy's name, the Service the
 * callers call. Without it, two policies in one namespace whose counters share a name (two
 * recommenders counting `clicks_total`, at the same version numbers) would sum into one ratio.
 */
import { serviceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { eq, type Matcher } from './promql.js';

/** What every ratio-gate counter selector of the policy matches besides the version: its namespace and its model. */
export function ratioCounterMatchers(policy: ResolvedPolicy): Matcher[] {
  return [eq('namespace', policy.namespace), eq(policy.platform.ratioCounters.modelLabel, serviceName(policy))];
}
