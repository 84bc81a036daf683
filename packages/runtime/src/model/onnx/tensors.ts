import ort from 'onnxruntime-node';
import type { CacheType, IntegerType } from './session-spec.js';

export type Tensor = ort.Tensor;

/** An integer tensor of the type the graph declares (int64 or int32). */
export function integerTensor(type: IntegerType, values: ArrayLike<number>, dims: readonly number[]): Tensor {
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values), dims);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', data, dims);
}

/** A KV cache tensor with no past positions: [batch, heads, 0, headDim]. */
export function emptyCache(type: CacheType, batch: number, heads: number, headDim: number): Tensor {
  const data = type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
  return new ort.Tensor(type, data, [batch, heads, 0, headDim]);
}

export function booleanTensor(value: boolean): Tensor {
  return new ort.Tensor('bool', Uint8Array.of(value ? 1 : 0), [1]);
}

/** IEEE half-precision bits to float32; subnormals, infinities and NaN included. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Every half-precision value as float32, made on first use (256 KiB): a lookup per logit instead of a power. */
let halfTable: Float32Array | undefined;

/**
 * Half-precision bits to float32. A decode step converts a whole vocabulary of logits per row (151,936 for Qwen), so
 * this is a table lookup: computing each value took ~7 ms a row, as long as a GPU decode step itself.
 */
export function float16ToFloat32(bits: Uint16Array, start: number, length: number, out: Float32Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  const table = halfTable;
  for (let i = 0; i < length; i++) out[i] = table[bits[start + i]!]!;
  return out;
}

/** The data of an output the session put on the CPU (sessions keep only the KV cache on the GPU). */
export function cpuData(tensor: Tensor): Float32Array | Uint16Array {
  if (tensor.location !== 'cpu')
    throw new Error(`expected ${tensor.type} output on the CPU, found it on ${tensor.location}`);
  return tensor.data as Float32Array | Uint16Array;
}
