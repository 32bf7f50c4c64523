/**
 * Offline evaluation is the cheapest gate: a candidate whose recorded offline metric is worse
 * than stable's by more than the tolerance should not reach users (issue 9). A check whose metric
 * is not recorded for both versions cannot be judged and is flagged with the check's own
 * severity: a missing number must not turn an error check into a warning.
 */
import type { Rule } from './rule.js';

export const offlineMetricsNotWorse: Rule = {
  id: 'offline-metrics-not-worse',
  description: "For each versions.offlineChecks entry, the candidate's offline metric is not worse than stable's by more than the tolerance.",
  severity: 'warning',
  check({ policy, report }) {
    const { stable, candidate, info, offlineChecks } = policy.versions;
    if (candidate === null) return;
    offlineChecks.forEach((check, index) => {
      // Own numeric entries only: a metric called `toString` or `__proto__` is not "recorded" by inheritance.
      const metricOf = (version: number): number | undefined => {
        const metrics = info[version]?.offlineMetrics;
        const value = metrics && Object.hasOwn(metrics, check.metric) ? metrics[check.metric] : undefined;
        return typeof value === 'number' ? value : undefined;
      };
      const path = ['spec', 'versions', 'offlineChecks', index];
      const missing = [stable, candidate].filter((version) => metricOf(version) === undefined);
      if (missing.length > 0) {
        report({
          path,
          severity: check.severity,
          message: `offline metric \`${check.metric}\` is not recorded for version ${missing.join(' and ')}, so this check cannot run`,
          hint: `add it under \`versions.info."${missing[0]}".offlineMetrics\``,
        });
        return;
      }
      const before = metricOf(stable)!;
      const after = metricOf(candidate)!;
      const worseBy = check.better === 'higher' ? before - after : after - before;
      if (worseBy <= check.tolerance + Number.EPSILON * Math.max(1, Math.abs(before))) return;
      report({
        path,
        severity: check.severity,
        message: `candidate ${candidate} has ${check.metric} ${after}, worse than stable ${stable}'s ${before} by ${round(worseBy)} (${check.better} is better; tolerance ${check.tolerance})`,
        hint: 'retrain or investigate before releasing, or raise `tolerance` if this difference is acceptable',
      });
    });
  },
};

/** Differences of floats like 0.941 - 0.93 print with noise; 6 significant digits are plenty. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
