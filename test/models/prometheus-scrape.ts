/**
 * Model of how a PodMonitor's scrape gives a series its labels, so a test can ask whether a
 * query selects what the generated scrape object produces. Three upstream steps, each cited:
 *
 * 1. prometheus-operator (pkg/prometheus/promcfg.go, generatePodMonitorConfig @ 6adcebc): one
 *    scrape job per `podMetricsEndpoints[i]`, named `podMonitor/<ns>/<name>/<i>`, whose
 *    `relabel_configs` are initRelabelings, generateRunningFilter, a `keep` per selector label,
 *    a `keep` on the port name, namespace/container/pod, job and endpoint, then the endpoint's own
 *    `relabelings`. `honor_labels` stays false unless the endpoint sets `honorLabels` (modelled
 *    only as false: test/models/prometheus-scrape.test.ts asserts no endpoint sets it).
 * 2. Prometheus Kubernetes pod discovery (discovery/kubernetes/pod.go, buildPod and podLabels):
 *    one target per container port, with `__meta_kubernetes_*` labels; pod labels as
 *    `__meta_kubernetes_pod_label_<name>` and `..._labelpresent_<name>`.
 * 3. Prometheus scrape (scrape/target.go PopulateLabels; model/relabel/relabel.go relabel;
 *    scrape/scrape.go mutateSampleLabels): `job`, `__metrics_path__` set first, relabeling in
 *    order (regex anchored, `;` separator, `(.*)` and `$1` by default; a replacement that expands
 *    to "" deletes the label), `__meta_*` dropped, `instance` defaults to the address, labels
 *    starting with `__` do not reach the series; a target label overrides a scraped one, which is
 *    kept as `exported_<name>`.
 *
 * Only what PodMonitors use here is modelled: actions replace, keep and drop; matchLabels selectors.
 */

export type Labels = Record<string, string>;

export interface RelabelConfig {
  action: 'replace' | 'keep' | 'drop';
  sourceLabels: string[];
  separator: string;
  regex: string;
  targetLabel?: string;
  replacement: string;
}

export interface ScrapeJob {
  jobName: string;
  metricsPath: string;
  relabelConfigs: RelabelConfig[];
}

export interface Pod {
  namespace: string;
  name: string;
  ip: string;
  phase: string;
  labels: Labels;
  containers: Array<{ name: string; ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }>;
}

type Json = Record<string, any>;

/** relabel.DefaultRelabelConfig plus the fields given. */
function config(fields: Partial<RelabelConfig>): RelabelConfig {
  return { action: 'replace', sourceLabels: [], separator: ';', regex: '(.*)', replacement: '$1', ...fields };
}

/** pkg/prometheus/promcfg.go sanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_`. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** The scrape jobs the Operator generates from one PodMonitor (generatePodMonitorConfig). */
export function podMonitorScrapeJobs(podMonitor: Json): ScrapeJob[] {
  const { namespace, name } = podMonitor.metadata;
  return (podMonitor.spec.podMetricsEndpoints as Json[]).map((endpoint, i) => {
    const relabelConfigs: RelabelConfig[] = [
      // initRelabelings
      config({ sourceLabels: ['job'], targetLabel: '__tmp_prometheus_job_name' }),
      // generateRunningFilter (filterRunning unset means true)
      config({ action: 'drop', sourceLabels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' }),
      // one keep per matchLabels key, in sorted order
      ...Object.keys(podMonitor.spec.selector?.matchLabels ?? {})
        .sort()
        .map((key) =>
          config({
            action: 'keep',
            sourceLabels: [`__meta_kubernetes_pod_label_${sanitize(key)}`, `__meta_kubernetes_pod_labelpresent_${sanitize(key)}`],
            regex: `(${podMonitor.spec.selector.matchLabels[key]});true`,
          }),
        ),
      ...(endpoint.port ? [config({ action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: endpoint.port })] : []),
      config({ sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' }),
      config({ sourceLabels: ['__meta_kubernetes_pod_container_name'], targetLabel: 'container' }),
      config({ sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' }),
      config({ targetLabel: 'job', replacement: `${namespace}/${name}` }),
      ...(endpoint.port ? [config({ targetLabel: 'endpoint', replacement: endpoint.port })] : []),
      ...((endpoint.relabelings ?? []) as Json[]).map((r) =>
        config({
          action: String(r.action ?? 'replace').toLowerCase() as RelabelConfig['action'],
          sourceLabels: r.sourceLabels ?? [],
          ...(r.separator !== undefined ? { separator: r.separator } : {}),
          ...(r.regex !== undefined ? { regex: r.regex } : {}),
          ...(r.targetLabel !== undefined ? { targetLabel: r.targetLabel } : {}),
          ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
        }),
      ),
    ];
    return { jobName: `podMonitor/${namespace}/${name}/${i}`, metricsPath: endpoint.path ?? '/metrics', relabelConfigs };
  });
}

/** The targets pod discovery gives one pod: one per container port (buildPod), with the pod's meta labels (podLabels). */
export function podTargets(pod: Pod): Labels[] {
  const podMeta: Labels = { __meta_kubernetes_namespace: pod.namespace, __meta_kubernetes_pod_name: pod.name, __meta_kubernetes_pod_phase: pod.phase };
  for (const [key, value] of Object.entries(pod.labels)) {
    podMeta[`__meta_kubernetes_pod_label_${sanitize(key)}`] = value;
    podMeta[`__meta_kubernetes_pod_labelpresent_${sanitize(key)}`] = 'true';
  }
  return pod.containers.flatMap((container) =>
    (container.ports ?? []).map((port) => ({
      ...podMeta,
      __address__: `${pod.ip}:${port.containerPort}`,
      __meta_kubernetes_pod_container_name: container.name,
      __meta_kubernetes_pod_container_port_number: String(port.containerPort),
      __meta_kubernetes_pod_container_port_name: port.name ?? '',
      __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
    })),
  );
}

/** Go's regexp.Expand for `$1`, `${1}`, `$name`: only numbered groups are used here. */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$\{(\w+)\}|\$(\d+)/g, (_all, braced: string | undefined, bare: string | undefined) => match[Number(braced ?? bare)] ?? '');
}

/** model/relabel/relabel.go Process: each config in order; null when a keep/drop discards the set. */
export function relabel(input: Labels, configs: readonly RelabelConfig[]): Labels | null {
  const labels = { ...input };
  for (const cfg of configs) {
    const value = cfg.sourceLabels.map((name) => labels[name] ?? '').join(cfg.separator);
    // relabel.NewRegexp anchors the expression: `^(?s:<regex>)$`.
    const regex = new RegExp(`^(?:${cfg.regex})$`, 's');
    const match = regex.exec(value);
    if (cfg.action === 'drop' && match) return null;
    if (cfg.action === 'keep' && !match) return null;
    if (cfg.action === 'replace' && match && cfg.targetLabel) {
      const result = expand(cfg.replacement, match);
      if (result === '') delete labels[expand(cfg.targetLabel, match)];
      else labels[expand(cfg.targetLabel, match)] = result;
    }
  }
  return labels;
}

/** scrape/target.go PopulateLabels, then Target.Labels: the labels a target gives every series it yields (null: dropped). */
export function targetLabels(job: ScrapeJob, discovered: Labels): Labels | null {
  const start: Labels = { ...discovered };
  for (const [name, value] of Object.entries({ job: job.jobName, __metrics_path__: job.metricsPath, __scheme__: 'http' })) if (!start[name]) start[name] = value;
  const relabelled = relabel(start, job.relabelConfigs);
  if (!relabelled) return null;
  const labels: Labels = {};
  for (const [name, value] of Object.entries(relabelled)) if (!name.startsWith('__meta_')) labels[name] = value;
  if (!labels.instance) labels.instance = labels.__address__!;
  // Target.LabelsRange skips every label starting with `__`.
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith('__')));
}

/** scrape/scrape.go mutateSampleLabels with honor_labels false: the target's labels win, a clashing scraped one is kept as `exported_<name>`. */
export function seriesLabels(scraped: Labels, target: Labels): Labels {
  const out: Labels = { ...scraped };
  const clashes: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(target)) {
    if (scraped[name]) clashes.push([name, scraped[name]!]);
    out[name] = value;
  }
  for (const [name, value] of clashes) {
    let renamed = name;
    do renamed = `exported_${renamed}`;
    while (out[renamed]);
    out[renamed] = value;
  }
  return out;
}

/**
 * Every series one exposed sample becomes: for each pod, each target of each of the PodMonitor's
 * jobs that survives relabeling and is the container the sample comes from.
 */
export function scrape(podMonitor: Json, pods: readonly Pod[], container: string, exposed: Labels): Labels[] {
  const series: Labels[] = [];
  for (const job of podMonitorScrapeJobs(podMonitor)) {
    for (const pod of pods) {
      for (const discovered of podTargets(pod)) {
        if (discovered.__meta_kubernetes_pod_container_name !== container) continue;
        const target = targetLabels(job, discovered);
        if (target) series.push(seriesLabels(exposed, target));
      }
    }
  }
  return series;
}
