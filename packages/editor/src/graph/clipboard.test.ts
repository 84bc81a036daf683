import { buildFlow } from '@groundwork/runtime/testing';
import { describe, expect, it } from 'vitest';
import { copyNodes, pasteNodes } from './clipboard.js';

//   q ──▶ p ──▶ gen       (copy p and gen)
const flow = buildFlow({
  inputs: { q: 'text' },
  nodes: [
    ['q', 'input', { name: 'q' }],
    { id: 'p', type: 'prompt', config: { template: '{{ q }}' }, position: { x: 100, y: 0 } },
    { id: 'gen', type: 'llm', config: {}, position: { x: 300, y: 0 } },
  ],
  edges: ['q.value -> p.q', 'p.prompt -> gen.prompt'],
});

describe('copy and paste', () => {
  it('copies the chosen nodes and only the edges between them', () => {
    const clipboard = copyNodes(flow, ['p', 'gen'])!;
    expect(clipboard.nodes.map((node) => node.id)).toEqual(['p', 'gen']);
    expect(clipboard.edges).toEqual([{ from: 'p.prompt', to: 'gen.prompt' }]);
    expect(copyNodes(flow, [])).toBeUndefined();
  });

  it('pastes with fresh ids, edges renamed to follow, offset positions', () => {
    const { flow: pasted, nodeIds } = pasteNodes(flow, copyNodes(flow, ['p', 'gen'])!);
    expect(nodeIds).toEqual(['p_2', 'gen_2']);
    expect(pasted.nodes.slice(-2).map((node) => [node.id, node.position])).toEqual([
      ['p_2', { x: 140, y: 40 }],
      ['gen_2', { x: 340, y: 40 }],
    ]);
    expect(pasted.edges!.at(-1)).toEqual({ from: 'p_2.prompt', to: 'gen_2.prompt' });
    expect(pasted.edges!.slice(0, 2)).toEqual(flow.edges);
  });

  it('brings the declarations of pasted input nodes into a flow that lacks them', () => {
    const clipboard = copyNodes(flow, ['q'])!;
    const { flow: into } = pasteNodes(buildFlow({ nodes: [] }), clipboard);
    expect(into.inputs).toEqual({ q: { type: 'text' } });
    expect(into.nodes.map((node) => node.id)).toEqual(['q']);
    expect('outputs' in into).toBe(false);
  });
});
