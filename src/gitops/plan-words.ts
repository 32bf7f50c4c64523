/** What a policy change does to real traffic, in one sentence a reviewer reads first. */
import { blastRadius } from '../analysis/blast-radius.js';
import type { Gate, ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import { minimumText, timelineOf } from './timeline.js';

export function describeChange(policy: ResolvedPolicy | null, before: ResolvedPolicy | null): string {
  if (!policy) return `policy removed: its generated files are deleted (was serving ${before?.versions.stable})`;
  const { stable, candidate } = policy.versions;
  const prefix = before ? '' : 'new policy: ';
  const timeline = timelineOf(policy);
  if (candidate !== null && timeline) {
    const shadow = policy.shadow ? `enters shadow at ${policy.shadow.mirrorPercent}% mirror for ${formatDuration(policy.shadow.durationSeconds)}, then ` : '';
    const steps = policy.canary.steps.map((s) => `${s.weightPercent}%${s.manual ? ' (manual hold)' : ''}`).join(' → ');
    return `${prefix}candidate ${candidate} ${shadow}${policy.shadow ? '' : 'takes '}${steps}${policy.shadow ? '' : ' of traffic'} (${minimumText(timeline)}); rollback target ${policy.rollback.toVersion}`;
  }
  if (before?.versions.candidate === stable && before.versions.stable !== stable) return `${prefix}candidate ${stable} promoted: 100% of traffic on ${stable}; rollback target ${policy.rollback.toVersion}`;
  if (before && before.versions.stable !== stable) return `${prefix}rollback: 100% of traffic on ${stable} (was stable ${before.versions.stable}${before.versions.candidate === null ? '' : ` with candidate ${before.versions.candidate}`})`;
  if (before?.versions.candidate != null) return `${prefix}candidate ${before.versions.candidate} withdrawn: 100% of traffic stays on ${stable}`;
  return `${prefix}steady: 100% of traffic on ${stable}`;
}

/** `P99 latency ≤ stable +10%`, `error rate ≤ 2%`, `PSI drift of fraud_score ≤ 0.05`. */
export function gateThreshold(gate: Gate): string {
  const per = gate.segment ? ` per ${gate.segment}` : '';
  switch (gate.metric) {
    case 'latency': {
      const limits = [gate.maxIncreasePercent !== null ? `stable +${gate.maxIncreasePercent}%` : null, gate.maxMs !== null ? `${gate.maxMs}ms` : null].filter(Boolean);
      return `P${gate.percentile} latency${per} ≤ ${limits.join(' and ≤ ')}`;
    }
    case 'errorRate': {
      const limits = [gate.maxIncreasePp !== null ? `stable +${gate.maxIncreasePp}pp` : null, gate.maxPercent !== null ? `${gate.maxPercent}%` : null].filter(Boolean);
      return `error rate${per} ≤ ${limits.join(' and ≤ ')}`;
    }
    case 'drift':
      return `${gate.method.toUpperCase()} drift of ${gate.histogram}${per} ≤ ${gate.max}`;
  }
}

/** The blast radius in two sentences: how many requests the candidate answers, how fast it is undone. */
export function describeExposure(policy: ResolvedPolicy): string[] {
  if (policy.versions.candidate === null) return [];
  const radius = blastRadius(policy);
  const lines: string[] = [];
  const beforeFull = radius.steps.at(-2)?.cumulativeExposedRequests;
  if (beforeFull != null) lines.push(`before 100%, the candidate answers about ${beforeFull.toLocaleString('en-US')} requests`);
  else if (policy.traffic.expectedRps === null) lines.push('requests exposed before 100% unknown: traffic.expectedRps is not set');
  const detect = formatDuration(radius.rollback.detectionSeconds);
  lines.push(
    radius.rollback.worstCaseSeconds !== null
      ? `a regression is rolled back automatically within ${formatDuration(radius.rollback.worstCaseSeconds)} (${policy.gates.failureLimit + 1} failed measurements over ${detect}, then ${formatDuration(radius.rollback.reactionSeconds)} to move traffic)`
      : `rollback is not automatic: gates alert after ${detect} and a person must act`,
  );
  return lines;
}
