import { api } from '../api/client.js';
import { replaceDocument } from '../toolbar/replace-document.js';
import { savedRefOf } from '../toolbar/save-flow.js';
import { useSaveUi } from '../toolbar/save-store.js';

/**
 * Makes a stored version the document being edited. It keeps its place in the history: saving edits to an older
 * version is refused as stale by the server, and the save dialog then offers to reload or save a copy.
 */
export async function openVersion(flowId: string, version: number): Promise<void> {
  const stored = await api.getVersion(flowId, version);
  replaceDocument(stored.flow, { id: flowId, version: stored.version, flow: stored.flow });
}

/**
 * Saves version `version`'s content as the new latest version and opens it. Says what happened: "Restored as v6",
 * or that the latest version already has that content (nothing was written).
 */
export async function restoreVersion(flowId: string, version: number, note?: string): Promise<string> {
  const result = await api.restoreVersion(flowId, version, note);
  replaceDocument(result.version.flow, savedRefOf(result));
  const latest = result.version.version;
  const text = result.unchanged
    ? `v${version} is already the latest content (v${latest}); nothing was saved`
    : `Restored as v${latest} (the content of v${version})`;
  useSaveUi.getState().announce({
    text: result.unchanged ? `No changes since v${latest}` : `Restored as v${latest}`,
    detail: text,
    tone: 'ok',
  });
  return text;
}
