/** The targets every policy compiles into, in the order their files are listed. */
import type { Target } from './target.js';
import { argoAnalysisTarget } from './argo-analysis.js';
import { prometheusTarget } from './prometheus.js';
import { tfservingTarget } from './tfserving.js';

export const targets: readonly Target[] = [
  argoAnalysisTarget,
  prometheusTarget,
  tfservingTarget,
];
