export { createRandom, randomSeed } from './random.js';
export { Sampler, type SamplingParameters } from './sampler.js';
