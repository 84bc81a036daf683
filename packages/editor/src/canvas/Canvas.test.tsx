// @vitest-environment jsdom
import './test-setup.js';
import { buildFlow } from '@groundwork/runtime/testing';
import { act, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { type Node, type NodeChange, ReactFlowProvider } from '@xyflow/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FlowCanvasNode } from '../graph/to-react-flow.js';
import { NODE_TYPE_MIME } from '../palette/node-drag.js';
import { emptyFlow, useEditor } from '../state/editor-store.js';
import { Canvas } from './Canvas.js';
import { minimapColor } from './CanvasChrome.js';
import { useCanvasGraph } from './use-canvas-graph.js';

//   q ──▶ p (prompt {{ q }})
const flow = buildFlow({
  inputs: { q: 'text' },
  nodes: [
    { id: 'q', type: 'input', config: { name: 'q' }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'prompt', config: { template: '{{ q }}' }, position: { x: 300, y: 0 } },
  ],
  edges: ['q.value -> p.q'],
});

const editor = () => useEditor.getState();

function renderCanvas() {
  return render(
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>,
  );
}

/** A drop as a browser sends it: jsdom has no DragEvent or DataTransfer, so a mouse event carries a stand-in. */
function drop(target: Element, type: string, clientX: number, clientY: number) {
  const event = new MouseEvent('drop', { bubbles: true, cancelable: true, clientX, clientY });
  const data: Record<string, string> = { [NODE_TYPE_MIME]: type };
  Object.defineProperty(event, 'dataTransfer', {
    value: { types: Object.keys(data), getData: (format: string) => data[format] ?? '', dropEffect: 'none' },
  });
  act(() => {
    target.dispatchEvent(event);
  });
  return event;
}

const position = (id: string, x: number, y: number, dragging: boolean): NodeChange<FlowCanvasNode> => ({
  type: 'position',
  id,
  position: { x, y },
  dragging,
});

beforeEach(() => editor().load(flow));

describe('the canvas', () => {
  it('explains what to do when the flow is empty, until a node is added', () => {
    editor().load(emptyFlow());
    renderCanvas();
    const empty = screen.getByTestId('canvas-empty');
    expect(empty.textContent).toContain('Drag a node from the palette, or open a flow');
    act(() => {
      editor().addNode('llm', { x: 0, y: 0 });
    });
    expect(screen.queryByTestId('canvas-empty')).toBeNull();
  });

  it('adds a dropped palette node at the flow position under the cursor', () => {
    editor().load(emptyFlow());
    renderCanvas();
    // An empty flow is not fitted, so the viewport is the identity and jsdom's canvas sits at (0, 0).
    const event = drop(screen.getByTestId('canvas-empty'), 'llm', 320, 180);
    expect(event.defaultPrevented).toBe(true);
    expect(editor().flow.nodes).toMatchObject([{ type: 'llm', position: { x: 320, y: 180 } }]);
    expect(editor().selection.nodes).toEqual([editor().flow.nodes[0]!.id]);
    expect(screen.getByTestId(`node-${editor().flow.nodes[0]!.id}`)).toBeDefined();
  });

  it('selects a clicked node, adds to the selection with Shift, and clears it on the pane', () => {
    renderCanvas();
    fireEvent.click(screen.getByTestId('rf__node-q'));
    expect(editor().selection.nodes).toEqual(['q']);
    expect(screen.getByTestId('node-q').classList.contains('selected')).toBe(true);
    fireEvent.keyDown(document, { key: 'Shift' });
    fireEvent.click(screen.getByTestId('rf__node-p'), { shiftKey: true });
    fireEvent.keyUp(document, { key: 'Shift' });
    expect([...editor().selection.nodes].sort()).toEqual(['p', 'q']);
    fireEvent.click(document.querySelector('.react-flow__pane')!);
    expect(editor().selection.nodes).toEqual([]);
  });

  it('has fit-view and auto-layout buttons; auto-layout moves the nodes', () => {
    editor().moveNodes({ p: { x: 0, y: 0 } });
    renderCanvas();
    expect(screen.getByTestId('fit-view').tagName).toBe('BUTTON');
    fireEvent.click(screen.getByTestId('auto-layout'));
    const [q, p] = editor().flow.nodes;
    expect(p!.position!.x).toBeGreaterThan(q!.position!.x);
  });
});

describe('moving nodes', () => {
  it('keeps a drag on the canvas until it ends, then moves the nodes in one undo step', () => {
    const { result } = renderHook(() => useCanvasGraph());
    act(() => result.current.onDragStart());
    act(() => result.current.onNodesChange([position('p', 310, 5, true)]));
    act(() => result.current.onNodesChange([position('p', 350.4, 20, true)]));
    expect(result.current.nodes.find((node) => node.id === 'p')!.position).toEqual({ x: 350.4, y: 20 });
    expect(editor().flow).toBe(flow);
    act(() => result.current.onNodesChange([position('p', 360.4, 20, false)]));
    expect(editor().flow.nodes[1]!.position).toEqual({ x: 360, y: 20 });
    expect(result.current.nodes.find((node) => node.id === 'p')!.position).toEqual({ x: 360, y: 20 });
    act(() => editor().undo());
    expect(editor().flow).toBe(flow);
  });

  it('makes each drag of the same node its own undo step', () => {
    const { result } = renderHook(() => useCanvasGraph());
    for (const x of [400, 500]) {
      act(() => result.current.onDragStart());
      act(() => result.current.onNodesChange([position('p', x, 0, true)]));
      act(() => result.current.onNodesChange([position('p', x, 0, false)]));
    }
    expect(editor().flow.nodes[1]!.position).toEqual({ x: 500, y: 0 });
    act(() => editor().undo());
    expect(editor().flow.nodes[1]!.position).toEqual({ x: 400, y: 0 });
  });

  it('does not record a drag that ends where it started', () => {
    const { result } = renderHook(() => useCanvasGraph());
    act(() => result.current.onNodesChange([position('p', 300.2, 0, false)]));
    expect(editor().flow).toBe(flow);
    expect(editor().past).toEqual([]);
  });

  it('sends selection changes to the store and keeps measured sizes', () => {
    const { result } = renderHook(() => useCanvasGraph());
    act(() => result.current.onNodesChange([{ type: 'select', id: 'p', selected: true }]));
    expect(editor().selection.nodes).toEqual(['p']);
    expect(result.current.nodes.find((node) => node.id === 'p')!.selected).toBe(true);
    act(() => result.current.onEdgesChange([{ type: 'select', id: 'q.value->p.q', selected: true }]));
    expect(editor().selection.edges).toEqual(['q.value->p.q']);
    expect(result.current.edges[0]!.selected).toBe(true);
    act(() => result.current.onNodesChange([{ type: 'dimensions', id: 'q', dimensions: { width: 240, height: 96 } }]));
    expect(result.current.nodes[0]!.measured).toEqual({ width: 240, height: 96 });
    // An unchanged node is handed over as the same object, so React Flow skips it.
    const before = result.current.nodes[1];
    act(() => result.current.onNodesChange([{ type: 'dimensions', id: 'q', dimensions: { width: 240, height: 100 } }]));
    expect(result.current.nodes[1]).toBe(before);
  });
});

describe('the minimap', () => {
  const node = (problems: number) =>
    ({ id: 'n', position: { x: 0, y: 0 }, data: { problems: Array(problems).fill({}) } }) as Node;
  it('colours nodes by run status first, then by problems', () => {
    expect(minimapColor(node(0), {})).toBe('var(--muted)');
    expect(minimapColor(node(2), {})).toBe('var(--danger)');
    expect(minimapColor(node(2), { n: 'done' })).toBe('var(--ok)');
    expect(minimapColor(node(0), { n: 'running' })).toBe('var(--running)');
  });
});
