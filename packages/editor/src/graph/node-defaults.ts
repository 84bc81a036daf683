import type { Flow, FlowNode, InlineFlow, Position } from '@groundwork/runtime/schema';
import { uniqueName } from './ids.js';

/** A sub-flow to start a map or subflow node with: one text input passed through to one output. */
function passThrough(input: string, output: string): InlineFlow {
  return {
    inputs: { [input]: { type: 'text' } },
    outputs: { [output]: { type: 'text' } },
    nodes: [
      { id: input, type: 'input', config: { name: input } },
      { id: output, type: 'output', config: { name: output } },
    ],
    edges: [{ from: `${input}.value`, to: `${output}.value` }],
  };
}

/** Configs a node dropped from the palette starts with: valid, and close to what people write first. */
const DEFAULT_CONFIGS: Record<string, () => Record<string, unknown>> = {
  prompt: () => ({ template: '' }),
  llm: () => ({ maxTokens: 128, temperature: 0 }),
  condition: () => ({ expression: 'value' }),
  switch: () => ({ expression: 'value', cases: ['a', 'b'] }),
  merge: () => ({ ports: ['a', 'b'] }),
  collect: () => ({ ports: ['a', 'b'] }),
  transform: () => ({ expression: 'value' }),
  map: () => ({ flow: passThrough('item', 'result'), concurrency: 8 }),
  subflow: () => ({ flow: passThrough('value', 'result') }),
  // The collection `groundwork collections create docs` makes in the README; the inspector changes it.
  retrieve: () => ({ collection: 'docs', topK: 5 }),
};

/**
 * The flow with a new node of `type` at `position`. Input and output nodes also declare a new flow input or output
 * (text) under a fresh name, since a flow's interface is declared at its top.
 */
export function withNewNode(flow: Flow, type: string, position: Position): { flow: Flow; nodeId: string } {
  const ids = flow.nodes.map((node) => node.id);
  let next: Flow = flow;
  let config: Record<string, unknown>;
  if (type === 'input' || type === 'output') {
    const side = type === 'input' ? 'inputs' : 'outputs';
    const declared = flow[side] ?? {};
    const name = uniqueName(type, [...Object.keys(declared), ...ids]);
    next = { ...flow, [side]: { ...declared, [name]: { type: 'text' } } };
    config = { name };
  } else {
    config = DEFAULT_CONFIGS[type]?.() ?? {};
  }
  const nodeId = uniqueName(type === 'input' || type === 'output' ? String(config.name) : type, ids);
  const node: FlowNode = {
    id: nodeId,
    type,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config,
  };
  return { flow: { ...next, nodes: [...next.nodes, node] }, nodeId };
}
