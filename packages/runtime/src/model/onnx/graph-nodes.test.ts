import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyStories, STORIES_260K } from '../../testing/model-fixtures.js';
import { type GraphNode, graphTraits, paddingSide, readGraphNodes } from './graph-nodes.js';

const node = (opType: string, inputs: string[], outputs: string[], ints: Record<string, number> = {}): GraphNode => ({
  opType,
  inputs,
  outputs,
  ints,
});

describe('readGraphNodes', () => {
  it("reads an exported graph's top-level nodes without loading it", () => {
    const nodes = readGraphNodes(join(STORIES_260K, 'onnx', 'model.onnx'));
    const types = new Set(nodes.map((entry) => entry.opType));
    for (const type of ['MatMul', 'Softmax', 'Concat', 'Gather']) expect(types).toContain(type);
    expect(types).not.toContain('GroupQueryAttention');
    expect(nodes.every((entry) => entry.outputs.length > 0)).toBe(true);
    expect(graphTraits(nodes)).toEqual({ padding: 'left', groupQueryAttention: false });
  });

  it('names a damaged file', () => {
    const path = join(copyStories(), 'onnx', 'model.onnx');
    truncateSync(path, 3000);
    expect(() => readGraphNodes(path)).toThrow(/model\.onnx: not a well-formed ONNX file/);
  });
});

describe('paddingSide', () => {
  const gqa = (ints: Record<string, number>, seqlens = 'seqlens_k') =>
    node('GroupQueryAttention', ['q', 'k', 'v', 'pk', 'pv', seqlens, 'total'], ['out', 'pk2', 'pv2'], ints);
  it('is right for rotary inside the attention, or seqlens_k counted from the mask', () => {
    expect(paddingSide([gqa({ do_rotary: 1 })])).toBe('right');
    const counted = [
      node('ReduceSum', ['attention_mask', 'axes'], ['sum']),
      node('Sub', ['sum', 'one'], ['last']),
      node('Cast', ['last'], ['seqlens_k'], { to: 6 }),
      gqa({ do_rotary: 0 }),
    ];
    expect(paddingSide(counted)).toBe('right');
  });
  it('is left for seqlens_k from the mask width, and for graphs without GroupQueryAttention', () => {
    const width = [
      node('Shape', ['attention_mask'], ['shape']),
      node('Slice', ['shape', 'one', 'two'], ['total']),
      node('Sub', ['total', 'one'], ['last']),
      node('Cast', ['last'], ['seqlens_k'], { to: 6 }),
      gqa({ do_rotary: 0 }),
    ];
    expect(paddingSide(width)).toBe('left');
    expect(graphTraits(width)).toEqual({ padding: 'left', groupQueryAttention: true });
    expect(paddingSide([node('MatMul', ['a', 'b'], ['c'])])).toBe('left');
  });
});
