/** The differences between planned and on-disk output, as diagnostics on the generated files. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { CHANGE_DESCRIPTIONS, type Change, type ChangeStatus } from './diff.js';

const RULES: Record<ChangeStatus, string> = {
  missing: 'output-missing',
  outdated: 'output-out-of-date',
  'edited-by-hand': 'output-edited-by-hand',
  extra: 'output-extra',
  'hand-written-in-the-way': 'output-hand-written',
};

const HINTS: Record<ChangeStatus, string> = {
  missing: "run 'modelgate compile' and commit the result",
  outdated: "run 'modelgate compile' and commit the result",
  'edited-by-hand': "change the policy instead, then run 'modelgate compile'; hand edits to generated files are overwritten",
  extra: "run 'modelgate compile' to remove it, and commit the result",
  'hand-written-in-the-way': 'move or rename the file; modelgate never overwrites a file it did not write',
};

/** `outDir` as the user should see it in file names, e.g. `generated`. */
export function changeDiagnostics(changes: readonly Change[], outDir: string, severity: 'error' | 'warning'): Diagnostic[] {
  return changes.map((change) => ({
    file: `${outDir}/${change.path}`,
    line: 1,
    column: 1,
    severity,
    rule: RULES[change.status],
    message: severity === 'warning' && change.status === 'edited-by-hand' ? `${CHANGE_DESCRIPTIONS[change.status]}; overwritten` : CHANGE_DESCRIPTIONS[change.status],
    hint: HINTS[change.status],
  }));
}
