/**
 * Keep traffic away from a TF Serving pod until its model version is loaded and warm.
 *
 * TF Serving's model status endpoint (`GET /v1/models/<model>/versions/<N>`) answers 200 while
 * the version is still START or LOADING; the state is only in the JSON body. A Kubernetes HTTP
 * probe looks at the status code alone, so it cannot tell LOADING from AVAILABLE. The probe is
 * therefore an exec probe that asks the endpoint over bash's /dev/tcp (the serving image has
 * bash but no curl) and passes only when the body says AVAILABLE. The model name and version
 * reach the script as arguments, never spliced into it.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

/** Fixed script; $1 = port, $2 = request path. */
const PROBE_SCRIPT = [
  'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1',
  'printf "GET %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n" "$2" >&3',
  'grep -q "\\"state\\": *\\"AVAILABLE\\"" <&3',
].join('; ');

/** Where SavedModel warm-up records live, relative to a version's directory (TF Serving convention). */
export const WARMUP_FILE = 'assets.extra/tf_serving_warmup_requests';

export function modelStatusPath(modelName: string, version: number): string {
  return `/v1/models/${encodeURIComponent(modelName)}/versions/${version}`;
}

export function readinessProbe(policy: ResolvedPolicy, version: number): Record<string, unknown> {
  return {
    exec: { command: ['/bin/bash', '-c', PROBE_SCRIPT, 'model-status', String(policy.model.restPort), modelStatusPath(policy.model.name, version)] },
    periodSeconds: 5,
    timeoutSeconds: 3,
    failureThreshold: 3,
  };
}

/**
 * What a reviewer or SRE needs to know about warm-up requests: TF Serving replays the records in
 * the version's warm-up file before it reports AVAILABLE, so they must ship with the SavedModel.
 */
export function warmupNote(policy: ResolvedPolicy): string | null {
  const requests = policy.model.warmup?.requests ?? null;
  if (requests === null) return null;
  return `${requests} warm-up requests expected in ${policy.model.basePath}/<version>/${WARMUP_FILE}; TF Serving replays them before the version reports AVAILABLE`;
}
