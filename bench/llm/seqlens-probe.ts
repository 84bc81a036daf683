// Does an upload a step cost a greedy decode step anything? GroupQueryAttention reads seqlens_k on the GPU, and a
// graph computes it on the CPU from attention_mask (ReduceSum, Sub, Cast), so every Run uploads it (ONNX Runtime's
// MemcpyFromHost: a staging buffer and a queue submit; the largest single item of a batch-1 step's CPU profile).
// This probe rewrites the decoder so that every GroupQueryAttention reads a new int32 input instead, fed on the CPU
// for the prompt and then chained on the GPU (the graph adds one and the output feeds the next step, as the greedy
// pick's tokens do): no upload a step. It times a raw loop (the decoder's own greedy pick fed back on the GPU, tokens
// read every CHAIN_READ_STEPS steps: the engine's greedy steps) of each form — MLPs split as the engine does on
// WebGPU, or whole; seqlens_k as the graph computes it, or chained — in rounds that alternate the forms, and checks
// that each form and its chained twin give the same tokens. (docs/benchmarks.md, "Where a decode step's time goes";
// docs/decisions/0018-decode-step-limits.md.)
// Usage (on the GPU machine, after bench/llm/synth.ts): node --conditions=source --import tsx
//   bench/llm/seqlens-probe.ts MODEL_DIR [--batches 1,8] [--steps 64] [--rounds 3] [--device webgpu|cpu]
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readGraphOutputNames } from '../../packages/runtime/src/model/onnx/graph-outputs.js';
import { GREEDY_PICK_OUTPUT, withGreedyPick } from '../../packages/runtime/src/model/onnx/greedy-pick.js';
import { CHAIN_READ_STEPS, LogitsOps } from '../../packages/runtime/src/model/onnx/logits-ops.js';
import { withSplitMlps } from '../../packages/runtime/src/model/onnx/split-mlp.js';
import { tensorValueInfo } from '../../packages/runtime/src/model/onnx/value-info.js';
import { configOf, emptyPast, graphFile, int64, stepFeeds } from './probe-folder.js';
import { median } from './stats.js';

const { onnx } = onnxProto;
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const folder = args[0]!;
const batches = option('batches', '1,8').split(',').map(Number);
const steps = Number(option('steps', '64'));
const rounds = Number(option('rounds', '3'));
const device = option('device', 'webgpu') as 'webgpu' | 'cpu';
const config = configOf(folder);
const path = graphFile(folder);
const SEQ_IN = 'groundwork_seqlens_k';
const SEQ_OUT = 'groundwork_next_seqlens_k';

function chainSeqlens(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const gqa = graph.node!.filter((node) => node.opType === 'GroupQueryAttention');
  const names = new Set(gqa.map((node) => node.input![5]));
  if (names.size !== 1) throw new Error(`seqlens_k from ${names.size} values`);
  for (const node of gqa) node.input![5] = SEQ_IN;
  const { INT32 } = onnx.TensorProto.DataType;
  graph.input!.push(onnx.ValueInfoProto.fromObject(tensorValueInfo(SEQ_IN, INT32, ['batch_size'])));
  graph.initializer!.push(
    onnx.TensorProto.fromObject({ name: 'groundwork_seqlens_one', dims: [], dataType: INT32, int32Data: [1] }),
  );
  graph.node!.push(
    onnx.NodeProto.fromObject({
      opType: 'Add',
      name: 'groundwork_seqlens_next',
      input: [SEQ_IN, 'groundwork_seqlens_one'],
      output: [SEQ_OUT],
    }),
  );
  graph.output!.push(onnx.ValueInfoProto.fromObject(tensorValueInfo(SEQ_OUT, INT32, ['batch_size'])));
  return onnx.ModelProto.encode(model).finish();
}

async function open(split: boolean, chain: boolean): Promise<ort.InferenceSession> {
  const splitBytes = split ? withSplitMlps(path) : undefined;
  let graph: Uint8Array = splitBytes && 'bytes' in splitBytes ? splitBytes.bytes : readFileSync(path);
  if (chain) graph = chainSeqlens(graph);
  const patched = withGreedyPick(path, config.vocab_size, graph);
  if (!('bytes' in patched)) throw new Error(patched.reason);
  const outputs = [...readGraphOutputNames(path), GREEDY_PICK_OUTPUT, ...(chain ? [SEQ_OUT] : [])];
  return ort.InferenceSession.create(patched.bytes, {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(device === 'cpu'
      ? {}
      : { preferredOutputLocation: Object.fromEntries(outputs.map((name) => [name, 'gpu-buffer' as const])) }),
    extra: { session: { model_external_initializers_file_folder_path: dirname(path) } },
  });
}

const logits = await LogitsOps.open('float16', device, config.vocab_size);

async function picked(session: ort.InferenceSession, batch: number, chain: boolean) {
  let past = emptyPast(config, batch, true);
  let length = 0;
  let seqlens: ort.Tensor | undefined;
  const stepWith = async (inputIds: ort.Tensor) => {
    const width = inputIds.dims[1]!;
    const feeds = stepFeeds(session, inputIds, length, past);
    if (chain)
      feeds[SEQ_IN] = seqlens ?? new ort.Tensor('int32', new Int32Array(batch).fill(length + width - 1), [batch]);
    const out = await session.run(feeds);
    for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
    if (seqlens?.location === 'gpu-buffer') seqlens.dispose();
    past = {};
    for (const [name, tensor] of Object.entries(out))
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor as ort.Tensor;
    if (chain) seqlens = out[SEQ_OUT] as ort.Tensor;
    (out.logits as ort.Tensor).dispose?.();
    length += width;
    return out[GREEDY_PICK_OUTPUT] as ort.Tensor;
  };
  const prompt = Array.from({ length: batch * 128 }, (_, i) => 1 + ((i * 7919) % (config.vocab_size - 1)));
  let input = await stepWith(int64(prompt, [batch, 128]));
  const tokens: number[][] = [];
  const started = performance.now();
  let pending: ort.Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    input = await stepWith(input);
    pending.push(input);
    if (pending.length === CHAIN_READ_STEPS || i === steps - 1) {
      tokens.push(...(await logits.readTokens(pending)));
      for (const tensor of pending.slice(0, -1)) tensor.dispose();
      pending = [];
    }
  }
  const ms = (performance.now() - started) / steps;
  input.dispose();
  for (const tensor of Object.values(past)) tensor.dispose();
  if (seqlens?.location === 'gpu-buffer') seqlens.dispose();
  return { ms, tokens: JSON.stringify(tokens) };
}

const variants: [string, boolean, boolean][] = [
  ['split', true, false],
  ['split+seqlens', true, true],
  ['whole', false, false],
  ['whole+seqlens', false, true],
];
const sessions = new Map<string, ort.InferenceSession>();
for (const [name, split, chain] of variants) sessions.set(name, await open(split, chain));
for (const batch of batches) {
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const texts = new Map<string, string>();
  for (let round = 0; round <= rounds; round++)
    for (const [name, , chain] of variants) {
      const { ms, tokens } = await picked(sessions.get(name)!, batch, chain);
      if (round > 0) times.get(name)!.push(ms);
      texts.set(name, tokens);
    }
  // Splitting the MLPs changes the order of fp16 additions, so only a form and its chained twin must agree.
  const agree = (a: string, b: string) => (texts.get(a) === texts.get(b) ? 'identical' : 'DIFFER');
  console.log(
    `batch ${batch}: ${variants
      .map(
        ([name]) =>
          `${name} ${median(times.get(name)!).toFixed(2)} ms [${times
            .get(name)!
            .map((t) => t.toFixed(2))
            .join(' ')}]`,
      )
      .join(' | ')}; tokens split ${agree('split', 'split+seqlens')}, whole ${agree('whole', 'whole+seqlens')}`,
  );
}
