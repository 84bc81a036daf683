import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MERGE_RUNS, prefillGroups } from './prefill-groups.js';

/** What a cut costs under the rule prefillGroups minimizes. */
function cost(lengths: readonly number[], groups: readonly (readonly number[])[], run: number, extra: boolean): number {
  return groups.reduce((sum, group) => {
    const longest = Math.max(...group.map((index) => lengths[index]!));
    const uneven = group.some((index) => lengths[index] !== longest);
    return sum + ((extra && uneven ? 2 : 1) + MERGE_RUNS) * run + group.length * longest;
  }, 0);
}

/** Every cut of the length-sorted prompts into runs of neighbours, the cheapest cost among them (brute force). */
function cheapest(lengths: readonly number[], run: number, extra: boolean): number {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  let best = Number.POSITIVE_INFINITY;
  for (let cuts = 0; cuts < 2 ** Math.max(0, order.length - 1); cuts++) {
    const groups: number[][] = [[]];
    order.forEach((index, at) => {
      if (at > 0 && cuts & (1 << (at - 1))) groups.push([]);
      groups[groups.length - 1]!.push(index);
    });
    best = Math.min(best, cost(lengths, groups, run, extra));
  }
  return best;
}

describe('prefillGroups', () => {
  it('keeps prompts of equal or near lengths in one prefill', () => {
    expect(prefillGroups([40, 40, 40], 256)).toEqual([[0, 1, 2]]);
    expect(prefillGroups([100, 120, 90], 256)).toEqual([[0, 1, 2]]);
    expect(prefillGroups([7], 256)).toEqual([[0]]);
    expect(prefillGroups([], 256)).toEqual([]);
  });

  it('separates a long prompt from short ones when padding them together would compute more than a Run costs', () => {
    // Together: 1.5 × 256 (a Run and a merge) + 2 × 512 = 1,408 positions; apart: 2 × 384 + 16 + 512 = 1,296.
    expect(prefillGroups([512, 16], 256)).toEqual([[1], [0]]);
    // A Run costing more than the padding saves keeps them together.
    expect(prefillGroups([512, 16], 600)).toEqual([[0, 1]]);
    // The benchmark's mixed lengths on the GPU: three groups of neighbours, shortest first.
    expect(prefillGroups([16, 48, 96, 128, 192, 256, 384, 512], 256)).toEqual([
      [0, 1, 2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it('counts a second Run for a group of unequal lengths on right-padded graphs', () => {
    // Together: 2.5 × 100 + 3 × 100 = 550 with a second Run, 450 without; apart: 2 × 150 + 10 + 200 = 510.
    expect(prefillGroups([100, 10, 100], 100, true)).toEqual([[1], [0, 2]]);
    expect(prefillGroups([100, 10, 100], 100, false)).toEqual([[0, 1, 2]]);
  });

  it('finds the cheapest cut, uses every prompt once, and orders groups by length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 700 }),
        fc.boolean(),
        (lengths, run, extra) => {
          const groups = prefillGroups(lengths, run, extra);
          expect(groups.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, index) => index));
          expect(cost(lengths, groups, run, extra)).toBe(cheapest(lengths, run, extra));
          const spans = groups.map((group) => group.map((index) => lengths[index]!));
          for (let at = 1; at < spans.length; at++)
            expect(Math.min(...spans[at]!)).toBeGreaterThanOrEqual(Math.max(...spans[at - 1]!));
        },
      ),
      { numRuns: 300 },
    );
  });
});
