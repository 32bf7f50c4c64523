/** The scenarios shipped under policies/scenarios/<policy-name>/ and the example policies they replay. */
import { readdirSync, readFileSync } from 'node:fs';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate, type Simulation } from '../../src/simulate/simulate.js';
import { examplePolicies } from '../gates/example-policies.js';

const SCENARIOS = new URL('../../policies/scenarios/', import.meta.url);

/** The example policy whose metadata.name is `name`. */
export function policyNamed(name: string): ResolvedPolicy {
  const policy = examplePolicies().find((candidate) => candidate.name === name);
  if (!policy) throw new Error(`no example policy named ${name}`);
  return policy;
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
