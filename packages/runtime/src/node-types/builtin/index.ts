import type { AnyNodeType } from '../node-type.js';
import { collectNode } from './collect.js';
import { conditionNode } from './condition.js';
import { groundednessNode } from './groundedness.js';
import { inputNode } from './input.js';
import { llmNode } from './llm.js';
import { mapNode } from './map.js';
import { mergeNode } from './merge.js';
import { outputNode } from './output.js';
import { promptNode } from './prompt.js';
import { retrieveNode } from './retrieve.js';
import { subflowNode } from './subflow.js';
import { switchNode } from './switch.js';
import { transformNode } from './transform.js';

export {
  collectNode,
  conditionNode,
  groundednessNode,
  inputNode,
  llmNode,
  mapNode,
  mergeNode,
  outputNode,
  promptNode,
  retrieveNode,
  subflowNode,
  switchNode,
  transformNode,
};

/** The node types every flow may use, in palette order. */
export const BUILTIN_NODE_TYPES: readonly AnyNodeType[] = [
  inputNode,
  outputNode,
  promptNode,
  llmNode,
  conditionNode,
  switchNode,
  mergeNode,
  collectNode,
  mapNode,
  transformNode,
  retrieveNode,
  groundednessNode,
  subflowNode,
];
