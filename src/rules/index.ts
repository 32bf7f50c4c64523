/**
 * The one list of semantic rules `validate` runs. Adding a rule: one file under src/rules/
 * named after its id, and one line here.
 */
import { bestEffortPods } from './best-effort-pods.js';
import { canaryEndsAt100 } from './canary-ends-at-100.js';
import { canaryStepsIncreasing } from './canary-steps-increasing.js';
import { cohortMatch } from './cohort-match.js';
import { durationsInRange } from './durations-in-range.js';
import { gateNamesUnique } from './gate-names-unique.js';
import { gatewayHeaderTrust } from './gateway-header-trust.js';
import { gatesConsistent } from './gates-consistent.js';
import { gpuResources } from './gpu-resources.js';
import { headerNames } from './header-names.js';
import { hostValid } from './host-valid.js';
import { kubernetesNames } from './kubernetes-names.js';
import { latencyResolution } from './latency-resolution.js';
import { managedRoutesDropTimeouts } from './managed-routes-drop-timeouts.js';
import { modelStorageCredentials } from './model-storage-credentials.js';
import { modelStorageScheme } from './model-storage-scheme.js';
import { noBidiControls } from './no-bidi-controls.js';
import { notificationServiceDefined } from './notification-service-defined.js';
import { offlineMetricsNotWorse } from './offline-metrics-not-worse.js';
import { ownersValid } from './owners-valid.js';
import { preloadNeedsVersionLabels } from './preload-needs-version-labels.js';
import { retentionCoversRollback } from './retention-covers-rollback.js';
import type { Rule } from './rule.js';
import { schedulePower } from './schedule-power.js';
import { segmentDeclared } from './segment-declared.js';
import { stepHolds } from './step-holds.js';
import { tfservingModelName } from './tfserving-model-name.js';
import { uniqueHosts } from './unique-hosts.js';
import { uniquePolicyNames } from './unique-policy-names.js';
import { versionLabelsMemory } from './version-labels-memory.js';
import { versionsDistinct } from './versions-distinct.js';

export const rules: readonly Rule[] = [
  kubernetesNames,
  noBidiControls,
  ownersValid,
  tfservingModelName,
  modelStorageScheme,
  modelStorageCredentials,
  gpuResources,
  bestEffortPods,
  versionsDistinct,
  retentionCoversRollback,
  preloadNeedsVersionLabels,
  versionLabelsMemory,
  offlineMetricsNotWorse,
  hostValid,
  headerNames,
  gatewayHeaderTrust,
  cohortMatch,
  canaryStepsIncreasing,
  canaryEndsAt100,
  stepHolds,
  durationsInRange,
  schedulePower,
  latencyResolution,
  gateNamesUnique,
  gatesConsistent,
  segmentDeclared,
  managedRoutesDropTimeouts,
  notificationServiceDefined,
  uniquePolicyNames,
  uniqueHosts,
];
