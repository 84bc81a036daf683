import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './rank-fusion.js';
import { sourceMatches } from './types.js';

describe('reciprocalRankFusion', () => {
  it('sums weight / (k + rank) over the lists, best first', () => {
    const fused = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], weight: 0.5 },
      { ids: ['c', 'b'], weight: 0.5 },
    ]);
    // c (ranks 3 and 1) edges out b (2 and 2): 1/63 + 1/61 > 2/62.
    expect(fused.map((entry) => entry.id)).toEqual(['c', 'b', 'a']);
    expect(fused[0]!.score).toBeCloseTo(0.5 / 63 + 0.5 / 61, 12);
    expect(fused[1]!.score).toBeCloseTo(0.5 / 62 + 0.5 / 62, 12);
    expect(fused[2]!.score).toBeCloseTo(0.5 / 61, 12);
  });

  it('lets the weights decide which list wins, and a zero weight count for nothing', () => {
    const lists = (w: number) => [
      { ids: ['keyword-first', 'vector-first'], weight: 1 - w },
      { ids: ['vector-first', 'keyword-first'], weight: w },
    ];
    expect(reciprocalRankFusion(lists(0.2))[0]!.id).toBe('keyword-first');
    expect(reciprocalRankFusion(lists(0.8))[0]!.id).toBe('vector-first');
    expect(reciprocalRankFusion([{ ids: ['x'], weight: 0 }])).toEqual([{ id: 'x', score: 0 }]);
  });

  it('breaks ties by first appearance, counts a repeated id once, and uses k', () => {
    const fused = reciprocalRankFusion([
      { ids: ['p', 'q'], weight: 1 },
      { ids: ['q', 'p'], weight: 1 },
    ]);
    expect(fused.map((entry) => entry.id)).toEqual(['p', 'q']);
    expect(reciprocalRankFusion([{ ids: ['a', 'a', 'b'], weight: 1 }], 0)).toEqual([
      { id: 'a', score: 1 },
      { id: 'b', score: 1 / 3 },
    ]);
    expect(reciprocalRankFusion([])).toEqual([]);
  });

  it('refuses a negative weight or k', () => {
    expect(() => reciprocalRankFusion([{ ids: ['a'], weight: -1 }])).toThrow(/weight must be a number ≥ 0/);
    expect(() => reciprocalRankFusion([], -1)).toThrow(/k must be/);
  });
});

describe('sourceMatches', () => {
  it('matches equal sources and folder prefixes ending in /', () => {
    expect(sourceMatches('docs/api.md', undefined)).toBe(true);
    expect(sourceMatches('docs/api.md', [])).toBe(true);
    expect(sourceMatches('docs/api.md', ['docs/'])).toBe(true);
    expect(sourceMatches('docs/api.md', ['docs'])).toBe(false);
    expect(sourceMatches('docs/api.md', ['README.md', 'docs/api.md'])).toBe(true);
    expect(sourceMatches('docsx/api.md', ['docs/'])).toBe(false);
  });
});
