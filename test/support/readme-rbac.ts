/**
 * The RBAC Role the README tells users to grant, as the `<verb> <resource>` pairs the Kubernetes
 * API stand-in allows, so the tests run with exactly those permissions and no more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './tools.js';

export function readmeRolePermissions(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /```yaml\n(apiVersion: rbac\.authorization\.k8s\.io\/v1\nkind: Role\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no RBAC Role block');
  const role = parse(block[1]!) as { rules: Array<{ resources: string[]; verbs: string[] }> };
  return role.rules.flatMap((rule) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}`)));
}
