/**
 * With `model.versionLabels` every pod keeps every retained version in memory, not just the one
 * it serves. The pod's memory must hold them all; this states what that costs, with numbers, so
 * the reviewer weighs warm label rollbacks against memory.
 */
import type { Rule } from './rule.js';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Bytes of a Kubernetes memory quantity in the forms the schema allows (`4Gi`, `512M`, `1000`). */
function quantityBytes(quantity: string): number {
  const [, amount, unit] = /^([0-9]+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity)!;
  return Number(amount) * (BINARY[unit ?? ''] ?? DECIMAL[unit ?? '']!);
}

function gibibytes(bytes: number): string {
  return `${Number((bytes / 2 ** 30).toFixed(2))}Gi`;
}

export const versionLabelsMemory: Rule = {
  id: 'version-labels-memory',
  description: 'With model.versionLabels, states the memory each retained version may use (pod memory ÷ retained versions) and the total over all pods.',
  severity: 'warning',
  check({ policy, report }) {
    if (!policy.model.versionLabels) return;
    const { retained } = policy.versions;
    const pods = policy.model.replicas;
    const loaded = `each of the ${pods} pod${pods === 1 ? '' : 's'} loads ${retained.length} version${retained.length === 1 ? '' : 's'}`;
    const memory = policy.model.resources.memory;
    if (memory === null) {
      report({
        path: ['spec', 'model', 'versionLabels'],
        message: `model.versionLabels: ${loaded}, and no memory is requested, so nothing reserves room for them`,
        hint: `set model.resources.memory to what ${retained.length} loaded versions need`,
      });
      return;
    }
    const bytes = quantityBytes(memory);
    report({
      path: ['spec', 'model', 'versionLabels'],
      message:
        `model.versionLabels: ${loaded}; with ${memory} per pod each version may use at most ${gibibytes(bytes / retained.length)}, ` +
        `and the ${pods} pods reserve ${gibibytes(bytes * pods)} for ${retained.length * pods} loaded copies (${retained.length} versions × ${pods} pods)`,
      hint: `measure one loaded version's memory; if it exceeds ${gibibytes(bytes / retained.length)}, raise model.resources.memory or lower versions.retain`,
    });
  },
};
