/**
 * The client's view of errors, proven by the real Prometheus: a canary whose callers' proxies end
 * requests with the route timeout (504 `UT` at the caller, `destination_version="unknown"`; only
 * a disconnect, code 0, at the canary's own proxy) fails churn-scorer's error gate, and the same
 * gate read at the destination, as it was before, stays silent on the same series.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { serialize } from '../../src/gates/promql.js';
import { gateLimits, violation } from '../../src/gates/queries.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicy, repoRoot } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';
import { promtoolTest, type Fixture } from './scenario.js';

const promtool = requireTool('promtool');

describe.skipIf(!promtool)('client view of errors (promtool)', () => {
  it('a caller-side timeout fires the error gate; the destination view of the same gate stays silent', () => {
    const fixture = parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'promtool', 'error-rate.yaml'), 'utf8')) as Fixture;
    const scenario = fixture.cases.find((c) => c.name === 'a canary that times out at the caller fires')!;
    const policy = examplePolicy(fixture.policy);
    const limit = gateLimits(policy).find((l) => l.gate.metric === 'errorRate')!;
    const versions = { stable: String(policy.versions.stable), canary: String(policy.versions.candidate) };
    const groups = ruleGroups(policy);
    // The destination view, as the shadow metric reads it and as every error gate read before.
    groups.push({ name: 'destination-view', rules: [{ alert: 'DestinationViewErrorRate', expr: serialize(violation({ ...limit, measurement: (v) => limit.measurement(v, 'shadow') }, versions)) }] });
    const test = promtoolTest(policy, fixture, scenario, groups) as { tests: Array<{ alert_rule_test: Array<Record<string, unknown>> }> };
    const firing = test.tests[0]!.alert_rule_test[0]!;
    test.tests[0]!.alert_rule_test.push({ eval_time: firing.eval_time, alertname: 'DestinationViewErrorRate', exp_alerts: [] });
    const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-client-errors-'));
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
    writeFileSync(path.join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
    let output = '';
    let ok = true;
    try {
      output = execFileSync(promtool!, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      ok = false;
    }
    expect(output, output).toContain('SUCCESS');
    expect(ok).toBe(true);
    expect((firing.exp_alerts as unknown[]).length).toBe(1);
  });
});
