import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { readDefaultOpset, readGraphOutputNames, readOutputShape } from './graph-outputs.js';

const { onnx } = onnxProto;

/** The output the engine adds to a decoder: each row's greedy next token, int64 [batch, 1]. */
export const GREEDY_PICK_OUTPUT = 'groundwork_greedy_tokens';

/** How a vocabulary is cut for the two-stage pick: `chunks` rows of `chunk` logits, after `pad` padding logits. */
export interface Chunking {
  chunk: number;
  chunks: number;
  pad: number;
}

/**
 * Chunks of about √vocab logits: a divisor of the vocabulary when one is near (151,936: 128 chunks of 1,187; 128,256:
 * 334 chunks of 384), else ⌈√vocab⌉-long chunks with the last one padded.
 */
export function chunking(vocab: number): Chunking {
  const root = Math.sqrt(vocab);
  let best = 1;
  for (let divisor = 1; divisor <= root; divisor++) if (vocab % divisor === 0) best = divisor;
  // Both sides of the best divisor pair within 4× of √vocab: no padding.
  if (vocab / best <= 4 * root) return { chunk: vocab / best, chunks: best, pad: 0 };
  const chunk = Math.ceil(root);
  const chunks = Math.ceil(vocab / chunk);
  return { chunk, chunks, pad: chunks * chunk - vocab };
}

/**
 * The nodes and constants that pick each row's greedy token from logits [batch, positions, vocab] (any float type):
 * the first index of the largest logit at the last position, as int64 [batch, 1], exactly as the sampler's argmax.
 *
 * ArgMax is not used: ONNX Runtime's WebGPU ArgMax has one GPU thread scan a row, and over Qwen's 151,936 logits
 * that took ~3 ms a step at batch 1 and ~11 ms at batch 32 on an H100 (decision 0014); nor is any int64 arithmetic,
 * which the WebGPU provider leaves to the CPU (a Cast from int64 went there too), and a node on the CPU makes the
 * Run wait for the device. The vocabulary is cut into ~√vocab chunks instead, and every reduction is over one axis
 * of that (many threads, short scans): the row's maximum (chunk maxima, then their maximum), then, among the
 * logits equal to it, the smallest index (each as a float: exact below 2^24), converted to int64 at the end.
 * `opset` is the default operator set of the graph the nodes go into (ReduceMax takes its axes as an input from 18).
 */
export function greedyPickNodes(options: {
  input: string;
  output: string;
  vocab: number;
  opset: number;
  prefix: string;
}): { node: object[]; initializer: object[] } {
  const { input, output, vocab, opset, prefix } = options;
  const { INT64, FLOAT } = onnx.TensorProto.DataType;
  const { INT, INTS } = onnx.AttributeProto.AttributeType;
  const { chunk, chunks, pad } = chunking(vocab);
  const name = (part: string) => `${prefix}${part}`;
  const initializer: object[] = [];
  const ints = (part: string, values: number[]) => {
    initializer.push({ name: name(part), dims: [values.length], dataType: INT64, int64Data: values });
    return name(part);
  };
  const floats = (part: string, values: number[], dims: number[] = [values.length]) => {
    initializer.push({ name: name(part), dims, dataType: FLOAT, floatData: values });
    return name(part);
  };
  const node: object[] = [];
  /** One node; its `axes` go in as an input from operator set `axes.inputFrom` on, as an attribute before it. */
  const op = (
    opType: string,
    inputs: string[],
    part: string,
    attributes: Record<string, number> = {},
    axes?: { values: number[]; inputFrom: number },
  ) => {
    const out = part === 'result' ? output : name(part);
    const attribute: object[] = Object.entries(attributes).map(([key, i]) => ({ name: key, type: INT, i }));
    if (axes && opset >= axes.inputFrom) inputs.push(ints(`${part}_axes`, axes.values));
    else if (axes) attribute.push({ name: 'axes', type: INTS, ints: axes.values });
    node.push({ opType, name: name(part), input: inputs, output: [out], attribute });
    return out;
  };
  const reduce = (opType: string, x: string, axis: number, part: string, keepdims: number) =>
    op(opType, [x], part, { keepdims }, { values: [axis], inputFrom: 18 });
  const last = op('Slice', [input, ints('starts', [-1]), ints('ends', [2 ** 53 - 1]), ints('axes', [-2])], 'last');
  let scores = op('Cast', [last], 'float', { to: FLOAT });
  // Padding logits are the lowest float: never a row's maximum unless every logit is, and then after every real one.
  if (pad > 0)
    scores = op(
      'Pad',
      [scores, ints('pads', [0, 0, 0, 0, 0, pad]), floats('pad_value', [-3.4028234663852886e38], [])],
      'padded',
    );
  const rows = op('Reshape', [scores, ints('chunked_shape', [0, chunks, chunk])], 'chunked');
  const chunkMax = reduce('ReduceMax', rows, 2, 'chunk_max', 1);
  const rowMax = reduce('ReduceMax', chunkMax, 1, 'row_max', 1);
  // Each logit's own index where it is the row's maximum, the largest float elsewhere; the smallest of them is the
  // first index of the maximum.
  const indices = floats(
    'indices',
    Array.from({ length: chunks * chunk }, (_, index) => index),
    [chunks, chunk],
  );
  const never = floats('never', [3.4028234663852886e38], []);
  const winners = op('Where', [op('Equal', [rows, rowMax], 'is_row_max'), indices, never], 'winners');
  const chunkFirst = reduce('ReduceMin', winners, 2, 'chunk_first', 0);
  const first = reduce('ReduceMin', chunkFirst, 1, 'first', 1);
  op('Cast', [first], 'result', { to: INT64 });
  return { node, initializer };
}

/**
 * A decoder graph with its greedy pick appended (greedyPickNodes over `logits`, into `groundwork_greedy_tokens`,
 * shaped as the next step's input_ids). The tokens are then computed in the decoder's own Run: on WebGPU they stay
 * on the GPU and feed the next step, so a greedy step's Run returns without waiting for the device (decision 0014).
 *
 * The file is not parsed: a serialized protobuf message followed by another of the same type reads as the two
 * merged (repeated fields appended, the graph message merged into the graph), so the patch is the file's bytes with
 * a small ModelProto after them that holds only the added nodes, constants and output. Weights in external data
 * stay where they are (the session is told their folder). `vocab` is used when the graph does not declare the
 * logits' last dimension. Gives the reason instead when the graph has no `logits` output, declares them with other
 * than three dimensions, imports no default operator set of version 11 or later (negative axes) or already has the
 * output. The whole file is read into memory (a graph with its weights inside is at most 2 GB, protobuf's limit).
 */
export function withGreedyPick(
  onnxPath: string,
  vocab: number,
  /** The graph's bytes where they differ from the file's (rewritten at load: split-mlp.ts); its outputs the same. */
  graphBytes?: Uint8Array,
): { bytes: Uint8Array } | { reason: string } {
  const outputs = readGraphOutputNames(onnxPath);
  if (!outputs.includes('logits')) return { reason: 'the graph has no "logits" output' };
  if (outputs.includes(GREEDY_PICK_OUTPUT)) return { reason: `the graph already has a "${GREEDY_PICK_OUTPUT}" output` };
  const opset = readDefaultOpset(onnxPath);
  if (opset === undefined || opset < 11)
    return { reason: `the graph imports operator set ${opset ?? '(none)'}; the pick needs 11 or later` };
  const shape = readOutputShape(onnxPath, 'logits');
  if (shape && shape.length !== 3)
    return { reason: `the graph's logits have ${shape.length} dimensions, not [batch, positions, vocab]` };
  const file = graphBytes ?? readFileSync(onnxPath);
  const patch = greedyPickPatch(shape?.[2] ?? vocab, opset);
  const bytes = new Uint8Array(file.length + patch.length);
  bytes.set(file, 0);
  bytes.set(patch, file.length);
  return { bytes };
}

/** The ModelProto that, read after a decoder's own, adds the greedy pick to its graph (see withGreedyPick). */
export function greedyPickPatch(vocab: number, opset: number): Uint8Array {
  const { INT64 } = onnx.TensorProto.DataType;
  const pick = greedyPickNodes({
    input: 'logits',
    output: GREEDY_PICK_OUTPUT,
    vocab,
    opset,
    prefix: 'groundwork_greedy_pick/',
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      graph: { ...pick, output: [{ name: GREEDY_PICK_OUTPUT, type: { tensorType: { elemType: INT64 } } }] },
    }),
  ).finish();
}
