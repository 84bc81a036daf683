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
export function float16ToFloat32(bits: Uint16Array, start: number, length: number, out: Float32Array): Float32Array {
  for (let i = 0; i < length; i++) {
    const h = bits[start + i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? fraction
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

/** The data of an output the session put on the CPU (sessions keep only the KV cache on the GPU). */
export function cpuData(tensor: Tensor): Float32Array | Uint16Array {
  if (tensor.location !== 'cpu')
    throw new Error(`expected ${tensor.type} output on the CPU, found it on ${tensor.location}`);
  return tensor.data as Float32Array | Uint16Array;
}
