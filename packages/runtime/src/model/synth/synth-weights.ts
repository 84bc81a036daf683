import { closeSync, openSync, writeSync } from 'node:fs';
import { createRandom } from '../sampling/random.js';
import { float16Bits, roundToFloat16 } from './float16.js';

/**
 * The weights of a synthetic model, streamed to the graph's external data file chunk by chunk (a 1B model is
 * gigabytes; it is never held in memory whole).
 *
 * Every value is a function of the seed and the tensor's name alone, so the plain and fused graphs of one seed hold
 * identical weights however their tensors are ordered. Values come from a table of 65,536 draws of N(0, 1) scaled
 * by the tensor's standard deviation (0.02 unless given) and rounded to half precision, picked by a per-tensor
 * xorshift stream: fast enough for billions of values, and the fp32 and fp16 graphs of one seed hold the very same
 * numbers.
 */

export type WeightDtype = 'fp32' | 'fp16';

/** What a weight tensor is filled with. */
export type WeightFill =
  | { kind: 'random'; std?: number; zeroRows?: number[] }
  /** Uniformly random bytes, whatever the dtype: the packed 4-bit weights of MatMulNBits. */
  | { kind: 'bytes' }
  | { kind: 'ones' }
  | { kind: 'values'; values: Float64Array | Float32Array };

export interface WeightSpec {
  name: string;
  dims: number[];
  fill: WeightFill;
}

/** Bytes a value of the weight takes in the file. */
export function weightElementBytes(spec: WeightSpec, dtype: WeightDtype): number {
  if (spec.fill.kind === 'bytes') return 1;
  return dtype === 'fp16' ? 2 : 4;
}

export interface WrittenWeight {
  name: string;
  dims: number[];
  offset: number;
  length: number;
}

const STD = 0.02;
const TABLE_BITS = 16;
const CHUNK = 1 << 20;
/** Tensors start on 4 KiB boundaries, which lets ONNX Runtime map them rather than copy them. */
const ALIGN = 4096;

interface Table {
  fp32: Float32Array;
  fp16: Uint16Array;
}

export class WeightWriter {
  private readonly normal: Float64Array;
  private readonly tables = new Map<number, Table>();
  private readonly fd: number;
  private offset = 0;

  constructor(
    path: string,
    private readonly dtype: WeightDtype,
    private readonly seed: number,
  ) {
    const random = createRandom(seed);
    this.normal = new Float64Array(1 << TABLE_BITS);
    for (let i = 0; i < this.normal.length; i += 2) {
      // Box–Muller: two normal draws per pair of uniforms (1 - u keeps the logarithm finite).
      const radius = Math.sqrt(-2 * Math.log(1 - random()));
      const angle = 2 * Math.PI * random();
      this.normal[i] = radius * Math.cos(angle);
      this.normal[i + 1] = radius * Math.sin(angle);
    }
    this.fd = openSync(path, 'wx');
  }

  get bytesWritten(): number {
    return this.offset;
  }

  /** Appends one tensor; `onBytes` hears of every chunk written. */
  write(spec: WeightSpec, onBytes?: (bytes: number) => void): WrittenWeight {
    const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
    if (pad > 0) this.flush(new Uint8Array(pad));
    const start = this.offset;
    const count = spec.dims.reduce((product, dim) => product * dim, 1);
    const rowLength = spec.dims[spec.dims.length - 1] ?? 1;
    const zero = new Set(spec.fill.kind === 'random' ? (spec.fill.zeroRows ?? []) : []);
    let state = streamSeed(this.seed, spec.name);
    if (spec.fill.kind === 'bytes') return this.writeBytes(spec, count, state, start, onBytes);
    const chunk =
      this.dtype === 'fp16' ? new Uint16Array(Math.min(CHUNK, count)) : new Float32Array(Math.min(CHUNK, count));
    for (let done = 0; done < count; done += chunk.length) {
      const length = Math.min(chunk.length, count - done);
      const view = chunk.subarray(0, length);
      if (spec.fill.kind === 'random') state = this.fillRandom(view, state, this.table(spec.fill.std ?? STD));
      else if (spec.fill.kind === 'ones') view.fill(this.dtype === 'fp16' ? 0x3c00 : 1);
      else {
        const values = spec.fill.values;
        for (let i = 0; i < length; i++) {
          const value = values[done + i]!;
          view[i] = this.dtype === 'fp16' ? float16Bits(value) : value;
        }
      }
      for (const row of zero) {
        const from = Math.max(row * rowLength, done);
        const to = Math.min((row + 1) * rowLength, done + length);
        if (from < to) view.fill(0, from - done, to - done);
      }
      this.flush(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      onBytes?.(view.byteLength);
    }
    return { name: spec.name, dims: spec.dims, offset: start, length: this.offset - start };
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeBytes(
    spec: WeightSpec,
    count: number,
    seed: number,
    start: number,
    onBytes?: (bytes: number) => void,
  ): WrittenWeight {
    const chunk = new Uint8Array(Math.min(CHUNK, count));
    let x = seed;
    for (let done = 0; done < count; done += chunk.length) {
      const view = chunk.subarray(0, Math.min(chunk.length, count - done));
      for (let i = 0; i < view.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        view[i] = x >>> 24;
      }
      this.flush(view);
      onBytes?.(view.byteLength);
    }
    return { name: spec.name, dims: spec.dims, offset: start, length: this.offset - start };
  }

  private table(std: number): Table {
    let table = this.tables.get(std);
    if (!table) {
      table = { fp32: new Float32Array(this.normal.length), fp16: new Uint16Array(this.normal.length) };
      for (let i = 0; i < this.normal.length; i++) {
        table.fp16[i] = float16Bits(this.normal[i]! * std);
        table.fp32[i] = roundToFloat16(this.normal[i]! * std);
      }
      this.tables.set(std, table);
    }
    return table;
  }

  private fillRandom(view: Float32Array | Uint16Array, seed: number, tables: Table): number {
    const table = view instanceof Uint16Array ? tables.fp16 : tables.fp32;
    let x = seed;
    for (let i = 0; i < view.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      view[i] = table[x >>> (32 - TABLE_BITS)]!;
    }
    return x;
  }

  private flush(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length)
      written += writeSync(this.fd, bytes, written, bytes.length - written, this.offset + written);
    this.offset += bytes.length;
  }
}

/** A non-zero xorshift state from the seed and the tensor name (FNV-1a, then a murmur finalizer). */
function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash === 0 ? 1 : hash;
}
