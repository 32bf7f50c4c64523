/**
 * The rule file inside a generated PrometheusRule: its `spec` has the shape of a Prometheus rule
 * file (`groups`), which is what promtool checks. The plain `prometheus/rules.yaml` is written only
 * when the platform profile asks, so tool tests read the groups from the object that always lands.
 */
import { parse, stringify } from 'yaml';

export const PROMETHEUS_RULE_SUFFIX = '/prometheus/prometheusrule.yaml';

export function ruleFileOf(prometheusRuleYaml: string): string {
  return stringify((parse(prometheusRuleYaml) as { spec: { groups: unknown[] } }).spec);
}
