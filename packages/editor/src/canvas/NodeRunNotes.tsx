import { formatDuration } from '../runs/format.js';
import type { NodeRun } from '../state/run-view.js';

/** How much generated text a node card shows: the latest tokens, enough to watch it stream. */
export const TEXT_TAIL = 200;

export function textTail(text: string, length = TEXT_TAIL): string {
  return text.length > length ? `…${text.slice(-length)}` : text;
}

/** The badge text: the status, and for a finished node how long it took. */
export function statusLabel(run: NodeRun): string {
  if (run.status === 'running' && run.attempts > 1) return `running (attempt ${run.attempts})`;
  if ((run.status === 'done' || run.status === 'error') && run.durationMs !== undefined) {
    return `${run.status} · ${formatDuration(run.durationMs)}`;
  }
  return run.status;
}

export function StatusBadge({ nodeId, run }: { nodeId: string; run: NodeRun }) {
  const usage = run.usage ? `${run.usage.inputTokens} tokens in, ${run.usage.outputTokens} out` : undefined;
  return (
    <span className={`flow-node-status status-${run.status}`} data-testid={`node-status-${nodeId}`} title={usage}>
      {statusLabel(run)}
    </span>
  );
}

/** What a run did at this node: the text streaming out of an llm node, the error, or why it was skipped. */
export function NodeRunNotes({ nodeId, run, streams }: { nodeId: string; run: NodeRun; streams: boolean }) {
  const showText = run.text.length > 0 || (streams && run.status === 'running');
  return (
    <>
      {showText && (
        <pre className="node-text nodrag nowheel" data-testid={`node-text-${nodeId}`}>
          {run.text ? textTail(run.text) : <span className="node-text-waiting">waiting for the first token…</span>}
        </pre>
      )}
      {run.status === 'error' && run.error && (
        <div className="node-run-note node-error nodrag" data-testid={`node-error-${nodeId}`} title={run.error.code}>
          {run.error.message}
        </div>
      )}
      {run.status === 'skipped' && (
        <div className="node-run-note node-skip" data-testid={`node-skip-${nodeId}`}>
          skipped{run.skipReason ? `: ${run.skipReason}` : ''}
        </div>
      )}
    </>
  );
}
