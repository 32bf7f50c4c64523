/**
 * The one list of semantic rules `validate` runs, in the order they are reported when two share
 * a position. Adding a rule: one file under src/rules/ and one line here.
 */
import type { Rule } from './rule.js';

export const rules: readonly Rule[] = [
];
