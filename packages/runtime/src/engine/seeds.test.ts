import { describe, expect, it } from 'vitest';
import { newRunSeed, nodeSeed } from './seeds.js';

describe('run seeds', () => {
  it('gives each node, and each map item of a node, its own seed, the same again for the same run seed', () => {
    const seeds = [
      nodeSeed(1, undefined, 'a'),
      nodeSeed(1, undefined, 'b'),
      nodeSeed(1, 'summarize[0]', 'a'),
      nodeSeed(1, 'summarize[1]', 'a'),
      nodeSeed(2, undefined, 'a'),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(nodeSeed(1, 'summarize[1]', 'a')).toBe(seeds[3]);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
  });

  it('pins the derivation, so runs recorded today replay the same tomorrow', () => {
    // Changing nodeSeed changes what every recorded run's replay samples: these values must not move.
    expect([nodeSeed(0, undefined, 'answer'), nodeSeed(42, 'map[3]', 'llm')]).toEqual([1173213434, 2412861750]);
  });

  it('draws new run seeds at random, as 32-bit unsigned integers', () => {
    const seeds = Array.from({ length: 20 }, newRunSeed);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(15);
  });
});
