/**
 * Walk an example policy through releases as its owners would: a new candidate, its canary, the
 * `promote` edit, the next candidate, … each change compiled by the real targets and fed, with
 * the times it reaches the cluster, to the ReplicaSet model. The edits are the CLI's own
 * (`runReleaseAction`); only adding a candidate, which people do by hand, is done here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import type { PolicyEdit } from '../../src/gitops/edit-policy.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { istioTarget } from '../../src/targets/istio.js';
import type { OutputFile } from '../../src/targets/target.js';
import { tfservingTarget } from '../../src/targets/tfserving.js';
import { tfservingTemplateConfigTarget } from '../../src/targets/tfserving-template-config.js';
import { validateSources } from '../../src/validate/validate.js';
import { exampleProfile } from '../gates/example-policies.js';
import { repoRoot } from '../support/tools.js';

type Json = Record<string, any>;

export const EXAMPLES = ['fraud-detector.yaml', 'recommender.yaml', 'search-ranker.yaml', 'churn-scorer.yaml'];

export interface Compiled {
  text: string;
  policy: ResolvedPolicy;
  rollout: Json;
  /** Names of every ConfigMap in the output. */
  configMaps: Set<string>;
  /** Every object of the compiled Rollout, Services, VirtualService and ConfigMaps. */
  documents: Json[];
}

/**
 * The example in the default serving mode, one version per pod. In label mode
 * (`model.versionLabels`, fraud-detector) every template loads the labelled `models.config`, so a
 * label move renames every template's ConfigMap: keeping an older ReplicaSet's ConfigMap there
 * needs the previous output, which compile does not carry yet (README, "Label mode").
 */
export function exampleText(file: string): string {
  return readFileSync(join(repoRoot, 'policies', file), 'utf8').replace(/^\s*versionLabels: true\n/m, '\n');
}

export function compileText(text: string, file = 'policies/walk.yaml'): Compiled {
  // The examples are written for the repository's platform profile (storage credentials, gateways).
  const result = validateSources([{ file, bytes: new TextEncoder().encode(text) }], exampleProfile());
  const policy = result.policies[0]?.policy;
  if (!policy || hasErrors(result.diagnostics)) throw new Error(`does not validate: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  const files: OutputFile[] = [...istioTarget.build(policy), ...argoRolloutsTarget.build(policy), ...tfservingTarget.build(policy), ...tfservingTemplateConfigTarget.build(policy)];
  const documents = files.flatMap((file) => (file.kind === 'yaml' ? (file.documents as Json[]) : []));
  return {
    text,
    policy,
    rollout: documents.find((doc) => doc.kind === 'Rollout')!,
    configMaps: new Set(documents.filter((doc) => doc.kind === 'ConfigMap').map((doc) => doc.metadata.name)),
    documents,
  };
}

export function releaseAction(text: string, edit: PolicyEdit): string {
  const result = runReleaseAction('policies/walk.yaml', new TextEncoder().encode(text), edit, exampleProfile());
  if (!result.ok) throw new Error(result.message);
  return result.text;
}

/** A new candidate, one above every version the policy names, with the stable's offline metrics. */
export function withNextCandidate(text: string, policy: ResolvedPolicy): { text: string; version: number } {
  const version = Math.max(policy.versions.stable, ...policy.versions.previous) + 1;
  const doc = parseDocument(text);
  doc.setIn(['spec', 'versions', 'candidate'], version);
  const metrics = policy.versions.info[policy.versions.stable]?.offlineMetrics;
  if (metrics) doc.setIn(['spec', 'versions', 'info', String(version)], doc.createNode({ offlineMetrics: { ...metrics } }));
  return { text: doc.toString(), version };
}
