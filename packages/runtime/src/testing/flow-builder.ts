import { type CompiledFlow, compileFlow } from '../engine/compile.js';
import { defaultRegistry } from '../node-types/index.js';
import type { Flow, FlowEdge, FlowInput, FlowNode, FlowOutput } from '../schema/flow.js';

export interface FlowSpec {
  name?: string;
  inputs?: Record<string, FlowInput | string>;
  outputs?: Record<string, FlowOutput | string>;
  /** Nodes in full, or `[id, type, config]` for short. */
  nodes: (FlowNode | [string, string, Record<string, unknown>?])[];
  /** Edges as `from.port -> to.port`. */
  edges?: string[];
}

/** A flow from a compact description, for tests: `inputs: { q: 'text' }`, `edges: ['q.value -> p.question']`. */
export function buildFlow(spec: FlowSpec): Flow {
  const declare = <T extends { type: string }>(entries: Record<string, T | string> | undefined) =>
    entries &&
    Object.fromEntries(
      Object.entries(entries).map(([name, value]) => [name, typeof value === 'string' ? { type: value } : value]),
    );
  const flow: Flow = {
    schemaVersion: 1,
    name: spec.name ?? 'test',
    nodes: spec.nodes.map((node) =>
      Array.isArray(node) ? { id: node[0], type: node[1], config: node[2] ?? {} } : node,
    ),
    edges: (spec.edges ?? []).map(parseEdge),
  };
  const inputs = declare(spec.inputs) as Record<string, FlowInput> | undefined;
  const outputs = declare(spec.outputs) as Record<string, FlowOutput> | undefined;
  if (inputs) flow.inputs = inputs;
  if (outputs) flow.outputs = outputs;
  return flow;
}

function parseEdge(edge: string): FlowEdge {
  const [from, to] = edge.split('->').map((end) => end.trim());
  if (!from || !to) throw new Error(`edge "${edge}" must be written "from.port -> to.port"`);
  return { from, to };
}

/** buildFlow + compileFlow with the built-in node types. */
export function compileSpec(spec: FlowSpec): CompiledFlow {
  return compileFlow(buildFlow(spec), { registry: defaultRegistry() });
}
