import { describe, expect, it } from 'vitest';
import { allowSpinning, splitMlpProviders, webgpuProvider } from './providers.js';

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

describe('provider settings from the environment', () => {
  it('splits on WebGPU by default, everywhere or nowhere when told', () => {
    expect(splitMlpProviders(undefined)).toEqual(['webgpu']);
    expect(splitMlpProviders('0')).toEqual([]);
    expect(splitMlpProviders('1')).toEqual(['cpu', 'webgpu', 'cuda']);
  });

  it('gives the WebGPU provider the buffer cache asked for, and names the modes for an unknown one', () => {
    expect(webgpuProvider(undefined)).toBe('webgpu');
    expect(webgpuProvider('simple')).toEqual({ name: 'webgpu', storageBufferCacheMode: 'simple' });
    expect(() => webgpuProvider('huge')).toThrow(
      'GROUNDWORK_WEBGPU_BUFFER_CACHE is "huge"; expected one of bucket, simple, lazyRelease, disabled',
    );
  });
});
