/**
 * The branch a change is proposed on, named after what it does and to which policies, so that
 * proposing the same kind of change to the same policies again updates the same pull request.
 */
import { createHash } from 'node:crypto';

const MAX_NAMED_POLICIES = 3;

export function branchName(action: string, policyKeys: readonly string[]): string {
  const keys = [...policyKeys].sort();
  const named = keys.map((key) => key.replace('/', '.').replace(/[^a-z0-9.-]/gi, '-'));
  const joined = named.join('+');
  if (keys.length <= MAX_NAMED_POLICIES && joined.length <= 120) return `modelgate/${action}/${joined}`;
  const digest = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 12);
  return `modelgate/${action}/${keys.length}-policies-${digest}`;
}
