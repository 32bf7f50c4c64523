/**
 * Names one object uses must exist in the object they point at, or the controller fails at
 * rollout time (or traffic silently goes elsewhere): the stable and canary Services and the
 * routes the Rollout names, the hosts its routes send to, the VirtualService hosts covering the
 * Service callers use, managed routes its steps use, the analysis template and its arguments,
 * the labels the Services, the Telemetry and the PodMonitor select, the ports and pod labels the
 * PodMonitor scrapes and copies, and the TF Serving config files the pods load.
 */
import { istioHost } from '../names.js';
import type { OutputFile } from '../targets/target.js';
import type { OutputCheck, OutputFinding } from './check.js';

type Json = Record<string, any>;

interface Located {
  path: string;
  object: Json;
}

export const crossReferencesCheck: OutputCheck = {
  name: 'cross-references',
  check(policy, files) {
    const objects = kubernetesObjects(files);
    const findings: OutputFinding[] = [];
    for (const rollout of objects.filter((entry) => entry.object.kind === 'Rollout')) {
      const report = (message: string): void => void findings.push({ path: rollout.path, object: `Rollout/${rollout.object.metadata?.name}`, message });
      checkRollout(rollout.object, objects, policy.platform.clusterDomain, report);
    }
    return findings;
  },
};

function checkRollout(rollout: Json, objects: Located[], clusterDomain: string, report: (message: string) => void): void {
  const canary = rollout.spec?.strategy?.canary ?? {};
  const istio = canary.trafficRouting?.istio ?? {};
  const podLabels: Json = rollout.spec?.template?.metadata?.labels ?? {};

  const services = new Map<string, Json>();
  for (const key of ['stableService', 'canaryService']) {
    const service = find(objects, 'Service', canary[key]);
    if (!service) report(`${key} ${canary[key]} is not a compiled Service`);
    else services.set(canary[key], service);
  }

  const virtualService = find(objects, 'VirtualService', istio.virtualService?.name);
  if (!virtualService) report(`names VirtualService ${istio.virtualService?.name}, which is not compiled`);
  const httpRoutes: Json[] = virtualService?.spec?.http ?? [];
  const routeNames = new Set(httpRoutes.map((route) => route.name));
  for (const name of istio.virtualService?.routes ?? []) {
    if (virtualService && !routeNames.has(name)) report(`route ${name} is not an http route of VirtualService ${virtualService.metadata?.name}`);
  }
  // Argo finds each tcp route it moves by port (istio.go ValidateTcpRoutes fails the Rollout otherwise).
  const tcpRoutes: Json[] = virtualService?.spec?.tcp ?? [];
  for (const { port } of istio.virtualService?.tcpRoutes ?? []) {
    if (virtualService && !tcpRoutes.some((route) => (route.match ?? []).some((match: Json) => match.port === port))) report(`tcp route on port ${port} is not in VirtualService ${virtualService.metadata?.name}`);
  }
  for (const route of [...httpRoutes, ...tcpRoutes]) {
    for (const { destination } of route.route ?? []) {
      // Argo tells stable from canary destinations by the host's first label (istio.go getHost).
      if (!services.has(String(destination?.host ?? '').split('.')[0]!)) {
        report(`VirtualService route ${route.name ?? `on port ${route.match?.[0]?.port}`} sends traffic to ${destination?.host}, which is neither the stableService nor the canaryService`);
      }
    }
  }
  // A mesh client calling the Service is routed by this VirtualService only if a host names it.
  const namespace = rollout.metadata?.namespace ?? 'default';
  if (virtualService && canary.stableService && !(virtualService.spec?.hosts ?? []).some((host: string) => coversService(host, canary.stableService, namespace, clusterDomain))) {
    report(`VirtualService ${virtualService.metadata?.name} hosts ${JSON.stringify(virtualService.spec?.hosts ?? [])} do not cover Service ${istioHost(canary.stableService, namespace, clusterDomain)}, which callers use: their requests bypass every route`);
  }

  const managed: string[] = (canary.trafficRouting?.managedRoutes ?? []).map((route: Json) => route.name);
  for (const name of managed) {
    if (routeNames.has(name)) report(`managed route ${name} clashes with a route already in the VirtualService`);
  }
  for (const step of canary.steps ?? []) {
    const route = step.setHeaderRoute ?? step.setMirrorRoute;
    if (route && !managed.includes(route.name)) report(`step uses route ${route.name}, which is not in trafficRouting.managedRoutes`);
  }

  if (canary.analysis) checkAnalysis(canary.analysis, objects, report);
  checkServices(services, objects, podLabels, report);
  checkPodMonitors(rollout, objects, report);
  checkConfigFiles(rollout, objects, report);
}

function checkAnalysis(analysis: Json, objects: Located[], report: (message: string) => void): void {
  const supplied = new Set<string>((analysis.args ?? []).map((arg: Json) => arg.name));
  for (const { templateName } of analysis.templates ?? []) {
    const template = find(objects, 'AnalysisTemplate', templateName);
    if (!template) {
      report(`analysis names AnalysisTemplate ${templateName}, which is not compiled`);
      continue;
    }
    const declared: Json[] = template.spec?.args ?? [];
    for (const arg of declared) {
      if (arg.value === undefined && arg.valueFrom === undefined && !supplied.has(arg.name)) report(`AnalysisTemplate ${templateName} needs arg ${arg.name}, which the Rollout does not supply`);
    }
    for (const name of supplied) {
      if (!declared.some((arg) => arg.name === name)) report(`passes arg ${name}, which AnalysisTemplate ${templateName} does not declare`);
    }
  }
}

function checkServices(services: Map<string, Json>, objects: Located[], podLabels: Json, report: (message: string) => void): void {
  for (const service of services.values()) {
    if (!selects(service.spec?.selector ?? {}, podLabels)) report(`Service ${service.metadata?.name} selects labels the Rollout's pods do not carry`);
  }
  // A Telemetry that selects no pod would leave segment labels off the metrics the gates read.
  for (const { object: telemetry } of objects.filter((entry) => entry.object.kind === 'Telemetry')) {
    if (!selects(telemetry.spec?.selector?.matchLabels ?? {}, podLabels)) report(`Telemetry ${telemetry.metadata?.name} selects labels the Rollout's pods do not carry`);
  }
}

/**
 * A PodMonitor endpoint whose port no container names yields no target, and a relabeling from a
 * pod label the pods do not carry yields no label (a `replace` of an empty source expands to ""
 * and deletes its target label: prometheus model/relabel/relabel.go relabel, case Replace):
 * either way the gate reading those series is Inconclusive forever.
 */
function checkPodMonitors(rollout: Json, objects: Located[], report: (message: string) => void): void {
  const template = rollout.spec?.template ?? {};
  const podLabels: Json = template.metadata?.labels ?? {};
  const ports = new Set<string>((template.spec?.containers ?? []).flatMap((container: Json) => (container.ports ?? []).map((port: Json) => port.name)));
  for (const { object: podMonitor } of objects.filter((entry) => entry.object.kind === 'PodMonitor')) {
    const name = podMonitor.metadata?.name;
    if (!selects(podMonitor.spec?.selector?.matchLabels ?? {}, podLabels)) report(`PodMonitor ${name} selects labels the Rollout's pods do not carry`);
    for (const endpoint of podMonitor.spec?.podMetricsEndpoints ?? []) {
      if (!ports.has(endpoint.port)) report(`PodMonitor ${name} scrapes port ${endpoint.port}, which no container of the Rollout's pods names`);
      for (const source of (endpoint.relabelings ?? []).flatMap((relabeling: Json) => relabeling.sourceLabels ?? [])) {
        const label = /^__meta_kubernetes_pod_label_(.+)$/.exec(String(source))?.[1];
        if (label !== undefined && !(label in podLabels)) report(`PodMonitor ${name} copies pod label ${label}, which the Rollout's pods do not carry`);
      }
    }
  }
}

/** Every config file a container loads (`--model_config_file`, `--monitoring_config_file`) must be a key of the ConfigMap mounted there. */
function checkConfigFiles(rollout: Json, objects: Located[], report: (message: string) => void): void {
  const spec = rollout.spec?.template?.spec ?? {};
  for (const container of spec.containers ?? []) {
    for (const arg of container.args ?? []) {
      const file = /^--(?:model|monitoring)_config_file=(.*)\/([^/]+)$/.exec(String(arg));
      if (!file) continue;
      const mount = (container.volumeMounts ?? []).find((volumeMount: Json) => volumeMount.mountPath === file[1]);
      const volume = (spec.volumes ?? []).find((entry: Json) => entry.name === mount?.name);
      const configMap = volume?.configMap ? find(objects, 'ConfigMap', volume.configMap.name) : undefined;
      if (!configMap) report(`container ${container.name} loads ${file[1]}/${file[2]}, but no compiled ConfigMap is mounted there`);
      else if (!(file[2]! in (configMap.data ?? {}))) report(`container ${container.name} loads ${file[2]}, which ConfigMap ${configMap.metadata?.name} does not hold`);
    }
  }
}

/**
 * Istio reads a VirtualService host without dots as a name in the VirtualService's namespace
 * (`svc` → `svc.<ns>.svc.<cluster domain>`); `*.suffix` matches any name ending in `.suffix`.
 */
export function coversService(host: string, service: string, namespace: string, clusterDomain: string): boolean {
  const fqdn = istioHost(service, namespace, clusterDomain);
  if (host === '*') return true;
  return host.startsWith('*.') ? fqdn.endsWith(host.slice(1)) : istioHost(host, namespace, clusterDomain) === fqdn;
}

function selects(selector: Json, labels: Json): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function find(objects: Located[], kind: string, name: unknown): Json | undefined {
  return objects.find((entry) => entry.object.kind === kind && entry.object.metadata?.name === name)?.object;
}

function kubernetesObjects(files: readonly OutputFile[]): Located[] {
  return files.flatMap((file) =>
    (file.documents ?? [])
      .filter((doc): doc is Json => doc !== null && typeof doc === 'object' && typeof (doc as Json).kind === 'string')
      .map((object) => ({ path: file.path, object })),
  );
}
