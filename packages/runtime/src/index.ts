export * from './diff/index.js';
export * from './engine/index.js';
export * from './evaluators/index.js';
export * from './model/backend.js';
export * from './node-types/index.js';
export * from './retrieval/index.js';
export * from './schema/index.js';
