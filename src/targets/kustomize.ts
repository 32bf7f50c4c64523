/**
 * `kustomization.yaml` for one policy folder, so Argo CD or Flux can apply the folder as it is.
 * It lists the other targets' Kubernetes objects, so compile builds it after them rather than
 * registering it as a target. Plain files (a Prometheus rule file, TF Serving text) are not
 * Kubernetes objects and are left out.
 */
import type { OutputFile } from './target.js';

export const KUSTOMIZATION_FILE = 'kustomization.yaml';

export function kustomization(files: readonly OutputFile[]): OutputFile {
  const resources = files.filter(isKubernetesManifest).map((file) => file.path);
  return {
    path: KUSTOMIZATION_FILE,
    kind: 'yaml',
    documents: [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }],
  };
}

function isKubernetesManifest(file: OutputFile): boolean {
  const documents = file.documents ?? [];
  return (
    file.kind === 'yaml' &&
    documents.length > 0 &&
    documents.every((document) => {
      const object = document as { apiVersion?: unknown; kind?: unknown } | null;
      return typeof object?.apiVersion === 'string' && typeof object.kind === 'string';
    })
  );
}
