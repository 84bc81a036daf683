import { buildFlow } from '@groundwork/runtime/testing';
import { describe, expect, it } from 'vitest';
import { layoutPositions } from './layout.js';

describe('layoutPositions', () => {
  //   a ──▶ b ──▶ d
  //   a ──▶ c ──┘
  it('places nodes left to right along the edges, without overlaps', () => {
    const flow = buildFlow({
      inputs: { x: 'text' },
      nodes: [
        { id: 'd', type: 'collect', config: {}, position: { x: 0, y: 0 } },
        { id: 'a', type: 'input', config: { name: 'x' }, position: { x: 0, y: 0 } },
        { id: 'b', type: 'transform', config: { expression: 'v' }, position: { x: 0, y: 0 } },
        { id: 'c', type: 'transform', config: { expression: 'v' }, position: { x: 0, y: 0 } },
      ],
      edges: ['a.value -> b.v', 'a.value -> c.v', 'b.value -> d.a', 'c.value -> d.b'],
    });
    const positions = layoutPositions(
      flow,
      new Map([
        ['b', { width: 400, height: 120 }],
        ['c', { width: 400, height: 200 }],
      ]),
    );
    expect(positions.a!.x).toBeLessThan(positions.b!.x);
    expect(positions.b!.x).toBe(positions.c!.x);
    expect(positions.c!.x).toBeLessThan(positions.d!.x);
    // b and c share a rank; their drawn heights (120 and 200) plus the node gap keep them apart.
    const [upper, lower] = positions.b!.y < positions.c!.y ? (['b', 'c'] as const) : (['c', 'b'] as const);
    expect(positions[lower]!.y - positions[upper]!.y).toBeGreaterThanOrEqual((upper === 'b' ? 120 : 200) + 40);
    expect(Math.min(...Object.values(positions).map((p) => p.x))).toBe(0);
    // The drawn width of c (400) plus the rank gap separates it from d.
    expect(positions.d!.x - positions.c!.x).toBeGreaterThanOrEqual(400 + 80);
  });
});
