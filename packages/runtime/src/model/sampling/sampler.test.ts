import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { Sampler, type SamplingParameters } from './sampler.js';

const logitsOf = (values: readonly number[]) => Float32Array.from(values);

function softmax(logits: readonly number[], temperature = 1): number[] {
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp((logit - max) / temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** How often each id comes out of `draws` picks. */
function frequencies(sampler: Sampler, logits: Float32Array, draws: number, history: readonly number[] = []): number[] {
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.next(logits, history)]!++;
  return counts.map((count) => count / draws);
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, id) => {
    expect(Math.abs(value - expected[id]!), `id ${id}: ${value} vs ${expected[id]}`).toBeLessThan(tolerance);
  });
}

/** Random logits shaped like a language model's: a few strong candidates over a long tail. */
function modelLikeLogits(vocab: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: vocab }, () => {
    const u = random();
    return u > 0.999 ? 8 + 4 * random() : -4 + 6 * random();
  });
}

describe('Sampler: greedy', () => {
  it('picks the argmax when temperature is 0 or not given', () => {
    const logits = logitsOf([0.1, 2.5, -1, 2.4]);
    for (const parameters of [{}, { temperature: 0 }, { temperature: 0, topK: 3, topP: 0.5 }]) {
      const sampler = new Sampler(parameters, 1);
      expect(sampler.greedy).toBe(true);
      expect(sampler.next(logits, [])).toBe(1);
    }
    expect(new Sampler({ temperature: 0.5 }, 1).greedy).toBe(false);
  });

  it('breaks ties toward the lowest id, also among penalized ids', () => {
    expect(new Sampler({}, 1).next(logitsOf([1, 3, 0, 3, 3]), [])).toBe(1);
    // After the penalty, ids 0 and 2 both have 2 (4 / 2); 1 is untouched with 2 as well.
    expect(new Sampler({ repetitionPenalty: 2 }, 1).next(logitsOf([4, 2, 4]), [2, 0])).toBe(0);
    expect(new Sampler({ repetitionPenalty: 2 }, 1).next(logitsOf([1, 2, 4]), [2])).toBe(1);
  });

  it('handles -Infinity logits (masked tokens)', () => {
    expect(new Sampler({}, 1).next(logitsOf([-Infinity, -Infinity, 0.5]), [])).toBe(2);
    expect(new Sampler({ temperature: 1 }, 1).next(logitsOf([-Infinity, 3, -Infinity]), [])).toBe(1);
  });
});

describe('Sampler: repetition penalty', () => {
  it('divides positive logits and multiplies negative ones, moving the argmax', () => {
    expect(new Sampler({}, 1).next(logitsOf([2, 1.9, -1]), [0])).toBe(0);
    expect(new Sampler({ repetitionPenalty: 1.2 }, 1).next(logitsOf([2, 1.9, -1]), [0])).toBe(1); // 2 / 1.2 < 1.9
    expect(new Sampler({ repetitionPenalty: 1.5 }, 1).next(logitsOf([-0.5, -0.6]), [0])).toBe(1); // -0.75 < -0.6
    expect(new Sampler({ repetitionPenalty: 1.2 }, 1).next(logitsOf([2, 1.5, -1]), [0])).toBe(0); // 1.67 > 1.5
  });

  it('applies once per distinct id, however often it occurs, and ignores ids outside the vocabulary', () => {
    // Applied three times, 3 would become 3 / 1.331 = 2.25 < 2.5.
    expect(new Sampler({ repetitionPenalty: 1.1 }, 1).next(logitsOf([3, 2.5]), [0, 0, 0, 7, -1])).toBe(0);
  });

  it('reshapes the sampled distribution the same way', () => {
    const sampler = new Sampler({ temperature: 1, repetitionPenalty: 2 }, 5);
    const observed = frequencies(sampler, logitsOf([2, 2]), 40_000, [0]);
    expectClose(observed, softmax([1, 2]), 0.01);
  });

  it('never modifies the logits it is given', () => {
    const values = [2, -1.5, 0.25, 3, -0.5, 1];
    const logits = logitsOf(values);
    const settings: SamplingParameters[] = [
      { repetitionPenalty: 1.3 },
      { temperature: 0.8, repetitionPenalty: 1.3 },
      { temperature: 0.8, topK: 3, repetitionPenalty: 1.3 },
      { temperature: 0.8, topP: 0.9, repetitionPenalty: 1.3 },
    ];
    for (const parameters of settings) {
      new Sampler(parameters, 3).next(logits, [0, 1, 3]);
      expect(Array.from(logits)).toEqual(values);
    }
  });
});

describe('Sampler: seeded sampling', () => {
  const logits = modelLikeLogits(1000, 11);
  const run = (seed: number) => {
    const sampler = new Sampler({ temperature: 1.5 }, seed);
    return Array.from({ length: 64 }, () => sampler.next(logits, []));
  };

  it('repeats exactly for the same seed, and differs for another seed', () => {
    expect(run(1234)).toEqual(run(1234));
    expect(run(1234)).not.toEqual(run(4321));
  });

  it('draws from softmax(logits / temperature)', () => {
    const small = [1, 2, 0.5, -1, 1.5];
    const observed = frequencies(new Sampler({ temperature: 0.7 }, 99), logitsOf(small), 100_000);
    expectClose(observed, softmax(small, 0.7), 0.006);
  });
});

describe('Sampler: top-k', () => {
  it('top-k 1 is greedy, penalty included', () => {
    for (let seed = 0; seed < 20; seed++) {
      const logits = modelLikeLogits(5000, seed);
      const history = [seed, seed * 7, 4999];
      const greedy = new Sampler({ repetitionPenalty: 1.3 }, seed).next(logits, history);
      expect(new Sampler({ temperature: 2, topK: 1, repetitionPenalty: 1.3 }, seed).next(logits, history)).toBe(greedy);
    }
  });

  it('samples only among the k best, renormalized', () => {
    const values = [1, 3, 2, 0, 2.5, -1];
    const observed = frequencies(new Sampler({ temperature: 1, topK: 3 }, 8), logitsOf(values), 60_000);
    const top = softmax([3, 2.5, 2]);
    expectClose(observed, [0, top[0]!, top[2]!, 0, top[1]!, 0], 0.01);
  });

  it('keeps the lower id when values tie at the k-th place', () => {
    const observed = frequencies(new Sampler({ temperature: 1, topK: 2 }, 8), logitsOf([5, 1, 1, 1]), 2000);
    expect(observed[2]).toBe(0);
    expect(observed[3]).toBe(0);
    expect(observed[1]).toBeGreaterThan(0);
  });

  it('finds the k best of a large vocabulary wherever they are', () => {
    const logits = modelLikeLogits(150_000, 3);
    const best = Array.from(logits.keys())
      .sort((a, b) => logits[b]! - logits[a]! || a - b)
      .slice(0, 5);
    const sampler = new Sampler({ temperature: 5, topK: 5 }, 1);
    const seen = new Set(Array.from({ length: 400 }, () => sampler.next(logits, [])));
    expect([...seen].sort()).toEqual([...best].sort());
  });
});

describe('Sampler: top-p', () => {
  const probabilities = [0.05, 0.5, 0.15, 0.3];
  const logits = logitsOf(probabilities.map(Math.log));

  it('samples only from the smallest set whose probability reaches top_p', () => {
    const support = (topP: number) => {
      const observed = frequencies(new Sampler({ temperature: 1, topP }, 4), logits, 20_000);
      return observed.flatMap((frequency, id) => (frequency > 0 ? [id] : []));
    };
    expect(support(0.7)).toEqual([1, 3]);
    expect(support(0.79)).toEqual([1, 3]);
    expect(support(0.81)).toEqual([1, 2, 3]);
    expect(support(0.01)).toEqual([1]);
    expect(support(1)).toEqual([0, 1, 2, 3]);
  });

  it('splits tokens of nearly equal probability at the edge of the nucleus by their exact values', () => {
    // 0.300 and 0.295 differ by less than the histogram's bucket width: only sorting tells them apart.
    const close = logitsOf([0.3, 0.295, 0.405].map(Math.log));
    const observed = frequencies(new Sampler({ temperature: 1, topP: 0.7 }, 3), close, 5000);
    expect(observed[1]).toBe(0);
    expectClose(observed, [0.3 / 0.705, 0, 0.405 / 0.705], 0.03);
  });

  it('renormalizes within the nucleus', () => {
    const observed = frequencies(new Sampler({ temperature: 1, topP: 0.9 }, 6), logits, 60_000);
    expectClose(observed, [0, 0.5 / 0.95, 0.15 / 0.95, 0.3 / 0.95], 0.01);
  });

  it('applies to the top-k distribution when both are given', () => {
    // Top-2 leaves 0.5 and 0.3, renormalized 0.625 and 0.375: top_p 0.6 keeps only the first.
    const observed = frequencies(new Sampler({ temperature: 1, topK: 2, topP: 0.6 }, 6), logits, 2000);
    expect(observed).toEqual([0, 1, 0, 0]);
  });

  it('finds the exact nucleus of a flat distribution, where all tokens tie', () => {
    const vocab = 4000;
    const sampler = new Sampler({ temperature: 1, topP: 0.5 }, 2);
    const picks = Array.from({ length: 200 }, () => sampler.next(new Float32Array(vocab), []));
    // Ties rank by id, so the nucleus is the lower half of the ids.
    expect(Math.max(...picks)).toBeLessThan(vocab / 2);
    expect(Math.max(...picks)).toBeGreaterThan(vocab / 2 - 200);
  });

  it('matches a brute-force nucleus among a few strong candidates', () => {
    const logits = modelLikeLogits(30_000, 9);
    const nucleus = bruteForceNucleus(logits, 0.9, 0.8);
    expect(nucleus.size).toBeGreaterThan(3);
    const sampler = new Sampler({ temperature: 0.9, topP: 0.8 }, 12);
    const seen = new Set(Array.from({ length: 500 }, () => sampler.next(logits, [])));
    expect([...seen].filter((id) => !nucleus.has(id))).toEqual([]);
    expect(seen.size).toBe(nucleus.size);
  });

  it('matches a brute-force nucleus that reaches deep into the tail', () => {
    const logits = modelLikeLogits(30_000, 10);
    const nucleus = bruteForceNucleus(logits, 2, 0.95);
    expect(nucleus.size).toBeGreaterThan(10_000);
    expect(nucleus.size).toBeLessThan(29_000);
    const sampler = new Sampler({ temperature: 2, topP: 0.95 }, 13);
    const picks = Array.from({ length: 300 }, () => sampler.next(logits, []));
    expect(picks.filter((id) => !nucleus.has(id))).toEqual([]);
  });
});

/** The top-p nucleus by sorting the whole vocabulary, as transformers' TopPLogitsWarper does. */
function bruteForceNucleus(logits: Float32Array, temperature: number, topP: number): Set<number> {
  const ranked = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const max = logits[ranked[0]!]!;
  const weights = ranked.map((id) => Math.exp((logits[id]! - max) / temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let mass = 0;
  let size = 0;
  while (mass < topP * total) mass += weights[size++]!;
  return new Set(ranked.slice(0, size));
}

describe('Sampler: parameters', () => {
  it('refuses values out of range, naming the parameter', () => {
    expect(() => new Sampler({ temperature: -1 }, 1)).toThrow(/temperature/);
    expect(() => new Sampler({ topK: 2.5 }, 1)).toThrow(/topK/);
    expect(() => new Sampler({ topP: 0 }, 1)).toThrow(/topP/);
    expect(() => new Sampler({ topP: 1.5 }, 1)).toThrow(/topP/);
    expect(() => new Sampler({ repetitionPenalty: 0 }, 1)).toThrow(/repetitionPenalty/);
    expect(() => new Sampler({ temperature: Number.NaN }, 1)).toThrow(RangeError);
  });

  it('works across vocabularies of different sizes with one sampler', () => {
    const sampler = new Sampler({ temperature: 1, topK: 2 }, 1);
    expect([0, 1]).toContain(sampler.next(logitsOf([9, 9, -9]), []));
    expect(sampler.next(modelLikeLogits(50_000, 1), [])).toBeLessThan(50_000);
    expect([0, 1]).toContain(sampler.next(logitsOf([9, 9, -9]), []));
  });
});
