import {
  type DecoderInputs,
  declareInterface,
  embedding,
  finalNorm,
  layerWeights,
  linear,
  logitsHead,
  mlp,
  rotaryTables,
} from './decoder-parts.js';
import { type GraphBuilder, MICROSOFT } from './graph-builder.js';
import type { SynthShape } from './synth-shapes.js';

/**
 * Forms of the fused graph. The default is onnxruntime-genai's (rotary inside GroupQueryAttention, q, k and v from
 * one projection); the others measure what fewer or cheaper kernels buy (bench/llm/step-probe.ts).
 */
export interface FusedGraphOptions {
  /**
   * 'attention' (default): rotary inside GroupQueryAttention (do_rotary=1) and seqlens_k counted from
   * attention_mask, as onnxruntime-genai builds it: each row's tokens start at the first position of its cache, so
   * the engine pads a batch's shorter rows on the right. 'nodes': RotaryEmbedding nodes from position_ids, every row
   * given the full length and its padding masked through attention_bias, so that rows can be left-padded (see
   * below).
   */
  rotary?: 'nodes' | 'attention';
  /** q, k and v from one MatMul, fed to GroupQueryAttention packed (needs rotary 'attention'; its default there). */
  packedQkv?: boolean;
  /** 'int4': every projection a com.microsoft MatMulNBits over random 4-bit weights (blocks of 32). */
  weights?: 'float' | 'int4';
}

/** The options with their defaults filled in. */
export function fusedForm(options: FusedGraphOptions = {}): Required<FusedGraphOptions> {
  const rotary = options.rotary ?? 'attention';
  return { rotary, packedQkv: options.packedQkv ?? rotary === 'attention', weights: options.weights ?? 'float' };
}

const INT4_BLOCK = 32;

/** x · W (+ b) with W as 4-bit blocks: random packed bytes, one scale a block (weights of about the float std). */
function int4Linear(
  g: GraphBuilder,
  shape: SynthShape,
  x: string,
  weight: string,
  bias: string | undefined,
  name: string,
  [k, n]: [number, number],
): string {
  const blocks = k / INT4_BLOCK;
  const packed = g.weight(`${weight}.int4`, [n, blocks, INT4_BLOCK / 2], { kind: 'bytes' });
  // Codes 0..15 around the default zero point 8 have a standard deviation of about 4.6.
  const scales = g.weight(`${weight}.scales`, [n * blocks], {
    kind: 'values',
    values: new Float32Array(n * blocks).fill(shape.weightStd / 4.6),
  });
  const product = g.node(
    'MatMulNBits',
    [x, packed, scales],
    `${name}/MatMulNBits`,
    { K: k, N: n, bits: 4, block_size: INT4_BLOCK, accuracy_level: 4 },
    { domain: MICROSOFT },
  )[0]!;
  return bias ? g.op('Add', [product, bias], `${name}/Add`) : product;
}

/**
 * The decoder in the fused operators onnxruntime-genai's builder emits: com.microsoft GroupQueryAttention,
 * SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization (the residual add folded into the norm), and
 * either rotary inside the attention with packed q, k and v (genai's form, the default) or RotaryEmbedding nodes.
 * The interface and the weights are the plain graph's.
 *
 * The 'nodes' form departs from onnxruntime-genai twice, so that a left-padded row computes what it computes alone:
 * - seqlens_k is not the count of ones in attention_mask: GroupQueryAttention reads that count as "the row's tokens
 *   sit at the start of the cache" (right padding). Every row is given the full length instead, so the cache layout
 *   is the plain graph's, and the padding positions are masked through attention_bias.
 * - Rotary embeddings are applied by RotaryEmbedding nodes from position_ids, not inside GroupQueryAttention
 *   (do_rotary=1): onnxruntime 1.30's CPU kernel takes a prompt's positions as the first row's first position plus
 *   the offset, the same for every row, which misplaces every row padded differently from the first.
 */
export function buildFusedGraph(g: GraphBuilder, shape: SynthShape, requested: FusedGraphOptions = {}): void {
  const options = fusedForm(requested);
  const rotaryInAttention = options.rotary === 'attention';
  const inputs = declareInterface(g, shape);
  const embed = embedding(g, shape);
  const hidden = g.op('Gather', [embed, inputs.inputIds], 'embed_tokens/Gather');
  const attention = attentionInputs(g, shape, inputs, rotaryInAttention);
  const rotary = (x: string, heads: number) =>
    rotaryInAttention
      ? x
      : g.node(
          'RotaryEmbedding',
          [x, inputs.positionIds, attention.cos, attention.sin],
          `${x}/rotary`,
          { interleaved: 0, num_heads: heads },
          { domain: MICROSOFT },
        )[0]!;
  const project = (x: string, weight: string, bias: string | undefined, name: string, sizes: [number, number]) =>
    options.weights === 'int4' ? int4Linear(g, shape, x, weight, bias, name, sizes) : linear(g, x, weight, bias, name);
  const eps = { float: shape.rmsEps };
  let residual = hidden;
  let normed: string;
  let pending: string | undefined;
  for (let layer = 0; layer < shape.layers; layer++) {
    const weights = layerWeights(g, shape, layer, options.weights !== 'int4');
    const name = `layers.${layer}`;
    if (pending) [normed, residual] = skipNorm(g, pending, residual, weights.inputNorm, eps, `${name}/input_layernorm`);
    else
      normed = g.op('SimplifiedLayerNormalization', [hidden, weights.inputNorm], `${name}/input_layernorm`, {
        axis: -1,
        epsilon: eps,
        stash_type: 1,
      });
    const qSize = shape.heads * shape.headDim;
    const kvSize = shape.kvHeads * shape.headDim;
    let qkv: [string, string, string];
    if (options.packedQkv) {
      // One projection for q, k and v: the three weights concatenated (folded into one at load), one MatMul.
      const packedBias = weights.qBias
        ? g.op('Concat', [weights.qBias, weights.kBias!, weights.vBias!], `${name}/self_attn/qkv_bias`, { axis: 0 })
        : undefined;
      const packedWeight =
        options.weights === 'int4'
          ? weights.q
          : g.op('Concat', [weights.q, weights.k, weights.v], `${name}/self_attn/qkv_weight`, { axis: 1 });
      const packed = project(normed, packedWeight, packedBias, `${name}/self_attn/qkv_proj`, [
        shape.hidden,
        qSize + 2 * kvSize,
      ]);
      qkv = [packed, '', ''];
    } else {
      const q = project(normed, weights.q, weights.qBias, `${name}/self_attn/q_proj`, [shape.hidden, qSize]);
      const k = project(normed, weights.k, weights.kBias, `${name}/self_attn/k_proj`, [shape.hidden, kvSize]);
      qkv = [
        rotary(q, shape.heads),
        rotary(k, shape.kvHeads),
        project(normed, weights.v, weights.vBias, `${name}/self_attn/v_proj`, [shape.hidden, kvSize]),
      ];
    }
    const past = inputs.past[layer]!;
    const [context] = g.node(
      'GroupQueryAttention',
      [
        ...qkv,
        past.key,
        past.value,
        attention.seqlensK,
        attention.totalLength,
        ...(rotaryInAttention ? [attention.cos, attention.sin] : ['', '', '', attention.bias]),
      ],
      `${name}/self_attn/GroupQueryAttention`,
      {
        num_heads: shape.heads,
        kv_num_heads: shape.kvHeads,
        do_rotary: rotaryInAttention ? 1 : 0,
        scale: { float: 1 / Math.sqrt(shape.headDim) },
      },
      {
        domain: MICROSOFT,
        outputNames: [`${name}/self_attn/GroupQueryAttention`, `present.${layer}.key`, `present.${layer}.value`],
      },
    );
    const projected = project(context!, weights.o, undefined, `${name}/self_attn/o_proj`, [qSize, shape.hidden]);
    const [postNormed, postResidual] = skipNorm(
      g,
      projected,
      residual,
      weights.postNorm,
      eps,
      `${name}/post_attention_layernorm`,
    );
    residual = postResidual;
    pending = mlp(g, shape, postNormed, weights, `${name}/mlp`, (x, weight, projection, sizes) =>
      project(x, weight, undefined, projection, sizes),
    );
  }
  const [final] = skipNorm(g, pending!, residual, finalNorm(g, shape), eps, 'norm');
  logitsHead(g, final, embed, inputs);
}

/** (input + skip) normalised and scaled, and the sum itself: the next residual. */
function skipNorm(
  g: GraphBuilder,
  input: string,
  skip: string,
  weight: string,
  eps: { float: number },
  name: string,
): [string, string] {
  const [normed, , , sum] = g.node(
    'SkipSimplifiedLayerNormalization',
    [input, skip, weight],
    name,
    { epsilon: eps },
    { domain: MICROSOFT, outputNames: [name, '', '', `${name}/residual`] },
  );
  return [normed!, sum!];
}

interface AttentionInputs {
  seqlensK: string;
  totalLength: string;
  cos: string;
  sin: string;
  bias: string;
}

/**
 * The inputs every GroupQueryAttention node shares, computed once from attention_mask. With rotary inside the
 * attention, the graph is onnxruntime-genai's: seqlens_k counts each row's tokens, which places them at the start
 * of its cache rows (right padding), and no bias is needed.
 */
function attentionInputs(
  g: GraphBuilder,
  shape: SynthShape,
  inputs: DecoderInputs,
  rotaryInAttention: boolean,
): AttentionInputs {
  const tables = rotaryTables(shape, false);
  const half = shape.headDim / 2;
  const cos = g.weight('rotary_emb.cos_cache', [shape.context, half], { kind: 'values', values: tables.cos });
  const sin = g.weight('rotary_emb.sin_cache', [shape.context, half], { kind: 'values', values: tables.sin });
  if (rotaryInAttention) {
    const counts = g.op('ReduceSum', [inputs.attentionMask, g.ints([1])], 'attn/counts', { keepdims: 0 });
    const lastIndex = g.op('Sub', [counts, g.ints([1], true)], 'attn/last_index');
    const seqlensK = g.op('Cast', [lastIndex], 'attn/seqlens_k', { to: 6 });
    const total = g.op('Shape', [inputs.attentionMask], 'attn/total', { start: 1, end: 2 });
    const totalScalar = g.op('Squeeze', [total, g.ints([0])], 'attn/total_scalar');
    const totalLength = g.op('Cast', [totalScalar], 'attn/total_sequence_length', { to: 6 });
    return { seqlensK, totalLength, cos, sin, bias: '' };
  }
  const maskShape = g.op('Shape', [inputs.attentionMask], 'attn/mask_shape');
  const batch = g.op('Slice', [maskShape, g.ints([0]), g.ints([1]), g.ints([0])], 'attn/batch');
  const total = g.op('Slice', [maskShape, g.ints([1]), g.ints([2]), g.ints([0])], 'attn/total');
  const last = g.op('Sub', [total, g.ints([1])], 'attn/last');
  const lastRows = g.op('Expand', [last, batch], 'attn/last_rows');
  const seqlensK = g.op('Cast', [lastRows], 'attn/seqlens_k', { to: 6 });
  const totalScalar = g.op('Squeeze', [total, g.ints([0])], 'attn/total_scalar');
  const totalLength = g.op('Cast', [totalScalar], 'attn/total_sequence_length', { to: 6 });
  // Padding positions get a large negative bias; -10000 leaves room so that adding scores to it never overflows fp16.
  const kept = g.op('Cast', [inputs.attentionMask], 'attn/kept', { to: 9 });
  const open = g.op('Where', [kept, g.float(0), g.float(-10000)], 'attn/bias_rows');
  const rows = g.op('Unsqueeze', [open, g.ints([1, 2])], 'attn/bias_4d');
  // position_ids, not input_ids: see plain-graph.ts's attentionMask (input_ids may live on the GPU).
  const length = g.op('Shape', [inputs.positionIds], 'attn/length', { start: 1, end: 2 });
  const target = g.op('Concat', [batch, g.ints([1]), length, total], 'attn/bias_shape', { axis: 0 });
  const bias = g.op('Expand', [rows, target], 'attn/bias');
  return { seqlensK, totalLength, cos, sin, bias };
}
