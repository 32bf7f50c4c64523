/**
 * The one list of semantic rules `validate` runs. Adding a rule: one file under src/rules/
 * named after its id, and one line here (a rule with a `setKey`: in set-wide.ts).
 */
import { autoscalingCapacity } from './autoscaling-capacity.js';
import { autoscalingConsistent } from './autoscaling-consistent.js';
import { autoscalingRequestMetric } from './autoscaling-request-metric.js';
import { bestEffortPods } from './best-effort-pods.js';
import { canaryEndsAt100 } from './canary-ends-at-100.js';
import { canaryStepsIncreasing } from './canary-steps-increasing.js';
import { cohortMatch } from './cohort-match.js';
import { driftSourceScraped } from './drift-source-scraped.js';
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
import { grpcTlsHttpRoutes } from './grpc-tls-http-routes.js';
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
import { soakJudged } from './soak-judged.js';
import { segmentDeclared } from './segment-declared.js';
import { servedVersionUnseen } from './served-version-unseen.js';
import { setWideRules } from './set-wide.js';
import { stageCandidatePassedPrevious } from './stage-candidate-passed-previous.js';
import { stageNamesUnique } from './stage-names-unique.js';
import { stepHolds } from './step-holds.js';
import { tfservingModelName } from './tfserving-model-name.js';
import { versionLabelsMemory } from './version-labels-memory.js';
import { versionsDistinct } from './versions-distinct.js';
import { webhookUrl } from './webhook-url.js';

export const rules: readonly Rule[] = [
  kubernetesNames,
  noBidiControls,
  ownersValid,
  tfservingModelName,
  modelStorageScheme,
  modelStorageCredentials,
  gpuResources,
  autoscalingConsistent,
  autoscalingRequestMetric,
  autoscalingCapacity,
  bestEffortPods,
  versionsDistinct,
  retentionCoversRollback,
  preloadNeedsVersionLabels,
  versionLabelsMemory,
  servedVersionUnseen,
  offlineMetricsNotWorse,
  hostValid,
  headerNames,
  gatewayHeaderTrust,
  cohortMatch,
  canaryStepsIncreasing,
  canaryEndsAt100,
  stepHolds,
  soakJudged,
  durationsInRange,
  schedulePower,
  latencyResolution,
  gateNamesUnique,
  webhookUrl,
  gatesConsistent,
  segmentDeclared,
  driftSourceScraped,
  managedRoutesDropTimeouts,
  grpcTlsHttpRoutes,
  notificationServiceDefined,
  stageNamesUnique,
  stageCandidatePassedPrevious,
  ...setWideRules,
];
