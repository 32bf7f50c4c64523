/**
 * A subscription names a notification service the platform profile lists and says
 * argo-rollouts-notification-configmap defines: Argo's controller drops a subscription to a
 * service it has no `service.<name>` for (it logs an error and sends nothing), so nobody would
 * be told and nothing would say so.
 */
import { closestName } from '../validate/did-you-mean.js';
import type { Rule } from './rule.js';

export const notificationServiceDefined: Rule = {
  id: 'notification-service-defined',
  description: "Each notification service is one the platform profile lists as defined in the cluster's argo-rollouts-notification-configmap.",
  severity: 'error',
  check({ policy, report }) {
    const services = policy.platform.notificationServices;
    policy.notifications.forEach((subscription, index) => {
      const path = ['spec', 'notifications', index, 'service'];
      // Without a profile nothing is known about the cluster: say so, but do not refuse a policy
      // that may be right for it.
      if (policy.platform.file === null) {
        report({
          path,
          severity: 'warning',
          message: `no platform profile says whether the cluster's argo-rollouts-notification-configmap defines notification service \`${subscription.service}\``,
          hint: 'list it under notifications.services in modelgate.config.yaml, with configured: true once the ConfigMap defines it',
        });
        return;
      }
      const known = services.find((service) => service.name === subscription.service);
      if (known?.configured) return;
      if (known) {
        report({
          path,
          message: `notification service \`${subscription.service}\` is not defined in the cluster's argo-rollouts-notification-configmap (the profile says configured: false), so this subscription would never be delivered`,
          hint: `add \`service.${subscription.service}\` to argo-rollouts-notification-configmap and set configured: true in ${policy.platform.file ?? 'modelgate.config.yaml'}${alternatives(services)}`,
        });
        return;
      }
      const suggestion = closestName(subscription.service, services.map((service) => service.name));
      report({
        path,
        message: `notification service \`${subscription.service}\` is not one the platform profile names`,
        hint: suggestion
          ? `did you mean \`${suggestion}\`?`
          : `list it under notifications.services in ${policy.platform.file ?? 'modelgate.config.yaml'} once argo-rollouts-notification-configmap defines it`,
      });
    });
  },
};

function alternatives(services: ReadonlyArray<{ name: string; configured: boolean }>): string {
  const configured = services.filter((service) => service.configured).map((service) => `\`${service.name}\``);
  return configured.length === 0 ? '' : `, or use ${configured.join(' or ')}`;
}
