// Groundwork side of the orchestration-overhead benchmark: the same shapes as rivet-workloads.ts, with the same
// node counts, built as flows and run through runFlow with an event listener attached (Rivet always emits events).
import {
  compileFlow,
  createBuiltinRegistry,
  defineNodeType,
  type Flow,
  type FlowNode,
  primitive,
  type RunEvent,
  runFlow,
} from '@groundwork/runtime';
import { z } from 'zod';
import type { WorkloadShape } from './rivet-workloads.js';

export interface GroundworkWorkload {
  nodeCount: number;
  run(): Promise<unknown>;
}

/** A node that passes its input on, like Rivet's passthrough; `async` makes it return a promise. */
function noopNode(type: string, async: boolean) {
  return defineNodeType({
    type,
    title: 'No-op',
    description: 'Passes its input on (benchmarks only).',
    category: 'data',
    configSchema: z.strictObject({}),
    ports: () => ({
      inputs: [{ name: 'in', type: primitive('any'), required: true }],
      outputs: [{ name: 'out', type: primitive('any') }],
    }),
    execute: async
      ? async (inputs: Record<string, unknown>) => ({ outputs: { out: inputs.in } })
      : (inputs: Record<string, unknown>) => ({ outputs: { out: inputs.in } }),
  });
}

const registry = createBuiltinRegistry().register(noopNode('noop', false)).register(noopNode('noop-async', true));

export const GROUNDWORK_INPUT = 'groundwork';

function buildFlow(shape: WorkloadShape, noop: string): Flow {
  const nodes: FlowNode[] = [{ id: 'in', type: 'input', config: { name: 'x' } }];
  const edges: { from: string; to: string }[] = [];
  const chain = (from: string, length: number, prefix: string): string => {
    let tail = from;
    for (let i = 1; i <= length; i++) {
      nodes.push({ id: `${prefix}${i}`, type: noop });
      edges.push({ from: tail, to: `${prefix}${i}.in` });
      tail = `${prefix}${i}.out`;
    }
    return tail;
  };
  let last: string;
  switch (shape.kind) {
    case 'chain':
      last = chain('in.value', shape.length, 'n');
      break;
    case 'fan-out': {
      const ports = Array.from({ length: shape.width }, (_, i) => `b${i + 1}`);
      nodes.push({ id: 'join', type: 'collect', config: { ports } });
      ports.forEach((port, i) => {
        nodes.push({ id: `fan${i + 1}`, type: noop });
        edges.push({ from: 'in.value', to: `fan${i + 1}.in` }, { from: `fan${i + 1}.out`, to: `join.${port}` });
      });
      last = 'join.list';
      break;
    }
    case 'condition': {
      nodes.push({ id: 'if', type: 'condition', config: { expression: 'value' } });
      edges.push({ from: 'in.value', to: 'if.value' });
      nodes.push({ id: 'merge', type: 'merge' });
      edges.push({ from: chain('if.true', shape.branchLength, 'true'), to: 'merge.a' });
      edges.push({ from: chain('if.false', shape.branchLength, 'false'), to: 'merge.b' });
      last = 'merge.value';
      break;
    }
  }
  nodes.push({ id: 'out', type: 'output', config: { name: 'y' } });
  edges.push({ from: last, to: 'out.value' });
  return {
    schemaVersion: 1,
    name: 'bench',
    inputs: { x: { type: 'text' } },
    outputs: { y: { type: 'json' } },
    nodes,
    edges,
  };
}

export function buildGroundworkWorkload(shape: WorkloadShape, options: { async?: boolean } = {}): GroundworkWorkload {
  const flow = buildFlow(shape, options.async ? 'noop-async' : 'noop');
  const compiled = compileFlow(flow, { registry });
  const inputs = { x: GROUNDWORK_INPUT };
  // A listener that does nothing: the events are still built and numbered, as Rivet's always are.
  const onEvent = (_event: RunEvent) => {};
  return {
    nodeCount: flow.nodes.length,
    async run() {
      const result = await runFlow(compiled, { inputs, onEvent });
      if (result.status !== 'succeeded') throw new Error(`bench run ${result.status}: ${result.error?.message}`);
      return result.outputs.y;
    },
  };
}
