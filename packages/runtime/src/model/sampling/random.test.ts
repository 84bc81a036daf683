import { describe, expect, it } from 'vitest';
import { createRandom, randomSeed } from './random.js';

const take = (random: () => number, count: number) => Array.from({ length: count }, () => random());

describe('createRandom', () => {
  it('gives the pinned sequence for fixed seeds (cross-checked against a C implementation)', () => {
    expect(take(createRandom(42), 5)).toEqual([
      0.6606157226487994, 0.12688010395504534, 0.11170196393504739, 0.8149394164793193, 0.07910565007477999,
    ]);
    expect(take(createRandom(0), 3)).toEqual([0.8868539538234472, 0.26395898405462503, 0.012474989285692573]);
    expect(take(createRandom(0xffff_ffff), 2)).toEqual([0.19461841275915504, 0.44733440689742565]);
  });

  it('repeats a sequence for the same seed and differs for different seeds', () => {
    expect(take(createRandom(7), 100)).toEqual(take(createRandom(7), 100));
    expect(take(createRandom(7), 10)).not.toEqual(take(createRandom(8), 10));
  });

  it('keeps the high bits of seeds beyond 32 bits, and wraps negative seeds', () => {
    expect(take(createRandom(2 ** 32 + 5), 5)).not.toEqual(take(createRandom(5), 5));
    expect(take(createRandom(-1), 5)).not.toEqual(take(createRandom(0xffff_ffff), 5));
    expect(take(createRandom(-1), 5)).toEqual(take(createRandom(-1), 5));
    expect(take(createRandom(3.9), 5)).toEqual(take(createRandom(3), 5));
  });

  it('returns numbers in [0, 1), spread evenly', () => {
    const random = createRandom(123);
    const buckets = new Array<number>(10).fill(0);
    const draws = 100_000;
    let lowest = 1;
    let highest = 0;
    for (let i = 0; i < draws; i++) {
      const value = random();
      lowest = Math.min(lowest, value);
      highest = Math.max(highest, value);
      buckets[Math.floor(value * 10)]!++;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    for (const count of buckets) expect(Math.abs(count / draws - 0.1)).toBeLessThan(0.005);
  });

  it('refuses seeds that are not finite numbers', () => {
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
    expect(() => createRandom(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('randomSeed', () => {
  it('gives 32-bit unsigned integers that vary', () => {
    const seeds = Array.from({ length: 20 }, () => randomSeed());
    for (const seed of seeds) {
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed >= 0 && seed < 2 ** 32).toBe(true);
    }
    expect(new Set(seeds).size).toBeGreaterThan(15);
  });
});
