import { describe, expect, it } from 'vitest';
import { allowSpinning } from './providers.js';

describe('allowSpinning', () => {
  it('lets pool threads spin on machines with cores to spare, not on small ones', () => {
    expect(allowSpinning(undefined, 2)).toBe(false);
    expect(allowSpinning(undefined, 7)).toBe(false);
    expect(allowSpinning(undefined, 8)).toBe(true);
    expect(allowSpinning(undefined, 16)).toBe(true);
  });

  it('follows GROUNDWORK_SPIN when it is set to 1 or 0', () => {
    expect(allowSpinning('1', 2)).toBe(true);
    expect(allowSpinning('0', 16)).toBe(false);
    expect(allowSpinning('yes', 2)).toBe(false);
  });
});
