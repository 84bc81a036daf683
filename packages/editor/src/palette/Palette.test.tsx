// @vitest-environment jsdom
import '../canvas/test-setup.js';
import { defaultRegistry } from '@groundwork/runtime/node-types';
import { buildFlow } from '@groundwork/runtime/testing';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyFlow, useEditor } from '../state/editor-store.js';
import { NODE_TYPE_MIME } from './node-drag.js';
import { Palette } from './Palette.js';
import { CATEGORIES, paletteGroups, shortDescription } from './palette-groups.js';
import { placeNear, viewportCentre } from './place-node.js';

const types = defaultRegistry().list();
const editor = () => useEditor.getState();

function renderPalette() {
  return render(
    <ReactFlowProvider>
      <Palette />
    </ReactFlowProvider>,
  );
}

beforeEach(() => editor().load(emptyFlow()));

describe('the palette', () => {
  it('lists every built-in node type, grouped by category, with its description', () => {
    renderPalette();
    expect(types).toHaveLength(13);
    expect(document.querySelectorAll('[data-testid^="palette-"][draggable="true"]')).toHaveLength(13);
    const order = [...document.querySelectorAll<HTMLElement>('[data-testid^="palette-group-"]')].map(
      (group) => group.dataset.testid,
    );
    expect(order).toEqual(['io', 'text', 'model', 'control', 'data', 'flow'].map((c) => `palette-group-${c}`));
    for (const type of types) {
      const group = screen.getByTestId(`palette-group-${type.category}`);
      const item = within(group).getByTestId(`palette-${type.type}`);
      expect(item.textContent).toContain(type.title);
      expect(item.textContent).toContain(shortDescription(type.description));
      expect(item.title).toContain(type.description);
    }
  });

  it('expands a description to the full text', () => {
    renderPalette();
    const llm = defaultRegistry().get('llm')!;
    const item = screen.getByTestId('palette-llm');
    expect(item.textContent).not.toContain(llm.description);
    fireEvent.click(screen.getByTestId('palette-more-llm'));
    expect(item.textContent).toContain(llm.description);
    expect(screen.getByTestId('palette-more-llm').getAttribute('aria-expanded')).toBe('true');
    expect(editor().flow.nodes).toEqual([]);
  });

  it('puts the node type in the drag data', () => {
    renderPalette();
    const setData = vi.fn();
    const dataTransfer = { setData, effectAllowed: 'all' };
    fireEvent.dragStart(screen.getByTestId('palette-prompt'), { dataTransfer });
    expect(setData).toHaveBeenCalledWith(NODE_TYPE_MIME, 'prompt');
    expect(NODE_TYPE_MIME).toBe('application/groundwork-node-type');
    expect(dataTransfer.effectAllowed).toBe('copy');
  });

  it('adds a node in the middle of the view on Enter or click, side by side when repeated', () => {
    renderPalette();
    fireEvent.keyDown(screen.getByTestId('palette-llm'), { key: 'Enter' });
    fireEvent.keyDown(screen.getByTestId('palette-llm'), { key: 'Enter' });
    fireEvent.click(screen.getByTestId('palette-transform'));
    const nodes = editor().flow.nodes;
    expect(nodes.map((node) => node.type)).toEqual(['llm', 'llm', 'transform']);
    // No React Flow pane is mounted here: the view is 0 × 0 at the origin, so the centre is (0, 0).
    expect(nodes[0]!.position).toEqual(placeNear(emptyFlow(), { x: 0, y: 0 }));
    expect(nodes[1]!.position).not.toEqual(nodes[0]!.position);
    expect(editor().selection.nodes).toEqual([nodes[2]!.id]);
    fireEvent.keyDown(screen.getByTestId('palette-llm'), { key: 'a' });
    expect(editor().flow.nodes).toHaveLength(3);
  });

  it('filters by name or description, and Enter in the filter adds the first match', () => {
    renderPalette();
    const filter = screen.getByTestId('palette-filter');
    fireEvent.change(filter, { target: { value: 'jinja' } });
    const shown = [...document.querySelectorAll<HTMLElement>('[draggable="true"]')].map((item) => item.dataset.testid);
    expect(shown).toContain('palette-prompt');
    expect(shown).not.toContain('palette-llm');
    fireEvent.keyDown(filter, { key: 'Enter' });
    expect(editor().flow.nodes.map((node) => node.type)).toEqual([shown[0]!.replace('palette-', '')]);
    fireEvent.change(filter, { target: { value: 'no such thing' } });
    expect(document.querySelectorAll('[draggable="true"]')).toHaveLength(0);
  });
});

describe('palette helpers', () => {
  it('cuts a description at its first sentence', () => {
    expect(shortDescription('Runs a flow. Then more.')).toBe('Runs a flow.');
    expect(shortDescription('Version 1.5 of it, no stop')).toBe('Version 1.5 of it, no stop');
    expect(shortDescription('Reshapes data (e.g. `[x]`). Then more.')).toBe('Reshapes data (e.g. `[x]`).');
  });

  it('groups in category order and leaves out empty groups', () => {
    const groups = paletteGroups(types);
    expect(groups.map((group) => group.category)).toEqual(CATEGORIES.map((category) => category.category));
    expect(groups.flatMap((group) => group.types)).toHaveLength(types.length);
    expect(paletteGroups(types, 'LLM').map((group) => group.category)).toContain('model');
  });

  it('finds the middle of the view in flow coordinates, and a free spot near it', () => {
    expect(viewportCentre({ width: 800, height: 600, transform: [100, 50, 2] })).toEqual({ x: 150, y: 125 });
    const taken = buildFlow({ nodes: [{ id: 'a', type: 'llm', config: {}, position: { x: -120, y: -45 } }] });
    const first = placeNear(emptyFlow(), { x: 0, y: 0 });
    expect(first).toEqual({ x: -120, y: -45 });
    expect(placeNear(taken, { x: 0, y: 0 })).toEqual({ x: -90, y: -15 });
  });
});
