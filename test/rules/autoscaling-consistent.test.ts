import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, expectValid, policyWithModel, REQUEST_RATE_PROFILE } from '../support/rule-harness.js';

const policy = policyWithModel;
const autoscaling = (range: string) => `    autoscaling: { ${range}, cpu: 70% }\n`;
const cpu = '    resources: { cpu: 500m }\n';

describe('autoscaling-consistent', () => {
  it('refuses model.replicas beside model.autoscaling, at the replicas', () => {
    expectDiagnostics(policy(`    replicas: 4\n${autoscaling('minReplicas: 2, maxReplicas: 6')}${cpu}`), [
      { rule: 'autoscaling-consistent', line: 8, column: 5, severity: 'error', message: 'model.replicas (4) fights the HorizontalPodAutoscaler, which owns the replica count (2–6)', hint: 'remove model.replicas' },
    ]);
  });

  it('refuses a minimum above the maximum', () => {
    expectDiagnostics(policy(`${autoscaling('minReplicas: 5, maxReplicas: 3')}${cpu}`), [
      { rule: 'autoscaling-consistent', line: 8, column: 20, message: 'minReplicas (5) is above maxReplicas (3)' },
    ]);
  });

  it('refuses CPU autoscaling of pods that request no CPU, and takes the request from the profile', () => {
    expectDiagnostics(policy(autoscaling('minReplicas: 2, maxReplicas: 6')), [
      { rule: 'autoscaling-consistent', line: 8, column: 52, message: 'share of each pod\'s CPU request, and the pods ask for none', hint: 'model.resources.cpu' },
    ]);
    expect(diagnosticsFor(policy(autoscaling('minReplicas: 2, maxReplicas: 6')), 'apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  defaultResources: { cpu: 250m }\n')).toEqual([]);
  });

  it('refuses an autoscaling that names nothing to scale on, rather than let Kubernetes default it to 80% CPU', () => {
    expectDiagnostics(policy(`    autoscaling: { minReplicas: 2, maxReplicas: 6 }\n${cpu}`), [
      { rule: 'autoscaling-consistent', line: 8, column: 5, message: 'model.autoscaling names nothing to scale on', hint: 'rpsPerPod' },
    ]);
  });

  it('asks no CPU request of a model scaled on request rate alone', () => {
    expect(diagnosticsFor(policy('    autoscaling: { minReplicas: 2, maxReplicas: 6, rpsPerPod: 40 }\n'), REQUEST_RATE_PROFILE)).toEqual([]);
  });

  it('takes requests in flight as a target too', () => {
    const inFlightProfile = REQUEST_RATE_PROFILE.replace('requestsPerSecond:', 'inFlightRequests:');
    expect(diagnosticsFor(policy('    autoscaling: { minReplicas: 2, maxReplicas: 6, inFlightPerPod: 4 }\n'), inFlightProfile)).toEqual([]);
  });

  it('accepts an autoscaled model with a CPU request, and a fixed count with no autoscaling', () => {
    expectValid(policy(`${autoscaling('minReplicas: 2, maxReplicas: 6')}${cpu}`));
    expectValid(policy('    replicas: 4\n'));
  });
});
