import { useEffect, useRef } from 'react';
import { useEditor } from '../state/editor-store.js';

export type CanvasAction = 'undo' | 'redo' | 'copy' | 'paste' | 'remove' | 'select-all' | 'auto-layout' | 'fit-view';

/** Whether keys typed here belong to a text field (the inspector's template editor, a name field...). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  // isContentEditable covers an editable element's children too; the selector does the same where it is missing.
  if (target.isContentEditable || target.closest('[contenteditable]:not([contenteditable="false"])')) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    // Checkboxes and buttons do not take text: shortcuts still apply there.
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/** Whether the key press happened in a dialog (open a flow, confirm...): its keys are the dialog's, not the canvas's. */
export function isInDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('dialog[open], [role="dialog"], [aria-modal="true"]') !== null;
}

/** The canvas action a key press asks for, if any. Ctrl and Cmd are the same, so the shortcuts work on every OS. */
export function canvasAction(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): CanvasAction | undefined {
  const key = event.key.toLowerCase();
  const command = event.ctrlKey || event.metaKey;
  if (event.altKey) return undefined;
  if (command) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !event.shiftKey) return 'redo';
    if (event.shiftKey) return undefined;
    if (key === 'c') return 'copy';
    if (key === 'v') return 'paste';
    if (key === 'a') return 'select-all';
    if (key === 'l') return 'auto-layout';
    return undefined;
  }
  if (event.key === 'Delete' || event.key === 'Backspace') return 'remove';
  if (key === 'f' && !event.shiftKey) return 'fit-view';
  return undefined;
}

/** Whether the page has text selected (the run panel's output...): then Ctrl+C copies that text, not nodes. */
function hasTextSelection(): boolean {
  const selection = document.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString().length > 0;
}

/**
 * The nodes' sizes as the canvas drew them, in flow units (offset sizes are unaffected by the viewport's zoom), so
 * the layout leaves room for what is really there; nodes not drawn yet are left to the layout's estimate.
 */
function drawnNodeSizes(): Map<string, { width: number; height: number }> {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const element of document.querySelectorAll<HTMLElement>('.react-flow__node[data-id]')) {
    if (element.offsetWidth > 0 && element.offsetHeight > 0) {
      sizes.set(element.dataset.id!, { width: element.offsetWidth, height: element.offsetHeight });
    }
  }
  return sizes;
}

/** Carries out an action on the editor store; `fitView` comes from React Flow. Returns whether it did anything. */
export function runCanvasAction(action: CanvasAction, fitView: () => void): boolean {
  const editor = useEditor.getState();
  switch (action) {
    case 'undo':
      editor.undo();
      return true;
    case 'redo':
      editor.redo();
      return true;
    case 'copy':
      if (editor.selection.nodes.length === 0 || hasTextSelection()) return false;
      editor.copySelection();
      return true;
    case 'paste':
      if (!editor.clipboard) return false;
      editor.paste();
      return true;
    case 'remove':
      if (editor.selection.nodes.length === 0 && editor.selection.edges.length === 0) return false;
      editor.removeSelected();
      return true;
    case 'select-all':
      editor.select({ nodes: editor.flow.nodes.map((node) => node.id), edges: [] });
      return true;
    case 'auto-layout':
      editor.autoLayout(drawnNodeSizes());
      // React Flow queues fitView until it has the new positions, so calling it right away is safe.
      fitView();
      return true;
    case 'fit-view':
      fitView();
      return true;
  }
}

/**
 * The editor's keyboard shortcuts, listened to on the document so they work wherever focus is, except while typing
 * in a text field, where Ctrl+Z, Backspace and the rest belong to the field, and inside a dialog.
 */
export function useCanvasShortcuts(fitView: () => void): void {
  // The latest fitView without re-adding the listener when its identity changes.
  const fitViewRef = useRef(fitView);
  fitViewRef.current = fitView;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || isTypingTarget(event.target) || isInDialog(event.target))
        return;
      const action = canvasAction(event);
      if (!action) return;
      if (runCanvasAction(action, () => fitViewRef.current())) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
