/**
 * The model shapes `groundwork models synth` builds with random weights: real architectures for benchmarks (as
 * vLLM's `dummy` load format does) and a tiny one for tests. Only what sizes the graph is kept: the weights are
 * random, so what the real models were trained with (rope scaling, chat templates) does not matter here.
 */

export interface SynthShape {
  /** config.json `model_type` and `architectures` as the real model's export has them. */
  modelType: 'qwen2' | 'llama';
  architecture: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  ropeTheta: number;
  rmsEps: number;
  /** Biases on the q, k and v projections (Qwen2 has them, Llama not). */
  qkvBias: boolean;
  context: number;
  /**
   * Standard deviation of the projection weights (the embedding's is 0.02). At the real widths 0.02 lets the
   * layers outweigh the embedding in the residual stream, as in a trained model; the tiny shape needs more, or its
   * greedy output would only repeat the last token.
   */
  weightStd: number;
}

export const SYNTH_SHAPES = {
  'qwen2.5-0.5b': {
    modelType: 'qwen2',
    architecture: 'Qwen2ForCausalLM',
    layers: 24,
    hidden: 896,
    heads: 14,
    kvHeads: 2,
    headDim: 64,
    intermediate: 4864,
    vocab: 151936,
    ropeTheta: 1_000_000,
    rmsEps: 1e-6,
    qkvBias: true,
    context: 32768,
    weightStd: 0.02,
  },
  'llama-3.2-1b': {
    modelType: 'llama',
    architecture: 'LlamaForCausalLM',
    layers: 16,
    hidden: 2048,
    heads: 32,
    kvHeads: 8,
    headDim: 64,
    intermediate: 8192,
    vocab: 128256,
    ropeTheta: 500_000,
    rmsEps: 1e-5,
    qkvBias: false,
    context: 131072,
    weightStd: 0.02,
  },
  tiny: {
    modelType: 'qwen2',
    architecture: 'Qwen2ForCausalLM',
    layers: 2,
    hidden: 64,
    heads: 4,
    kvHeads: 2,
    headDim: 16,
    intermediate: 128,
    vocab: 512,
    ropeTheta: 10_000,
    rmsEps: 1e-6,
    qkvBias: true,
    context: 512,
    weightStd: 0.1,
  },
} as const satisfies Record<string, SynthShape>;

export type SynthShapeName = keyof typeof SYNTH_SHAPES;

export function isSynthShapeName(name: string): name is SynthShapeName {
  return Object.hasOwn(SYNTH_SHAPES, name);
}

/** Parameters the graph holds (the tied embedding counted once), for progress and reports. */
export function parameterCount(shape: SynthShape): number {
  const q = shape.heads * shape.headDim;
  const kv = shape.kvHeads * shape.headDim;
  const attention = shape.hidden * (q + 2 * kv) + q * shape.hidden + (shape.qkvBias ? q + 2 * kv : 0);
  const mlp = 3 * shape.hidden * shape.intermediate;
  return shape.vocab * shape.hidden + shape.layers * (attention + mlp + 2 * shape.hidden) + shape.hidden;
}
