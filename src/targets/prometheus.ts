/**
 * Prometheus rules: the per-version recording rules every gate reads, one alert per gate limit,
 * and the silent-canary alert. Written twice with the same groups: as a PrometheusRule for the
 * Prometheus Operator and as a plain rule file for `rule_files:` (and `promtool`).
 */
import { ALERT_CANARY_SILENT, ALERT_SERVED_VERSION_MISMATCH, ANNOTATION_SERVED_VERSION, alertName, LABEL_MANAGED_BY, MANAGED_BY, prometheusRuleName } from '../names.js';
import { serialize } from '../gates/promql.js';
import { canarySilence, gateLimits, violation, type GateLimit, type VersionPair } from '../gates/queries.js';
import { recordingRules } from '../gates/records.js';
import { POD_VERSION_LABEL, SERVED_VERSION_LABEL, servedVersionMismatch } from '../gates/served-version.js';
import { alertRoutingLabels } from '../notifications/subscriptions.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Target } from './target.js';

export const PROMETHEUS_RULE_FILE = 'prometheus/rules.yaml';
export const PROMETHEUS_RULE_OBJECT_FILE = 'prometheus/prometheusrule.yaml';

export interface RuleGroup {
  name: string;
  rules: Array<Record<string, unknown>>;
}

export const prometheusTarget: Target = {
  name: 'prometheus',
  build(policy) {
    const groups = ruleGroups(policy);
    const object = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      // The profile's labels are what the Prometheus `ruleSelector` picks rules by; ours come last so they cannot be overridden.
      metadata: { name: prometheusRuleName(policy), namespace: policy.namespace, labels: { ...policy.platform.prometheus.ruleLabels, [LABEL_MANAGED_BY]: MANAGED_BY } },
      spec: { groups },
    };
    // The plain rule file repeats the groups (28% of all output bytes): only when the profile asks.
    return [
      { path: PROMETHEUS_RULE_OBJECT_FILE, kind: 'yaml', documents: [object] },
      ...(policy.platform.prometheus.ruleFile ? [{ path: PROMETHEUS_RULE_FILE, kind: 'yaml' as const, documents: [{ groups }] }] : []),
    ];
  },
};

/**
 * One group: the recording rules, then the alerts. Rules in a group run in order at one
 * evaluation time, so an alert always reads the values recorded in the same evaluation; in two
 * groups it would read them one interval late or not, as the groups' timers happen to fall (and
 * `promtool test rules` would order them at random). Alerts only while there is a candidate, since
 * every alert compares it with stable (so a policy at rest cannot raise a silent-canary alert).
 */
export function ruleGroups(policy: ResolvedPolicy): RuleGroup[] {
  const records = recordingRules(policy).map((rule) => ({ record: rule.record, expr: serialize(rule.expr), ...(rule.labels ? { labels: rule.labels } : {}) }));
  const candidate = policy.versions.candidate;
  const versions: VersionPair | null = candidate === null ? null : { stable: String(policy.versions.stable), canary: String(candidate) };
  const alerts = versions ? [...gateLimits(policy).map((limit) => gateAlert(policy, limit, versions)), silenceAlert(policy, versions), ...servedVersionAlerts(policy, versions)] : [];
  return [{ name: `modelgate.${policy.namespace}.${policy.name}`, rules: [...records, ...alerts] }];
}

function commonLabels(policy: ResolvedPolicy, versions: VersionPair): Record<string, string> {
  return { model: policy.model.name, policy: policy.name, namespace: policy.namespace, version: versions.canary, ...alertRoutingLabels(policy) };
}

function gateAlert(policy: ResolvedPolicy, limit: GateLimit, versions: VersionPair): Record<string, unknown> {
  const gate = limit.gate;
  const where = gate.segment ? ` for ${gate.segment}={{ $labels.${gate.segment} }}` : '';
  const threshold = `${limit.threshold}${limit.unit}`;
  return {
    alert: alertName(limit.id),
    expr: serialize(violation(limit, versions)),
    for: formatDuration(gate.forSeconds),
    labels: { ...commonLabels(policy, versions), gate: gate.name, severity: gate.severity, ...(gate.segment ? { segment: gate.segment } : {}) },
    annotations: {
      // No `$value` here: the text stays exact, so promtool tests can state it; the value is on the alert.
      summary: templateText(`${policy.name}: canary ${versions.canary} ${limit.description} is above ${threshold}`) + where,
      threshold: templateText(threshold),
      ...(gate.runbook ? { runbook_url: templateText(gate.runbook) } : {}),
    },
  };
}

function silenceAlert(policy: ResolvedPolicy, versions: VersionPair): Record<string, unknown> {
  return {
    alert: ALERT_CANARY_SILENT,
    expr: serialize(canarySilence(policy, versions)),
    // One full interval of silence, so the first seconds of a step (before traffic shifts) do not count.
    for: formatDuration(policy.gates.intervalSeconds),
    labels: { ...commonLabels(policy, versions), severity: 'warning' },
    annotations: {
      summary: templateText(
        `${policy.name}: canary ${versions.canary} receives no requests while stable ${versions.stable} serves traffic; check the routes and the version label`,
      ),
      ...(policy.gates.runbook ? { runbook_url: templateText(policy.gates.runbook) } : {}),
    },
  };
}

/**
 * A pod answers label-addressed requests with another version than its `version` label says
 * (after `rollback --live`), so every gate of the policy is withheld: say so instead of staying
 * silent. No `for`: the annotation is written once, not a fluctuating measurement.
 */
function servedVersionAlerts(policy: ResolvedPolicy, versions: VersionPair): Array<Record<string, unknown>> {
  const mismatch = servedVersionMismatch(policy);
  if (mismatch === null) return [];
  return [
    {
      alert: ALERT_SERVED_VERSION_MISMATCH,
      expr: serialize(mismatch),
      labels: { ...commonLabels(policy, versions), severity: 'warning' },
      annotations: {
        summary:
          templateText(`${policy.name}: pod `) +
          `{{ $labels.pod }} serves version {{ $labels.${SERVED_VERSION_LABEL} }} under its version label {{ $labels.${POD_VERSION_LABEL} }}` +
          templateText(` (${ANNOTATION_SERVED_VERSION}, a live rollback); the gates judge neither version until git and the pods agree`),
        ...(policy.gates.runbook ? { runbook_url: templateText(policy.gates.runbook) } : {}),
      },
    },
  ];
}

/** Alert annotations are Go templates: text from a policy must not open an action. */
export function templateText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}
