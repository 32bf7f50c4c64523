/** The targets every policy compiles into, in the order their files are listed. */
import type { Target } from './target.js';

export const targets: readonly Target[] = [];
