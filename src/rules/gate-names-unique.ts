/**
 * Gate names become metric, alert and analysis names; two gates with one name (often two
 * unnamed gates of the same metric) would overwrite each other's rules. So would a gate named
 * like another gate's derived analysis metric (`<gate>-max`, `<limit>-shadow`), or in label mode
 * like the `served-version-mismatch` metric.
 */
import { analysisMetrics } from '../analysis/analysis-metrics.js';
import { servedVersionMismatch } from '../gates/served-version.js';
import { SERVED_VERSION_METRIC } from '../names.js';
import type { Rule } from './rule.js';

export const gateNamesUnique: Rule = {
  id: 'gate-names-unique',
  description: 'Every gate in gates.checks and gates.webhooks has a distinct name (given or derived from its metric).',
  severity: 'error',
  check({ source, policy, report }) {
    const raw = ((source.data as any).spec.gates?.checks ?? []) as Array<Record<string, unknown>>;
    const firstIndex = new Map<string, number>();
    policy.gates.checks.forEach((gate, index) => {
      const first = firstIndex.get(gate.name);
      if (first === undefined) {
        firstIndex.set(gate.name, index);
        return;
      }
      const named = raw[index]?.name !== undefined;
      report({
        path: ['spec', 'gates', 'checks', index, ...(named ? ['name'] : [])],
        message: `gate name \`${gate.name}\` is already used by check ${first + 1}${named ? '' : ' (the name this unnamed gate gets)'}`,
        hint: 'give the gate its own `name:`',
      });
    });
    // A webhook gate is one more metric of the same AnalysisTemplate.
    const metricNames = new Set(analysisMetrics(policy).map((metric) => metric.name));
    const webhookNames = new Set<string>();
    policy.gates.webhooks.forEach((gate, index) => {
      if (!metricNames.has(gate.name) && !webhookNames.has(gate.name)) {
        webhookNames.add(gate.name);
        return;
      }
      report({
        path: ['spec', 'gates', 'webhooks', index, 'name'],
        message: `webhook name \`${gate.name}\` is already the name of a gate or of one of its analysis metrics`,
        hint: 'give the webhook its own `name:`',
      });
    });
    if (firstIndex.size < policy.gates.checks.length) return;
    const metricOwner = new Map<string, number>();
    for (const metric of analysisMetrics(policy)) {
      const index = policy.gates.checks.indexOf(metric.limit.gate);
      const owner = metricOwner.get(metric.name);
      if (owner === undefined) metricOwner.set(metric.name, index);
      if (owner === undefined || owner === index) continue;
      const [later, earlier] = owner > index ? [owner, index] : [index, owner];
      report({
        path: ['spec', 'gates', 'checks', later, ...(raw[later]?.name !== undefined ? ['name'] : [])],
        message: `gate \`${policy.gates.checks[later]!.name}\` and check ${earlier + 1} both produce the analysis metric \`${metric.name}\``,
        hint: 'give the gate a name that does not end in `-max` or `-shadow`',
      });
    }
    if (servedVersionMismatch(policy) === null) return;
    // In label mode the AnalysisTemplate has one more metric of its own (src/targets/argo-analysis.ts).
    const clash = analysisMetrics(policy).find((metric) => metric.name === SERVED_VERSION_METRIC);
    if (!clash) return;
    const index = policy.gates.checks.indexOf(clash.limit.gate);
    report({
      path: ['spec', 'gates', 'checks', index, ...(raw[index]?.name !== undefined ? ['name'] : [])],
      message: `gate \`${clash.limit.gate.name}\` produces the analysis metric \`${SERVED_VERSION_METRIC}\`, the name of the metric that stops the analysis while a pod serves another version than its label (label mode)`,
      hint: 'give the gate another name',
    });
  },
};
