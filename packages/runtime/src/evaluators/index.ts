export * from './datasets/index.js';
export * from './groundedness/index.js';
export * from './metrics/index.js';
export * from './statistics/index.js';
