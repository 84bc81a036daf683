export * from './flow-builder.js';
export * from './scripted-model.js';
