// Where a decode step's time goes: a raw ONNX Runtime loop (no engine, no scheduler) over one or more model folders,
// measuring a decode step at given batch sizes four ways — `sync`: each step waits for its greedy tokens (ArgMax on
// the device, one id a row read back), as generation does; `queued`: steps are issued back to back with a fixed
// token and nothing read until the end, which leaves the CPU's cost of issuing a step (the dispatch overhead);
// `chained`: each step's tokens, picked by a second session, fed on the device to the next, read back every 8 steps;
// `picked`: the same with the decoder's own greedy pick (appended at load, as the engine does). On WebGPU the sync
// loop is also timed with other forms of the pick graph. With --profile, ONNX Runtime's own profile of a few batch-1
// steps of the first folder (and of the chained pick graph) is summed by operator type and provider.
// Options vary the WebGPU provider: --validation disabled|wgpuOnly|basic|full; --graph-capture asks for graph
// capture through the session config (onnxruntime-node 1.30's binding has no provider option for it).
// Usage: node --conditions=source --import tsx bench/llm/step-probe.ts [--device webgpu|cpu] [--batches 1,32]
//        [--steps 32] [--prompt 128] [--validation MODE] [--graph-capture] [--profile DIR] [--profile-batch N]
//        [--split-mlp] [--out FILE] MODEL_DIR...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readGraphOutputNames } from '../../packages/runtime/src/model/onnx/graph-outputs.js';
import { GREEDY_PICK_OUTPUT, withGreedyPick } from '../../packages/runtime/src/model/onnx/greedy-pick.js';
import { CHAIN_READ_STEPS, LogitsOps, logitsGraphs } from '../../packages/runtime/src/model/onnx/logits-ops.js';
import { withSplitMlps } from '../../packages/runtime/src/model/onnx/split-mlp.js';
import { tensorValueInfo } from '../../packages/runtime/src/model/onnx/value-info.js';
import { gpuRuns, gpuTime, type ProfileEvent, readProfile } from './gpu-profile.js';
import { configOf, emptyPast, graphFile, int64, readTokensGraph, stepFeeds } from './probe-folder.js';
import { median } from './stats.js';

const args = process.argv.slice(2);
const valued = new Set([
  '--device',
  '--batches',
  '--steps',
  '--prompt',
  '--validation',
  '--profile',
  '--out',
  '--load',
  '--profile-batch',
]);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const folders = args.filter((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
const device = option('device', 'webgpu') as 'webgpu' | 'cpu';
const batches = option('batches', '1,32').split(',').map(Number);
const steps = Number(option('steps', '32'));
const promptLength = Number(option('prompt', '128'));
const validation = args.includes('--validation') ? option('validation', '') : undefined;
const graphCapture = args.includes('--graph-capture');
/** How the decoder is opened: `pick` (default) from memory with the greedy pick appended, `path` from its file as
 * it is (no `picked` mode), `bytes` from memory as it is. */
const load = option('load', 'pick') as 'pick' | 'path' | 'bytes';
const profileDir = args.includes('--profile') ? option('profile', '') : undefined;
/** The batch size of the profiled pass. */
const profileBatch = Number(option('profile-batch', '1'));
const log = (line: string) => process.stderr.write(`${line}\n`);
/** Set for the profiled pass only: profiling slows what it watches. */
let profiling = false;

interface Figures {
  folder: string;
  variant: string;
  batch: number;
  syncMs?: number;
  queuedMs?: number;
  chainedMs?: number | undefined;
  pickedMs?: number | undefined;
  picks?: Record<string, number>;
  error?: string;
}

async function open(folder: string, profilePrefix?: string): Promise<ort.InferenceSession> {
  // The decoder with the engine's greedy pick appended (for the `picked` mode); every output stays on the GPU: their
  // names read from the file, without a session on the CPU first.
  const path = graphFile(folder);
  // --split-mlp: the MLPs split as the engine splits them on WebGPU (split-mlp.ts).
  const split = args.includes('--split-mlp') ? withSplitMlps(path) : undefined;
  const graph = split && 'bytes' in split ? split.bytes : undefined;
  const patched = load === 'path' ? undefined : withGreedyPick(path, configOf(folder).vocab_size, graph);
  if (patched && !('bytes' in patched)) throw new Error(`${path}: ${patched.reason}`);
  // --load bytes: the file's own bytes, without the pick (what loading from memory alone changes).
  const model = !patched ? (graph ?? path) : load === 'bytes' ? (graph ?? readFileSync(path)) : patched.bytes;
  const outputs = [...readGraphOutputNames(path), ...(load === 'pick' ? [GREEDY_PICK_OUTPUT] : [])];
  const provider: ort.InferenceSession.ExecutionProviderConfig =
    device === 'webgpu' && validation ? ({ name: 'webgpu', validationMode: validation } as never) : device;
  return ort.InferenceSession.create(model as Uint8Array, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(device === 'webgpu'
      ? { preferredOutputLocation: Object.fromEntries(outputs.map((name) => [name, 'gpu-buffer' as const])) }
      : {}),
    extra: {
      session: { model_external_initializers_file_folder_path: dirname(path) },
      ...(graphCapture ? { ep: { webgpuexecutionprovider: { enableGraphCapture: '1' } } } : {}),
    },
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  });
}

async function measure(folder: string, session: ort.InferenceSession, batch: number, logits: LogitsOps | undefined) {
  const config = configOf(folder);
  const cacheType = session.inputMetadata.find((input) => input.name.startsWith('past_key_values'));
  const half = cacheType && 'type' in cacheType && cacheType.type === 'float16';
  let past = emptyPast(config, batch, Boolean(half));
  let length = 0;
  const tokensOf = async (out: ort.InferenceSession.ReturnType): Promise<number[]> => {
    const result = out.logits as ort.Tensor;
    if (logits) return logits.argmax(result);
    const data = result.data as Float32Array;
    const vocab = result.dims[2]!;
    return Array.from({ length: batch }, (_, row) => {
      let best = 0;
      for (let i = 1; i < vocab; i++) if (data[row * vocab + i]! > data[row * vocab + best]!) best = i;
      return best;
    });
  };
  const step = (ids: number[]) => stepWith(int64(ids, [batch, ids.length / batch]));
  /** One decoder Run; the step's own greedy pick is freed unless `keepPick`. */
  const stepWith = async (inputIds: ort.Tensor, keepPick = false) => {
    const width = inputIds.dims[1]!;
    const feeds = stepFeeds(session, inputIds, length, past);
    const out = await session.run(feeds);
    if (!keepPick) (out[GREEDY_PICK_OUTPUT] as ort.Tensor | undefined)?.dispose?.();
    for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
    past = {};
    for (const [name, tensor] of Object.entries(out))
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = tensor as ort.Tensor;
    length += width;
    return out;
  };
  const prompt = Array.from({ length: batch * promptLength }, (_, i) => 1 + ((i * 7919) % (config.vocab_size - 1)));
  let tokens = await tokensOf(await step(prompt));
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    const out = await step(tokens);
    tokens = await tokensOf(out);
    (out.logits as ort.Tensor).dispose?.();
    times.push(performance.now() - started);
  }
  // The same waiting loop with other greedy-pick graphs: which of their forms makes the pick wait on the device.
  const picks: Record<string, number> = {};
  if (device === 'webgpu')
    for (const [name, graph] of Object.entries(pickGraphs(config.vocab_size))) {
      const pick = await ort.InferenceSession.create(graph, { executionProviders: ['webgpu'], logSeverityLevel: 3 });
      const pickTimes: number[] = [];
      for (let i = 0; i < Math.min(steps, 12); i++) {
        const started = performance.now();
        const out = await step(tokens);
        const picked = (await pick.run({ logits: out.logits as ort.Tensor })).tokens as ort.Tensor;
        tokens = Array.from(picked.data as BigInt64Array | Int32Array, Number);
        (out.logits as ort.Tensor).dispose?.();
        pickTimes.push(performance.now() - started);
      }
      await pick.release();
      picks[name] = median(pickTimes.slice(2));
    }
  const started = performance.now();
  let last: ort.InferenceSession.ReturnType | undefined;
  for (let i = 0; i < steps; i++) {
    if (last) (last.logits as ort.Tensor).dispose?.();
    last = await step(tokens);
  }
  await tokensOf(last!);
  const queued = (performance.now() - started) / steps;
  // Chained: each step's tokens picked on the device and fed to the next as they are, read back every 8 steps
  // (what an engine could do to keep the device busy while tokens travel back).
  let chainedMs: number | undefined;
  if (logits) {
    const chained = await chainHelpers(config.vocab_size);
    const chainStarted = performance.now();
    let input: ort.Tensor = int64(tokens, [batch, 1]);
    let pending: ort.Tensor[] = [];
    const done: ort.Tensor[] = [];
    for (let i = 0; i < steps; i++) {
      const out = await stepWith(input);
      input = (await chained.argmax.run({ logits: out.logits as ort.Tensor })).tokens as ort.Tensor;
      (out.logits as ort.Tensor).dispose?.();
      pending.push(input);
      if (pending.length === 8 || i === steps - 1) {
        for (const tokens of pending) await chained.read.run({ tokens });
        // The last step's tokens are the next step's input: freed with the rest at the end.
        done.push(...pending);
        pending = [];
      }
    }
    for (const tensor of done) if (tensor.location === 'gpu-buffer') tensor.dispose();
    if (profileDir && profiling) chained.argmax.endProfiling();
    await Promise.all([chained.argmax.release(), chained.read.release()]);
    chainedMs = (performance.now() - chainStarted) / steps;
  }
  // Picked: the decoder's own greedy pick (appended at load, as the engine does) fed to the next step on the device,
  // read back every CHAIN_READ_STEPS steps: one Run a step, what the engine's chained greedy steps do.
  let pickedMs: number | undefined;
  if (logits && session.outputNames.includes(GREEDY_PICK_OUTPUT)) {
    const pickStarted = performance.now();
    let input: ort.Tensor = int64(tokens, [batch, 1]);
    let pending: ort.Tensor[] = [];
    const done: ort.Tensor[] = [];
    for (let i = 0; i < steps; i++) {
      const out = await stepWith(input, true);
      (out.logits as ort.Tensor).dispose?.();
      input = out[GREEDY_PICK_OUTPUT] as ort.Tensor;
      pending.push(input);
      if (pending.length === CHAIN_READ_STEPS || i === steps - 1) {
        await logits.readTokens(pending);
        done.push(...pending);
        pending = [];
      }
    }
    for (const tensor of done) if (tensor.location === 'gpu-buffer') tensor.dispose();
    pickedMs = (performance.now() - pickStarted) / steps;
  }
  for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return { syncMs: median(times.slice(2)), queuedMs: queued, chainedMs, pickedMs, picks };
}

/**
 * Greedy-pick graphs over [batch, positions, vocab] fp16 logits, each giving `tokens` on the CPU: the engine's
 * (the chunked pick of greedy-pick.ts), and one ArgMax over the whole vocabulary — after a Cast to float (as the
 * engine picked until decision 0014), with an int32 result, straight on fp16.
 */
function pickGraphs(vocab: number): Record<string, Uint8Array> {
  const { onnx } = onnxProto;
  const { INT64, FLOAT16, INT32 } = onnx.TensorProto.DataType;
  const { INT } = onnx.AttributeProto.AttributeType;
  const attr = (name: string, i: number) => ({ name, type: INT, i });
  const argmax = (input: string, output: string) => ({
    opType: 'ArgMax',
    input: [input],
    output: [output],
    attribute: [attr('axis', 2), attr('keepdims', 0)],
  });
  const cast = (input: string, output: string, to: number) => ({
    opType: 'Cast',
    input: [input],
    output: [output],
    attribute: [attr('to', to)],
  });
  const model = (nodes: object[], outType: number) =>
    onnx.ModelProto.encode(
      onnx.ModelProto.fromObject({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'pick',
          input: [tensorValueInfo('logits', FLOAT16, ['batch', 'positions', 'vocab'])],
          output: [tensorValueInfo('tokens', outType, ['batch', 'one'])],
          node: nodes,
        },
      }),
    ).finish();
  return {
    engine: logitsGraphs('float16', vocab).argmax.bytes,
    'no-slice': model([cast('logits', 'f', 1), argmax('f', 'tokens')], INT64),
    'no-slice-int32': model([cast('logits', 'f', 1), argmax('f', 'i'), cast('i', 'tokens', INT32)], INT32),
    'fp16-argmax': model([argmax('logits', 'tokens')], INT64),
  };
}

/**
 * For the chained mode: the engine's greedy ArgMax graph with its tokens left on the GPU, and an Identity graph that
 * brings a [rows, 1] int64 tensor back to the CPU.
 */
async function chainHelpers(vocab: number): Promise<{ argmax: ort.InferenceSession; read: ort.InferenceSession }> {
  const options = { executionProviders: [device], logSeverityLevel: 3 as const };
  return {
    argmax: await ort.InferenceSession.create(logitsGraphs('float16', vocab).argmax.bytes, {
      ...options,
      preferredOutputLocation: { tokens: 'gpu-buffer' },
      // Where the ArgMax graph's nodes run (a node on the CPU would bring the logits back every step).
      ...(profileDir && profiling ? { enableProfiling: true, profileFilePrefix: join(profileDir, 'argmax') } : {}),
    }),
    read: await ort.InferenceSession.create(readTokensGraph(), options),
  };
}

const variant = [
  validation ? `validation=${validation}` : 'default',
  graphCapture ? 'graph-capture' : '',
  load === 'pick' ? '' : `load=${load}`,
]
  .filter(Boolean)
  .join(',');
const results: Figures[] = [];
const logits =
  device === 'webgpu' && folders[0]
    ? await LogitsOps.open('float16', 'webgpu', configOf(folders[0]).vocab_size)
    : undefined;
for (const folder of folders) {
  let session: ort.InferenceSession;
  try {
    session = await open(folder);
  } catch (error) {
    results.push({ folder, variant, batch: 0, error: String(error) });
    log(`${folder}: ${String(error)}`);
    continue;
  }
  for (const batch of batches) {
    try {
      const figures = await measure(folder, session, batch, logits);
      results.push({ folder, variant, batch, ...figures });
      log(
        `${folder} ${variant} batch ${batch}: ${figures.syncMs.toFixed(2)} ms/step waiting for tokens, ${figures.queuedMs.toFixed(2)} ms/step queued, ${figures.chainedMs?.toFixed(2)} ms/step chained, ${figures.pickedMs?.toFixed(2)} ms/step picked in the decoder; picks ${JSON.stringify(figures.picks)}`,
      );
    } catch (error) {
      results.push({ folder, variant, batch, error: String(error) });
      log(`${folder} ${variant} batch ${batch}: ${String(error)}`);
    }
  }
  await session.release();
}

if (profileDir && folders[0]) {
  mkdirSync(profileDir, { recursive: true });
  profiling = true;
  const session = await open(folders[0], join(profileDir, 'probe'));
  await measure(folders[0], session, profileBatch, logits);
  session.endProfiling();
  await session.release();
  for (const prefix of ['probe', 'argmax']) summarize(prefix);
}
await logits?.release();
if (args.includes('--out')) writeFileSync(option('out', ''), `${JSON.stringify(results, null, 2)}\n`);

function summarize(prefix: string): void {
  if (!profileDir) return;
  const events = readProfile(profileDir, prefix);
  if (!events) return;
  const byOp = new Map<string, { count: number; us: number }>();
  const runs = events.filter((event) => event.cat === 'Session' && event.name === 'model_run');
  for (const event of events) {
    if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
    const op = `${event.args?.op_name ?? '?'} on ${(event.args?.provider ?? '?').replace('ExecutionProvider', '')}`;
    const entry = byOp.get(op) ?? { count: 0, us: 0 };
    entry.count++;
    entry.us += event.dur;
    byOp.set(op, entry);
  }
  const perRun = (value: number) => value / Math.max(1, runs.length);
  const table = [...byOp]
    .sort((a, b) => b[1].us - a[1].us)
    .map(([op, { count, us }]) => ({
      op,
      kernelsPerRun: perRun(count),
      msPerRun: perRun(us) / 1000,
    }));
  log(`profile of ${prefix}: ${runs.length} runs, model_run median ${median(runs.map((run) => run.dur)) / 1000} ms`);
  for (const row of table)
    log(`  ${row.op}: ${row.kernelsPerRun.toFixed(1)} kernels, ${row.msPerRun.toFixed(3)} ms a run`);
  results.push({ folder: prefix, variant: 'profile', batch: profileBatch, error: JSON.stringify(table) });
  summarizeGpu(prefix, events);
}

/**
 * The WebGPU provider's own GPU timings (timestamp queries; `Api` events named node&op&program, microseconds), cut
 * into Runs where the first kernel of the profile (the embedding's) comes again: the median Run's GPU time, and per
 * operator the median over Runs (a prefill among the decode steps is an outlier the medians leave out).
 */
function summarizeGpu(prefix: string, events: readonly ProfileEvent[]): void {
  const runs = gpuRuns(events);
  if (runs.length === 0) {
    log(`profile of ${prefix}: no GPU timings (the device has no timestamp queries)`);
    return;
  }
  const kernels = runs.flat();
  const ops = new Set(kernels.map((kernel) => kernel.name.split('&')[1] ?? '?'));
  const table = [...ops]
    .map((op) => {
      const perRun = runs.map((run) => run.filter((kernel) => kernel.name.split('&')[1] === op));
      return {
        op,
        kernelsPerRun: median(perRun.map((list) => list.length)),
        gpuMsPerRun: median(perRun.map(gpuTime)) / 1000,
      };
    })
    .sort((a, b) => b.gpuMsPerRun - a.gpuMsPerRun);
  const totals = runs.map(gpuTime);
  const spans = runs.map((run) => (run[run.length - 1]!.ts ?? 0) + run[run.length - 1]!.dur - (run[0]!.ts ?? 0));
  log(
    `GPU profile of ${prefix}, batch ${profileBatch}: ${runs.length} runs, GPU busy median ${median(totals) / 1000} ms, first to last kernel median ${median(spans) / 1000} ms`,
  );
  for (const row of table) log(`  ${row.op}: ${row.kernelsPerRun} kernels, ${row.gpuMsPerRun.toFixed(3)} GPU ms a run`);
  results.push({ folder: `${prefix} gpu`, variant: 'profile', batch: profileBatch, error: JSON.stringify(table) });
}
