// @vitest-environment jsdom
import './test-setup.js';
import { buildFlow } from '@groundwork/runtime/testing';
import { renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { canvasAction, isTypingTarget, useCanvasShortcuts } from './use-canvas-shortcuts.js';

//   q ──▶ p (prompt {{ q }})
const start = buildFlow({
  inputs: { q: 'text' },
  nodes: [
    { id: 'q', type: 'input', config: { name: 'q' }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'prompt', config: { template: '{{ q }}' }, position: { x: 0, y: 0 } },
  ],
  edges: ['q.value -> p.q'],
});

const editor = () => useEditor.getState();

/** Presses a key with the page focused on `target` (the body unless given); returns whether it was handled. */
function press(key: string, modifiers: Partial<KeyboardEventInit> = {}, target: Element = document.body): boolean {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...modifiers });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

let fitView: ReturnType<typeof vi.fn<() => void>>;

beforeEach(() => {
  editor().load(start);
  fitView = vi.fn<() => void>();
  renderHook(() => useCanvasShortcuts(fitView));
});

describe('canvas keyboard shortcuts', () => {
  it('undoes with Ctrl/Cmd+Z and redoes with Ctrl/Cmd+Shift+Z and Ctrl+Y', () => {
    editor().moveNodes({ p: { x: 300, y: 40 } });
    const moved = editor().flow;
    expect(press('z', { ctrlKey: true })).toBe(true);
    expect(editor().flow).toBe(start);
    expect(press('Z', { metaKey: true, shiftKey: true })).toBe(true);
    expect(editor().flow).toBe(moved);
    press('z', { metaKey: true });
    expect(editor().flow).toBe(start);
    press('y', { ctrlKey: true });
    expect(editor().flow).toBe(moved);
  });

  it('copies and pastes the selected nodes', () => {
    editor().select({ nodes: ['p'] });
    expect(press('c', { ctrlKey: true })).toBe(true);
    expect(editor().clipboard).toBeDefined();
    expect(press('v', { metaKey: true })).toBe(true);
    const ids = editor().flow.nodes.map((node) => node.id);
    expect(ids).toHaveLength(3);
    expect(editor().selection.nodes).toEqual([ids[2]]);
  });

  it('deletes the selection with Delete or Backspace, edges included', () => {
    editor().select({ nodes: ['p'] });
    expect(press('Delete')).toBe(true);
    expect(editor().flow.nodes.map((node) => node.id)).toEqual(['q']);
    expect(editor().flow.edges).toEqual([]);
    editor().select({ nodes: ['q'] });
    press('Backspace');
    expect(editor().flow.nodes).toEqual([]);
    // With nothing selected the key is left alone (a browser may use it).
    expect(press('Delete')).toBe(false);
  });

  it('selects all nodes, lays out, and fits the view', () => {
    press('a', { ctrlKey: true });
    expect(editor().selection.nodes).toEqual(['q', 'p']);
    press('l', { ctrlKey: true });
    const positions = editor().flow.nodes.map((node) => node.position);
    expect(positions[0]).not.toEqual(positions[1]);
    expect(fitView).toHaveBeenCalledTimes(1);
    press('f');
    expect(fitView).toHaveBeenCalledTimes(2);
  });

  it('ignores keys typed in text fields', () => {
    editor().moveNodes({ p: { x: 300, y: 40 } });
    const moved = editor().flow;
    editor().select({ nodes: ['p'] });
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const editable = document.createElement('div');
    editable.setAttribute('contenteditable', 'true');
    document.body.append(input, textarea, editable);
    expect(press('z', { ctrlKey: true }, input)).toBe(false);
    expect(press('Backspace', {}, textarea)).toBe(false);
    expect(press('f', {}, input)).toBe(false);
    expect(press('a', { ctrlKey: true }, textarea)).toBe(false);
    expect(editor().flow).toBe(moved);
    expect(editor().selection.nodes).toEqual(['p']);
    expect(fitView).not.toHaveBeenCalled();
    expect(press('Delete', {}, editable)).toBe(false);
    const insideEditable = editable.appendChild(document.createElement('span'));
    expect(isTypingTarget(insideEditable)).toBe(true);
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    expect(isTypingTarget(checkbox)).toBe(false);
  });

  it('leaves keys pressed inside a dialog to the dialog', () => {
    editor().select({ nodes: ['p'] });
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    const button = dialog.appendChild(document.createElement('button'));
    document.body.append(dialog);
    expect(press('Delete', {}, button)).toBe(false);
    expect(editor().flow).toBe(start);
    dialog.remove();
  });

  it('maps keys to actions, leaving other combinations to the browser', () => {
    const key = (k: string, m: Partial<KeyboardEvent> = {}) =>
      canvasAction({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...m });
    expect(key('z', { ctrlKey: true })).toBe('undo');
    expect(key('y', { metaKey: true })).toBe('redo');
    expect(key('c', { ctrlKey: true, shiftKey: true })).toBeUndefined();
    expect(key('z', { ctrlKey: true, altKey: true })).toBeUndefined();
    expect(key('r', { ctrlKey: true })).toBeUndefined();
    expect(key('F', { shiftKey: true })).toBeUndefined();
    expect(key('F')).toBe('fit-view');
    expect(key('x')).toBeUndefined();
  });
});
