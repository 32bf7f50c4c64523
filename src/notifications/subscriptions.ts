/**
 * A policy's notification subscriptions, as the two places that tell people read them:
 * - Argo Rollouts' notification controller reads `notifications.argoproj.io/subscribe.<trigger>.<service>`
 *   annotations on the Rollout, recipients separated by `;` (argoproj/notifications-engine
 *   pkg/subscriptions/annotations.go `SubscribeAnnotationKey`, `parseRecipients`); its triggers
 *   are named after the controller's event reasons (argo-rollouts utils/record/record.go
 *   `translateReasonToTrigger`: RolloutAborted → on-rollout-aborted).
 * - Alertmanager routes the gate alerts on their labels: `notify_<service>` carries the same
 *   recipients for those who asked to hear about a failing gate (on-analysis-run-failed) or the
 *   abort it leads to (on-rollout-aborted), since a firing gate alert is that same measurement
 *   seen by Prometheus.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

export const SUBSCRIBE_ANNOTATION_PREFIX = 'notifications.argoproj.io/subscribe.';
const ALERT_TRIGGERS = ['on-analysis-run-failed', 'on-rollout-aborted'];

/** Rollout annotations, one per (trigger, service), recipients in policy order without repeats. */
export function subscriptionAnnotations(policy: ResolvedPolicy): Record<string, string> {
  const recipients = new Map<string, string[]>();
  for (const subscription of policy.notifications) {
    for (const trigger of subscription.triggers) add(recipients, `${SUBSCRIBE_ANNOTATION_PREFIX}${trigger}.${subscription.service}`, subscription.recipients);
  }
  return joined(recipients);
}

/** Alert labels: `notify_<service>` (dashes become underscores, as label names need) → recipients. */
export function alertRoutingLabels(policy: ResolvedPolicy): Record<string, string> {
  const recipients = new Map<string, string[]>();
  for (const subscription of policy.notifications) {
    if (subscription.triggers.some((trigger) => ALERT_TRIGGERS.includes(trigger))) {
      add(recipients, alertRoutingLabel(subscription.service), subscription.recipients);
    }
  }
  return joined(recipients);
}

/** Service names are lowercase letters, digits and inner dashes (schema), so this is one-to-one. */
export function alertRoutingLabel(service: string): string {
  return `notify_${service.replace(/-/g, '_')}`;
}

function add(into: Map<string, string[]>, key: string, recipients: string[]): void {
  const list = into.get(key) ?? [];
  for (const recipient of recipients) if (!list.includes(recipient)) list.push(recipient);
  into.set(key, list);
}

function joined(recipients: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries([...recipients].map(([key, list]) => [key, list.join(';')]));
}
