/**
 * One output target (Istio, Argo Rollouts, Prometheus, TF Serving, …): a pure function from
 * the resolved policy to the files it wants. No I/O, no printing, no knowledge of other targets.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

export interface OutputFile {
  /** Path relative to the policy's output folder, e.g. `istio/virtualservice.yaml`. */
  path: string;
  /**
   * `yaml`: one or more Kubernetes objects (or a rule file) serialized by emit;
   * `text`: already-serialized text produced by a safe serializer (e.g. protobuf text format);
   * `json`: one JSON value.
   */
  kind: 'yaml' | 'text' | 'json';
  /** For `yaml`: the documents; for `json`: the single value. */
  documents?: unknown[];
  /** For `yaml`: a fixed explanation printed above the first document, `#` before each line. Never user text. */
  comment?: string;
  /** For `text`. */
  text?: string;
}

export interface Target {
  /** Short name, also the name of the file it lives in. */
  name: string;
  build(policy: ResolvedPolicy): OutputFile[];
}
