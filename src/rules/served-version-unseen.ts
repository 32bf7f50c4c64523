/**
 * In label mode `rollback --live` moves TF Serving's `stable` label on running pods without
 * changing their `version` label, which is what the gates compare by. The gates notice only
 * through kube-state-metrics exporting the pod annotation the command writes and the pods' `app`
 * and `version` labels; a profile that does not say so leaves a live move unseen, and the gates
 * would judge the version the label names instead of the one answering.
 */
import { SERVED_VERSION_EXPORTS, servedVersionSeen } from '../gates/served-version.js';
import type { Rule } from './rule.js';

export const servedVersionUnseen: Rule = {
  id: 'served-version-unseen',
  description: 'A label-mode policy needs the profile to declare that kube-state-metrics exports the served-version annotation and the pods\' app and version labels, or a live rollback goes unseen by its gates.',
  severity: 'warning',
  check({ policy, report }) {
    if (!policy.model.versionLabels || servedVersionSeen(policy)) return;
    const { podAnnotations, podLabels } = SERVED_VERSION_EXPORTS;
    const exported = policy.platform.kubeStateMetrics;
    const missing = [...podAnnotations.filter((key) => !exported.podAnnotations.includes(key)).map((key) => `annotation ${key}`), ...podLabels.filter((key) => !exported.podLabels.includes(key)).map((key) => `label ${key}`)];
    report({
      path: ['spec', 'model', 'versionLabels'],
      message: `a live rollback (rollback --live) will go unseen by this policy's gates: the platform profile does not declare that kube-state-metrics exports the pods' ${missing.join(', ')}, so they would keep judging the version each pod's label names, not the one answering`,
      hint: `export them (kube-prometheus-stack: kube-state-metrics.metricAnnotationsAllowList: ["pods=[${podAnnotations.join(',')}]"], metricLabelsAllowlist: ["pods=[${podLabels.join(',')}]"]) and declare it in modelgate.config.yaml: kubeStateMetrics: {podAnnotations: [${podAnnotations.join(', ')}], podLabels: [${podLabels.join(', ')}]}`,
    });
  },
};
