import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from './tensors.js';

describe('float16ToFloat32', () => {
  it('converts normals, subnormals, zeros, infinities and NaN, from an offset', () => {
    const bits = Uint16Array.of(0xffff, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555);
    const out = float16ToFloat32(bits, 1, 9, new Float32Array(9));
    expect(Array.from(out.subarray(0, 8))).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ]);
    expect(out[8]).toBeCloseTo(1 / 3, 3);
  });

  it('keeps the sign of every half value and gives NaN exactly where the bits say', () => {
    const all = new Uint16Array(65536).map((_, index) => index);
    const out = float16ToFloat32(all, 0, all.length, new Float32Array(all.length));
    for (let h = 0; h < 65536; h += 7) {
      const value = out[h]!;
      if (Number.isNaN(value)) expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
      else expect(Math.sign(value) === -1 || Object.is(value, -0)).toBe((h & 0x8000) !== 0);
    }
  });
});
