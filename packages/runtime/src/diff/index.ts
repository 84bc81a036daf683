export * from './field-diff.js';
export * from './flow-diff.js';
export * from './summary.js';
export * from './text-diff.js';
