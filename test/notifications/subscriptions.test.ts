/**
 * Notification subscriptions compiled into the Rollout reach the people the policy names, as
 * Argo's notification controller reads them (test/models/argo-notifications.ts), and the gate
 * alerts carry the routing label Alertmanager matches on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { diagnosticsFor, minimalPolicy } from '../support/rule-harness.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { destinations, TRIGGERS, triggerOfReason } from '../models/argo-notifications.js';

const SUBSCRIPTIONS = `  notifications:
    - on: [on-rollout-aborted, on-analysis-run-failed]
      service: slack
      recipients: ['#risk-ml', '#ml-oncall']
    - on: [on-rollout-aborted, on-rollout-completed]
      service: pagerduty-v2
      recipients: [risk-ml]
    - on: [on-rollout-aborted]
      service: slack
      recipients: ['#ml-oncall', '#releases']
`;

function policy(text: string) {
  return resolvePolicy(loadPolicy('policy.yaml', new TextEncoder().encode(text)).policy!.data, { file: 'policy.yaml', sha256: '' });
}

describe('notification subscriptions', () => {
  const compiled = compile(policy(minimalPolicy(SUBSCRIPTIONS)));
  const rollout = objectOfKind(compiled, 'Rollout');

  it("tell each trigger's subscribers once, as the notification controller reads the Rollout's annotations", () => {
    const told = destinations(rollout.metadata.annotations as Record<string, string>);
    expect(Object.fromEntries(told)).toEqual({
      'on-rollout-aborted': ['slack:#risk-ml', 'slack:#ml-oncall', 'slack:#releases', 'pagerduty-v2:risk-ml'],
      'on-analysis-run-failed': ['slack:#risk-ml', 'slack:#ml-oncall'],
      'on-rollout-completed': ['pagerduty-v2:risk-ml'],
    });
  });

  it('keep the provenance annotations beside them', () => {
    expect(rollout.metadata.annotations['modelgate.io/candidate-version']).toBe('2');
  });

  it('label every alert for those who asked to hear about failing gates or aborts', () => {
    const alerts = ruleGroups(policy(minimalPolicy(SUBSCRIPTIONS))).flatMap((g) => g.rules).filter((r) => typeof r.alert === 'string');
    expect(alerts.length).toBeGreaterThan(1);
    for (const alert of alerts) {
      expect(alert.labels).toMatchObject({ notify_slack: '#risk-ml;#ml-oncall;#releases', notify_pagerduty_v2: 'risk-ml' });
    }
  });

  it('add nothing to a policy without subscriptions', () => {
    const plain = objectOfKind(compile(policy(minimalPolicy())), 'Rollout');
    expect(Object.keys(plain.metadata.annotations).filter((key) => key.startsWith('notifications.argoproj.io/'))).toEqual([]);
    const alerts = ruleGroups(policy(minimalPolicy())).flatMap((g) => g.rules).filter((r) => typeof r.alert === 'string');
    expect(alerts.flatMap((a) => Object.keys(a.labels as object)).filter((label) => label.startsWith('notify_'))).toEqual([]);
  });

  it("accept exactly the triggers of Argo Rollouts' catalog, which are its event reasons", () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/release-policy.schema.json', import.meta.url), 'utf8')) as Record<string, any>;
    expect([...schema.$defs.notifications.items.properties.on.items.enum].sort()).toEqual([...TRIGGERS].sort());
    expect(['RolloutAborted', 'AnalysisRunFailed', 'RolloutCompleted', 'RolloutPaused'].map(triggerOfReason)).toEqual([
      'on-rollout-aborted',
      'on-analysis-run-failed',
      'on-rollout-completed',
      'on-rollout-paused',
    ]);
  });

  it('keep every annotation key within the 63 characters Kubernetes allows after the prefix', () => {
    const longest = minimalPolicy(`  notifications:
    - on: [on-rollout-step-completed]
      service: ${'a'.repeat(27)}
      recipients: [x]
`);
    expect(diagnosticsFor(longest).map((d) => d.rule)).toEqual(['notification-service-defined']);
    const keys = Object.keys(objectOfKind(compile(policy(longest)), 'Rollout').metadata.annotations as object).filter((k) => k.startsWith('notifications.'));
    expect(keys.map((k) => k.split('/')[1]!.length)).toEqual([63]);
  });
});
