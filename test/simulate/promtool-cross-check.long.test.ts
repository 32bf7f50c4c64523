/**
 * For every shipped scenario, the alerts `simulate` predicts are the alerts Prometheus computes:
 * the simulation's own series go through the generated rule file in `promtool test rules`, which
 * checks at every minute where the predicted set of firing alerts changes (and the minute before).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { requireTool } from '../support/tools.js';
import { promtoolTestFile } from './promtool-series.js';
import { policyNamed, shippedScenarios } from './shipped.js';

const promtool = requireTool('promtool');

describe.skipIf(!promtool)('simulate agrees with promtool test rules', () => {
  for (const shipped of shippedScenarios()) {
    it(`${shipped.policy}/${shipped.name}`, () => {
      const policy = policyNamed(shipped.policy);
      const scenario = parseScenario(shipped.text, policy);
      const simulation = simulate(policy, scenario);
      const groups = ruleGroups(policy);
      const changes = simulation.firingByMinute.flatMap((firing, minute) =>
        minute > 0 && firing.join() !== simulation.firingByMinute[minute - 1]!.join() ? [minute - 1, minute] : [],
      );
      // Transitions, plus a minute in the middle and the last, so a scenario with no alert still checks something.
      const evalMinutes = [...new Set([...changes, Math.floor(scenario.minutes / 2), scenario.minutes])].sort((a, b) => a - b);
      const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-simulate-'));
      writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
      writeFileSync(path.join(dir, 'test.yaml'), stringify(promtoolTestFile(policy, scenario, simulation, groups, evalMinutes), { lineWidth: 0 }));
      let output: string;
      try {
        output = execFileSync(promtool!, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      }
      expect(output, output).toContain('SUCCESS');
    });
  }

  it('the oracle is awake: a wrong prediction fails', () => {
    const policy = policyNamed('fraud-detector');
    const shipped = shippedScenarios().find((s) => s.policy === 'fraud-detector' && s.name.startsWith('latency'))!;
    const scenario = parseScenario(shipped.text, policy);
    const simulation = simulate(policy, scenario);
    const wrong = { ...simulation, firingByMinute: simulation.firingByMinute.map(() => []) };
    const groups = ruleGroups(policy);
    const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-simulate-'));
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
    writeFileSync(path.join(dir, 'test.yaml'), stringify(promtoolTestFile(policy, scenario, wrong, groups, [100]), { lineWidth: 0 }));
    expect(() => execFileSync(promtool!, ['test', 'rules', 'test.yaml'], { cwd: dir, stdio: 'pipe' })).toThrow();
  });
});
