/**
 * Gated shadow, on the compiled objects: replayed through models of Argo's background analysis
 * (argo-analysis-run.ts) and of its traffic routing (argo-canary.ts), every shadow metric judges
 * windows that hold only mirrored requests, and all of them are taken before the first step that
 * serves a user the candidate; the canary metrics start after it.
 */
import { describe, expect, it } from 'vitest';
import { canaryServiceName, SERVED_VERSION_METRIC } from '../../src/names.js';
import { parseDurationSeconds } from '../../src/resolve/units.js';
import { examplePolicies } from '../gates/example-policies.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { measurementSeconds, stepStartSeconds } from './argo-analysis-run.js';
import { replayCanary } from './argo-canary.js';

type Json = Record<string, any>;

describe('gated shadow', () => {
  const shadowed = examplePolicies().filter((policy) => policy.shadow !== null && policy.versions.candidate !== null);

  it('at least one example has a shadow phase', () => {
    expect(shadowed.map((policy) => policy.name)).toContain('fraud-detector');
  });

  for (const policy of shadowed) {
    it(`${policy.name}: the run starts at the mirror step; shadow windows hold only mirrored requests and end before any user is served`, () => {
      const files = compile(policy);
      const rollout = objectOfKind(files, 'Rollout');
      const template = objectOfKind(files, 'AnalysisTemplate');
      const steps: Json[] = rollout.spec.strategy.canary.steps;
      const starts = stepStartSeconds(rollout);
      const startingStep: number = rollout.spec.strategy.canary.analysis.startingStep;
      expect(steps[startingStep]!.setMirrorRoute?.match).toBeDefined();
      const mirrorOn = starts[startingStep]!;
      const mirrorOff = starts[steps.findIndex((step, i) => i > startingStep && step.setMirrorRoute && !step.setMirrorRoute.match)]!;
      const firstUser = starts[steps.findIndex((step) => step.setWeight !== undefined || step.setHeaderRoute?.match)]!;
      expect(mirrorOff).toBeLessThanOrEqual(firstUser);

      // Routing during the shadow: the primary route sends every user to stable, the mirror copies to the canary host.
      const services = files.flatMap((file) => file.documents ?? []).filter((doc) => (doc as Json).kind === 'Service') as Json[];
      const duringShadow = replayCanary(rollout, objectOfKind(files, 'VirtualService'), services, String(policy.versions.stable))[startingStep + 1]!;
      const routes = duringShadow.virtualService.spec.http as Json[];
      expect(routes[0]!.mirror.host).toBe(canaryServiceName(policy));
      for (const route of routes) for (const destination of route.route as Json[]) {
        if (String(destination.destination.host).startsWith(canaryServiceName(policy))) expect(destination.weight ?? 0).toBe(0);
      }

      const interval = parseDurationSeconds(template.spec.metrics[0].interval)!;
      // A few seconds late per measurement, as a busy controller would be.
      for (const late of [0, 5]) {
        const times = measurementSeconds(rollout, template, firstUser + 4 * 3600, late);
        const shadowMetrics = [...times].filter(([name]) => name.endsWith('-shadow'));
        // Every gate of the examples fills its guard from the mirrored requests, so every limit is judged in the shadow.
        // (served-version-mismatch judges no gate: it runs throughout, see argo-analysis.ts.)
        const gates = [...times.keys()].filter((name) => !name.endsWith('-shadow') && name !== SERVED_VERSION_METRIC);
        expect(shadowMetrics.map(([name]) => name).sort()).toEqual(gates.map((name) => `${name}-shadow`).sort());
        for (const [name, at] of shadowMetrics) {
          expect(at.length, name).toBeGreaterThan(0);
          for (const t of at) {
            expect(t - interval, `${name} window start`).toBeGreaterThanOrEqual(mirrorOn);
            expect(t, `${name} window end`).toBeLessThan(mirrorOff);
          }
        }
        for (const [name, at] of times) if (gates.includes(name) && at.length > 0) expect(at[0]! - interval, name).toBeGreaterThanOrEqual(firstUser);
      }
    });
  }
});
