export * from './analyze.js';
export type { CheckedNode } from './analyze-node.js';
export * from './compile.js';
export type { EventBody, EventListener } from './event-sink.js';
export * from './run-flow.js';
export * from './run-request.js';
export * from './run-state.js';
export * from './seeds.js';
export * from './validate.js';
