/**
 * The checks that judge a policy against the release running now (the output generated last
 * time), beside the rules that judge the policy alone. `validate`, `compile`, `plan` and
 * `propose` all run this one list, so they reach one verdict on the same policy and output.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ValidPolicy } from './build.js';
import { firstDeployAtRest } from './first-deploy-at-rest.js';
import { tfservingLabelOrder } from './tfserving-label-order.js';

/** `previousOutput(path)`: a generated file's content below its header, null when absent. */
export function releaseChecks(previousOutput: (path: string) => string | null): ReadonlyArray<(compiled: ValidPolicy) => Diagnostic[]> {
  return [tfservingLabelOrder(previousOutput), firstDeployAtRest(previousOutput)];
}
