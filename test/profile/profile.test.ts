/**
 * The platform profile (`modelgate.config.yaml`): validated with positions like a policy, a
 * default for every field, a policy's own field winning over the profile's, and the cluster facts
 * the targets used to hard-code now read from it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promqlCheck } from '../../src/check/promql.js';
import { compile } from '../../src/compile/compile.js';
import { DEFAULT_PLATFORM } from '../../src/resolve/platform.js';
import { argoAnalysisTarget } from '../../src/targets/argo-analysis.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { grafanaTarget } from '../../src/targets/grafana.js';
import { istioTarget } from '../../src/targets/istio.js';
import { istioAuthorizationTarget } from '../../src/targets/istio-authorization.js';
import { podMonitorTarget } from '../../src/targets/podmonitor.js';
import { prometheusTarget } from '../../src/targets/prometheus.js';
import { validateProfile, validateSources } from '../../src/validate/validate.js';
import { examplePlatform, repoRoot } from '../gates/example-policies.js';
import { expectDiagnostics, minimalPolicy } from '../support/rule-harness.js';

const encode = (text: string) => new TextEncoder().encode(text);
const profile = (spec: string) => `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
${spec}`;

function resolved(policy: string, profileText: string | null) {
  const result = validateSources([{ file: 'policy.yaml', bytes: encode(policy) }], profileText === null ? null : { file: 'modelgate.config.yaml', bytes: encode(profileText) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.policies[0]!.policy;
}

function documentOf(files: ReturnType<typeof prometheusTarget.build>, file: string): any {
  return files.find((f) => f.path === file)!.documents![0];
}

describe('platform profile', () => {
  it('the example profile validates and says what kube-prometheus-stack and the Grafana sidecar select', () => {
    const platform = examplePlatform();
    expect(platform.file).toBe('modelgate.config.yaml');
    expect(platform.prometheus.ruleLabels).toEqual({ release: 'kube-prometheus-stack' });
    expect(platform.grafana.namespace).toBe('monitoring');
    expect(platform.gateways.map((g) => g.name)).toEqual(['feed/public-gateway']);
  });

  it('a mistake in the profile is placed on its line and column, and no policy is handed on', () => {
    const text = profile(`  prometheus:
    url: prometheus:9090
  grafana:
    namespce: monitoring
`);
    const result = validateSources([{ file: 'policy.yaml', bytes: encode(minimalPolicy()) }], { file: 'modelgate.config.yaml', bytes: encode(text) });
    expect(result.policies).toEqual([]);
    expect(result.diagnostics.map(({ file, line, column, rule }) => ({ file, line, column, rule }))).toEqual([
      { file: 'modelgate.config.yaml', line: 5, column: 5, rule: 'schema' },
      { file: 'modelgate.config.yaml', line: 7, column: 5, rule: 'schema' },
    ]);
    expect(result.diagnostics[1]!.hint).toContain('`namespace`');
  });

  it('another kind in the profile file gets one clear message', () => {
    expectDiagnostics(minimalPolicy(), [{ rule: 'wrong-kind', line: 2, column: 1, message: 'is not a platform profile' }], 'apiVersion: modelgate.io/v1alpha1\nkind: ReleasePolicy\n');
  });

  it('without a profile every field has its default, and policies compile as before', () => {
    expect(validateProfile(null)).toEqual({ platform: DEFAULT_PLATFORM, diagnostics: [] });
    const policy = resolved(minimalPolicy(), null);
    expect(policy.platform).toBe(DEFAULT_PLATFORM);
    expect(policy.model.image).toBe('tensorflow/serving:2.14.1');
    expect(documentOf(argoAnalysisTarget.build(policy), 'argo/analysistemplate.yaml').spec.metrics[0].provider.prometheus.address).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(documentOf(prometheusTarget.build(policy), 'prometheus/prometheusrule.yaml').metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'modelgate' });
    const configMap = documentOf(grafanaTarget.build(policy), 'grafana/dashboard-configmap.yaml');
    expect([configMap.metadata.name, configMap.metadata.namespace]).toEqual(['demo-dashboard', 'default']);
  });

  it('the targets read the cluster facts from the profile', () => {
    const policy = resolved(
      minimalPolicy('  dashboard: { folder: Demo }\n'),
      profile(`  prometheus: { url: "http://prom.obs.svc:9090", ruleLabels: { release: kps } }
  grafana: { namespace: obs, folderAnnotation: k8s-sidecar-target-directory, dashboardLabel: dashboards }
`),
    );
    expect(documentOf(argoAnalysisTarget.build(policy), 'argo/analysistemplate.yaml').spec.metrics[0].provider.prometheus.address).toBe('http://prom.obs.svc:9090');
    expect(documentOf(prometheusTarget.build(policy), 'prometheus/prometheusrule.yaml').metadata.labels).toEqual({ release: 'kps', 'app.kubernetes.io/managed-by': 'modelgate' });
    const configMap = documentOf(grafanaTarget.build(policy), 'grafana/dashboard-configmap.yaml').metadata;
    // In the shared Grafana namespace the policy's namespace keeps two `demo` policies apart.
    expect(configMap).toMatchObject({ name: 'default-demo-dashboard', namespace: 'obs', labels: { dashboards: '1' }, annotations: { 'k8s-sidecar-target-directory': 'Demo' } });
  });

  it('the profile gives image and requests to policies without them; a policy that sets them wins', () => {
    const text = profile(`  defaultImage: acme/serving:1
  images: [{ image: acme/serving:1, storageSchemes: [file] }]
  defaultResources: { cpu: "1", memory: 2Gi }
`);
    const container = (policy: ReturnType<typeof resolved>) => documentOf(argoRolloutsTarget.build(policy), 'rollout/rollout.yaml').spec.template.spec.containers[0];
    const plain = container(resolved(minimalPolicy(), text));
    expect(plain.image).toBe('acme/serving:1');
    expect(plain.resources.requests).toEqual({ cpu: '1', memory: '2Gi' });
    const own = container(resolved(minimalPolicy().replace('    basePath: /models/demo\n', '    basePath: /models/demo\n    image: tensorflow/serving:2.14.1\n    resources: { memory: 8Gi }\n'), text));
    expect(own.image).toBe('tensorflow/serving:2.14.1');
    expect(own.resources.requests).toEqual({ cpu: '1', memory: '8Gi' });
  });

  it("the pod template gets the storage scheme's service account and env, and the GPU limit on the image's accelerator", () => {
    const text = profile(`  images: [{ image: "acme/serving:*-rocm", storageSchemes: [file, s3], accelerators: [amd.com/gpu] }]
  modelStorage:
    - scheme: s3
      serviceAccount: s3-reader
      env:
        - { name: AWS_REGION, value: eu-west-1 }
        - { name: AWS_SECRET_ACCESS_KEY, valueFrom: { secretKeyRef: { name: s3-reader, key: secret } } }
      envFrom: [{ secretRef: { name: s3-endpoint } }]
    - { scheme: gs, serviceAccount: gs-reader }
`);
    const model = '    basePath: s3://acme/demo\n    image: acme/serving:2-rocm\n    resources: { cpu: "1", gpu: 2 }\n';
    const pod = documentOf(argoRolloutsTarget.build(resolved(minimalPolicy().replace('    basePath: /models/demo\n', model), text)), 'rollout/rollout.yaml').spec.template.spec;
    expect(pod.serviceAccountName).toBe('s3-reader');
    expect(pod.containers[0].env).toEqual([
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3-reader', key: 'secret' } } },
    ]);
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 's3-endpoint' } }]);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '1', 'amd.com/gpu': '2' }, limits: { cpu: '1', 'amd.com/gpu': '2' } });
    // A local model needs no identity: the namespace's default service account, no env.
    const local = documentOf(argoRolloutsTarget.build(resolved(minimalPolicy(), text)), 'rollout/rollout.yaml').spec.template.spec;
    expect(local).not.toHaveProperty('serviceAccountName');
    expect(local.containers[0]).not.toHaveProperty('env');
  });

  it('tfserving.tls: the gRPC port serves TLS from the Secret, the mesh is told it is TLS, and no path-based AuthorizationPolicy is left to deny the whole port', () => {
    const text = profile(`  istio: { modelServicePrincipals: [cluster.local/ns/ml-ops/sa/rollback] }
  tfserving:
    tls: { secret: tfserving-grpc-tls, serverName: tfserving.risk.internal, clientAuth: true, caFile: certs/tfserving-ca.pem }
`);
    const policy = resolved(minimalPolicy(), text);
    expect(policy.platform.tfserving.tls).toEqual({ secret: 'tfserving-grpc-tls', serverName: 'tfserving.risk.internal', clientAuth: true, caFile: 'certs/tfserving-ca.pem' });
    const files = argoRolloutsTarget.build(policy);
    const pod = documentOf(files, 'rollout/rollout.yaml').spec.template.spec;
    expect(pod.containers[0].args).toContain('--ssl_config_file=/etc/tfserving-tls/ssl.config');
    expect(pod.volumes).toContainEqual({ name: 'tfserving-tls-secret', secret: { secretName: 'tfserving-grpc-tls', defaultMode: 0o400, items: ['tls.key', 'tls.crt', 'ca.crt'].map((key) => ({ key, path: key })) } });
    // The init container asks what the serving container asks, so the pod's QoS class is unchanged.
    expect(pod.initContainers[0].resources).toEqual(pod.containers[0].resources);
    const ports = files.find((f) => f.path === 'rollout/service.yaml')!.documents!.map((service: any) => service.spec.ports.map((port: any) => [port.name, port.appProtocol]));
    expect(ports).toEqual([[['grpc', 'tcp'], ['http', 'http']], [['grpc', 'tcp'], ['http', 'http']]]);
    expect(istioAuthorizationTarget.build(policy)).toEqual([]);
    // Without the section: plaintext gRPC, declared grpc, and the AuthorizationPolicy guards ModelService.
    const plain = resolved(minimalPolicy(), profile('  istio: { modelServicePrincipals: [cluster.local/ns/ml-ops/sa/rollback] }\n'));
    expect(plain.platform.tfserving.tls).toBeNull();
    expect(documentOf(argoRolloutsTarget.build(plain), 'rollout/service.yaml').spec.ports[0].appProtocol).toBe('grpc');
    expect(istioAuthorizationTarget.build(plain)).toHaveLength(1);
  });

  it('tfserving.tls needs the Secret and the server name, and clientAuth defaults to off', () => {
    const result = validateSources([{ file: 'policy.yaml', bytes: encode(minimalPolicy()) }], { file: 'modelgate.config.yaml', bytes: encode(profile('  tfserving:\n    tls: { serverName: tfserving.internal }\n')) });
    expect(result.diagnostics.map(({ line, rule, message }) => ({ line, rule, message }))).toEqual([{ line: 5, rule: 'schema', message: expect.stringContaining('secret') }]);
    expect(resolved(minimalPolicy(), profile('  tfserving:\n    tls: { secret: s, serverName: n }\n')).platform.tfserving.tls).toEqual({ secret: 's', serverName: 'n', clientAuth: false, caFile: null });
  });

  it('a short host is resolved in the cluster domain the profile names', () => {
    const text = profile('  clusterDomain: corp.internal\n');
    const policy = (name: string, host: string) => minimalPolicy().replace('name: demo\nspec', `name: ${name}\nspec`).replace('host: demo.default.svc.cluster.local', `host: ${host}`);
    const virtualService = documentOf(istioTarget.build(resolved(policy('demo', 'demo'), text)), 'istio/virtualservice.yaml');
    expect(virtualService.spec.hosts).toEqual(['demo.default.svc.corp.internal', 'demo']);
    expectDiagnostics({ 'a.yaml': policy('a', 'shared.default.svc.corp.internal'), 'b.yaml': policy('b', 'shared') }, [
      { rule: 'unique-hosts', line: 13, column: 5, message: 'host `shared.default.svc.corp.internal` is already routed by a.yaml' },
    ], text);
    // In cluster.local the two hosts are different names.
    expectDiagnostics({ 'a.yaml': policy('a', 'shared.default.svc.corp.internal'), 'b.yaml': policy('b', 'shared') }, []);
  });

  it("a ratio gate's counters are selected on the model label the profile names, which the PromQL check then knows", () => {
    const recommender = readFileSync(path.join(repoRoot, 'policies', 'recommender.yaml'), 'utf8');
    const withLabel = (label: string) => `${readFileSync(path.join(repoRoot, 'modelgate.config.yaml'), 'utf8')}  ratioCounters:\n    modelLabel: ${label}\n`;
    const counterSelectors = (policy: ReturnType<typeof resolved>) =>
      (documentOf(prometheusTarget.build(policy), 'prometheus/prometheusrule.yaml').spec.groups as Array<{ rules: Array<{ record?: string; expr: string }> }>)
        .flatMap((group) => group.rules)
        .filter((rule) => /ctr_(numerator|denominator):/.test(rule.record ?? ''))
        .map((rule) => rule.expr);
    const byDefault = counterSelectors(resolved(recommender, withLabel('model')));
    expect(byDefault).toHaveLength(2);
    for (const expr of byDefault) expect(expr).toContain('{namespace="feed", model="home-recommender"}');
    const policy = resolved(recommender, withLabel('service'));
    const exprs = counterSelectors(policy);
    expect(exprs).toEqual(byDefault.map((expr) => expr.replace('model="home-recommender"', 'service="home-recommender"')));
    const files = [...prometheusTarget.build(policy), ...argoAnalysisTarget.build(policy), ...podMonitorTarget.build(policy)];
    expect(promqlCheck.check(policy, files)).toEqual([]);
    // `namespace` is already matched (as the callers' scrape sets it); it cannot also name the model.
    const result = validateSources([{ file: 'policy.yaml', bytes: encode(recommender) }], { file: 'modelgate.config.yaml', bytes: encode(withLabel('namespace')) });
    expect(result.policies).toEqual([]);
    expect(result.diagnostics.map(({ file, rule }) => [file, rule])).toEqual([['modelgate.config.yaml', 'schema']]);
    expect(result.diagnostics[0]!).toMatchObject({ line: withLabel('namespace').split('\n').length - 1, message: expect.stringContaining('other than `namespace`') });
  });

  describe('compile reads modelgate.config.yaml from the repository root', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'modelgate-profile-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('and reports its mistakes with nothing built', async () => {
      mkdirSync(path.join(work, 'policies'), { recursive: true });
      writeFileSync(path.join(work, 'policies', 'demo.yaml'), minimalPolicy());
      writeFileSync(path.join(work, 'modelgate.config.yaml'), profile('  prometheus: { ruleLabels: { release: kps } }\n'));
      const good = await compile([path.join(work, 'policies')], { sourceRoot: work });
      expect(good.files.get('default/demo/prometheus/prometheusrule.yaml')).toContain('release: kps');
      writeFileSync(path.join(work, 'modelgate.config.yaml'), profile('  prometheus: { ruleLabels: [kps] }\n'));
      const bad = await compile([path.join(work, 'policies')], { sourceRoot: work });
      expect(bad.files.size).toBe(0);
      expect(bad.diagnostics.map((d) => [d.line, d.column, d.rule])).toEqual([[4, 17, 'schema']]);
    });
  });
});
