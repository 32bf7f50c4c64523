/** `modelgate simulate`: replay a metrics scenario through a policy's rollout and gates. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatSimulation } from '../simulate/report.js';
import { parseScenario, ScenarioSyntaxError } from '../simulate/scenario.js';
import { simulate } from '../simulate/simulate.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy } from './policy-argument.js';

const HELP = `usage: modelgate simulate POLICY --metrics FILE [--stage STAGE] [--format human|json] [--policies DIR]

POLICY is its file, its name, or namespace/name (names are looked up in DIR, default policies/
at the project root: the nearest folder upward holding modelgate.config.yaml or policies/).
Replay a metrics scenario (JSON, schemas/metrics-scenario.schema.json) through the policy's
rollout with the semantics of the compiled AnalysisTemplate and alerts, and print what happens
at each step: advanced, paused waiting for a human (too many inconclusive
measurements), or aborted at minute N by which gate.

  --metrics FILE  the scenario, e.g. policies/scenarios/fraud-detector/healthy.json
  --stage STAGE   for a policy with spec.stages, the stage whose rollout is replayed (its
                  versions, traffic and canary steps); required there
  --format F      human (default) or json

exit status: 0 the rollout completed or waits for a manual promotion; 1 it was aborted,
paused on inconclusive measurements or did not finish; 2 usage error or invalid input.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ metrics?: string; stage?: string; format: 'human' | 'json'; policies?: string }>(
    'simulate',
    argv,
    HELP,
    { metrics: { type: 'string' }, stage: { type: 'string' }, format: { type: 'string', default: 'human' }, policies: { type: 'string' } },
    { format: ['human', 'json'] },
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1 || !values.metrics) return usageError('simulate', `give one POLICY (${POLICY_ARGUMENT}) and --metrics FILE`);
  // Read where the user stood: finding the policy moves to the project root.
  const metrics = path.resolve(values.metrics);
  const policy = await validNamedPolicy('simulate', positionals[0]!, values.policies, values.stage ?? null);
  if (typeof policy === 'number') return policy;
  let result;
  try {
    result = simulate(policy, parseScenario(readFileSync(metrics, 'utf8'), policy));
  } catch (error) {
    const at = error instanceof ScenarioSyntaxError ? `:${error.line}:${error.column}` : '';
    process.stderr.write(`modelgate simulate: ${values.metrics}${at}: ${(error as Error).message}\n`);
    return 2;
  }
  const { trace: _trace, ...summary } = result;
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatSimulation(result));
  return result.ending.kind === 'completed' || result.ending.kind === 'held-manual' ? 0 : 1;
}
