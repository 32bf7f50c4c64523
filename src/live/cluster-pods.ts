/**
 * The TF Serving pods of a policy, found as the mesh finds them: the EndpointSlices of its two
 * Services (`<policy>`, pinned by Argo Rollouts to the stable ReplicaSet, and `<policy>-canary`,
 * pinned to the canary one; names.ts), and, after a live move, the served-version annotation on
 * each pod. Field meanings are k8s.io/api discovery/v1 types.go: EndpointSlices carry the label
 * `kubernetes.io/service-name`; an endpoint's `conditions.ready` nil means ready; `ports[].name`
 * is the Service port's name and `ports[].port` the pod's port number; `targetRef` names the pod.
 */
import type { KubeClient } from '../kube/client.js';
import { ANNOTATION_SERVED_VERSION } from '../names.js';

export interface ClusterPod {
  /** Pod name, from the endpoint's targetRef. */
  pod: string;
  /** host:port of its gRPC port. */
  address: string;
}

export interface Discovery {
  pods: ClusterPod[];
  /** Endpoints that are neither ready nor on their way out: they would start on their config file's labels. */
  notReady: string[];
  /** Terminating endpoints, left alone: they leave the Service. */
  terminating: string[];
}

interface EndpointSliceList {
  items: Array<{
    addressType: string;
    endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean; terminating?: boolean }; targetRef?: { kind?: string; name?: string } }>;
    ports?: Array<{ name?: string; port?: number }> | null;
  }>;
}

const DISCOVERY = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;

/** Every pod behind `services` (deduplicated: with no canary, both Services select the stable pods). */
export async function discoverPods(client: KubeClient, namespace: string, services: readonly string[], portName: string): Promise<Discovery> {
  const found = new Map<string, ClusterPod>();
  const notReady = new Set<string>();
  const terminating = new Set<string>();
  for (const service of services) {
    const list = await client.list<EndpointSliceList>({ ...DISCOVERY, namespace }, `kubernetes.io/service-name=${service}`);
    for (const slice of list.items) {
      const port = (slice.ports ?? []).find((candidate) => candidate.name === portName)?.port;
      if (port === undefined || slice.addressType === 'FQDN') continue;
      for (const endpoint of slice.endpoints ?? []) {
        const address = endpoint.addresses[0];
        if (address === undefined) continue;
        const pod = endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name ? endpoint.targetRef.name : null;
        const where = `${pod ?? 'an endpoint without a pod'} (${address})`;
        if (endpoint.conditions?.terminating === true) terminating.add(where);
        else if (endpoint.conditions?.ready === false) notReady.add(where);
        else if (pod === null) notReady.add(`${where}: not a pod, so it cannot be annotated`);
        else found.set(pod, { pod, address: slice.addressType === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}` });
      }
    }
  }
  return { pods: [...found.values()].sort((a, b) => a.pod.localeCompare(b.pod)), notReady: [...notReady].sort(), terminating: [...terminating].sort() };
}

/**
 * Record on each pod the version its `stable` label answers. `dryRun` asks the API server to
 * check (RBAC, admission) without storing, so a missing permission stops the command before any
 * label moves (k8s.io/apiserver: `dryRun=All` runs every stage but persistence).
 */
export async function annotateServedVersion(client: KubeClient, namespace: string, pod: string, version: number, dryRun = false): Promise<void> {
  await client.mergePatch({ ...PODS, namespace, name: pod }, { metadata: { annotations: { [ANNOTATION_SERVED_VERSION]: String(version) } } }, dryRun);
}

/**
 * The pods a live move must reach, or why it must not start: a pod that is not ready yet would
 * come up on its config file's labels after the move, and a caller who may not annotate the pods
 * would leave the gates judging by a `version` label that no longer says what answers.
 */
export async function podsToMove(client: KubeClient, namespace: string, services: readonly string[], portName: string, version: number): Promise<{ pods: ClusterPod[]; terminating: string[] } | { problem: string }> {
  const found = await discoverPods(client, namespace, services, portName);
  if (found.notReady.length > 0) {
    return { problem: `not ready: ${found.notReady.join(', ')}; a pod that becomes ready after the move starts on its config file's labels. Wait until every pod of ${services.join(' and ')} is ready (or gone) and rerun, or name the pods with --targets` };
  }
  if (found.pods.length === 0) return { problem: `the EndpointSlices of ${services.join(' and ')} in namespace ${namespace} list no ready pod with a port named '${portName}'` };
  for (const { pod } of found.pods) await annotateServedVersion(client, namespace, pod, version, true);
  return { pods: found.pods, terminating: found.terminating };
}
