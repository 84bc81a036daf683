import { describe, expect, it } from 'vitest';
import { bootstrapMean, percentile } from './bootstrap.js';
import { pairedComparison } from './paired-comparison.js';
import { mulberry32 } from './random.js';

/** 100 values, 70 ones and 30 zeros: a pass rate of 0.7. */
const passes = Array.from({ length: 100 }, (_, index) => (index % 10 < 7 ? 1 : 0));

describe('mulberry32', () => {
  it('gives the same sequence for the same seed, in [0, 1)', () => {
    const first = mulberry32(42);
    const second = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => first());
    expect(values).toEqual(Array.from({ length: 1000 }, () => second()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Spread evenly: each tenth of [0, 1) gets about a tenth of the draws.
    for (let decile = 0; decile < 10; decile++) {
      const count = values.filter((value) => Math.floor(value * 10) === decile).length;
      expect(count).toBeGreaterThan(70);
      expect(count).toBeLessThan(130);
    }
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });
});

describe('bootstrapMean', () => {
  it('puts the mean inside a 95% interval as wide as the standard error says', () => {
    const result = bootstrapMean(passes, { seed: 1 });
    expect(result.n).toBe(100);
    expect(result.mean).toBeCloseTo(0.7, 12);
    expect(result.low).toBeLessThan(0.7);
    expect(result.high).toBeGreaterThan(0.7);
    // Normal approximation: ±1.96·sqrt(0.7·0.3/100) ≈ ±0.09.
    expect(result.high - result.low).toBeGreaterThan(0.15);
    expect(result.high - result.low).toBeLessThan(0.21);
    // Means of 0/1 values over 100 rows are multiples of 0.01; the percentiles interpolate between them.
    expect(result.low).toBeGreaterThan(0.59);
    expect(result.high).toBeLessThan(0.8);
    // Pinned for seed 1: a change to the PRNG or the resampling shows here.
    expect(result.low).toBeCloseTo(0.61, 10);
    expect(result.high).toBeCloseTo(0.79, 10);
  });

  it('is reproducible: the same seed gives the same interval, another seed a slightly different one', () => {
    const a = bootstrapMean(passes, { seed: 7 });
    expect(bootstrapMean(passes, { seed: 7 })).toEqual(a);
    const b = bootstrapMean(passes, { seed: 8 });
    expect(b.mean).toBe(a.mean);
    expect(Math.abs(b.low - a.low)).toBeLessThan(0.03);
    expect(bootstrapMean(passes)).toEqual(bootstrapMean(passes));
  });

  it('narrows as rows are added', () => {
    const small = bootstrapMean(passes.slice(0, 20), { seed: 3 });
    const large = bootstrapMean([...passes, ...passes, ...passes, ...passes], { seed: 3 });
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 1.5);
  });

  it('handles no values, one value and equal values explicitly', () => {
    const none = bootstrapMean([]);
    expect(none.n).toBe(0);
    expect(Number.isNaN(none.mean) && Number.isNaN(none.low) && Number.isNaN(none.high)).toBe(true);
    expect(JSON.parse(JSON.stringify(none))).toEqual({ mean: null, low: null, high: null, n: 0 });
    expect(bootstrapMean([0.42])).toEqual({ mean: 0.42, low: 0.42, high: 0.42, n: 1 });
    expect(bootstrapMean([3, 3, 3])).toEqual({ mean: 3, low: 3, high: 3, n: 3 });
  });

  it('leaves out values that are not finite numbers', () => {
    expect(bootstrapMean([1, Number.NaN, 3, Number.POSITIVE_INFINITY], { seed: 1 })).toMatchObject({ mean: 2, n: 2 });
  });
});

describe('percentile', () => {
  it('interpolates between order statistics', () => {
    expect(percentile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentile([0, 10], 0.25)).toBe(2.5);
    expect(percentile([0, 10], 1)).toBe(10);
  });
});

describe('pairedComparison', () => {
  it('computes b − a on rows present in both, and counts rows better, worse and equal', () => {
    const a = [0.5, 0.5, 0.5, null, 0.9, 0.2];
    const b = [0.7, 0.5, 0.4, 0.8, null, 0.25];
    const result = pairedComparison(a, b, { higherIsBetter: true, tolerance: 0.01, seed: 1 });
    expect(result.n).toBe(4);
    expect(result.meanA).toBeCloseTo(0.425, 12);
    expect(result.meanB).toBeCloseTo(0.4625, 12);
    expect(result.difference.mean).toBeCloseTo(0.0375, 12);
    expect(result.difference.low).toBeLessThanOrEqual(result.difference.mean);
    expect(result.difference.high).toBeGreaterThanOrEqual(result.difference.mean);
    expect({ better: result.better, worse: result.worse, equal: result.equal }).toEqual({
      better: 2,
      worse: 1,
      equal: 1,
    });
  });

  it('counts lower as better for metrics like latency', () => {
    const result = pairedComparison([100, 200, 300], [80, 250, 300], { higherIsBetter: false });
    expect(result.difference.mean).toBeCloseTo(10, 12);
    expect({ better: result.better, worse: result.worse, equal: result.equal }).toEqual({
      better: 1,
      worse: 1,
      equal: 1,
    });
  });

  it('gives an interval that excludes 0 for a consistent improvement, and one around 0 for noise', () => {
    const a = Array.from({ length: 50 }, (_, row) => 0.5 + 0.3 * Math.sin(row));
    const improved = pairedComparison(
      a,
      a.map((value, row) => value + 0.05 + 0.02 * Math.cos(row)),
      { higherIsBetter: true },
    );
    expect(improved.difference.low).toBeGreaterThan(0);
    expect(improved.better).toBe(50);
    const noise = pairedComparison(
      a,
      a.map((value, row) => value + (row % 2 === 0 ? 0.1 : -0.1)),
      { higherIsBetter: true },
    );
    expect(noise.difference.low).toBeLessThan(0);
    expect(noise.difference.high).toBeGreaterThan(0);
  });

  it('handles no shared rows, and refuses sides of different lengths', () => {
    const empty = pairedComparison([null, 1], [2, null], { higherIsBetter: true });
    expect(empty.n).toBe(0);
    expect(Number.isNaN(empty.meanA) && Number.isNaN(empty.difference.mean)).toBe(true);
    expect(empty.better + empty.worse + empty.equal).toBe(0);
    expect(() => pairedComparison([1], [1, 2], { higherIsBetter: true })).toThrow(/a has 1 rows, b has 2/);
  });
});
