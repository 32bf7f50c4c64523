/** A client for the caller's cluster, or why there is none: no kubeconfig is not an error for commands that can do without. */
import { KubeApiError, KubeClient, KubeUnreachableError } from './client.js';
import { KubeconfigError, kubeconfigFiles, loadKubeconfig } from './kubeconfig.js';

export type KubeAccess = { client: KubeClient } | { absent: string };

/** `explicit` is --kubeconfig; without it, $KUBECONFIG or ~/.kube/config as kubectl finds them. */
export async function kubeAccess(explicit: string | undefined, context: string | undefined): Promise<KubeAccess> {
  const files = kubeconfigFiles(explicit);
  if (files.length === 0) return { absent: 'no kubeconfig ($KUBECONFIG, ~/.kube/config or --kubeconfig)' };
  return { client: new KubeClient(await loadKubeconfig(files, context)) };
}

/** The cluster could not be reached or refused: a kubeconfig it cannot use, an API refusal, or no answer. Anything else is a bug. */
export function isKubeAccessError(error: unknown): error is Error {
  return error instanceof KubeconfigError || error instanceof KubeApiError || error instanceof KubeUnreachableError;
}
