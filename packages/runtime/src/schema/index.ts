export * from './canonical-json.js';
export * from './events.js';
export * from './flow.js';
export * from './flow-document.js';
export * from './flow-yaml.js';
export * from './migrations.js';
export * from './port-types.js';
export * from './problems.js';
