import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildFusedGraph, type FusedGraphOptions, fusedForm } from './fused-graph.js';
import { GraphBuilder } from './graph-builder.js';
import { buildPlainGraph } from './plain-graph.js';
import { writeFolderFiles } from './synth-folder-files.js';
import { isSynthShapeName, parameterCount, SYNTH_SHAPES, type SynthShape } from './synth-shapes.js';
import { type WeightDtype, WeightWriter, weightElementBytes } from './synth-weights.js';

export type SynthGraph = 'plain' | 'fused';

export interface SynthesizeOptions {
  /** A name of SYNTH_SHAPES, or a shape of one's own (tests vary the tiny one). */
  shape: string | SynthShape;
  graph?: SynthGraph;
  /** Forms of the fused graph (rotary placement, packed QKV, 4-bit weights); the default is onnxruntime-genai's. */
  fused?: FusedGraphOptions;
  dtype?: WeightDtype;
  /** Where the folder goes: must not exist, or be empty. */
  out: string;
  /** Same seed, same weights (in both graphs and both dtypes); default 0. */
  seed?: number;
  /** Hears of the weights' progress: bytes written of the total. */
  onProgress?: (written: number, total: number) => void;
}

export interface SynthesizedModel {
  path: string;
  graphPath: string;
  parameters: number;
  sizeBytes: number;
}

/** A bad shape or option, worded for the person who asked: the CLI prints it as it is. */
export class SynthOptionError extends Error {
  override readonly name = 'SynthOptionError';
}

/**
 * Writes a model folder with random weights in a real model's shape: the graph (onnx/model.onnx for fp32,
 * onnx/model_fp16.onnx for fp16, as transformers.js names them) with its weights in `<graph>_data`, and the JSON and
 * tokenizer files the engine's folder reader loads.
 */
export function synthesizeModel(options: SynthesizeOptions): SynthesizedModel {
  const shape = resolveShape(options.shape);
  const graph = options.graph ?? 'fused';
  const dtype = options.dtype ?? 'fp16';
  const seed = options.seed ?? 0;
  if (graph !== 'plain' && graph !== 'fused')
    throw new SynthOptionError(`unknown graph "${graph}" (expected plain or fused)`);
  if (dtype !== 'fp16' && dtype !== 'fp32')
    throw new SynthOptionError(`unknown dtype "${dtype}" (expected fp16 or fp32)`);
  if (options.fused?.packedQkv && fusedForm(options.fused).rotary !== 'attention')
    throw new SynthOptionError('packed q, k and v need rotary inside the attention (rotary "attention")');
  if (graph === 'plain' && options.fused) throw new SynthOptionError('fused graph options need the fused graph');
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new SynthOptionError(`the seed must be a whole number ≥ 0, not ${seed}`);
  const out = resolve(options.out);
  const existed = refuseNonEmpty(out, options.out);
  try {
    return write(
      out,
      shape,
      { graph, dtype, seed, name: typeof options.shape === 'string' ? options.shape : 'custom', fused: options.fused },
      options.onProgress,
    );
  } catch (error) {
    // Nothing was there before: whatever is there now is a half-written model.
    if (existed) for (const entry of readdirSync(out)) rmSync(join(out, entry), { recursive: true, force: true });
    else rmSync(out, { recursive: true, force: true });
    throw error;
  }
}

function write(
  out: string,
  shape: SynthShape,
  {
    graph,
    dtype,
    seed,
    name,
    fused,
  }: { graph: SynthGraph; dtype: WeightDtype; seed: number; name: string; fused?: FusedGraphOptions | undefined },
  onProgress: SynthesizeOptions['onProgress'],
): SynthesizedModel {
  const builder = new GraphBuilder(dtype);
  if (graph === 'plain') buildPlainGraph(builder, shape);
  else buildFusedGraph(builder, shape, fused);

  mkdirSync(join(out, 'onnx'), { recursive: true });
  const graphFile = dtype === 'fp16' ? 'model_fp16.onnx' : 'model.onnx';
  const dataFile = `${graphFile}_data`;
  const graphPath = join(out, 'onnx', graphFile);
  const total = builder.weights.reduce(
    (sum, weight) => sum + weight.dims.reduce((a, b) => a * b, 1) * weightElementBytes(weight, dtype),
    0,
  );
  const writer = new WeightWriter(join(out, 'onnx', dataFile), dtype, seed);
  let done = 0;
  try {
    const written = builder.weights.map((weight) =>
      writer.write(weight, (bytes) => {
        done += bytes;
        onProgress?.(done, total);
      }),
    );
    writeFileSync(graphPath, builder.encode(written, dataFile, `${basename(out)}-${graph}`));
  } finally {
    writer.close();
  }
  writeFolderFiles(out, shape, { shape: name, graph, dtype, seed });
  return {
    path: out,
    graphPath,
    parameters: parameterCount(shape),
    sizeBytes: statSync(graphPath).size + writer.bytesWritten,
  };
}

function resolveShape(shape: string | SynthShape): SynthShape {
  if (typeof shape !== 'string') {
    if (shape.heads % shape.kvHeads !== 0 || shape.headDim % 2 !== 0)
      throw new SynthOptionError('the shape needs heads a multiple of KV heads and an even head dimension');
    return shape;
  }
  if (!isSynthShapeName(shape))
    throw new SynthOptionError(`unknown shape "${shape}" (known shapes: ${Object.keys(SYNTH_SHAPES).join(', ')})`);
  return SYNTH_SHAPES[shape];
}

/**
 * Writing into a folder that holds something could mix two models' files: only a new or empty folder is used.
 * Whether it exists (empty) already.
 */
function refuseNonEmpty(path: string, label: string): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isDirectory()) throw new SynthOptionError(`${label} exists and is not a folder`);
  if (readdirSync(path).length > 0) throw new SynthOptionError(`${label} is not empty (give a new or empty folder)`);
  return true;
}
