export * from './lexical-scorer.js';
export * from './sentences.js';
export * from './types.js';
export { contentWords, negatedKeys } from './words.js';
