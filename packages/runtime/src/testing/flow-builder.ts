import type { CompiledFlow } from '../engine/compile.js';
import type { Flow, FlowInput, FlowNode, FlowOutput } from '../schema/flow.js';
import { makeFlow, node, wire } from './flow-fixtures.js';
import { compile } from './test-runs.js';

export interface CompactFlowSpec {
  name?: string;
  /** Declarations in full, or just the type: `{ q: 'text' }`. */
  inputs?: Record<string, FlowInput | string>;
  outputs?: Record<string, FlowOutput | string>;
  /** Nodes in full, or `[id, type, config]` for short. */
  nodes: (FlowNode | [string, string, Record<string, unknown>?])[];
  /** Edges as `from.port -> to.port`. */
  edges?: string[];
}

function declare<T extends { type: string }>(entries: Record<string, T | string> | undefined) {
  return (
    entries &&
    Object.fromEntries(
      Object.entries(entries).map(([name, value]) => [name, typeof value === 'string' ? { type: value } : value]),
    )
  );
}

/** A flow from a compact description, for tests: `inputs: { q: 'text' }`, `edges: ['q.value -> p.question']`. */
export function buildFlow(spec: CompactFlowSpec): Flow {
  return makeFlow({
    name: spec.name ?? 'test',
    ...(spec.inputs ? { inputs: declare(spec.inputs) as Record<string, FlowInput> } : {}),
    ...(spec.outputs ? { outputs: declare(spec.outputs) as Record<string, FlowOutput> } : {}),
    nodes: spec.nodes.map((entry) => (Array.isArray(entry) ? node(entry[0], entry[1], entry[2] ?? {}) : entry)),
    edges: wire(...(spec.edges ?? [])),
  });
}

/** buildFlow + compileFlow with the built-in node types. */
export function compileSpec(spec: CompactFlowSpec): CompiledFlow {
  return compile(buildFlow(spec));
}
