import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float16Bits } from '../synth/float16.js';
import { CacheOps, type CacheTensors } from './cache-ops.js';
import type { SessionSpec } from './session-spec.js';

const HEADS = 2;
const DIM = 3;
/** A decoder layer's cache input and output names. */
const layerNames = (index: number) => ({
  pastKey: `past_key_values.${index}.key`,
  pastValue: `past_key_values.${index}.value`,
  presentKey: `present.${index}.key`,
  presentValue: `present.${index}.value`,
});

const spec = {
  layers: [0, 1].map(layerNames),
  cacheType: 'float32',
  kvHeads: HEADS,
  headDim: DIM,
  padding: 'left',
} as SessionSpec;

/** A cache whose every value says where it is: 1000·layer + 100·(key 0 / value 1)... + row, head, position, dim. */
function cache(rows: number, length: number, tag: number): CacheTensors {
  const tensors: CacheTensors = {};
  spec.layers.forEach((layer, index) => {
    for (const [kind, name] of [
      [0, layer.pastKey],
      [1, layer.pastValue],
    ] as const) {
      const data = new Float32Array(rows * HEADS * length * DIM);
      let i = 0;
      for (let r = 0; r < rows; r++)
        for (let h = 0; h < HEADS; h++)
          for (let p = 0; p < length; p++)
            for (let d = 0; d < DIM; d++) data[i++] = value(tag, index, kind, r, h, p, d);
      tensors[name] = new ort.Tensor('float32', data, [rows, HEADS, length, DIM]);
    }
  });
  return tensors;
}

function value(tag: number, layer: number, kind: number, row: number, head: number, position: number, dim: number) {
  return tag * 100000 + layer * 10000 + kind * 5000 + row * 1000 + head * 100 + position * 10 + dim;
}

/** The [row][head][position][dim] values of one tensor. */
function nested(tensor: ort.Tensor): number[][][][] {
  const [rows, heads, length, dims] = tensor.dims as number[];
  const data = tensor.data as Float32Array;
  let i = 0;
  return Array.from({ length: rows! }, () =>
    Array.from({ length: heads! }, () =>
      Array.from({ length: length! }, () => Array.from({ length: dims! }, () => data[i++]!)),
    ),
  );
}

describe('CacheOps (CPU)', () => {
  let ops: CacheOps;
  beforeAll(async () => {
    ops = await CacheOps.open(spec, 'cpu');
  });
  afterAll(() => ops.release());

  it('stacks two batches, left-padding each with zero positions to one length', async () => {
    const merged = await ops.merge(cache(1, 4, 1), 0, cache(2, 2, 2), 2);
    for (const [index, layer] of spec.layers.entries()) {
      const key = nested(merged[layer.pastKey]!);
      expect(merged[layer.pastKey]!.dims).toEqual([3, HEADS, 4, DIM]);
      expect(key[0]![1]![3]).toEqual([0, 1, 2].map((d) => value(1, index, 0, 0, 1, 3, d)));
      expect(key[2]![0]![0]).toEqual([0, 0, 0]);
      expect(key[2]![0]![1]).toEqual([0, 0, 0]);
      expect(key[2]![0]![2]).toEqual([0, 1, 2].map((d) => value(2, index, 0, 1, 0, 0, d)));
      const val = nested(merged[layer.pastValue]!);
      expect(val[1]![1]![3]).toEqual([0, 1, 2].map((d) => value(2, index, 1, 0, 1, 1, d)));
    }
  });

  it('pads at the back for a graph whose rows are right-padded', async () => {
    const right = await CacheOps.open({ ...spec, padding: 'right' }, 'cpu');
    try {
      const merged = await right.merge(cache(1, 4, 1), 0, cache(2, 2, 2), 2);
      const key = nested(merged[spec.layers[0]!.pastKey]!);
      expect(merged[spec.layers[0]!.pastKey]!.dims).toEqual([3, HEADS, 4, DIM]);
      expect(key[0]![1]![3]).toEqual([0, 1, 2].map((d) => value(1, 0, 0, 0, 1, 3, d)));
      expect(key[2]![0]![0]).toEqual([0, 1, 2].map((d) => value(2, 0, 0, 1, 0, 0, d)));
      expect(key[2]![0]![1]).toEqual([0, 1, 2].map((d) => value(2, 0, 0, 1, 0, 1, d)));
      expect(key[2]![0]![2]).toEqual([0, 0, 0]);
      expect(key[1]![1]![3]).toEqual([0, 0, 0]);
    } finally {
      await right.release();
    }
  });

  it('keeps the chosen rows in the chosen order, from a position on', async () => {
    const selected = await ops.select(cache(3, 4, 3), [2, 0], 1, 4);
    const key = nested(selected[spec.layers[1]!.pastKey]!);
    expect(selected[spec.layers[1]!.pastKey]!.dims).toEqual([2, HEADS, 3, DIM]);
    expect(key[0]![0]![0]).toEqual([0, 1, 2].map((d) => value(3, 1, 0, 2, 0, 1, d)));
    expect(key[1]![1]![2]).toEqual([0, 1, 2].map((d) => value(3, 1, 0, 0, 1, 3, d)));
    const val = nested(selected[spec.layers[0]!.pastValue]!);
    expect(val[1]![0]![0]).toEqual([0, 1, 2].map((d) => value(3, 0, 1, 0, 0, 1, d)));
  });

  it("merges half-precision caches of other sizes one after another (the graph names each input's sizes apart)", async () => {
    // A decoder's shape: 24 layers, 2 KV heads of 64; ONNX Runtime casts the fp16 Pad's input and output on the CPU.
    const half = {
      ...spec,
      layers: Array.from({ length: 24 }, (_, index) => layerNames(index)),
      cacheType: 'float16',
      kvHeads: 2,
      headDim: 64,
      padding: 'right',
    } as SessionSpec;
    const filled = (rows: number, length: number, fill: number): CacheTensors =>
      Object.fromEntries(
        half.layers.flatMap((layer) =>
          [layer.pastKey, layer.pastValue].map((name) => [
            name,
            new ort.Tensor('float16', new Uint16Array(rows * 2 * length * 64).fill(float16Bits(fill)), [
              rows,
              2,
              length,
              64,
            ]),
          ]),
        ),
      );
    const halfOps = await CacheOps.open(half, 'cpu');
    try {
      for (const [rowsA, lengthA, rowsB, lengthB] of [
        [6, 256, 2, 512],
        [3, 128, 1, 16],
        [1, 16, 3, 128],
      ] as const) {
        const length = Math.max(lengthA, lengthB);
        const merged = await halfOps.merge(
          filled(rowsA, lengthA, 1),
          length - lengthA,
          filled(rowsB, lengthB, 2),
          length - lengthB,
        );
        const last = merged[half.layers[23]!.pastValue]!;
        expect(last.dims).toEqual([rowsA + rowsB, 2, length, 64]);
        const data = last.data as Uint16Array;
        const at = (row: number, position: number) => data[(row * 2 * length + position) * 64]!;
        // The first batch's rows, then the second's, each padded with zeros at the back to the longer length.
        expect([at(0, 0), at(0, lengthA - 1), at(rowsA, 0), at(rowsA, lengthB - 1)]).toEqual(
          [1, 1, 2, 2].map(float16Bits),
        );
        expect(at(lengthA < length ? 0 : rowsA, length - 1)).toBe(0);
      }
    } finally {
      await halfOps.release();
    }
  });
});
