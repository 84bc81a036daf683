import type { GraphBuilder } from './graph-builder.js';
import type { SynthShape } from './synth-shapes.js';

/**
 * What the plain and fused graphs share: the interface the engine feeds (the names and shapes of Optimum exports),
 * the weights by name (so both graphs of one seed hold the same numbers), rotary tables and the logits head.
 */

/** Token 0 is the end-of-sequence token; its embedding row is zero, so greedy decoding never picks it. */
export const EOS_ID = 0;

export interface DecoderInputs {
  inputIds: string;
  attentionMask: string;
  positionIds: string;
  logitsToKeep: string;
  past: { key: string; value: string }[];
}

export interface LayerWeights {
  inputNorm: string;
  q: string;
  k: string;
  v: string;
  qBias: string | undefined;
  kBias: string | undefined;
  vBias: string | undefined;
  o: string;
  postNorm: string;
  gate: string;
  up: string;
  down: string;
}

export function declareInterface(g: GraphBuilder, shape: SynthShape): DecoderInputs {
  const T = g.floatType;
  const cache = ['batch_size', shape.kvHeads, 'past_sequence_length', shape.headDim];
  const inputs: DecoderInputs = {
    inputIds: g.input('input_ids', 'int64', ['batch_size', 'sequence_length']),
    attentionMask: g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']),
    positionIds: g.input('position_ids', 'int64', ['batch_size', 'sequence_length']),
    logitsToKeep: g.input('num_logits_to_keep', 'int64', []),
    past: [],
  };
  for (let layer = 0; layer < shape.layers; layer++) {
    inputs.past.push({
      key: g.input(`past_key_values.${layer}.key`, T, cache),
      value: g.input(`past_key_values.${layer}.value`, T, cache),
    });
  }
  g.output('logits', T, ['batch_size', 'logits_length', shape.vocab]);
  const present = ['batch_size', shape.kvHeads, 'total_sequence_length', shape.headDim];
  for (let layer = 0; layer < shape.layers; layer++) {
    g.output(`present.${layer}.key`, T, present);
    g.output(`present.${layer}.value`, T, present);
  }
  return inputs;
}

export function embedding(g: GraphBuilder, shape: SynthShape): string {
  return g.weight('model.embed_tokens.weight', [shape.vocab, shape.hidden], { kind: 'random', zeroRows: [EOS_ID] });
}

/** The layer's weights by name; with `projections` false the projection matrices are named, not declared. */
export function layerWeights(g: GraphBuilder, shape: SynthShape, layer: number, projections = true): LayerWeights {
  const prefix = `model.layers.${layer}`;
  const q = shape.heads * shape.headDim;
  const kv = shape.kvHeads * shape.headDim;
  const random = { kind: 'random', std: shape.weightStd } as const;
  const matrix = (name: string, dims: number[]) => (projections ? g.weight(name, dims, random) : name);
  const bias = (name: string, size: number) =>
    shape.qkvBias ? g.weight(`${prefix}.self_attn.${name}.bias`, [size], random) : undefined;
  return {
    inputNorm: g.weight(`${prefix}.input_layernorm.weight`, [shape.hidden], { kind: 'ones' }),
    // MatMul layout [in, out]: the transpose of torch's Linear weight, as exporters store it.
    q: matrix(`${prefix}.self_attn.q_proj.weight`, [shape.hidden, q]),
    k: matrix(`${prefix}.self_attn.k_proj.weight`, [shape.hidden, kv]),
    v: matrix(`${prefix}.self_attn.v_proj.weight`, [shape.hidden, kv]),
    qBias: bias('q_proj', q),
    kBias: bias('k_proj', kv),
    vBias: bias('v_proj', kv),
    o: matrix(`${prefix}.self_attn.o_proj.weight`, [q, shape.hidden]),
    postNorm: g.weight(`${prefix}.post_attention_layernorm.weight`, [shape.hidden], { kind: 'ones' }),
    gate: matrix(`${prefix}.mlp.gate_proj.weight`, [shape.hidden, shape.intermediate]),
    up: matrix(`${prefix}.mlp.up_proj.weight`, [shape.hidden, shape.intermediate]),
    down: matrix(`${prefix}.mlp.down_proj.weight`, [shape.intermediate, shape.hidden]),
  };
}

export function finalNorm(g: GraphBuilder, shape: SynthShape): string {
  return g.weight('model.norm.weight', [shape.hidden], { kind: 'ones' });
}

/** x · W (+ b). */
export function linear(g: GraphBuilder, x: string, weight: string, bias: string | undefined, name: string): string {
  const product = g.op('MatMul', [x, weight], `${name}/MatMul`);
  return bias ? g.op('Add', [product, bias], `${name}/Add`) : product;
}

/** A projection x · W named `name`, where W is [in, out] = `sizes`: a MatMul unless the graph quantizes. */
export type Projection = (x: string, weight: string, name: string, sizes: [number, number]) => string;

/** SiLU-gated MLP: down(silu(gate(x)) · up(x)), its projections MatMuls unless `project` says otherwise. */
export function mlp(
  g: GraphBuilder,
  shape: SynthShape,
  x: string,
  weights: LayerWeights,
  name: string,
  project: Projection = (input, weight, projection) => linear(g, input, weight, undefined, projection),
): string {
  const wide: [number, number] = [shape.hidden, shape.intermediate];
  const gate = project(x, weights.gate, `${name}/gate_proj`, wide);
  const up = project(x, weights.up, `${name}/up_proj`, wide);
  const sigmoid = g.op('Sigmoid', [gate], `${name}/act/Sigmoid`);
  const silu = g.op('Mul', [gate, sigmoid], `${name}/act/Mul`);
  const gated = g.op('Mul', [silu, up], `${name}/Mul`);
  return project(gated, weights.down, `${name}/down_proj`, [shape.intermediate, shape.hidden]);
}

/**
 * cos/sin of position × inverse frequency for every position of the context: [context, headDim/2] as GroupQueryAttention
 * takes them, or [context, headDim] with the halves repeated as the exported rotate-half form gathers them.
 */
export function rotaryTables(shape: SynthShape, full: boolean): { cos: Float64Array; sin: Float64Array } {
  const half = shape.headDim / 2;
  const width = full ? shape.headDim : half;
  const cos = new Float64Array(shape.context * width);
  const sin = new Float64Array(shape.context * width);
  for (let position = 0; position < shape.context; position++) {
    for (let j = 0; j < width; j++) {
      const angle = position * shape.ropeTheta ** (-(2 * (j % half)) / shape.headDim);
      cos[position * width + j] = Math.cos(angle);
      sin[position * width + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The logits of the last `num_logits_to_keep` positions (all of them for 0, as transformers reads it): the prompt
 * of a prefill needs only its last position's, and computing the others would cost a vocabulary-wide MatMul each.
 */
export function logitsHead(g: GraphBuilder, hidden: string, embed: string, inputs: DecoderInputs): void {
  const keep = g.op('Unsqueeze', [inputs.logitsToKeep, g.ints([0])], 'lm_head/keep');
  const start = g.op('Neg', [keep], 'lm_head/start');
  const kept = g.op('Slice', [hidden, start, g.ints([Number.MAX_SAFE_INTEGER]), g.ints([1])], 'lm_head/Slice');
  // The tied embedding, transposed once when the session is created (constant folding).
  const transposed = g.op('Transpose', [embed], 'lm_head/Transpose', { perm: [1, 0] });
  g.node('MatMul', [kept, transposed], 'lm_head/MatMul', {}, { outputNames: ['logits'] });
}
