/**
 * A client for one TF Serving pod's management API over gRPC: read the model's version states,
 * replace the server's model config, and ask which version a label resolves to. The messages
 * are proto/tensorflow_serving.proto (written from upstream, see its header); every call has a
 * deadline, so a pod that hangs fails the call instead of stalling the rollback.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const PROTO_FILE = fileURLToPath(new URL('../../proto/tensorflow_serving.proto', import.meta.url));

/** `ModelVersionStatus.State`, by name as proto-loader gives enums with `enums: String`. */
export type VersionState = 'UNKNOWN' | 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

export interface VersionStatus {
  version: number;
  state: VersionState;
}

/** One model's entry of a `ModelServerConfig.model_config_list`. */
export interface ModelConfigEntry {
  name: string;
  basePath: string;
  platform: string;
  versions: number[];
  labels: Record<string, number>;
}

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
type Unary = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<any>) => void;
interface ServiceClient extends grpc.Client {
  GetModelStatus: Unary;
  HandleReloadConfigRequest: Unary;
  GetModelMetadata: Unary;
}
type ClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => ServiceClient;

/**
 * TLS for the management calls where TF Serving itself terminates TLS (its --ssl_config_file):
 * the CA that signed the server's certificate, a client certificate when the server asks for one
 * (client_verify), and the name its certificate carries, since pods are dialled by IP.
 */
export interface GrpcTls {
  ca: Buffer;
  cert: Buffer | null;
  key: Buffer | null;
  serverName: string | null;
}

export interface ServingPackage {
  ModelService: grpc.ServiceClientConstructor;
  PredictionService: grpc.ServiceClientConstructor;
}

let loaded: ServingPackage | null = null;

/** The two services, loaded once; longs as numbers (versions fit), enums as names. */
export function servingPackage(): ServingPackage {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(PROTO_FILE, { longs: Number, enums: String, defaults: true, oneofs: true, keepCase: true });
  const root = grpc.loadPackageDefinition(definition) as unknown as { tensorflow: { serving: ServingPackage } };
  loaded = root.tensorflow.serving;
  return loaded;
}

export class ModelServiceClient {
  private readonly models: ServiceClient;
  private readonly predictions: ServiceClient;

  /** `tls` null: plaintext (inside the mesh, the sidecars add mTLS). */
  constructor(readonly address: string, private readonly timeoutMs: number, tls: GrpcTls | null = null) {
    const services = servingPackage();
    const credentials = tls ? grpc.credentials.createSsl(tls.ca, tls.key, tls.cert) : grpc.credentials.createInsecure();
    // grpc-js checks the certificate against this name instead of the dialled IP (@grpc/grpc-js channel-credentials.ts, grpc.ssl_target_name_override).
    const options: grpc.ChannelOptions = tls?.serverName ? { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName } : {};
    this.models = new (services.ModelService as unknown as ClientConstructor)(address, credentials, options);
    this.predictions = new (services.PredictionService as unknown as ClientConstructor)(address, credentials, options);
  }

  async status(model: string): Promise<VersionStatus[]> {
    const response = await this.call<{ model_version_status: Array<{ version: number; state: VersionState }> }>(this.models, 'GetModelStatus', { model_spec: { name: model } });
    return response.model_version_status.map(({ version, state }) => ({ version, state }));
  }

  /** Replaces the server's whole model config (upstream ServerCore::ReloadConfig): send every model and version it must keep. */
  async reloadConfig(configs: readonly ModelConfigEntry[]): Promise<void> {
    const config = {
      model_config_list: {
        config: configs.map((entry) => ({
          name: entry.name,
          base_path: entry.basePath,
          model_platform: entry.platform,
          model_version_policy: { specific: { versions: entry.versions } },
          version_labels: entry.labels,
        })),
      },
    };
    await this.call(this.models, 'HandleReloadConfigRequest', { config });
  }

  /** The version a label resolves to: GetModelMetadata answers with the servable it found (get_model_metadata_impl.cc). */
  async resolveLabel(model: string, label: string): Promise<number> {
    const response = await this.call<{ model_spec: { version: { value: number } | null } }>(this.predictions, 'GetModelMetadata', {
      model_spec: { name: model, version_label: label },
      metadata_field: ['signature_def'],
    });
    const version = response.model_spec?.version?.value;
    if (typeof version !== 'number') throw new Error(`label ${label} resolved to no version`);
    return version;
  }

  close(): void {
    this.models.close();
    this.predictions.close();
  }

  private call<T>(client: ServiceClient, method: 'GetModelStatus' | 'HandleReloadConfigRequest' | 'GetModelMetadata', request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      client[method](request, new grpc.Metadata(), { deadline: Date.now() + this.timeoutMs }, (error, value) => (error ? reject(error) : resolve(value as T)));
    });
  }
}

/** A gRPC failure in words: the status code's name and the server's message. */
export function describeCallError(error: unknown): string {
  const failure = error as Partial<grpc.ServiceError>;
  if (typeof failure.code === 'number') return `${grpc.status[failure.code] ?? failure.code}: ${failure.details || failure.message}`;
  return error instanceof Error ? error.message : String(error);
}
