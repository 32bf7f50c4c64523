import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crdSchemasCheck } from '../../src/check/crd-schemas.js';
import { coversService, crossReferencesCheck } from '../../src/check/cross-references.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { targets } from '../../src/targets/index.js';
import type { OutputFile } from '../../src/targets/target.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';


/** Compile a policy, break it with `mutate`, and return the check's messages. */
function messagesAfter(file: string, mutate: (files: OutputFile[]) => void): string[] {
  const policy = examplePolicy(file);
  const files = compile(policy);
  mutate(files);
  return crossReferencesCheck.check(policy, files).map((finding) => finding.message);
}

describe('cross-references', () => {
  it.each(examplePolicies().map((policy) => [policy.name, policy] as const))('finds nothing wrong in %s', (_name, policy) => {
    expect(crossReferencesCheck.check(policy, compile(policy))).toEqual([]);
  });

  it('names the Rollout and its file in a finding', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const files = compile(policy);
    objectOfKind(files, 'Rollout').spec.strategy.canary.canaryService = 'fraud-detector-canery';
    expect(crossReferencesCheck.check(policy, files)).toEqual([
      { path: 'rollout/rollout.yaml', object: 'Rollout/fraud-detector', message: 'canaryService fraud-detector-canery is not a compiled Service' },
      {
        path: 'rollout/rollout.yaml',
        object: 'Rollout/fraud-detector',
        message: 'VirtualService route primary sends traffic to fraud-detector-canary, which is neither the stableService nor the canaryService',
      },
    ]);
  });

  it('catches a route the Rollout names that the VirtualService lacks', () => {
    const messages = messagesAfter('churn-scorer.yaml', (files) => {
      objectOfKind(files, 'VirtualService').spec.http[0].name = 'main';
    });
    expect(messages).toContain('route primary is not an http route of VirtualService churn-scorer');
  });

  it('catches a step using a route that is not declared as managed', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.strategy.canary.trafficRouting.managedRoutes = [];
    });
    expect(messages).toContain('step uses route mirror, which is not in trafficRouting.managedRoutes');
  });

  it('catches a managed route that clashes with an existing route', () => {
    const messages = messagesAfter('recommender.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.strategy.canary.trafficRouting.managedRoutes.push({ name: 'primary' });
    });
    expect(messages).toContain('managed route primary clashes with a route already in the VirtualService');
  });

  it('catches a missing analysis argument and an undeclared one', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.strategy.canary.analysis.args[1].name = 'candidate-version';
    });
    expect(messages).toContain('AnalysisTemplate fraud-detector-gates needs arg canary-version, which the Rollout does not supply');
    expect(messages).toContain('passes arg candidate-version, which AnalysisTemplate fraud-detector-gates does not declare');
  });

  it('catches an analysis template that is not compiled', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'AnalysisTemplate').metadata.name = 'other';
    });
    expect(messages).toContain('analysis names AnalysisTemplate fraud-detector-gates, which is not compiled');
  });

  it('catches stable and canary Services that select labels the pods do not carry', () => {
    const messages = messagesAfter('churn-scorer.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.template.metadata.labels.app = 'churn';
    });
    expect(messages).toContain('Service churn-scorer selects labels the Rollout\'s pods do not carry');
    expect(messages).toContain('Service churn-scorer-canary selects labels the Rollout\'s pods do not carry');
  });

  it('catches a Telemetry that would label no pod', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'Telemetry').spec.selector.matchLabels.app = 'fraud';
    });
    expect(messages).toContain("Telemetry fraud-detector-segments selects labels the Rollout's pods do not carry");
  });

  it('catches a VirtualService destination that is neither the stable nor the canary Service', () => {
    const messages = messagesAfter('churn-scorer.yaml', (files) => {
      objectOfKind(files, 'VirtualService').spec.http[0].route[1].destination.host = 'churn-scorer-candidate';
    });
    expect(messages).toEqual(['VirtualService route primary sends traffic to churn-scorer-candidate, which is neither the stableService nor the canaryService']);
  });

  it('under a TLS profile: finds nothing wrong, then catches a gRPC tcp route on another port and one sending elsewhere', () => {
    const plain = examplePolicy('churn-scorer.yaml');
    const policy: ResolvedPolicy = { ...plain, platform: { ...plain.platform, tfserving: { tls: { secret: 's', serverName: 'n', clientAuth: false, caFile: null } } } };
    expect(crossReferencesCheck.check(policy, compile(policy))).toEqual([]);
    const broken = compile(policy);
    const [tcp] = objectOfKind(broken, 'VirtualService').spec.tcp;
    tcp.match[0].port = 9000;
    tcp.route[1].destination.host = 'churn-scorer-candidate';
    expect(crossReferencesCheck.check(policy, broken).map((finding) => finding.message)).toEqual([
      'tcp route on port 8500 is not in VirtualService churn-scorer',
      'VirtualService route on port 9000 sends traffic to churn-scorer-candidate, which is neither the stableService nor the canaryService',
    ]);
  });

  it('catches VirtualService hosts that miss the Service callers use (the old home-recommender output)', () => {
    const messages = messagesAfter('recommender.yaml', (files) => {
      objectOfKind(files, 'VirtualService').spec.hosts = ['recommender.feed.svc.cluster.local'];
    });
    expect(messages).toEqual([
      'VirtualService home-recommender hosts ["recommender.feed.svc.cluster.local"] do not cover Service home-recommender.feed.svc.cluster.local, which callers use: their requests bypass every route',
    ]);
  });

  it('reads VirtualService hosts as Istio does: short names in the namespace, wildcards by suffix', () => {
    expect(coversService('home-recommender', 'home-recommender', 'feed', 'cluster.local')).toBe(true);
    expect(coversService('home-recommender.feed.svc.cluster.local', 'home-recommender', 'feed', 'cluster.local')).toBe(true);
    expect(coversService('*.feed.svc.cluster.local', 'home-recommender', 'feed', 'cluster.local')).toBe(true);
    expect(coversService('home-recommender.risk.svc.cluster.local', 'home-recommender', 'feed', 'cluster.local')).toBe(false);
    expect(coversService('recommender.feed.svc.cluster.local', 'home-recommender', 'feed', 'cluster.local')).toBe(false);
  });

  it('catches a TF Serving config file the mounted ConfigMap does not hold', () => {
    let mounted = '';
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      mounted = objectOfKind(files, 'Rollout').spec.template.spec.volumes[0].configMap.name;
      const configMap = files.flatMap((file) => file.documents ?? []).find((doc: any) => doc.kind === 'ConfigMap' && doc.metadata.name === mounted) as any;
      // fraud-detector is in label mode: every pod loads models.config.
      delete configMap.data['models.config'];
    });
    expect(mounted).toBe('fraud-detector-tfserving-models');
    expect(messages).toEqual([`container tfserving loads models.config, which ConfigMap ${mounted} does not hold`]);
  });

  it('catches a Rollout that mounts a template ConfigMap the output does not hold', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.template.spec.volumes[0].configMap.name = 'fraud-detector-tfserving-42-0000000000';
    });
    expect(messages).toEqual(['container tfserving loads /etc/modelgate/models.config, but no compiled ConfigMap is mounted there']);
  });

  it('catches a TF Serving monitoring config the mounted ConfigMap does not hold', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      objectOfKind(files, 'Rollout').spec.template.spec.volumes[1].configMap.name = 'fraud-detector-monitoring';
    });
    expect(messages).toEqual(['container tfserving loads /etc/modelgate-monitoring/monitoring.config, but no compiled ConfigMap is mounted there']);
  });

  it('catches a PodMonitor that selects no pod, scrapes a port no container names, or copies a pod label the pods lack', () => {
    const messages = messagesAfter('fraud-detector.yaml', (files) => {
      const podMonitor = objectOfKind(files, 'PodMonitor');
      podMonitor.spec.selector.matchLabels.app = 'fraud-detectr';
      podMonitor.spec.podMetricsEndpoints[0].port = 'score';
      podMonitor.spec.podMetricsEndpoints[0].relabelings[0].sourceLabels = ['__meta_kubernetes_pod_label_model_version'];
    });
    expect(messages).toEqual([
      "PodMonitor fraud-detector selects labels the Rollout's pods do not carry",
      "PodMonitor fraud-detector scrapes port score, which no container of the Rollout's pods names",
      "PodMonitor fraud-detector copies pod label model_version, which the Rollout's pods do not carry",
    ]);
  });
});

describe('every combination of routing features compiles to consistent, schema-valid objects', () => {
  const base = examplePolicy('fraud-detector.yaml');
  const variant = fc.record({
    shadow: fc.option(fc.record({ mirrorPercent: fc.integer({ min: 1, max: 100 }), durationSeconds: fc.integer({ min: 60, max: 7200 }) }), { nil: null }),
    sticky: fc.option(fc.record({ header: fc.constant('x-user-id'), idAlphabet: fc.constantFrom<'decimal' | 'hex'>('decimal', 'hex') }), { nil: null }),
    cohorts: fc.uniqueArray(fc.constantFrom('staff', 'beta', 'qa'), { maxLength: 3 }),
    warmupPause: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
    weights: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 5 }).map((weights) => [...weights.sort((a, b) => a - b), 100]),
    manualAt: fc.integer({ min: 0, max: 5 }),
    candidate: fc.boolean(),
  });

  it('passes crd-schemas and cross-references', () => {
    fc.assert(
      fc.property(variant, (v) => {
        const policy: ResolvedPolicy = {
          ...base,
          model: { ...base.model, warmup: v.warmupPause === null ? null : { requests: null, pauseSeconds: v.warmupPause } },
          versions: { ...base.versions, candidate: v.candidate ? base.versions.candidate : null },
          shadow: v.shadow,
          traffic: { ...base.traffic, sticky: v.sticky, cohorts: v.cohorts.map((name) => ({ name, header: `x-${name}`, match: { kind: 'exact' as const, value: 'true' } })) },
          canary: {
            ...base.canary,
            steps: v.weights.map((weightPercent, index) => ({ weightPercent, manual: index === v.manualAt && weightPercent < 100, holdSeconds: weightPercent === 100 ? null : 600 })),
          },
        };
        const files = compile(policy);
        expect(crossReferencesCheck.check(policy, files)).toEqual([]);
        expect(crdSchemasCheck.check(policy, files)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
