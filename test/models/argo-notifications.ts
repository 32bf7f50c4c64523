/**
 * A model of who Argo Rollouts' notification controller tells, for a Rollout's annotations.
 * Upstream:
 * - argoproj/notifications-engine pkg/subscriptions/annotations.go `iterate` / `GetDestinations`:
 *   a key `notifications.argoproj.io/subscribe.<trigger>.<service>` is split on `.`, the first
 *   part the trigger and the second the service; the value is split on `;` into recipients,
 *   blanks dropped (`parseRecipients`); an empty value is one empty recipient.
 * - argoproj/argo-rollouts utils/record/record.go: an event reason becomes the trigger
 *   `translateReasonToTrigger` names (RolloutAborted → on-rollout-aborted), sent only when the
 *   notification ConfigMap has that trigger; the catalog shipped with the controller
 *   (manifests/notifications/kustomization.yaml) defines TRIGGERS below.
 * Only the `subscribe.` form is modelled: modelgate writes no `subscriptions` annotation.
 */
export const TRIGGERS = [
  'on-rollout-completed',
  'on-scaling-replica-set',
  'on-rollout-step-completed',
  'on-rollout-updated',
  'on-rollout-aborted',
  'on-rollout-paused',
  'on-analysis-run-running',
  'on-analysis-run-error',
  'on-analysis-run-failed',
] as const;

const PREFIX = 'notifications.argoproj.io/subscribe.';

/** trigger → `service:recipient` for each destination, as GetDestinations builds them. */
export function destinations(annotations: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(PREFIX)) continue;
    const parts = key.slice(PREFIX.length).split('.');
    const [trigger, service] = parts.length >= 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
    const recipients = value === '' ? [''] : value.split(';').map((r) => r.trim()).filter((r) => r !== '');
    for (const recipient of recipients) out.set(trigger, [...(out.get(trigger) ?? []), `${service}:${recipient}`]);
  }
  return out;
}

/** A reason as Argo records it → the trigger it fires (record.go `translateReasonToTrigger`). */
export function triggerOfReason(reason: string): string {
  const first = reason.replace(/(.)([A-Z][a-z]+)/g, '$1-$2');
  return `on-${first.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}
