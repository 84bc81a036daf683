import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NodeError } from '../../node-types/node-type.js';
import type { GenerateOptions, GenerateRequest, GenerateResult, LanguageModel, ModelProvider } from '../backend.js';
import { type ModelFolder, ModelFolderError } from '../folder/model-folder.js';
import { findModel, listModels, modelSearchPaths } from '../folder/model-registry.js';
import { type DeviceRequest, parseDeviceRequest } from './device.js';
import { ModelLoadError } from './model-load-error.js';
import type { FromWorker, LoadedModelInfo, SerializedError, ToWorker } from './protocol.js';

export interface OnnxEngineOptions {
  /** `auto` (the default, or GROUNDWORK_DEVICE) tries CUDA, then WebGPU, then the CPU. */
  device?: DeviceRequest;
  /** The graph to load from folders offering several (fp32, fp16, q4, ...). */
  dtype?: string;
  /**
   * ONNX Runtime's intra-op threads. By default (or GROUNDWORK_THREADS) one fewer than the machine's cores: the
   * main thread keeps a core to itself, so HTTP requests and run events are not held up while the CPU generates.
   */
  threads?: number;
  /** Where models are found by name; `./models` and GROUNDWORK_MODELS_PATH by default. */
  searchPaths?: readonly string[];
  /** The model used when a flow names none: a name or a folder path. */
  defaultModel?: string;
  cwd?: string;
  /** Told about every model once it is loaded, with the provider chosen and why others were not. */
  onLoad?: (info: LoadedModelInfo) => void;
}

interface PendingCall {
  resolve(value: never): void;
  reject(error: unknown): void;
  onText?: (text: string) => void;
  /** Cleans up after the call settles (its abort listener). */
  done?: () => void;
}

/**
 * Local language models through ONNX Runtime, for flows: a ModelProvider whose models run in one worker thread.
 * The main thread only posts requests and receives text, so it stays free while models generate.
 */
export class OnnxEngine implements ModelProvider {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  /** Loaded (or loading) models by graph file, and the same by the name or path they were asked for with. */
  private readonly models = new Map<string, Promise<OnnxModel>>();
  private readonly byName = new Map<string, Promise<OnnxModel>>();
  private defaultModel: Promise<OnnxModel> | undefined;
  private readonly device: DeviceRequest;
  private readonly threads: number;
  private readonly searchPaths: readonly string[];

  constructor(private readonly options: OnnxEngineOptions = {}) {
    this.device = options.device ?? parseDeviceRequest(process.env.GROUNDWORK_DEVICE);
    this.threads = options.threads ?? defaultThreads(process.env.GROUNDWORK_THREADS);
    this.searchPaths = options.searchPaths ?? modelSearchPaths({ cwd: options.cwd });
  }

  /** A model by name or path; the default model when `name` is undefined. Loads it on first use. */
  async get(name: string | undefined): Promise<OnnxModel> {
    if (name !== undefined) return this.load(name);
    // Choosing the default lists the model folders: do it once, not for every llm node that names no model.
    this.defaultModel ??= this.load(this.defaultModelName());
    this.defaultModel.catch(() => {
      this.defaultModel = undefined;
    });
    return this.defaultModel;
  }

  load(nameOrPath: string): Promise<OnnxModel> {
    // Resolving a name reads the model folder; once a name has loaded its model, every later call reuses it
    // (a server resolves the same name for every llm call). A failure is forgotten so it can be fixed and retried.
    let model = this.byName.get(nameOrPath);
    if (!model) {
      model = this.resolveAndLoad(nameOrPath);
      this.byName.set(nameOrPath, model);
      model.catch(() => this.byName.delete(nameOrPath));
    }
    return model;
  }

  private resolveAndLoad(nameOrPath: string): Promise<OnnxModel> {
    let folder: ModelFolder;
    try {
      folder = findModel(nameOrPath, this.searchPaths, {
        ...(this.options.dtype ? { dtype: this.options.dtype } : {}),
        ...(this.device !== 'auto' ? { device: this.device } : {}),
        ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
      });
    } catch (error) {
      return Promise.reject(asModelError(error));
    }
    const key = `${folder.onnxPath}`;
    let model = this.models.get(key);
    if (!model) {
      model = this.request<LoadedModelInfo>((id) => ({
        type: 'load',
        id,
        key,
        folder,
        device: this.device,
        threads: this.threads,
      })).then((info) => {
        this.options.onLoad?.(info);
        return new OnnxModel(this, key, info);
      });
      this.models.set(key, model);
      model.catch(() => this.models.delete(key));
    }
    return model;
  }

  /** Every model loaded so far, with the provider it runs on. */
  async loaded(): Promise<LoadedModelInfo[]> {
    const settled = await Promise.allSettled(this.models.values());
    return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.info] : []));
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.models.clear();
    this.byName.clear();
    this.defaultModel = undefined;
    if (worker) await worker.terminate();
  }

  /** @internal Sends requests to the worker as one message, so they can start as one batch; one promise each. */
  generate(key: string, requests: GenerateRequest[], options: GenerateOptions[]): Promise<GenerateResult>[] {
    const ids: number[] = [];
    const sent: GenerateRequest[] = [];
    const promises = requests.map(
      (request, index) =>
        new Promise<GenerateResult>((resolve, reject) => {
          const { signal, onText } = options[index] ?? {};
          if (signal?.aborted) return reject(signal.reason);
          const id = this.nextId++;
          const abort = () => this.abandon(id, signal!.reason);
          signal?.addEventListener('abort', abort, { once: true });
          this.calls.set(id, {
            resolve: resolve as (value: never) => void,
            reject,
            ...(onText ? { onText } : {}),
            done: () => signal?.removeEventListener('abort', abort),
          });
          ids.push(id);
          sent.push(request);
        }),
    );
    if (ids.length > 0) this.post({ type: 'generate', key, ids, requests: sent });
    return promises;
  }

  private defaultModelName(): string {
    if (this.options.defaultModel) return this.options.defaultModel;
    const usable = listModels(this.searchPaths).filter((model) => !model.problem);
    if (usable.length === 1) return usable[0]!.name;
    const where = this.searchPaths.length ? this.searchPaths.join(', ') : './models (absent)';
    throw new NodeError(
      'no-default-model',
      usable.length === 0
        ? `no model found in ${where}; give one (the CLI's --model PATH) or add a model folder there`
        : `several models found (${usable.map((model) => model.name).join(', ')}); name one in the llm node's model setting`,
      { retryable: false },
    );
  }

  /** Stops waiting for a call: the caller gets the abort reason now; the worker stops it at the next token. */
  private abandon(id: number, reason: unknown): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    call.done?.();
    call.reject(reason);
    this.post({ type: 'cancel', id });
    this.idle();
  }

  /** Posts a message that the worker answers once, under a fresh id. */
  private request<T>(message: (id: number) => ToWorker): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (value: never) => void, reject });
      this.post(message(id));
    });
  }

  private post(message: ToWorker): void {
    const worker = this.worker ?? this.start();
    worker.ref();
    worker.postMessage(message);
  }

  private start(): Worker {
    const worker = startWorker();
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.crash(error));
    worker.on('exit', (code) => {
      if (this.worker === worker && code !== 0) this.crash(new Error(`the engine worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    const call = this.calls.get(message.id);
    if (!call) return;
    if (message.type === 'text') {
      call.onText?.(message.text);
      return;
    }
    this.calls.delete(message.id);
    call.done?.();
    if (message.type === 'error') call.reject(toError(message.error));
    else call.resolve((message.type === 'loaded' ? message.info : message.result) as never);
    this.idle();
  }

  /** Lets the process exit while no call is waiting on the worker. */
  private idle(): void {
    if (this.calls.size === 0) this.worker?.unref();
  }

  private crash(error: Error): void {
    this.worker = undefined;
    this.models.clear();
    this.byName.clear();
    this.defaultModel = undefined;
    const failure = new ModelLoadError('engine-crashed', `the model engine stopped: ${error.message}`);
    for (const call of this.calls.values()) {
      call.done?.();
      call.reject(failure);
    }
    this.calls.clear();
  }
}

/** A model loaded in an OnnxEngine. */
export class OnnxModel implements LanguageModel {
  readonly name: string;

  constructor(
    private readonly engine: OnnxEngine,
    private readonly key: string,
    readonly info: LoadedModelInfo,
  ) {
    this.name = info.name;
  }

  generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    return this.engine.generate(this.key, [request], [options])[0]!;
  }

  /** Several prompts as one batch (padded on the side the graph needs), each with its own parameters; results in the same order. */
  generateBatch(
    requests: GenerateRequest[],
    options: { signal?: AbortSignal; onText?: (index: number, text: string) => void } = {},
  ): Promise<GenerateResult[]> {
    const perRequest = requests.map((_, index) => ({
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onText ? { onText: (text: string) => options.onText!(index, text) } : {}),
    }));
    return Promise.all(this.engine.generate(this.key, requests, perRequest));
  }
}

function defaultThreads(setting: string | undefined): number {
  const configured = Number(setting);
  if (setting && Number.isInteger(configured) && configured > 0) return configured;
  return Math.max(1, availableParallelism() - 1);
}

function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  // From TypeScript sources (tests, benchmarks): tsx only hooks the main thread, so the worker registers it itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

function toError(error: SerializedError): Error {
  if (error.code === 'cancelled')
    return Object.assign(new Error(error.message), { name: 'AbortError', code: 'cancelled' });
  return new NodeError(error.code, error.message, {
    retryable: error.code === 'generation-failed' || error.code === 'engine-crashed',
  });
}

function asModelError(error: unknown): unknown {
  if (error instanceof ModelFolderError) {
    return new NodeError(error.code === 'not-found' ? 'unknown-model' : `model-${error.code}`, error.message, {
      retryable: false,
    });
  }
  return error;
}
