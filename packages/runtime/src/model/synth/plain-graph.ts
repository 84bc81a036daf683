import {
  type DecoderInputs,
  declareInterface,
  embedding,
  finalNorm,
  type LayerWeights,
  layerWeights,
  linear,
  logitsHead,
  mlp,
  rotaryTables,
} from './decoder-parts.js';
import type { GraphBuilder } from './graph-builder.js';
import type { SynthShape } from './synth-shapes.js';

/**
 * The decoder in the operators torch.onnx exports (what Optimum and transformers.js ship): RMSNorm from
 * Pow/ReduceMean/Add/Sqrt/Div/Mul (statistics in fp32, as transformers computes them), rotary embeddings from
 * cos/sin tables gathered by position_ids, the KV cache grown by Concat, grouped-query attention by repeating the
 * KV heads, MatMul/Softmax attention under a causal and padding mask.
 */
export function buildPlainGraph(g: GraphBuilder, shape: SynthShape): void {
  const inputs = declareInterface(g, shape);
  const embed = embedding(g, shape);
  let hidden = g.op('Gather', [embed, inputs.inputIds], 'embed_tokens/Gather');
  const rotary = rotaryInputs(g, shape, inputs);
  const allowed = attentionMask(g, inputs);
  for (let layer = 0; layer < shape.layers; layer++) {
    const weights = layerWeights(g, shape, layer);
    const name = `layers.${layer}`;
    const normed = rmsNorm(g, shape, hidden, weights.inputNorm, `${name}/input_layernorm`);
    const attention = selfAttention(g, shape, normed, weights, layer, inputs, rotary, allowed);
    hidden = g.op('Add', [hidden, attention], `${name}/attn_residual`);
    const normedAgain = rmsNorm(g, shape, hidden, weights.postNorm, `${name}/post_attention_layernorm`);
    hidden = g.op('Add', [hidden, mlp(g, shape, normedAgain, weights, `${name}/mlp`)], `${name}/mlp_residual`);
  }
  logitsHead(g, rmsNorm(g, shape, hidden, finalNorm(g, shape), 'norm'), embed, inputs);
}

function rmsNorm(g: GraphBuilder, shape: SynthShape, x: string, weight: string, name: string): string {
  const fp16 = g.floatType === 'float16';
  const input = fp16 ? g.op('Cast', [x], `${name}/Cast`, { to: 1 }) : x;
  const squared = g.op('Pow', [input, g.float(2, 'float')], `${name}/Pow`);
  const variance = g.op('ReduceMean', [squared], `${name}/ReduceMean`, { axes: [-1], keepdims: 1 });
  const shifted = g.op('Add', [variance, g.float(shape.rmsEps, 'float')], `${name}/Add`);
  const root = g.op('Sqrt', [shifted], `${name}/Sqrt`);
  const normalised = g.op('Div', [input, root], `${name}/Div`);
  const back = fp16 ? g.op('Cast', [normalised], `${name}/Cast_back`, { to: 10 }) : normalised;
  return g.op('Mul', [weight, back], `${name}/Mul`);
}

interface Rotary {
  cos: string;
  sin: string;
}

/** cos/sin rows of each token's position: [batch, 1, sequence, headDim], shared by every layer. */
function rotaryInputs(g: GraphBuilder, shape: SynthShape, inputs: DecoderInputs): Rotary {
  const tables = rotaryTables(shape, true);
  const gather = (table: Float64Array, which: string) => {
    const weight = g.weight(`rotary_emb.${which}_cached`, [shape.context, shape.headDim], {
      kind: 'values',
      values: table,
    });
    const rows = g.op('Gather', [weight, inputs.positionIds], `rotary_emb/${which}/Gather`);
    return g.op('Unsqueeze', [rows, g.ints([1])], `rotary_emb/${which}/Unsqueeze`);
  };
  return { cos: gather(tables.cos, 'cos'), sin: gather(tables.sin, 'sin') };
}

/** Which keys each query may see: causal over the whole cache, and never a padding position. [batch, 1, seq, total]. */
function attentionMask(g: GraphBuilder, inputs: DecoderInputs): string {
  const total = g.op('Shape', [inputs.attentionMask], 'mask/total', { start: 1, end: 2 });
  // The new tokens' count from position_ids, not input_ids: chained greedy steps feed input_ids from the GPU, and a
  // shape computed on the CPU from them would copy them back, waiting for the device (decision 0014).
  const length = g.op('Shape', [inputs.positionIds], 'mask/length', { start: 1, end: 2 });
  const past = g.op('Sub', [total, length], 'mask/past');
  const scalar = (x: string, name: string) => g.op('Squeeze', [x, g.ints([0])], name);
  const one = g.ints([1], true);
  const keys = g.op('Range', [g.ints([0], true), scalar(total, 'mask/total_scalar'), one], 'mask/keys');
  const queries = g.op(
    'Range',
    [scalar(past, 'mask/past_scalar'), scalar(total, 'mask/total_scalar'), one],
    'mask/queries',
  );
  const causal = g.op(
    'LessOrEqual',
    [
      g.op('Unsqueeze', [keys, g.ints([0])], 'mask/keys_row'),
      g.op('Unsqueeze', [queries, g.ints([1])], 'mask/queries_column'),
    ],
    'mask/causal',
  );
  const kept = g.op('Cast', [inputs.attentionMask], 'mask/kept', { to: 9 });
  const keptKeys = g.op('Unsqueeze', [kept, g.ints([1, 2])], 'mask/kept_keys');
  return g.op('And', [causal, keptKeys], 'mask/allowed');
}

function selfAttention(
  g: GraphBuilder,
  shape: SynthShape,
  x: string,
  weights: LayerWeights,
  layer: number,
  inputs: DecoderInputs,
  rotary: Rotary,
  allowed: string,
): string {
  const name = `layers.${layer}/self_attn`;
  const heads = (projected: string, count: number, which: string) => {
    const split = g.op('Reshape', [projected, g.ints([0, 0, count, shape.headDim])], `${name}/${which}/Reshape`);
    return g.op('Transpose', [split], `${name}/${which}/Transpose`, { perm: [0, 2, 1, 3] });
  };
  const q = heads(linear(g, x, weights.q, weights.qBias, `${name}/q_proj`), shape.heads, 'q');
  const k = heads(linear(g, x, weights.k, weights.kBias, `${name}/k_proj`), shape.kvHeads, 'k');
  const v = heads(linear(g, x, weights.v, weights.vBias, `${name}/v_proj`), shape.kvHeads, 'v');
  const qRotated = rotate(g, shape, q, rotary, `${name}/q_rotary`);
  const kRotated = rotate(g, shape, k, rotary, `${name}/k_rotary`);
  const past = inputs.past[layer]!;
  const [keys] = g.node(
    'Concat',
    [past.key, kRotated],
    `${name}/key_cache`,
    { axis: 2 },
    { outputNames: [`present.${layer}.key`] },
  );
  const [values] = g.node(
    'Concat',
    [past.value, v],
    `${name}/value_cache`,
    { axis: 2 },
    { outputNames: [`present.${layer}.value`] },
  );
  const allKeys = repeatKv(g, shape, keys!, `${name}/repeat_k`);
  const allValues = repeatKv(g, shape, values!, `${name}/repeat_v`);
  const keysT = g.op('Transpose', [allKeys], `${name}/k/TransposeT`, { perm: [0, 1, 3, 2] });
  const scores = g.op('MatMul', [qRotated, keysT], `${name}/scores`);
  const scaled = g.op('Mul', [scores, g.float(1 / Math.sqrt(shape.headDim))], `${name}/scale`);
  const masked = g.op(
    'Where',
    [allowed, scaled, g.float(g.floatType === 'float16' ? -65504 : -3.4028234663852886e38)],
    `${name}/mask`,
  );
  const probabilities = g.op('Softmax', [masked], `${name}/Softmax`, { axis: -1 });
  const context = g.op('MatMul', [probabilities, allValues], `${name}/context`);
  const merged = g.op('Transpose', [context], `${name}/context/Transpose`, { perm: [0, 2, 1, 3] });
  const flat = g.op('Reshape', [merged, g.ints([0, 0, shape.heads * shape.headDim])], `${name}/context/Reshape`);
  return g.op('MatMul', [flat, weights.o], `${name}/o_proj/MatMul`);
}

/** x·cos + rotate_half(x)·sin, rotate_half(x) = [-x2, x1]. */
function rotate(g: GraphBuilder, shape: SynthShape, x: string, rotary: Rotary, name: string): string {
  const half = shape.headDim / 2;
  const [first, second] = g.node('Split', [x, g.ints([half, half])], `${name}/Split`, { axis: -1 }, { outputs: 2 });
  const negated = g.op('Neg', [second!], `${name}/Neg`);
  const rotated = g.op('Concat', [negated, first!], `${name}/Concat`, { axis: -1 });
  const cos = g.op('Mul', [x, rotary.cos], `${name}/Mul_cos`);
  const sin = g.op('Mul', [rotated, rotary.sin], `${name}/Mul_sin`);
  return g.op('Add', [cos, sin], `${name}/Add`);
}

/** [batch, kvHeads, total, dim] → [batch, heads, total, dim], each KV head repeated for its group of query heads. */
function repeatKv(g: GraphBuilder, shape: SynthShape, x: string, name: string): string {
  const groups = shape.heads / shape.kvHeads;
  if (groups === 1) return x;
  const expanded = g.op('Unsqueeze', [x, g.ints([2])], `${name}/Unsqueeze`);
  const size = g.op('Shape', [x], `${name}/Shape`);
  const lead = g.op('Slice', [size, g.ints([0]), g.ints([2]), g.ints([0])], `${name}/lead`);
  const tail = g.op('Slice', [size, g.ints([2]), g.ints([4]), g.ints([0])], `${name}/tail`);
  const target = g.op('Concat', [lead, g.ints([groups]), tail], `${name}/target`, { axis: 0 });
  const repeated = g.op('Expand', [expanded, target], `${name}/Expand`);
  return g.op('Reshape', [repeated, g.ints([0, shape.heads, -1, shape.headDim])], `${name}/Reshape`);
}
