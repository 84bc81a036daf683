import { type Flow, formatProblem } from '@groundwork/runtime/schema';
import { ApiError, api, type SavedFlow } from '../api/client.js';
import { isDirty, type SavedRef, useEditor } from '../state/editor-store.js';
import type { SaveStatus } from './save-store.js';

/** Why a save was refused, sorted into the cases the editor offers a way out of. */
export type SaveFailure =
  /** Someone saved a newer version since ours was loaded: reload it, or save ours as a copy. */
  | { kind: 'stale'; latestVersion: number | undefined; message: string }
  /** Another flow already has this name: rename, or (for a new document) add to that flow. */
  | { kind: 'name-taken'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'error'; message: string };

export function savedRefOf(result: SavedFlow): SavedRef {
  return { id: result.flow.id, version: result.version.version, flow: result.version.flow };
}

/**
 * Marks the document saved. The document becomes the server's copy unless it was edited while the request was in
 * flight: then the edits stay (and show as unsaved) and only the saved reference moves.
 */
export function adoptSaved(result: SavedFlow, sent: Flow): SavedRef {
  const ref = savedRefOf(result);
  const editor = useEditor.getState();
  if (editor.flow === sent) editor.markSaved(ref);
  else useEditor.setState({ saved: ref });
  return ref;
}

/**
 * Saves the document being edited: the first save creates the flow, later ones add a version on top of the one
 * the document was loaded from (the server refuses it when a newer one exists).
 */
export async function saveCurrentFlow(note?: string): Promise<SavedFlow> {
  const { flow, saved } = useEditor.getState();
  const result = saved ? await api.saveFlow(saved.id, flow, saved.version, note) : await api.createFlow(flow, note);
  adoptSaved(result, flow);
  return result;
}

/** Saves the document under another name as a new flow, which the document then belongs to. */
export async function saveAsCopy(name: string, note?: string): Promise<SavedFlow> {
  const { flow } = useEditor.getState();
  const renamed = { ...flow, name };
  const result = await api.createFlow(renamed, note);
  adoptSaved(result, flow);
  return result;
}

/** Adds the (new, unsaved) document as the next version of the stored flow that has its name. */
export async function saveOntoExisting(note?: string): Promise<SavedFlow> {
  const { flow } = useEditor.getState();
  const existing = await api.getFlow(flow.name);
  const result = await api.saveFlow(existing.flow.id, flow, existing.version.version, note);
  adoptSaved(result, flow);
  return result;
}

/** Replaces the document with the latest stored version of its flow. */
export async function reloadLatest(flowId: string): Promise<SavedFlow> {
  const result = await api.getFlow(flowId);
  useEditor.getState().load(result.version.flow, savedRefOf(result));
  return result;
}

export function describeSaveFailure(error: unknown): SaveFailure {
  if (!(error instanceof ApiError)) return { kind: 'error', message: (error as Error).message ?? String(error) };
  if (error.status === 0) return { kind: 'unreachable', message: error.message };
  if (error.status === 409) {
    const details = (error.body as { error?: { latestVersion?: number; issues?: { path: string }[] } } | undefined)
      ?.error;
    const stale =
      details?.latestVersion !== undefined || details?.issues?.some((issue) => issue.path === 'body.baseVersion');
    if (stale) return { kind: 'stale', latestVersion: details?.latestVersion, message: error.message };
    return { kind: 'name-taken', message: error.message };
  }
  return { kind: 'error', message: error.message };
}

/** The toolbar's short report of a save: "Saved v4", "Saved v4 with 2 problems", "No changes since v4". */
export function saveStatusOf(result: SavedFlow): SaveStatus {
  const version = `v${result.version.version}`;
  const count = result.problems.length;
  const problems = count ? ` with ${count} problem${count === 1 ? '' : 's'}` : '';
  const text = result.unchanged ? `No changes since ${version}` : `Saved ${version}${problems}`;
  // Problems are work in progress, not a failed save: they come back so the canvas can mark them; runs refuse them.
  const detail = result.problems.map((problem) => formatProblem(problem)).join('\n');
  return { text, detail, tone: count ? 'warn' : 'ok' };
}

/** Whether the document must be saved before it can run (never saved, or changed since). */
export function needsSave(): boolean {
  const state = useEditor.getState();
  return !state.saved || isDirty(state);
}
