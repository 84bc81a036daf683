import { randomInt } from 'node:crypto';

const TWO_TO_32 = 0x1_0000_0000;

/**
 * xoshiro128** (Blackman & Vigna) with its 128-bit state filled by splitmix32 (golden-ratio increment, MurmurHash3's
 * finalizer), in 32-bit integer arithmetic only, so the same seed gives the same sequence on every platform and
 * JavaScript engine. Returns numbers in [0, 1) with 32 random bits each.
 *
 * The seed is any finite number: its integer part is used, negative values wrap, and seeds beyond 32 bits (OpenAI
 * clients send 64-bit ones) keep their high bits as far as a double holds them.
 */
export function createRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`The seed must be a finite number, got ${seed}`);
  const integer = Math.trunc(seed);
  const low = integer >>> 0;
  const high = Math.floor(integer / TWO_TO_32) >>> 0;

  const next = splitmix32(low);
  let s0 = next();
  let s1 = next() ^ high;
  let s2 = next();
  let s3 = next();
  // An all-zero state would only ever give zeros.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  return () => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9);
    const shifted = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= shifted;
    s3 = rotateLeft(s3, 11);
    return (result >>> 0) / TWO_TO_32;
  };
}

/** A seed for requests that give none (crypto random, 32-bit). */
export function randomSeed(): number {
  return randomInt(TWO_TO_32);
}

function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
