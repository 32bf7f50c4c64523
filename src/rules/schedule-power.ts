/**
 * Each timed canary step gives the candidate enough requests, over its hold and in each gate
 * measurement window, to detect the regression every gate guards against (src/analysis/power.ts),
 * counting for a segmented gate only the smallest segment value it judges. A 5-minute hold at 1%
 * of 200 rps cannot see an error rate double; `gates.strict` makes it an error. A gate that no
 * step can judge is always an error: Argo Rollouts would pause every rollout on its inconclusive
 * measurements (src/analysis/gate-schedule.ts).
 */
import { candidates, gateSchedule, windowRequests, type GateSchedule } from '../analysis/gate-schedule.js';
import { judgedSharePercent, requirement, samplesPerRequest, scheduleDetectability, type StepGatePower } from '../analysis/power.js';
import type { Gate, ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Rule, RuleReport } from './rule.js';

export const schedulePower: Rule = {
  id: 'schedule-power',
  description: 'Every timed canary step and measurement window carries enough candidate traffic, in the smallest segment value a gate judges, for each gate to detect its regression, and every gate is judged at some step.',
  severity: 'warning',
  check({ source, policy, report }) {
    // At rest there is no candidate: no step runs and no gate is measured.
    if (policy.versions.candidate === null) return;
    const severity = policy.gates.strict ? 'error' : 'warning';
    const explicitChecks = ((source.data as any).spec?.gates?.checks as unknown) !== undefined;
    const schedules = new Map<Gate, GateSchedule | null>(policy.gates.checks.map((gate) => [gate, gateSchedule(policy, gate)]));
    // Without a traffic estimate nothing is known; without a step that holds a window no gate is
    // measured at all (gates-consistent says so). Otherwise a gate with no step is inconclusive at every one.
    const measured = policy.traffic.expectedRps !== null && candidates(policy).length > 0;
    const findings = scheduleDetectability(policy);
    policy.gates.checks.forEach((gate, index) => {
      if (!measured || schedules.get(gate) !== null) return;
      const busiest = findings.filter((finding) => finding.gate === gate).at(-1);
      report(neverJudged(policy, gate, explicitChecks ? ['spec', 'gates', 'checks', index] : ['spec', 'gates'], busiest));
    });
    if (policy.gates.minRequestsExplicit) lowGuards(policy, schedules).forEach(report);
    for (const finding of findings) {
      const schedule = schedules.get(finding.gate);
      if (!schedule) continue;
      const needed = finding.requirement.candidateRequests;
      const step = `step ${finding.stepIndex + 1} (${finding.weightPercent}% for ${formatDuration(finding.holdSeconds)})`;
      const need = `gate \`${finding.gate.name}\` needs about ${count(needed)} candidate ${finding.requirement.samples}${sample(finding)} to detect ${finding.requirement.regression} (${test(policy)})`;
      const path = ['spec', 'canary', 'steps', finding.stepIndex, 'hold'];
      if (finding.stepIndex < schedule.stepIndex) {
        const first = policy.canary.steps[schedule.stepIndex]!;
        report({
          path,
          severity,
          message: `${step}: ${need}, but each ${formatDuration(policy.gates.intervalSeconds)} window gives it about ${count(finding.windowRequests)} (${traffic(policy, finding)}), so the gate is measured from step ${schedule.stepIndex + 1} (${first.weightPercent}%) on and a regression at this step goes unseen`,
          hint: convergingHint(policy, finding),
        });
      } else if (finding.holdRequests < needed) {
        report({
          path,
          severity,
          message: `${step}: ${need}, but ${traffic(policy, finding)} for ${formatDuration(finding.holdSeconds)} gives it about ${count(finding.holdRequests)}, so the hold proves nothing`,
          hint: convergingHint(policy, finding),
        });
      } else if (finding.windowRequests < needed) {
        // Windows below the gate's guard are not measured here (the gate starts at a step that
        // fills them), so an underpowered window here is one the guard lets through.
        report({
          path,
          severity,
          message: `${step}: ${need}, but each ${formatDuration(policy.gates.intervalSeconds)} measurement window gives it about ${count(finding.windowRequests)} (${traffic(policy, finding)}), so a measurement passes on ${count(finding.gate.minRequests)} requests (its request guard) without the power to see it`,
          hint: convergingHint(policy, finding),
        });
      }
    }
  },
};

/**
 * An explicit `gates.minRequests` below what a gate's test needs lets a window judge on too few
 * requests whenever traffic falls short of the estimate: a pass that proves nothing. Judged at the
 * weight of the gate's first measured step (the first step, without a traffic estimate).
 */
function lowGuards(policy: ResolvedPolicy, schedules: Map<Gate, GateSchedule | null>): RuleReport[] {
  return policy.gates.checks.flatMap((gate): RuleReport[] => {
    const stepIndex = schedules.get(gate)?.stepIndex ?? 0;
    const step = policy.canary.steps[stepIndex];
    if (!step || step.weightPercent >= 100) return [];
    const needed = requirement(policy, gate, step.weightPercent);
    if (needed === null || policy.gates.minRequests >= needed.candidateRequests) return [];
    return [{
      path: ['spec', 'gates', 'minRequests'],
      severity: policy.gates.strict ? 'error' : 'warning',
      message: `gates.minRequests ${count(policy.gates.minRequests)} lets gate \`${gate.name}\` judge a window of that many requests${gate.segment === null ? '' : ` per \`${gate.segment}\` value`}, but detecting ${needed.regression} at ${step.weightPercent}% needs about ${count(needed.candidateRequests)} (${test(policy)}), so a window short of traffic passes without the power to see it`,
      hint: `\`minRequests: ${needed.candidateRequests}\`, or remove it so each gate's guard is sized for its own test`,
    }];
  });
}

/** The numbers at the busiest step below 100%: what the gate's smallest sample gets and needs per window. */
function neverJudged(policy: ResolvedPolicy, gate: Gate, path: RuleReport['path'], finding: StepGatePower | undefined): RuleReport {
  const busiest = [...policy.canary.steps].reverse().find((step) => step.weightPercent < 100);
  const got = busiest ? windowRequests(policy, gate, busiest.weightPercent) : null;
  const where = busiest && got !== null
    ? `; at ${busiest.weightPercent}% each ${formatDuration(policy.gates.intervalSeconds)} window gives ${smallest(policy, gate)} about ${count(got)}`
    : '';
  return {
    path,
    severity: 'error',
    message: `gate \`${gate.name}\` is judged at no step: it needs ${count(gate.minRequests)} requests per version in one window, and no step below 100% holds a whole window with that many${where}, so every measurement would be inconclusive and Argo Rollouts would pause every rollout for a person`,
    hint: (finding ? convergingHint(policy, finding) : 'lengthen `gates.interval` and the holds, or raise the weights')
      + (gate.segment === null ? '' : `; the smallest \`${gate.segment}\` value is assumed to carry ${judgedSharePercent(policy, gate)}% of traffic (\`traffic.segments[].minShare\`)`),
  };
}

/**
 * One suggestion that satisfies the window, the hold and failureLimit at once: a window long
 * enough for the test, and a hold of failureLimit + 1 such windows so the step can fail.
 */
function convergingHint(policy: ResolvedPolicy, finding: StepGatePower): string {
  const intervalSeconds = Math.max(policy.gates.intervalSeconds, wholeMinutes(finding.minimumSeconds));
  const holdSeconds = Math.max(finding.holdSeconds, (policy.gates.failureLimit + 1) * intervalSeconds);
  const changes = [
    ...(intervalSeconds === policy.gates.intervalSeconds ? [] : [`\`gates.interval: ${formatDuration(intervalSeconds)}\``]),
    ...(holdSeconds === finding.holdSeconds ? [] : [`\`hold: ${formatDuration(holdSeconds)}\` at step ${finding.stepIndex + 1}`]),
  ];
  const windows = Math.floor(holdSeconds / intervalSeconds);
  const segment = finding.gate.segment === null ? '' : `, or declare a larger \`minShare\` for \`${finding.gate.segment}\` if its smallest value is larger`;
  return `${changes.join(' and ')} (step ${finding.stepIndex + 1} then holds ${windows} windows of ${formatDuration(intervalSeconds)}, failureLimit + 1 = ${policy.gates.failureLimit + 1} needed to fail), or raise its weight${segment}`;
}

function test(policy: ResolvedPolicy): string {
  return `one-sided α = ${policy.gates.significance}, power ${policy.gates.power}`;
}

function sample(finding: StepGatePower): string {
  return finding.gate.segment === null ? '' : ` in each \`${finding.gate.segment}\` value`;
}

function smallest(policy: ResolvedPolicy, gate: Gate): string {
  return gate.segment === null ? 'the candidate' : `the smallest \`${gate.segment}\` value (${judgedSharePercent(policy, gate)}% of traffic)`;
}

function traffic(policy: ResolvedPolicy, finding: StepGatePower): string {
  const share = finding.sharePercent === 100 ? '' : `${finding.sharePercent}% of `;
  const events = samplesPerRequest(finding.gate) === 1 ? '' : ` × ${samplesPerRequest(finding.gate)} events per request`;
  return `${share}${finding.weightPercent}% of ${policy.traffic.expectedRps} rps${events}`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Suggestions in whole minutes: nobody writes `hold: 13m29s`. */
function wholeMinutes(seconds: number): number {
  return Math.ceil(seconds / 60) * 60;
}
