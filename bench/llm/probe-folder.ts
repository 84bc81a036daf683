// What the step probes (step-probe.ts, static-cache-probe.ts) read from a synthesized model folder, and the int64
// tensors they feed a decoder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

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
