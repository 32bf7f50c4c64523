/** The scenarios shipped under policies/scenarios/<policy-name>/ and the example policies they replay. */
import { readdirSync, readFileSync } from 'node:fs';
import { loadPolicy } from '../../src/load/load.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate, type Simulation } from '../../src/simulate/simulate.js';

const POLICIES = new URL('../../policies/', import.meta.url);
const SCENARIOS = new URL('scenarios/', POLICIES);

/** The example policy whose metadata.name is `name`. */
export function policyNamed(name: string): ResolvedPolicy {
  for (const file of readdirSync(POLICIES).filter((f) => f.endsWith('.yaml'))) {
    const loaded = loadPolicy(file, readFileSync(new URL(file, POLICIES)));
    const policy = resolvePolicy(loaded.policy!.data, { file, sha256: '' });
    if (policy.name === name) return policy;
  }
  throw new Error(`no example policy named ${name}`);
}

export function shippedScenarios(): Array<{ policy: string; name: string; text: string }> {
  return readdirSync(SCENARIOS).sort().flatMap((policy) =>
    readdirSync(new URL(`${policy}/`, SCENARIOS)).sort().map((name) => ({ policy, name, text: readFileSync(new URL(`${policy}/${name}`, SCENARIOS), 'utf8') })),
  );
}

export function runShipped(policyName: string, name: string): { policy: ResolvedPolicy; result: Simulation } {
  const policy = policyNamed(policyName);
  const text = readFileSync(new URL(`${policyName}/${name}`, SCENARIOS), 'utf8');
  return { policy, result: simulate(policy, parseScenario(text, policy)) };
}
