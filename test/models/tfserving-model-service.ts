/**
 * A stand-in TF Serving pod: ModelService (GetModelStatus, HandleReloadConfigRequest) and
 * PredictionService.GetModelMetadata over real gRPC on loopback, from proto/tensorflow_serving.proto,
 * with the upstream semantics `rollback --live` depends on (tensorflow/serving 9d981c5c):
 * - HandleReloadConfigRequest replaces the whole config (model_service_impl.cc →
 *   ServerCore::ReloadConfig): versions left out are unloaded, new ones start loading; only then
 *   are labels checked (ReloadConfig calls UpdateModelVersionLabelMap last), and a refused label
 *   map leaves the old labels in place and answers FAILED_PRECONDITION.
 * - UpdateModelVersionLabelMap (server_core.cc): a label that already exists with a different
 *   version may only move onto an AVAILABLE version; a new label may point at an unavailable one
 *   only with --allow_version_labels_for_unavailable_models (which label-mode pods have).
 * - GetModelMetadata resolves a `version_label` and answers with the servable's version
 *   (get_model_metadata_impl.cc sets response model_spec.version from the handle's id).
 * Faults for tests: a delay on every call (a slow pod), `afterStatus` (a version unloaded right
 * after a status read: the reader's view is stale).
 */
import * as grpc from '@grpc/grpc-js';
import { servingPackage, type VersionState } from '../../src/live/model-service.js';

export interface StandInOptions {
  model: string;
  versions: Record<number, VersionState>;
  labels: Record<string, number>;
  allowLabelsForUnavailableModels?: boolean;
  /** Added before every answer. */
  delayMs?: number;
  /** Serve TLS as TF Serving does with --ssl_config_file; with `ca`, client certificates are required (client_verify). */
  tls?: { cert: string; key: string; ca?: string };
}

type Call<T> = grpc.ServerUnaryCall<T, unknown>;
type Done = grpc.sendUnaryData<unknown>;

export class TfServingStandIn {
  readonly versions = new Map<number, VersionState>();
  labels = new Map<string, number>();
  basePath = '';
  /** Every config received, in order, as the server got it. */
  readonly reloads: Array<{ versions: number[]; labels: Record<string, number> }> = [];
  /** Runs after each GetModelStatus answer; tests use it to change state behind the caller's back. */
  afterStatus: ((standIn: TfServingStandIn) => void) | null = null;
  /** What GetModelStatus calls were answered, for tests that count reads. */
  statusReads = 0;
  private server: grpc.Server | null = null;
  port = 0;

  constructor(private readonly options: StandInOptions) {
    for (const [version, state] of Object.entries(options.versions)) this.versions.set(Number(version), state);
    for (const [label, version] of Object.entries(options.labels)) this.labels.set(label, version);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const services = servingPackage();
    const server = new grpc.Server();
    server.addService(services.ModelService.service, {
      GetModelStatus: (call: Call<{ model_spec: { name: string } }>, done: Done) => this.answer(done, () => this.status(call.request.model_spec.name)),
      HandleReloadConfigRequest: (call: Call<ReloadRequest>, done: Done) => this.answer(done, () => this.reload(call.request)),
    });
    server.addService(services.PredictionService.service, {
      GetModelMetadata: (call: Call<{ model_spec: { name: string; version_label?: string; version?: { value: number } } }>, done: Done) =>
        this.answer(done, () => this.metadata(call.request.model_spec)),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', this.credentials(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
    return this;
  }

  private credentials(): grpc.ServerCredentials {
    const tls = this.options.tls;
    if (!tls) return grpc.ServerCredentials.createInsecure();
    return grpc.ServerCredentials.createSsl(tls.ca ? Buffer.from(tls.ca) : null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], tls.ca !== undefined);
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    server.forceShutdown();
    return Promise.resolve();
  }

  /** The version a label resolves to, or undefined. */
  label(name: string): number | undefined {
    return this.labels.get(name);
  }

  private answer(done: Done, handler: () => unknown): void {
    const reply = () => {
      try {
        done(null, handler());
      } catch (error) {
        done(error as grpc.ServiceError);
      }
    };
    if (this.options.delayMs) setTimeout(reply, this.options.delayMs);
    else reply();
  }

  private status(name: string): unknown {
    if (name !== this.options.model) throw failure(grpc.status.NOT_FOUND, `Could not find any versions of model ${name}`);
    this.statusReads++;
    const answer = { model_version_status: [...this.versions].sort(([a], [b]) => a - b).map(([version, state]) => ({ version, state, status: { error_code: 0, error_message: '' } })) };
    this.afterStatus?.(this);
    return answer;
  }

  private reload(request: ReloadRequest): unknown {
    const list = request.config?.model_config_list?.config;
    if (!list) throw failure(grpc.status.INVALID_ARGUMENT, 'ServerModelConfig type not supported by HandleReloadConfigRequest. Only ModelConfigList is currently supported');
    const entry = list.find((config) => config.name === this.options.model);
    const wanted = new Set(entry?.model_version_policy?.specific?.versions ?? []);
    this.reloads.push({ versions: [...wanted].sort((a, b) => b - a), labels: { ...(entry?.version_labels ?? {}) } });
    // The version changes happen first: left-out versions unload, new ones start loading.
    for (const version of [...this.versions.keys()]) if (!wanted.has(version)) this.versions.delete(version);
    for (const version of wanted) if (!this.versions.has(version)) this.versions.set(version, 'LOADING');
    this.basePath = entry?.base_path ?? '';
    // Then the label map, all or nothing (UpdateModelVersionLabelMap).
    const next = new Map<string, number>();
    for (const [label, version] of Object.entries(entry?.version_labels ?? {})) {
      const existing = this.labels.get(label);
      const allowUnavailable = (this.options.allowLabelsForUnavailableModels ?? true) && (existing === undefined || existing === version);
      if (!allowUnavailable && this.versions.get(version) !== 'AVAILABLE') {
        throw failure(grpc.status.FAILED_PRECONDITION, `Request to assign label to version ${version} of model ${this.options.model}, which is not currently available for inference`);
      }
      next.set(label, version);
    }
    this.labels = next;
    return { status: { error_code: 0, error_message: '' } };
  }

  private metadata(spec: { name: string; version_label?: string; version?: { value: number } }): unknown {
    if (spec.name !== this.options.model) throw failure(grpc.status.NOT_FOUND, `Servable not found for request: Latest(${spec.name})`);
    let version: number | undefined;
    if (spec.version_label) {
      version = this.labels.get(spec.version_label);
      if (version === undefined) throw failure(grpc.status.INVALID_ARGUMENT, `Unrecognized servable version label: ${spec.version_label}`);
    } else version = spec.version?.value;
    if (version === undefined || this.versions.get(version) !== 'AVAILABLE') throw failure(grpc.status.NOT_FOUND, `Servable not found for request: Specific(${spec.name}, ${version})`);
    return { model_spec: { name: spec.name, version: { value: version } } };
  }
}

interface ReloadRequest {
  config?: { model_config_list?: { config: Array<{ name: string; base_path: string; model_version_policy?: { specific?: { versions: number[] } }; version_labels?: Record<string, number> }> } };
}

function failure(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }) as grpc.ServiceError;
}
