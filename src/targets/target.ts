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

/**
 * The policy's output as generated last time: a file's content below its header (path relative
 * to the policy's output folder), null when absent or when there is no previous output.
 */
export type PreviousOutput = (path: string) => string | null;

export interface Target {
  /** Short name, also the name of the file it lives in. */
  name: string;
  /**
   * Nearly every target is a function of the policy alone; `previous` is for the objects that
   * must outlive the policy's mention of them while the cluster may still use them.
   */
  build(policy: ResolvedPolicy, previous?: PreviousOutput): OutputFile[];
}
