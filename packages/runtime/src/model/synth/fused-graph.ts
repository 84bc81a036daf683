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
 * The decoder in the fused operators onnxruntime-genai's builder emits: com.microsoft GroupQueryAttention,
 * RotaryEmbedding and SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization (the residual add folded into
 * the norm). The interface and the weights are the plain graph's.
 *
 * Two departures from onnxruntime-genai, both so that a left-padded row (the engine pads on the left) computes what
 * it computes alone:
 * - seqlens_k is not the count of ones in attention_mask: GroupQueryAttention reads that count as "the row's tokens
 *   sit at the start of the cache" (right padding). Every row is given the full length instead, so the cache layout
 *   is the plain graph's, and the padding positions are masked through attention_bias.
 * - Rotary embeddings are applied by RotaryEmbedding nodes from position_ids, not inside GroupQueryAttention
 *   (do_rotary=1): onnxruntime 1.30's CPU kernel takes a prompt's positions as the first row's first position plus
 *   the offset, the same for every row, which misplaces every row padded differently from the first.
 */
export function buildFusedGraph(g: GraphBuilder, shape: SynthShape): void {
  const inputs = declareInterface(g, shape);
  const embed = embedding(g, shape);
  const hidden = g.op('Gather', [embed, inputs.inputIds], 'embed_tokens/Gather');
  const attention = attentionInputs(g, shape, inputs);
  const rotary = (x: string, heads: number) =>
    g.node(
      'RotaryEmbedding',
      [x, inputs.positionIds, attention.cos, attention.sin],
      `${x}/rotary`,
      { interleaved: 0, num_heads: heads },
      { domain: MICROSOFT },
    )[0]!;
  const eps = { float: shape.rmsEps };
  let residual = hidden;
  let normed: string;
  let pending: string | undefined;
  for (let layer = 0; layer < shape.layers; layer++) {
    const weights = layerWeights(g, shape, layer);
    const name = `layers.${layer}`;
    if (pending) [normed, residual] = skipNorm(g, pending, residual, weights.inputNorm, eps, `${name}/input_layernorm`);
    else
      normed = g.op('SimplifiedLayerNormalization', [hidden, weights.inputNorm], `${name}/input_layernorm`, {
        axis: -1,
        epsilon: eps,
        stash_type: 1,
      });
    const q = rotary(linear(g, normed, weights.q, weights.qBias, `${name}/self_attn/q_proj`), shape.heads);
    const k = rotary(linear(g, normed, weights.k, weights.kBias, `${name}/self_attn/k_proj`), shape.kvHeads);
    const v = linear(g, normed, weights.v, weights.vBias, `${name}/self_attn/v_proj`);
    const past = inputs.past[layer]!;
    const [context] = g.node(
      'GroupQueryAttention',
      [q, k, v, past.key, past.value, attention.seqlensK, attention.totalLength, '', '', '', attention.bias],
      `${name}/self_attn/GroupQueryAttention`,
      {
        num_heads: shape.heads,
        kv_num_heads: shape.kvHeads,
        do_rotary: 0,
        scale: { float: 1 / Math.sqrt(shape.headDim) },
      },
      {
        domain: MICROSOFT,
        outputNames: [`${name}/self_attn/GroupQueryAttention`, `present.${layer}.key`, `present.${layer}.value`],
      },
    );
    const projected = g.op('MatMul', [context!, weights.o], `${name}/self_attn/o_proj/MatMul`);
    const [postNormed, postResidual] = skipNorm(
      g,
      projected,
      residual,
      weights.postNorm,
      eps,
      `${name}/post_attention_layernorm`,
    );
    residual = postResidual;
    pending = mlp(g, postNormed, weights, `${name}/mlp`);
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

/** The inputs every GroupQueryAttention node shares, computed once from attention_mask. */
function attentionInputs(g: GraphBuilder, shape: SynthShape, inputs: DecoderInputs): AttentionInputs {
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
  const length = g.op('Shape', [inputs.inputIds], 'attn/length', { start: 1, end: 2 });
  const target = g.op('Concat', [batch, g.ints([1]), length, total], 'attn/bias_shape', { axis: 0 });
  const bias = g.op('Expand', [rows, target], 'attn/bias');
  const tables = rotaryTables(shape, false);
  const half = shape.headDim / 2;
  const cos = g.weight('rotary_emb.cos_cache', [shape.context, half], { kind: 'values', values: tables.cos });
  const sin = g.weight('rotary_emb.sin_cache', [shape.context, half], { kind: 'values', values: tables.sin });
  return { seqlensK, totalLength, cos, sin, bias };
}
