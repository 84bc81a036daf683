import { ApiError, api, type RunRecord } from '../api/client.js';
import { useEditor } from '../state/editor-store.js';
import { followStartedRun, useRunPanel } from './use-run-controller.js';

/**
 * Replays a finished run: the server starts a new run of the same version with the same inputs, variants and seed,
 * which the panel follows as it follows a run started from the form.
 */
export async function replayRun(runId: string): Promise<void> {
  if (useRunPanel.getState().phase !== 'idle') return;
  useRunPanel.setState({ phase: 'starting', error: undefined });
  let run: RunRecord;
  try {
    run = await api.replayRun(runId);
  } catch (error) {
    useRunPanel.setState({ phase: 'idle', error: replayFailure(error) });
    return;
  }
  // Nodes are queued on the canvas only when it shows the version the replay runs; otherwise they appear as they run.
  const { saved } = useEditor.getState();
  const sameVersion = saved?.id === run.flowId && saved.version === run.flowVersion;
  await followStartedRun(run, sameVersion ? saved.flow.nodes.map((node) => node.id) : []);
}

function replayFailure(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (error instanceof ApiError && error.status === 409) return `This run cannot be replayed: ${message}`;
  if (error instanceof ApiError && error.status === 404)
    return `The run to replay is no longer on the server: ${message}`;
  return `The replay did not start: ${message}`;
}
