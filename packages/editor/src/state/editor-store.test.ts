import { buildFlow } from '@groundwork/runtime/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyFlow, isDirty, useEditor } from './editor-store.js';

const store = () => useEditor.getState();

//   q ──▶ p (prompt {{ q }})
const start = buildFlow({
  inputs: { q: 'text' },
  nodes: [
    { id: 'q', type: 'input', config: { name: 'q' }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'prompt', config: { template: '{{ q }}' }, position: { x: 200, y: 0 } },
  ],
  edges: ['q.value -> p.q'],
});

beforeEach(() => store().load(start, { id: 'flw_1', version: 3, flow: start }));

describe('the editor store', () => {
  it('undoes and redoes each change, and a drag or a run of typing as one step', () => {
    store().moveNodes({ p: { x: 210, y: 5 } });
    store().moveNodes({ p: { x: 250, y: 9.6 } });
    store().updateNode('p', (node) => ({ ...node, config: { template: '{{ q }}!' } }), 'config:p:template');
    store().updateNode('p', (node) => ({ ...node, config: { template: '{{ q }}!!' } }), 'config:p:template');
    expect(store().flow.nodes[1]).toMatchObject({ position: { x: 250, y: 10 }, config: { template: '{{ q }}!!' } });
    store().undo();
    expect(store().flow.nodes[1]).toMatchObject({ position: { x: 250, y: 10 }, config: { template: '{{ q }}' } });
    store().undo();
    expect(store().flow).toBe(start);
    store().undo();
    expect(store().flow).toBe(start);
    store().redo();
    expect(store().flow.nodes[1]!.position).toEqual({ x: 250, y: 10 });
    store().addNode('llm', { x: 400, y: 0 });
    expect(store().future).toEqual([]);
  });

  it('connects only what the runtime accepts, and says why not', () => {
    const gen = store().addNode('llm', { x: 400, y: 0 });
    expect(store().connect({ source: 'p', sourceHandle: 'prompt', target: gen, targetHandle: 'prompt' })).toEqual({
      ok: true,
    });
    expect(store().flow.edges).toContainEqual({ from: 'p.prompt', to: `${gen}.prompt` });
    const before = store().flow;
    const verdict = store().connect({ source: 'q', sourceHandle: 'value', target: gen, targetHandle: 'prompt' });
    expect(verdict.ok).toBe(false);
    expect(store().flow).toBe(before);
  });

  it('deletes the selected nodes with their edges, and selected edges', () => {
    store().select({ nodes: ['q'] });
    store().removeSelected();
    expect(store().flow.nodes.map((node) => node.id)).toEqual(['p']);
    expect(store().flow.edges).toEqual([]);
    expect(store().selection).toEqual({ nodes: [], edges: [] });
    store().undo();
    store().select({ nodes: [], edges: ['q.value->p.q'] });
    store().removeSelected();
    expect(store().flow.nodes).toHaveLength(2);
    expect(store().flow.edges).toEqual([]);
  });

  it('copies and pastes the selection, selecting the copies', () => {
    store().select({ nodes: ['q', 'p'] });
    store().copySelection();
    store().paste();
    expect(store().flow.nodes.map((node) => node.id)).toEqual(['q', 'p', 'q_2', 'p_2']);
    expect(store().flow.edges).toContainEqual({ from: 'q_2.value', to: 'p_2.q' });
    expect(store().selection.nodes).toEqual(['q_2', 'p_2']);
  });

  it('lays the flow out in one undoable step', () => {
    store().autoLayout();
    expect(store().flow.nodes[0]!.position!.x).toBeLessThan(store().flow.nodes[1]!.position!.x);
    expect(store().past).toHaveLength(1);
  });

  it('tells unsaved changes by content, not by identity', () => {
    expect(isDirty(store())).toBe(false);
    store().change((flow) => ({ ...flow }));
    expect(isDirty(store())).toBe(false);
    store().change((flow) => ({ ...flow, description: 'new' }));
    expect(isDirty(store())).toBe(true);
    store().markSaved({ id: 'flw_1', version: 4, flow: store().flow });
    expect(isDirty(store())).toBe(false);
    expect(isDirty({ flow: emptyFlow(), saved: undefined })).toBe(false);
  });
});
