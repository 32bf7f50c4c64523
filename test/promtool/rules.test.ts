/**
 * The real Prometheus checks the generated rules: `promtool check rules` accepts every rule file,
 * and `promtool test rules` shows each alert firing and staying silent on synthetic series
 * generated from the fixtures in test/fixtures/promtool/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROMETHEUS_RULE_FILE, prometheusTarget, ruleGroups } from '../../src/targets/prometheus.js';
import { samplesPerRequest } from '../../src/analysis/power.js';
import { gateLimits } from '../../src/gates/queries.js';
import { alertName } from '../../src/names.js';
import { examplePolicies, examplePolicy, repoRoot, withSecondForms } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';
import { promtoolTest, type Fixture, type ScenarioCase, type Traffic } from './scenario.js';

const promtool = requireTool('promtool');
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'promtool');

function run(args: string[], cwd: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(promtool!, args, { cwd, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.skipIf(!promtool)('promtool', () => {
  describe('check rules', () => {
    for (const policy of examplePolicies()) {
      it(`accepts the rule file of ${policy.name}`, () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-promtool-'));
        const file = prometheusTarget.build(withSecondForms(policy)).find((f) => f.path === PROMETHEUS_RULE_FILE)!;
        writeFileSync(path.join(dir, 'rules.yaml'), stringify(file.documents![0]));
        const result = run(['check', 'rules', 'rules.yaml'], dir);
        expect(result.output).toContain('SUCCESS');
        expect(result.ok).toBe(true);
      });
    }

    it('rejects a rule file with a broken expression (the oracle is awake)', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-promtool-'));
      writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'sum by (x (y)' }] }] }));
      expect(run(['check', 'rules', 'rules.yaml'], dir).ok).toBe(false);
    });
  });

  const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.yaml')).sort();
  for (const name of fixtures) {
    const fixture = parse(readFileSync(path.join(fixtureDir, name), 'utf8')) as Fixture;
    describe(`test rules: ${name} (${fixture.alert})`, () => {
      for (const scenario of fixture.cases) {
        it(scenario.name, () => {
          const policy = examplePolicy(fixture.policy);
          if (scenario.fires) {
            // A firing case must clear the guard, or it would prove nothing but the guard.
            // The alert's own gate (the silence alert has none and uses the policy's guard), in
            // the gate's samples: requests, or a ratio gate's denominator events.
            const gate = gateLimits(policy).find((limit) => alertName(limit.id) === fixture.alert)?.gate;
            const perWindow = lowestRate(scenario) * (gate ? samplesPerRequest(gate) : 1) * (policy.gates.intervalSeconds / 60);
            const guard = gate?.minRequests ?? policy.gates.minRequests;
            expect(perWindow, `fixture traffic below a guard of ${policy.name}`).toBeGreaterThanOrEqual(guard);
          }
          const groups = ruleGroups(policy);
          const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-promtool-'));
          writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
          writeFileSync(path.join(dir, 'test.yaml'), stringify(promtoolTest(policy, fixture, scenario, groups), { lineWidth: 0 }));
          const result = run(['test', 'rules', 'test.yaml'], dir);
          expect(result.output, result.output).toContain('SUCCESS');
          expect(result.ok).toBe(true);
        });
      }
    });
  }
});

/** The least traffic any version (or segment) of a fixture case gets, per minute. */
function lowestRate(scenario: ScenarioCase): number {
  const rates = (t: Traffic): number[] => (t.segments ? Object.values(t.segments).flatMap(rates) : [t.requestsPerMinute ?? 0]);
  const all = [...rates(scenario.stable), ...rates(scenario.canary)];
  // The silence case fires precisely because the canary gets nothing: judge it by stable alone.
  return scenario.canary.requestsPerMinute === 0 ? Math.min(...rates(scenario.stable)) : Math.min(...all);
}
