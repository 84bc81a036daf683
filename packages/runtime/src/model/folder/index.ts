export * from './model-folder.js';
export * from './model-registry.js';
