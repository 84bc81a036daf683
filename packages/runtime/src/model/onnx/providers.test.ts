import { describe, expect, it } from 'vitest';
import { allowSpinning, sessionOptions } from './providers.js';

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

describe('sessionOptions', () => {
  it('asks every provider for deterministic kernels, and keeps the cache and the pick on the GPU on WebGPU', () => {
    const names = () => ['logits', 'present.0.key', 'groundwork_greedy_tokens'];
    for (const provider of ['cpu', 'webgpu', 'cuda'] as const) {
      const options = sessionOptions(provider, 3, names);
      expect(options.extra).toMatchObject({ session: { use_deterministic_compute: '1' } });
      expect(options.intraOpNumThreads).toBe(3);
    }
    expect(sessionOptions('webgpu', undefined, names).preferredOutputLocation).toEqual({
      'present.0.key': 'gpu-buffer',
      groundwork_greedy_tokens: 'gpu-buffer',
    });
    expect(sessionOptions('cpu', undefined, names).preferredOutputLocation).toBeUndefined();
  });
});
