// Does a fixed-capacity KV cache shared by past and present pay, and can onnxruntime-node 1.30 give one to
// GroupQueryAttention? A raw ONNX Runtime loop (no engine) over fused model folders whose attention takes rotary and
// seqlens_k itself (bench/llm/synth.ts FORMs rotary-in-attention, packed-qkv, int4), two ways, each step fed the
// previous step's greedy pick on the GPU (the pick appended at load, as the engine does) and tokens read back every
// 8 steps:
// - `growing`: the engine's cache today: every output on the GPU through IO binding, present = past + one position,
//   a new buffer every step;
// - `static`: one buffer a layer and part of `capacity` positions, fed as past_key_values.* and given back as the
//   preallocated present.* output of the same Run (no IO binding: the binding ignores preallocated outputs there),
//   which GroupQueryAttention takes for "past and present share a buffer" (it writes the new position in place; on
//   WebGPU with packed q, k, v this is also the form it fuses into one flash-attention pass).
// Both loops start from the same prompt; the tokens they pick are compared (identical greedy tokens, or the share of
// rows and steps that agree). Usage (on the GPU machine, carry .device,
// `source bench/llm/device-env.sh` first):
//   node --conditions=source --import tsx bench/llm/static-cache-probe.ts [--batches 1,8,32,64] [--steps 64]
//        [--prompt 128] [--capacity 1024] [--out FILE] MODEL_DIR...
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readGraphOutputNames } from '../../packages/runtime/src/model/onnx/graph-outputs.js';
import { GREEDY_PICK_OUTPUT, withGreedyPick } from '../../packages/runtime/src/model/onnx/greedy-pick.js';
import { tensorValueInfo } from '../../packages/runtime/src/model/onnx/value-info.js';
import {
  type Config,
  configOf,
  emptyPast,
  graphFile,
  headDimOf,
  int64,
  readTokensGraph,
  stepFeeds,
} from './probe-folder.js';

const args = process.argv.slice(2);
const valued = new Set(['--device', '--batches', '--steps', '--prompt', '--capacity', '--out']);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const folders = args.filter((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
const batches = option('batches', '1,8,32,64').split(',').map(Number);
const steps = Number(option('steps', '64'));
const promptLength = Number(option('prompt', '128'));
const capacity = Number(option('capacity', '1024'));
const device = option('device', 'webgpu') as 'webgpu' | 'cpu';
const READ_EVERY = 8;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The decoder with the greedy pick appended; `gpuOutputs`: every output stays on the GPU through IO binding. */
async function openDecoder(folder: string, gpuOutputs: boolean): Promise<ort.InferenceSession> {
  const path = graphFile(folder);
  const patched = withGreedyPick(path, configOf(folder).vocab_size);
  if (!('bytes' in patched)) throw new Error(`${path}: ${patched.reason}`);
  const outputs = [...readGraphOutputNames(path), GREEDY_PICK_OUTPUT];
  return ort.InferenceSession.create(patched.bytes, {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(gpuOutputs && device === 'webgpu'
      ? { preferredOutputLocation: Object.fromEntries(outputs.map((name) => [name, 'gpu-buffer' as const])) }
      : {}),
    extra: { session: { model_external_initializers_file_folder_path: dirname(path) } },
  });
}

/** Small graphs: zero-filled GPU tensors of a given shape (fp16, int64), and a [rows, 1] int64 read back to the CPU. */
async function helpers() {
  const { onnx } = onnxProto;
  const { INT64, FLOAT16 } = onnx.TensorProto.DataType;
  const graph = (name: string, input: object[], output: object[], node: object[]) =>
    onnx.ModelProto.encode(
      onnx.ModelProto.fromObject({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        graph: { name, input, output, node },
      }),
    ).finish();
  const zeros = (elemType: number, bytes: number) =>
    graph(
      'zeros',
      [tensorValueInfo('shape', INT64, ['rank'])],
      // The output's rank is the shape's length: no shape declared.
      [{ name: 'zeros', type: { tensorType: { elemType } } }],
      [
        {
          opType: 'ConstantOfShape',
          input: ['shape'],
          output: ['zeros'],
          attribute: [
            {
              name: 'value',
              type: onnx.AttributeProto.AttributeType.TENSOR,
              t: { dims: [1], dataType: elemType, rawData: new Uint8Array(bytes) },
            },
          ],
        },
      ],
    );
  const onGpu = { preferredOutputLocation: { zeros: 'gpu-buffer' as const } };
  const options = { executionProviders: [device], logSeverityLevel: 3 as const };
  const half = await ort.InferenceSession.create(zeros(FLOAT16, 2), { ...options, ...onGpu });
  const long = await ort.InferenceSession.create(zeros(INT64, 8), { ...options, ...onGpu });
  const read = await ort.InferenceSession.create(readTokensGraph(), options);
  const shape = (dims: number[]) => ({ shape: int64(dims, [dims.length]) });
  const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  return {
    // On the CPU provider, plain arrays (the check of the loops' logic on a machine without a GPU).
    half: async (dims: number[]) =>
      device === 'cpu'
        ? new ort.Tensor('float16', new Uint16Array(size(dims)), dims)
        : ((await half.run(shape(dims))).zeros as ort.Tensor),
    long: async (dims: number[]) =>
      device === 'cpu'
        ? new ort.Tensor('int64', new BigInt64Array(size(dims)), dims)
        : ((await long.run(shape(dims))).zeros as ort.Tensor),
    read: async (tokens: ort.Tensor) =>
      Array.from(((await read.run({ tokens })).read as ort.Tensor).data as BigInt64Array, Number),
    release: () => Promise.all([half, long, read].map((session) => session.release())),
  };
}

type Helpers = Awaited<ReturnType<typeof helpers>>;

interface Run {
  msPerStep: number;
  tokens: number[][];
}

function cacheNames(config: Config): string[] {
  return Array.from({ length: config.num_hidden_layers }, (_, layer) => [`${layer}.key`, `${layer}.value`]).flat();
}

const prompt = (batch: number, vocab: number) =>
  Array.from({ length: batch * promptLength }, (_, i) => 1 + ((i * 7919) % (vocab - 1)));

/**
 * The prompt, then `steps` timed steps each fed the previous step's pick where it lies, the picks read back every
 * READ_EVERY steps. Gives the picks too, for the caller to free.
 */
async function timedLoop(
  step: (inputIds: ort.Tensor) => Promise<ort.Tensor>,
  config: Config,
  batch: number,
  h: Helpers,
): Promise<Run & { held: ort.Tensor[] }> {
  let input = await step(int64(prompt(batch, config.vocab_size), [batch, promptLength]));
  const tokens: number[][] = [await h.read(input)];
  const held: ort.Tensor[] = [input];
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    input = await step(input);
    held.push(input);
    if ((i + 1) % READ_EVERY === 0 || i === steps - 1) {
      for (const tensor of held.slice(-((i % READ_EVERY) + 1))) tokens.push(await h.read(tensor));
    }
  }
  return { msPerStep: (performance.now() - started) / steps, tokens, held };
}

/** The engine's cache today: present = past + the new position, new buffers every step (IO binding). */
async function growing(session: ort.InferenceSession, config: Config, batch: number, h: Helpers): Promise<Run> {
  let past = emptyPast(config, batch, true);
  let length = 0;
  const step = async (inputIds: ort.Tensor) => {
    const width = inputIds.dims[1]!;
    const out = await session.run(stepFeeds(session, inputIds, length, past));
    for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
    past = {};
    for (const [name, tensor] of Object.entries(out))
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor as ort.Tensor;
    (out.logits as ort.Tensor).dispose();
    length += width;
    return out[GREEDY_PICK_OUTPUT] as ort.Tensor;
  };
  const { msPerStep, tokens, held } = await timedLoop(step, config, batch, h);
  for (const tensor of [...held, ...Object.values(past)]) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return { msPerStep, tokens };
}

/**
 * One buffer a layer and part of `capacity` positions, fed as past and given back as the preallocated present of
 * the same Run; the greedy pick goes to preallocated buffers too (one a step, so that each can be read later).
 */
async function fixed(session: ort.InferenceSession, config: Config, batch: number, h: Helpers): Promise<Run> {
  const headDim = headDimOf(config);
  const caches: Record<string, ort.Tensor> = {};
  for (const name of cacheNames(config))
    caches[name] = await h.half([batch, config.num_key_value_heads, capacity, headDim]);
  const feeds = Object.fromEntries(Object.entries(caches).map(([name, tensor]) => [`past_key_values.${name}`, tensor]));
  const fetches = Object.fromEntries(Object.entries(caches).map(([name, tensor]) => [`present.${name}`, tensor]));
  // Every step's pick has its own buffer, made before the timed loop.
  const picks: ort.Tensor[] = [];
  for (let i = 0; i <= steps; i++) picks.push(await h.long([batch, 1]));
  let length = 0;
  const step = async (inputIds: ort.Tensor) => {
    const width = inputIds.dims[1]!;
    const pick = picks.shift()!;
    await session.run(stepFeeds(session, inputIds, length, feeds), { ...fetches, [GREEDY_PICK_OUTPUT]: pick });
    length += width;
    return pick;
  };
  const { msPerStep, tokens, held } = await timedLoop(step, config, batch, h);
  for (const tensor of [...held, ...Object.values(caches)]) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return { msPerStep, tokens };
}

function agreement(a: number[][], b: number[][]): number {
  let same = 0;
  let all = 0;
  for (let step = 0; step < Math.min(a.length, b.length); step++)
    for (let row = 0; row < a[step]!.length; row++) {
      all++;
      if (a[step]![row] === b[step]![row]) same++;
    }
  return all === 0 ? 0 : same / all;
}

const results: object[] = [];
const h = await helpers();
for (const folder of folders) {
  const config = configOf(folder);
  const variant = folder.split('/').filter(Boolean).at(-1)!;
  const withBinding = await openDecoder(folder, true);
  const plain = await openDecoder(folder, false);
  for (const batch of batches) {
    const row: Record<string, unknown> = { variant, batch };
    try {
      // Warm both (shader compilation, buffer caches), then measure.
      await growing(withBinding, config, batch, h);
      await fixed(plain, config, batch, h);
      const a = await growing(withBinding, config, batch, h);
      const b = await fixed(plain, config, batch, h);
      Object.assign(row, {
        growingMs: a.msPerStep,
        staticMs: b.msPerStep,
        agree: agreement(a.tokens, b.tokens),
        identical: JSON.stringify(a.tokens) === JSON.stringify(b.tokens),
        firstTokens: [a.tokens[1]?.slice(0, 4), b.tokens[1]?.slice(0, 4)],
      });
    } catch (error) {
      row.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    log(JSON.stringify(row));
    results.push(row);
  }
  await Promise.all([withBinding.release(), plain.release()]);
}
await h.release();
const out = option('out', '');
if (out) writeFileSync(out, JSON.stringify({ steps, promptLength, capacity, results }, null, 2));
