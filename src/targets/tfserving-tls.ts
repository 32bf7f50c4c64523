/**
 * TF Serving serving its gRPC port over TLS itself, when the platform profile says so
 * (`tfserving.tls`): the pod template parts argo-rollouts.ts adds.
 *
 * `--ssl_config_file` is an SSLConfig text proto whose string fields hold the PEM text itself,
 * not paths (tensorflow/serving config/ssl_config.proto; model_servers/server.cc
 * BuildServerCredentialsFromSSLConfigFile puts server_key/server_cert in the PemKeyCertPair,
 * custom_ca in pem_root_certs, and client_verify turns on
 * GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY; the file is read once, at start).
 * The key lives in a Kubernetes Secret, never in git, so the file is written in the pod: an init
 * container (the serving image, which has bash: routing/warmup.ts; and runs as the same user as
 * TF Serving, so the owner-only file it writes is readable by the server) reads the Secret's PEM
 * files and writes the file to a memory-backed emptyDir that TF Serving mounts read-only. What modelgate
 * decides (client_verify) is built as an object and printed by protobuf-text.ts, and reaches the
 * fixed script as an argument; the script appends each PEM file as a string field, escaped as
 * protobuf-text.ts escapes (backslash, double quote, newline: the only bytes of a PEM file that
 * need it). test/protoc/ssl-config.test.ts runs the script and reads its output with protoc.
 *
 * The REST port stays plain HTTP (TF Serving has no TLS for it), so the readiness probe, an HTTP
 * request on that port (routing/warmup.ts), is unchanged; a kubelet gRPC probe could not be used
 * on the TLS port anyway (it dials without TLS).
 */
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { TfServingTls } from '../resolve/platform.js';
import { field, printMessage } from './protobuf-text.js';

const SECRET_VOLUME = 'tfserving-tls-secret';
const CONFIG_VOLUME = 'tfserving-tls';
const SECRET_DIR = '/var/run/secrets/modelgate.io/tfserving-tls';
export const TLS_CONFIG_DIR = '/etc/tfserving-tls';
export const SSL_CONFIG_FILE = 'ssl.config';
export const TLS_INIT_CONTAINER = 'tfserving-tls-config';

/** Keys of a kubernetes.io/tls Secret (and cert-manager's ca.crt), with the SSLConfig field each fills. */
const PEM_FIELDS: ReadonlyArray<{ field: string; key: string; clientAuthOnly: boolean }> = [
  { field: 'server_key', key: 'tls.key', clientAuthOnly: false },
  { field: 'server_cert', key: 'tls.crt', clientAuthOnly: false },
  // Only the server's check of callers' certificates reads it (server.cc).
  { field: 'custom_ca', key: 'ca.crt', clientAuthOnly: true },
];

/**
 * Fixed script: $1 = the file to write, $2 = the printed fields modelgate decides, then
 * `<field>=<PEM file>` pairs. A trailing CR is dropped, so a CRLF file gives the same text. The
 * PEM fields come first: with client_verify (field 4) last, the fields are in number order, as
 * protobuf's own printer writes them.
 */
const SSL_CONFIG_SCRIPT = [
  'set -eu',
  'umask 077',
  'out=$1 fixed=$2',
  'shift 2',
  "bs='\\' q='\"'",
  '{',
  '  for pair in "$@"; do',
  '    printf \'%s: "\' "${pair%%=*}"',
  '    while IFS= read -r line || [ -n "$line" ]; do',
  "      line=${line%$'\\r'}",
  '      line=${line//"$bs"/"$bs$bs"}',
  '      line=${line//"$q"/"$bs$q"}',
  "      printf '%s\\\\n' \"$line\"",
  '    done < "${pair#*=}"',
  '    printf \'"\\n\'',
  '  done',
  '  printf "%s" "$fixed"',
  '} > "$out"',
].join('\n');

function pemFields(tls: TfServingTls): typeof PEM_FIELDS {
  return PEM_FIELDS.filter((pem) => tls.clientAuth || !pem.clientAuthOnly);
}

/** The SSLConfig fields modelgate knows itself, printed; the init container adds the PEM ones. */
export function sslConfigFixedText(tls: TfServingTls): string {
  return printMessage([field('client_verify', tls.clientAuth)]);
}

export function tlsArgs(policy: ResolvedPolicy): string[] {
  return policy.platform.tfserving.tls ? [`--ssl_config_file=${TLS_CONFIG_DIR}/${SSL_CONFIG_FILE}`] : [];
}

export function tlsMounts(policy: ResolvedPolicy): Array<Record<string, unknown>> {
  return policy.platform.tfserving.tls ? [{ name: CONFIG_VOLUME, mountPath: TLS_CONFIG_DIR, readOnly: true }] : [];
}

/**
 * The init container that writes the SSLConfig. Same cpu/memory as the serving container: a pod's
 * request is the larger of its init and app containers', so this adds nothing, and a Guaranteed
 * pod stays Guaranteed (which needs every container, init ones included, to set both).
 */
export function tlsInitContainers(policy: ResolvedPolicy, amounts: { cpu?: string; memory?: string }): Array<Record<string, unknown>> {
  const tls = policy.platform.tfserving.tls;
  if (!tls) return [];
  const pairs = pemFields(tls).map((pem) => `${pem.field}=${SECRET_DIR}/${pem.key}`);
  return [
    {
      name: TLS_INIT_CONTAINER,
      image: policy.model.image,
      command: ['/bin/bash', '-c', SSL_CONFIG_SCRIPT, 'ssl-config', `${TLS_CONFIG_DIR}/${SSL_CONFIG_FILE}`, sslConfigFixedText(tls), ...pairs],
      ...(Object.keys(amounts).length > 0 ? { resources: { requests: { ...amounts }, limits: { ...amounts } } } : {}),
      volumeMounts: [
        { name: SECRET_VOLUME, mountPath: SECRET_DIR, readOnly: true },
        { name: CONFIG_VOLUME, mountPath: TLS_CONFIG_DIR },
      ],
    },
  ];
}

/**
 * The Secret, with only the keys the config reads (a listed key the Secret lacks keeps the pod
 * from starting, with the key named in its events), readable by the owner alone; and the
 * emptyDir in memory, so the key is never written to the node's disk.
 */
export function tlsVolumes(policy: ResolvedPolicy): Array<Record<string, unknown>> {
  const tls = policy.platform.tfserving.tls;
  if (!tls) return [];
  return [
    { name: SECRET_VOLUME, secret: { secretName: tls.secret, defaultMode: 0o400, items: pemFields(tls).map(({ key }) => ({ key, path: key })) } },
    { name: CONFIG_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  ];
}
