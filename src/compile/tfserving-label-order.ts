/**
 * `tfserving-label-order` (only with `model.versionLabels`): a release must not move a TF Serving label onto a version the running
 * config does not load yet. The running config is the `models.config` modelgate generated last
 * time; the hazard itself is found by `labelMoveHazards`.
 */
import { labelMoveHazards } from '../check/tfserving-labels.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf } from '../load/load.js';
import { policyDir } from '../names.js';
import { TFSERVING_MODELS_TEXT_FILE } from '../targets/tfserving.js';
import type { ValidPolicy } from './build.js';

export const TFSERVING_LABEL_ORDER = 'tfserving-label-order';

/** `previousOutput(path)`: a generated file's content below its header, null when absent. */
export function tfservingLabelOrder(previousOutput: (path: string) => string | null): (compiled: ValidPolicy) => Diagnostic[] {
  return ({ source, policy }) => {
    // Without version labels no pod serves a label, so there is no order to keep.
    if (!policy.model.versionLabels) return [];
    const previous = previousOutput(`${policyDir(policy)}/${TFSERVING_MODELS_TEXT_FILE}`);
    return labelMoveHazards(previous, policy).map((hazard) => ({
      file: source.file,
      ...positionOf(source, ['spec', 'versions', 'candidate']),
      severity: 'error',
      rule: TFSERVING_LABEL_ORDER,
      message: hazard.message,
      hint: `add ${hazard.version} to versions.preload in one release, and move the "${hazard.label}" label in the next`,
    }));
  };
}
