/**
 * Move TF Serving's `stable` label back to a known-good version on every pod of a policy, pod by
 * pod, through each pod's own ModelService, and never leave a label on a version a pod has not
 * loaded.
 *
 * What it relies on (tensorflow/serving 9d981c5c):
 * - HandleReloadConfigRequest replaces the server's whole model config (model_service_impl.cc →
 *   ServerCore::ReloadConfig), so a version missing from the request is unloaded. Each pod gets
 *   its own config, built from what that pod reports loaded or loading right before the call,
 *   with only the labels changed: stable and canary pods differ mid-rollout.
 * - ServerCore::UpdateModelVersionLabelMap refuses to move an existing label onto a version that
 *   is not AVAILABLE (even with --allow_version_labels_for_unavailable_models); the target's
 *   state is read on every pod first and again on each pod just before its move.
 * - GetModelStatus reports versions, not labels; GetModelMetadata with `version_label` answers
 *   with the version the label resolves to, which confirms each move.
 * The config sent names this policy's model only: the Rollout's pods serve nothing else.
 */
import { describeCallError, ModelServiceClient, type GrpcTls, type ModelConfigEntry, type VersionStatus } from './model-service.js';
import { TF_LABEL_STABLE } from '../names.js';

export interface LiveRollbackRequest {
  model: { name: string; basePath: string; platform: string };
  /** host:port of each pod's gRPC port. */
  targets: string[];
  to: number;
  timeoutMs: number;
  /** Null: plaintext gRPC. */
  tls?: GrpcTls | null;
  connect?: (address: string) => ModelServiceClient;
}

export interface PodState {
  address: string;
  /** The version `stable` resolves to, or why it is not known. */
  stable: number | string;
}

export interface LiveRollbackResult {
  ok: boolean;
  /** Why it stopped or refused; null when every pod moved. */
  problem: string | null;
  /** Pods whose label this run moved (and confirmed). */
  moved: string[];
  /** Versions `stable` resolved to before the move, over all pods that answered. */
  before: number[];
  /** Every pod's `stable` after the run, read back from the pods. */
  after: PodState[];
}

/** Versions a pod keeps in its config: everything it has loaded or is loading. */
function keptVersions(statuses: readonly VersionStatus[]): number[] {
  return statuses.filter(({ state }) => state !== 'END' && state !== 'UNLOADING').map(({ version }) => version).sort((a, b) => b - a);
}

function podConfig(request: LiveRollbackRequest, statuses: readonly VersionStatus[]): ModelConfigEntry {
  // Only `stable`, on the target: `canary` comes off the version being rolled back.
  return { ...request.model, versions: keptVersions(statuses), labels: { [TF_LABEL_STABLE]: request.to } };
}

function availableOn(statuses: readonly VersionStatus[], version: number): boolean {
  return statuses.some((status) => status.version === version && status.state === 'AVAILABLE');
}

export async function liveRollback(request: LiveRollbackRequest): Promise<LiveRollbackResult> {
  const connect = request.connect ?? ((address: string) => new ModelServiceClient(address, request.timeoutMs, request.tls ?? null));
  const clients = request.targets.map((address) => connect(address));
  const model = request.model.name;
  try {
    const firstRead = await Promise.all(
      clients.map(async (client) => {
        try {
          return { client, statuses: await client.status(model), error: null };
        } catch (error) {
          return { client, statuses: [], error: describeCallError(error) };
        }
      }),
    );
    const before = await stableEverywhere(clients, model);
    const beforeVersions = [...new Set(before.flatMap((pod) => (typeof pod.stable === 'number' ? [pod.stable] : [])))].sort((a, b) => b - a);
    const unreadable = firstRead.filter((read) => read.error !== null);
    const notLoaded = firstRead.filter((read) => read.error === null && !availableOn(read.statuses, request.to));
    if (unreadable.length > 0 || notLoaded.length > 0) {
      const reasons = [
        ...unreadable.map((read) => `${read.client.address}: status unreadable (${read.error})`),
        ...notLoaded.map((read) => `${read.client.address}: version ${request.to} is ${stateOf(read.statuses, request.to)}, not AVAILABLE`),
      ];
      return { ok: false, problem: `refused before moving any label, since version ${request.to} must be AVAILABLE on every pod:\n${reasons.map((r) => `  ${r}`).join('\n')}`, moved: [], before: beforeVersions, after: before };
    }

    const moved: string[] = [];
    for (const client of clients) {
      const problem = await movePod(client, request);
      if (problem !== null) {
        return { ok: false, problem: `stopped at ${client.address}: ${problem}; the pods after it were not touched`, moved, before: beforeVersions, after: await stableEverywhere(clients, model) };
      }
      moved.push(client.address);
    }
    return { ok: true, problem: null, moved, before: beforeVersions, after: await stableEverywhere(clients, model) };
  } finally {
    for (const client of clients) client.close();
  }
}

/** One pod: fresh status, move, confirm. Null when done, else what went wrong. */
async function movePod(client: ModelServiceClient, request: LiveRollbackRequest): Promise<string | null> {
  let statuses: VersionStatus[];
  try {
    // Read again: the first read may be stale by now (a pod restarted, a version unloaded).
    statuses = await client.status(request.model.name);
  } catch (error) {
    return `status unreadable (${describeCallError(error)})`;
  }
  if (!availableOn(statuses, request.to)) return `version ${request.to} is now ${stateOf(statuses, request.to)}, not AVAILABLE (status changed since the first read); its label was left alone`;
  try {
    await client.reloadConfig([podConfig(request, statuses)]);
  } catch (error) {
    return `HandleReloadConfigRequest failed (${describeCallError(error)})`;
  }
  try {
    const resolved = await client.resolveLabel(request.model.name, TF_LABEL_STABLE);
    if (resolved !== request.to) return `after the reload, "${TF_LABEL_STABLE}" resolves to ${resolved}, not ${request.to}`;
  } catch (error) {
    return `the move could not be confirmed (${describeCallError(error)})`;
  }
  return null;
}

function stateOf(statuses: readonly VersionStatus[], version: number): string {
  return statuses.find((status) => status.version === version)?.state ?? 'not loaded';
}

async function stableEverywhere(clients: readonly ModelServiceClient[], model: string): Promise<PodState[]> {
  return Promise.all(
    clients.map(async (client) => {
      try {
        return { address: client.address, stable: await client.resolveLabel(model, TF_LABEL_STABLE) };
      } catch (error) {
        return { address: client.address, stable: `unknown (${describeCallError(error)})` };
      }
    }),
  );
}
