// What the step probes (step-probe.ts, static-cache-probe.ts) share: what they read from a synthesized model folder,
// the int64 tensors they feed a decoder, and the graph that reads greedy tokens back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { tensorValueInfo } from '../../packages/runtime/src/model/onnx/value-info.js';

export interface Config {
  num_hidden_layers: number;
  num_key_value_heads: number;
  hidden_size: number;
  num_attention_heads: number;
  head_dim?: number;
  vocab_size: number;
}

export function configOf(folder: string): Config {
  return JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Config;
}

export function headDimOf(config: Config): number {
  return config.head_dim ?? config.hidden_size / config.num_attention_heads;
}

/** The folder's fp16 graph, or its first one. */
export function graphFile(folder: string): string {
  const names = readdirSync(join(folder, 'onnx')).filter((name) => name.endsWith('.onnx'));
  return join(folder, 'onnx', names.find((name) => name.includes('fp16')) ?? names[0]!);
}

export const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

/**
 * An Identity graph over [rows, 1] int64 tokens (`tokens` in, `read` out): run in a session without
 * preferredOutputLocation, it brings tokens kept on the GPU back to the CPU.
 */
export function readTokensGraph(): Uint8Array {
  const { onnx } = onnxProto;
  const { INT64 } = onnx.TensorProto.DataType;
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'read-tokens',
        input: [tensorValueInfo('tokens', INT64, ['rows', 1])],
        output: [tensorValueInfo('read', INT64, ['rows', 1])],
        node: [{ opType: 'Identity', input: ['tokens'], output: ['read'], name: 'read' }],
      },
    }),
  ).finish();
}

/** An empty past (no positions yet) for each layer of a decoder: fp16 or fp32 keys and values [batch, heads, 0, d]. */
export function emptyPast(config: Config, batch: number, half: boolean): Record<string, ort.Tensor> {
  const past: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < config.num_hidden_layers; layer++)
    for (const part of ['key', 'value'])
      past[`past_key_values.${layer}.${part}`] = new ort.Tensor(
        half ? 'float16' : 'float32',
        half ? new Uint16Array(0) : new Float32Array(0),
        [batch, config.num_key_value_heads, 0, headDimOf(config)],
      );
  return past;
}

/**
 * A step's feeds for rows that all hold `length` positions and take `inputIds` ([batch, width]) next: a mask of
 * ones, positions counted on, the past, and num_logits_to_keep 1 where the session takes it.
 */
export function stepFeeds(
  session: ort.InferenceSession,
  inputIds: ort.Tensor,
  length: number,
  past: Record<string, ort.Tensor>,
): Record<string, ort.Tensor> {
  const [batch, width] = inputIds.dims as [number, number];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: inputIds,
    attention_mask: int64(new Array(batch * (length + width)).fill(1), [batch, length + width]),
    position_ids: int64(
      Array.from({ length: batch * width }, (_, i) => length + (i % width)),
      [batch, width],
    ),
    ...past,
  };
  if (session.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = int64([1], []);
  return feeds;
}
