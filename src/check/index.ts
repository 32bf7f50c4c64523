/** Checks every compiled policy passes before anything is written. */
import type { OutputCheck } from './check.js';
import { promqlCheck } from './promql.js';

export const checks: readonly OutputCheck[] = [
  promqlCheck,
];
