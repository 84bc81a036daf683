import { BUILTIN_NODE_TYPES } from './builtin/index.js';
import { NodeTypeRegistry } from './registry.js';

export * from './builtin/index.js';
export * from './node-type.js';
export * from './registry.js';

/** A registry holding the built-in node types; hosts may register more on it. */
export function createBuiltinRegistry(): NodeTypeRegistry {
  return new NodeTypeRegistry(BUILTIN_NODE_TYPES);
}

let shared: NodeTypeRegistry | undefined;

/** One shared registry of the built-in types, for callers that register nothing of their own. */
export function defaultRegistry(): NodeTypeRegistry {
  shared ??= createBuiltinRegistry();
  return shared;
}
