/**
 * A check on compiled output, run before anything is written. A finding here means the compiler
 * produced something wrong: it is reported as an internal error naming the policy and the object.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { OutputFile } from '../targets/target.js';

export interface OutputFinding {
  /** Output file the finding is about, relative to the policy's folder. */
  path: string;
  /** `Kind/name` of the object, when the finding is about one. */
  object?: string;
  message: string;
}

export interface OutputCheck {
  name: string;
  check(policy: ResolvedPolicy, files: readonly OutputFile[]): OutputFinding[];
}
