import { loadFlowYaml } from '@groundwork/runtime/schema';
import { buildFlow } from '@groundwork/runtime/testing';
import { describe, expect, it } from 'vitest';
import supportTriage from '../../../../examples/support-triage.flow.yaml?raw';
import { toReactFlow } from './to-react-flow.js';

const example = (text: string) => {
  const loaded = loadFlowYaml(text);
  if (!loaded.ok) throw new Error('the example does not load');
  return loaded.flow;
};

describe('toReactFlow', () => {
  it('draws every node with its ports typed and coloured by the runtime, and every edge between handles', () => {
    const flow = example(supportTriage);
    const { nodes, edges } = toReactFlow(flow);
    expect(nodes.map((node) => node.id)).toEqual(flow.nodes.map((node) => node.id));
    const route = nodes.find((node) => node.id === 'route')!;
    expect(route.data.outputs.map((port) => port.name)).toEqual(['billing', 'bug', 'default']);
    // Inferred from what feeds `value` (the message: text), not the declared `any`.
    expect(route.data.outputs[0]).toMatchObject({ type: 'text', color: '#2f7ed8' });
    const billing = nodes.find((node) => node.id === 'billing_reply')!;
    expect(billing.data.inputs.map((port) => [port.name, port.required])).toEqual([
      ['customer', true],
      ['message', true],
    ]);
    expect(billing.position).toEqual(flow.nodes.find((node) => node.id === 'billing_reply')!.position);
    expect(edges).toHaveLength(flow.edges!.length);
    expect(edges[0]).toMatchObject({
      id: 'message.value->classify.message',
      source: 'message',
      sourceHandle: 'value',
      target: 'classify',
      targetHandle: 'message',
    });
  });

  //   q ──▶ shout (transform → number) ──▶ a (output text)   + an unknown node type
  it('marks problems on the node or edge they concern and keeps broken nodes and their edges visible', () => {
    const flow = buildFlow({
      inputs: { q: 'text' },
      outputs: { a: 'text' },
      nodes: [
        ['q', 'input', { name: 'q' }],
        ['shout', 'transform', { expression: 'q | length', type: 'list<number>' }],
        ['ghost', 'no-such-type', {}],
        ['a', 'output', { name: 'a' }],
      ],
      edges: ['q.value -> shout.q', 'shout.value -> a.value', 'q.value -> ghost.in'],
    });
    const { nodes, edges } = toReactFlow(flow, { nodes: ['shout'], edges: [] });
    const ghost = nodes.find((node) => node.id === 'ghost')!;
    expect(ghost.data.problems.map((problem) => problem.code)).toEqual(['unknown-node-type']);
    expect(ghost.data.inputs).toEqual([expect.objectContaining({ name: 'in', unknown: true })]);
    const mismatch = edges.find((edge) => edge.id === 'shout.value->a.value')!;
    expect(mismatch.data!.problems.map((problem) => problem.code)).toEqual(['type-mismatch']);
    expect(mismatch.style!.stroke).toBe('#d64545');
    expect(nodes.find((node) => node.id === 'shout')!.selected).toBe(true);
  });
});
