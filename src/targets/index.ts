/** The targets every policy compiles into, in the order their files are listed. */
import type { Target } from './target.js';
import { argoAnalysisTarget } from './argo-analysis.js';
import { argoRolloutsTarget } from './argo-rollouts.js';
import { argocdTarget } from './argocd.js';
import { autoscalingTarget } from './autoscaling.js';
import { grafanaTarget } from './grafana.js';
import { istioTarget } from './istio.js';
import { istioAuthorizationTarget } from './istio-authorization.js';
import { istioTelemetryTarget } from './istio-telemetry.js';
import { podMonitorTarget } from './podmonitor.js';
import { prometheusTarget } from './prometheus.js';
import { tfservingTarget } from './tfserving.js';
import { tfservingMonitoringConfigTarget } from './tfserving-monitoring-config.js';
import { tfservingTemplateConfigTarget } from './tfserving-template-config.js';

export const targets: readonly Target[] = [
  istioTarget,
  istioTelemetryTarget,
  istioAuthorizationTarget,
  argoRolloutsTarget,
  autoscalingTarget,
  argoAnalysisTarget,
  prometheusTarget,
  podMonitorTarget,
  tfservingTarget,
  tfservingTemplateConfigTarget,
  tfservingMonitoringConfigTarget,
  argocdTarget,
  grafanaTarget,
];
