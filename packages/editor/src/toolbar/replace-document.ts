import type { Flow } from '@groundwork/runtime/schema';
import { resetRunPanel } from '../runs/use-run-controller.js';
import { type SavedRef, useEditor } from '../state/editor-store.js';
import { useSaveUi } from './save-store.js';

/**
 * Makes `flow` the document being edited (New, Open, Import, a version from the history): the run panel starts
 * afresh, the toolbar's last save report goes, and undo history starts over. Callers ask about unsaved changes first.
 */
export function replaceDocument(flow: Flow, ref?: SavedRef): void {
  resetRunPanel();
  useSaveUi.getState().announce(undefined);
  useEditor.getState().load(flow, ref);
}
