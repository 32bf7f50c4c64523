/**
 * Walk an example policy through releases as its owners would: a new candidate, its canary, the
 * `promote` edit, the next candidate, … each change compiled by the real targets (against the
 * output of the change before, when given) and fed, with the times it reaches the cluster, to the
 * ReplicaSet model. The edits are the CLI's own
 * (`runReleaseAction`); only adding a candidate, which people do by hand, is done here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseDocument } from 'yaml';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { serializeBody } from '../../src/emit/serialize.js';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import type { PolicyEdit } from '../../src/gitops/edit-policy.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { istioTarget } from '../../src/targets/istio.js';
import type { OutputFile } from '../../src/targets/target.js';
import { tfservingTarget } from '../../src/targets/tfserving.js';
import { TFSERVING_TEMPLATE_CONFIGMAPS_FILE, tfservingTemplateConfigTarget, withdrawnVersions } from '../../src/targets/tfserving-template-config.js';
import { validateSources } from '../../src/validate/validate.js';
import { exampleProfile } from '../gates/example-policies.js';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
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
  files: OutputFile[];
}

/** The example policy as written (fraud-detector is in label mode, `model.versionLabels`). */
export function exampleText(file: string): string {
  return readFileSync(join(repoRoot, 'policies', file), 'utf8');
}

/** The same policy in the default serving mode, one version per pod. */
export function oneVersionPerPod(text: string): string {
  return text.replace(/^\s*versionLabels: true\n/m, '\n');
}

/**
 * Compile as `compile` does; `previous` is the output generated last time (what the output folder
 * or the `--base` ref holds), which the objects still in use are carried over from.
 */
export function compileText(text: string, previous?: Compiled, file = 'policies/walk.yaml'): Compiled {
  // The examples are written for the repository's platform profile (storage credentials, gateways).
  const result = validateSources([{ file, bytes: new TextEncoder().encode(text) }], exampleProfile());
  const policy = result.policies[0]?.policy;
  if (!policy || hasErrors(result.diagnostics)) throw new Error(`does not validate: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  const previousOutput = (path: string): string | null => {
    const found = previous?.files.find((output) => output.path === path);
    return found ? serializeBody(found) : null;
  };
  const files = [istioTarget, argoRolloutsTarget, tfservingTarget, tfservingTemplateConfigTarget].flatMap((target) => target.build(policy, previousOutput));
  const documents = files.flatMap((file) => (file.kind === 'yaml' ? (file.documents as Json[]) : []));
  return {
    text,
    policy,
    files,
    rollout: documents.find((doc) => doc.kind === 'Rollout')!,
    configMaps: new Set(documents.filter((doc) => doc.kind === 'ConfigMap').map((doc) => doc.metadata.name)),
    documents,
  };
}

/** The withdrawn candidates the compiled output carries, as `plan` and `rollback` read them. */
export function withdrawnIn(compiled: Compiled): number[] {
  const file = compiled.files.find((output) => output.path === TFSERVING_TEMPLATE_CONFIGMAPS_FILE);
  return withdrawnVersions(compiled.policy, file ? serializeBody(file) : null);
}

export function releaseAction(text: string, edit: PolicyEdit): string {
  const result = runReleaseAction('policies/walk.yaml', new TextEncoder().encode(text), edit, exampleProfile());
  if (!result.ok) throw new Error(result.message);
  return result.text;
}

/**
 * A new candidate (by default one above every version the policy names; after a withdrawn
 * candidate, pass a higher one), with the stable's offline metrics.
 */
export function withNextCandidate(text: string, policy: ResolvedPolicy, version = Math.max(policy.versions.stable, ...policy.versions.previous) + 1): { text: string; version: number } {
  const doc = parseDocument(text);
  doc.setIn(['spec', 'versions', 'candidate'], version);
  const metrics = policy.versions.info[policy.versions.stable]?.offlineMetrics;
  if (metrics) doc.setIn(['spec', 'versions', 'info', String(version)], doc.createNode({ offlineMetrics: { ...metrics } }));
  return { text: doc.toString(), version };
}

/**
 * One example on its way through releases: the compiled policy, the ReplicaSets Argo runs for it,
 * and the check that every running ReplicaSet's ConfigMap is in the output.
 */
export class Walk {
  now = 0;
  compiled: Compiled;
  readonly model: RolloutReplicaSets;
  readonly delay: number;
  private highest: number;

  constructor(text: string, availableAfter: number) {
    this.compiled = compileText(text);
    const { versions, model } = this.compiled.policy;
    // A quiet HPA (search-ranker's) holds its minimum.
    this.model = new RolloutReplicaSets(model.autoscaling?.minReplicas, availableAfter);
    this.highest = Math.max(versions.stable, ...versions.previous, versions.candidate ?? 0);
    this.delay = this.compiled.policy.canary.scaleDownDelaySeconds;
    // The cluster before this change: the stable ReplicaSet alone.
    this.model.apply(compileText(versions.candidate === null ? text : releaseAction(text, { action: 'abort' })).rollout, this.now);
    this.now += 60;
    this.model.apply(this.compiled.rollout, this.now);
  }

  /** Compile `text` against the current output and hand the Rollout to Argo. */
  deploy(text: string): void {
    this.compiled = compileText(text, this.compiled);
    this.model.apply(this.compiled.rollout, this.now);
    this.assertConfigsPresent();
  }

  /** A candidate above every version seen so far: after a release, or replacing a withdrawn one. */
  newCandidate(): void {
    this.deploy(withNextCandidate(this.compiled.text, this.compiled.policy, ++this.highest).text);
  }

  edit(action: 'promote' | 'abort'): void {
    this.deploy(releaseAction(this.compiled.text, { action }));
  }

  /** A new candidate, its canary's first pod, and `promote` run mid-canary, `gap` seconds apart. */
  releaseEarly(gap: number): void {
    this.newCandidate();
    this.now += gap;
    this.model.scaleCanary(1, this.now);
    this.wait(gap);
    this.edit('promote');
  }

  rollbackTo(version: number): void {
    this.deploy(releaseAction(this.compiled.text, { action: 'rollback', to: version }));
  }

  wait(seconds: number): void {
    this.now += seconds;
    this.assertConfigsPresent();
  }

  assertConfigsPresent(): void {
    // scaleDownDelayRevisionLimit: stable, candidate and one old ReplicaSet at most.
    expect(this.model.running(this.now).length).toBeLessThanOrEqual(3);
    for (const set of this.model.running(this.now)) {
      const { policy, configMaps } = this.compiled;
      expect(configMaps.has(set.configMap), `t=${this.now}s: ReplicaSet of version ${set.version} mounts ${set.configMap}, not in the output of ${policy.name} (stable ${policy.versions.stable})`).toBe(true);
    }
  }
}
