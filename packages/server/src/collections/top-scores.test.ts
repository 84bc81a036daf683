import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topScores } from './top-scores.js';

describe('topScores', () => {
  it('gives the indices of the highest scores, best first, ties by index, NaN left out', () => {
    expect(topScores([0.1, 0.9, 0.5, 0.9, Number.NaN, 0.7], 3)).toEqual([1, 3, 5]);
    expect(topScores([0.2, Number.NaN], 5)).toEqual([0]);
    expect(topScores([1, 2, 3], 0)).toEqual([]);
  });

  it('agrees with a full stable sort on any scores and limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(Number.NaN)), { maxLength: 60 }),
        fc.integer({ min: 0, max: 12 }),
        (scores, limit) => {
          const expected = scores
            .map((score, index) => ({ score, index }))
            .filter((entry) => !Number.isNaN(entry.score))
            .sort((a, b) => b.score - a.score || a.index - b.index)
            .slice(0, limit)
            .map((entry) => entry.index);
          expect(topScores(scores, limit)).toEqual(expected);
        },
      ),
    );
  });
});
