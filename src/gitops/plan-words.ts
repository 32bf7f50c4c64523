/** Words for a policy's gates and its blast radius, shared by `plan` and the PR description. */
import { blastRadius } from '../analysis/blast-radius.js';
import { rolloutName } from '../names.js';
import type { Gate, ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import { rollbackReadiness, type RollbackReadiness } from '../routing/warm-rollback.js';

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
    case 'ratio': {
      const sign = gate.better === 'higher' ? '−' : '+';
      const limits = [gate.maxWorsePercent !== null ? `stable ${sign}${gate.maxWorsePercent}%` : null, gate.maxWorsePp !== null ? `stable ${sign}${gate.maxWorsePp}pp` : null].filter(Boolean);
      return `${gate.numerator} / ${gate.denominator}${per} ${gate.better === 'higher' ? '≥' : '≤'} ${limits.join(` and ${gate.better === 'higher' ? '≥' : '≤'} `)}`;
    }
  }
}

/**
 * The blast radius: how many requests the candidate answers, how fast it is undone, and whether a
 * rollback finds its pods running. `withdrawn`: the withdrawn candidates the policy's output
 * carries (`withdrawnVersions`).
 */
export function describeExposure(policy: ResolvedPolicy, withdrawn: readonly number[]): string[] {
  if (policy.versions.candidate === null) return [describeRollbackReadiness(policy, rollbackReadiness(policy, withdrawn))].filter((line): line is string => line !== null);
  const radius = blastRadius(policy);
  const lines: string[] = [];
  const beforeFull = radius.steps.at(-2)?.cumulativeExposedRequests;
  if (beforeFull != null) lines.push(`before 100%, the candidate answers about ${beforeFull.toLocaleString('en-US')} requests`);
  else if (policy.traffic.expectedRps === null) lines.push('requests exposed before 100% unknown: traffic.expectedRps is not set');
  if (radius.shadow) {
    const { mirrorPercent, durationSeconds, extraRps, extraRequests } = radius.shadow;
    lines.push(
      `shadow: at most ${formatDuration(durationSeconds)} of ${mirrorPercent}% mirroring, ${extraRps === null ? 'an unknown extra load (traffic.expectedRps is not set)' : `${extraRps.toLocaleString('en-US')} extra requests per second to the candidate, about ${extraRequests!.toLocaleString('en-US')} in all`}; its answers are discarded, so no user sees them`,
    );
  }
  const least = formatDuration(radius.minDurationSeconds);
  lines.push(radius.maxDurationSeconds === null ? `duration: at least ${least}, no maximum (a manual hold waits for a person)` : `duration: at least ${least}, at most ${formatDuration(radius.maxDurationSeconds)} when every measurement is conclusive`);
  const detect = formatDuration(radius.rollback.detectionSeconds);
  const readiness = describeRollbackReadiness(policy, rollbackReadiness(policy, withdrawn));
  if (readiness) lines.push(readiness);
  lines.push(
    radius.rollback.worstCaseSeconds !== null
      ? `a regression is rolled back automatically within ${formatDuration(radius.rollback.worstCaseSeconds)} (${policy.gates.failureLimit + 1} failed measurements over ${detect}, then ${formatDuration(radius.rollback.reactionSeconds)} to move traffic)`
      : `rollback is not automatic: gates alert after ${detect} and a person must act`,
  );
  return lines;
}

/**
 * Whether a rollback to `readiness.version` moves traffic onto pods that run (warm) or starts
 * them (cold), with the pod count and the warm window's end; null when there is nothing to roll back.
 */
export function describeRollbackReadiness(policy: ResolvedPolicy, readiness: RollbackReadiness): string | null {
  const window = formatDuration(policy.canary.scaleDownDelaySeconds);
  switch (readiness.state) {
    case 'serving':
      return null;
    case 'stable-pods':
      return `rollback to ${readiness.version} is warm: stable keeps its ${pods(readiness.pods)} running throughout the release`;
    case 'warm-window':
      return `rollback to ${readiness.version} is warm until ${window} after ${readiness.stable} became stable: the ${pods(readiness.pods)} of ${readiness.version} stay up that long (scaleDownDelay); later, ${pods(readiness.pods)} start cold`;
    case 'maybe-cold': {
      const [newest, ...others] = readiness.withdrawn;
      const candidates = others.length === 0 ? `candidate ${newest}` : `candidates ${[newest, ...others].join(', ')}`;
      return `rollback to ${readiness.version} may start cold: Argo Rollouts keeps one old ReplicaSet warm (scaleDownDelayRevisionLimit 1) and the withdrawn ${candidates} ran after ${readiness.version}; if ${others.length === 0 ? 'its pods were' : 'the pods of one were'} still up (Argo keeps a withdrawn candidate's pods for up to ${window}) when ${readiness.stable} became stable or at a change since, its ReplicaSet took the slot and the ${pods(readiness.pods)} of ${readiness.version} were scaled to 0: ${pods(readiness.pods)} start and load version ${readiness.version} from ${policy.model.basePath} before they take traffic. Otherwise it is warm until ${window} after ${readiness.stable} became stable. kubectl argo rollouts get rollout ${rolloutName(policy)} -n ${policy.namespace} shows which ReplicaSets run`;
    }
    case 'cold':
      return `rollback to ${readiness.version} starts cold: ${pods(readiness.pods)} start and load version ${readiness.version} from ${policy.model.basePath} before they take traffic (only the previous stable's pods stay up, for ${window} after a promotion)`;
  }
}

function pods(count: number): string {
  return count === 1 ? '1 pod' : `${count} pods`;
}
