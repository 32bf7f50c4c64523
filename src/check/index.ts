/** Checks every compiled policy passes before anything is written. */
import type { OutputCheck } from './check.js';
import { crdSchemasCheck } from './crd-schemas.js';
import { crossReferencesCheck } from './cross-references.js';
import { promqlCheck } from './promql.js';

export const checks: readonly OutputCheck[] = [
  crdSchemasCheck,
  crossReferencesCheck,
  promqlCheck,
];
