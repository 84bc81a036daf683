import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { DeviceRequest, Provider, ProviderChoice } from './device.js';
import { readGraphOutputNames } from './graph-outputs.js';
import { GREEDY_PICK_OUTPUT, withGreedyPick } from './greedy-pick.js';
import { ModelLoadError } from './model-load-error.js';
import { isCacheOutput } from './session-spec.js';
import { withSplitMlps } from './split-mlp.js';

/** Where onnxruntime-node keeps its native libraries, where the CUDA provider's would be installed. */
function bindingDirectory(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why the CUDA provider cannot be used, or undefined when its libraries are there to try. */
function cudaUnavailable(): string | undefined {
  const bundled = ort.listSupportedBackends?.().find((backend) => backend.name === 'cuda')?.bundled;
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (bundled || existsSync(join(bindingDirectory(), library))) return undefined;
  return 'the CUDA provider libraries are not installed (onnxruntime-node was installed without its CUDA download)';
}

/**
 * On Linux, ONNX Runtime's WebGPU provider reaches the GPU through Vulkan (Dawn); without the Vulkan loader it
 * cannot find an adapter, and Dawn prints a warning while failing. Checking first gives the reason without noise.
 */
function webgpuUnavailable(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const folders = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib64',
  ];
  if (folders.some((folder) => existsSync(join(folder, 'libvulkan.so.1')))) return undefined;
  return 'no Vulkan loader (libvulkan.so.1) is installed, which the WebGPU provider needs on Linux';
}

/**
 * On WebGPU the KV cache outputs stay on the GPU between steps, named one by one, and so does the greedy pick a
 * decoder was given at load (greedy-pick.ts), to feed the next step; with `logitsOnDevice` a decoder's `logits`
 * output stays there too, for the logits helper graphs (logits-ops.ts) to pick greedy tokens from or bring back.
 * Every other output comes back to the CPU as an ordinary output (downloading a GPU output with getData() aborts the
 * process in onnxruntime-node 1.30). `externalDataFolder`: where the graph's external weights are, for a graph
 * opened from bytes.
 */
export function sessionOptions(
  provider: Provider,
  threads: number | undefined,
  outputNames: () => readonly string[],
  logitsOnDevice = false,
  externalDataFolder?: string,
): ort.InferenceSession.SessionOptions {
  const onDevice = (name: string) =>
    isCacheOutput(name) || name === GREEDY_PICK_OUTPUT || (logitsOnDevice && name === 'logits');
  const gpuOutputs =
    provider === 'webgpu'
      ? Object.fromEntries(
          outputNames()
            .filter(onDevice)
            .map((name) => [name, 'gpu-buffer' as const]),
        )
      : undefined;
  return {
    executionProviders: [provider === 'webgpu' ? webgpuProvider() : provider],
    graphOptimizationLevel: 'all',
    // Errors only: the providers that auto tries and skips would otherwise print their failures.
    logSeverityLevel: 3,
    ...(gpuOutputs ? { preferredOutputLocation: gpuOutputs } : {}),
    ...(threads ? { intraOpNumThreads: threads } : {}),
    // Honoured where the binding reads session config entries; see allowSpinning.
    extra: {
      session: {
        intra_op: { allow_spinning: allowSpinning() ? '1' : '0' },
        ...(externalDataFolder ? { model_external_initializers_file_folder_path: externalDataFolder } : {}),
      },
    },
  };
}

/** The storage-buffer cache modes of ONNX Runtime's WebGPU provider (GROUNDWORK_WEBGPU_BUFFER_CACHE). */
export const WEBGPU_BUFFER_CACHE_MODES = ['bucket', 'simple', 'lazyRelease', 'disabled'] as const;

/**
 * The WebGPU provider with its storage-buffer cache as GROUNDWORK_WEBGPU_BUFFER_CACHE says; unset, the provider's
 * default (bucket). The first session of a process sets it for every later one (the provider keeps one device
 * context). Measured on an H200 (docs/benchmarks.md, decision 0016): bucket is the best all round but loses at 64
 * rows (~3,400 tok/s); simple is fastest everywhere (64 rows ~5,700) but keeps every buffer size it has seen, so a
 * long-running server's memory grows with each new cache length; lazyRelease and disabled free buffers but slow
 * prompts down (time to first token 32 -> ~60 ms at 512 tokens). An unknown mode is an error naming the modes.
 */
export function webgpuProvider(
  setting = process.env.GROUNDWORK_WEBGPU_BUFFER_CACHE,
): ort.InferenceSession.ExecutionProviderConfig {
  if (!setting) return 'webgpu';
  if (!(WEBGPU_BUFFER_CACHE_MODES as readonly string[]).includes(setting))
    throw new ModelLoadError(
      'no-device',
      `GROUNDWORK_WEBGPU_BUFFER_CACHE is "${setting}"; expected one of ${WEBGPU_BUFFER_CACHE_MODES.join(', ')}`,
    );
  return { name: 'webgpu', storageBufferCacheMode: setting } as ort.InferenceSession.ExecutionProviderConfig;
}

/**
 * Whether ONNX Runtime's idle pool threads may spin waiting for work. Spinning saves a thread wake-up per operator,
 * and a decode step runs hundreds of them, which matters on a machine with cores to spare; on a small one the
 * spinning threads take the cores the main thread needs (on 2 cores they held the server's event loop back).
 * GROUNDWORK_SPIN=1 or 0 decides; by default threads spin on machines with 8 cores or more.
 */
export function allowSpinning(setting = process.env.GROUNDWORK_SPIN, cores = availableParallelism()): boolean {
  if (setting === '1') return true;
  if (setting === '0') return false;
  return cores >= 8;
}

/**
 * Opens the graph on the requested device. `auto` tries CUDA (when its libraries are installed), then WebGPU (when
 * an adapter is found), then the CPU, and reports why each skipped provider was not used. An explicit request that
 * fails is an error: running silently elsewhere would mislead.
 */
export async function openSession(
  onnxPath: string,
  request: DeviceRequest,
  /**
   * `logitsOnDevice`: a decoder's logits stay on the GPU on WebGPU (see sessionOptions). `greedyPick`: the providers
   * on which the decoder gets its greedy pick appended (greedy-pick.ts), and the model's vocabulary size; a graph
   * that cannot take it opens as it is.
   */
  options: SessionRequest = {},
): Promise<OpenedSession & { choice: ProviderChoice }> {
  const order: Provider[] = request === 'auto' ? ['cuda', 'webgpu', 'cpu'] : [request];
  const reasons: Partial<Record<Provider, string>> = {};
  for (const provider of order) {
    const unavailable =
      provider === 'cuda' ? cudaUnavailable() : provider === 'webgpu' ? webgpuUnavailable() : undefined;
    if (unavailable) {
      reasons[provider] = unavailable;
      if (request === provider) throw new ModelLoadError('no-device', `cannot use ${provider}: ${unavailable}`);
      continue;
    }
    try {
      const opened = await createSession(onnxPath, provider, options);
      return { ...opened, choice: { provider, reasons } };
    } catch (error) {
      const explained = explainSessionError(error, onnxPath);
      const isModelProblem = explained.code !== 'no-device';
      if (request !== 'auto' || provider === 'cpu' || isModelProblem) {
        throw isModelProblem
          ? explained
          : new ModelLoadError('no-device', `cannot use ${provider}: ${explained.message}`);
      }
      reasons[provider] = explained.message;
    }
  }
  throw new ModelLoadError('no-device', 'no execution provider could open the model');
}

/** An open session, and what the engine changed in its graph when it opened it (in memory; the file is untouched). */
export interface OpenedSession {
  session: ort.InferenceSession;
  graphChanges: string[];
}

interface SessionRequest {
  threads?: number;
  logitsOnDevice?: boolean;
  greedyPick?: { on: readonly Provider[]; vocab: number };
  /** The providers on which the decoder's SiLU-gated MLPs are split into parts (split-mlp.ts) where they match. */
  splitMlp?: readonly Provider[];
}

/**
 * A session of the graph on one provider, with its MLPs split and the greedy pick appended where asked and
 * possible; a graph rewritten opens from memory, with its folder for the weights kept outside it. A graph whose
 * split form ONNX Runtime refuses opens as it is (the file's own error is then the one reported, if any).
 */
async function createSession(onnxPath: string, provider: Provider, options: SessionRequest): Promise<OpenedSession> {
  const split = options.splitMlp?.includes(provider) ? withSplitMlps(onnxPath) : undefined;
  if (split && 'bytes' in split) {
    try {
      const opened = await openGraph(onnxPath, provider, options, split.bytes);
      const mlps = `${split.count} SiLU-gated MLP${split.count === 1 ? '' : 's'} split into parts (decision 0016)`;
      return { ...opened, graphChanges: [mlps, ...opened.graphChanges] };
    } catch {
      // Fall through to the graph as it is.
    }
  }
  return openGraph(onnxPath, provider, options, undefined);
}

/** The graph (`graph`: rewritten bytes of it, else the file) with the greedy pick appended where asked and possible. */
async function openGraph(
  onnxPath: string,
  provider: Provider,
  options: SessionRequest,
  graph: Uint8Array | undefined,
): Promise<OpenedSession> {
  const outputs = () => readGraphOutputNames(onnxPath);
  const pick = options.greedyPick;
  const picked = pick?.on.includes(provider) ? withGreedyPick(onnxPath, pick.vocab, graph) : undefined;
  const withPick = picked !== undefined && 'bytes' in picked;
  const model = withPick ? picked.bytes : graph;
  if (!model) {
    const fileOptions = sessionOptions(provider, options.threads, outputs, options.logitsOnDevice);
    return { session: await ort.InferenceSession.create(onnxPath, fileOptions), graphChanges: [] };
  }
  const session = await ort.InferenceSession.create(
    model,
    sessionOptions(
      provider,
      options.threads,
      () => (withPick ? [...outputs(), GREEDY_PICK_OUTPUT] : outputs()),
      options.logitsOnDevice,
      dirname(onnxPath),
    ),
  );
  return { session, graphChanges: withPick ? [`greedy pick appended (${GREEDY_PICK_OUTPUT}, decision 0014)`] : [] };
}

/**
 * The providers on which decoders' MLPs are split (split-mlp.ts): WebGPU, where it pays (H200, Qwen 0.5B shape,
 * 32 rows: 2,195 -> 2,700-3,301 tok/s over five runs); not the CPU, where the split form measured slower
 * (decision 0016).
 * GROUNDWORK_SPLIT_MLP=0 turns it off, =1 on for every provider.
 */
export function splitMlpProviders(setting = process.env.GROUNDWORK_SPLIT_MLP): Provider[] {
  if (setting === '0') return [];
  if (setting === '1') return ['cpu', 'webgpu', 'cuda'];
  return ['webgpu'];
}

/** Turns ONNX Runtime's session errors into a named problem: an unsupported operator, a damaged file, no device. */
export function explainSessionError(error: unknown, onnxPath: string): ModelLoadError {
  const message = error instanceof Error ? error.message : String(error);
  const operator = /Could not find an implementation for (\w+)\((\d+)\)(?: node with name '([^']*)')?/.exec(message);
  if (operator) {
    return new ModelLoadError(
      'unsupported-op',
      `${onnxPath}: operator ${operator[1]} (opset ${operator[2]}${operator[3] ? `, node "${operator[3]}"` : ''}) is not supported by this ONNX Runtime`,
    );
  }
  const unknownOp = /No Op registered for (\w+) with domain_version of (\d+)/.exec(message);
  if (unknownOp) {
    return new ModelLoadError(
      'unsupported-op',
      `${onnxPath}: operator ${unknownOp[1]} (opset ${unknownOp[2]}) is not supported by this ONNX Runtime`,
    );
  }
  if (
    /adapter|WebGPU|webgpu|CUDA|cuda|Vulkan|provider/i.test(message) &&
    !/Protobuf|model|graph/i.test(message.split('\n')[0] ?? '')
  ) {
    return new ModelLoadError('no-device', firstLine(message));
  }
  return new ModelLoadError('bad-onnx', `${onnxPath}: ONNX Runtime cannot load it: ${firstLine(message)}`);
}

/** The sentence of an ONNX Runtime error a person needs, without its source location and checked condition. */
function firstLine(message: string): string {
  const line = (message.split('\n')[0] ?? message).trim();
  const afterCheck = /was false\.\s*(.+)$/.exec(line);
  if (afterCheck) return afterCheck[1]!;
  const afterStatus = /\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*(.+)$/.exec(line);
  if (afterStatus) return afterStatus[1]!;
  return line.replace(/^\S+\.(cc|cpp|h):\d+\s+/, '');
}
