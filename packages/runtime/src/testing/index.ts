export * from './flow-builder.js';
export * from './flow-fixtures.js';
export * from './scripted-model.js';
export * from './test-runs.js';
