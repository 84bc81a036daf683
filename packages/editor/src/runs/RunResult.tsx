import type { Flow } from '@groundwork/runtime/schema';
import { useEffect, useState } from 'react';
import type { RunRecord } from '../api/client.js';
import type { RunView } from '../state/run-view.js';
import { formatDuration } from './format.js';
import { RunOutputs } from './RunOutputs.js';
import { RunProvenance } from './RunProvenance.js';

/** The shown run's status, how long it took, what failed where, and its outputs. */
export function RunResult(props: { view: RunView; record: RunRecord | undefined; flow: Flow }) {
  const { view, record } = props;
  const running = view.status === 'running';
  const elapsed = useElapsed(running ? record?.createdAt : undefined);
  const nodes = Object.values(view.nodes);
  const finished = nodes.filter(
    (node) => node.status === 'done' || node.status === 'skipped' || node.status === 'error',
  ).length;
  // A stored run that a stopped server left unfinished is failed to the view, but the record knows better.
  const status = record?.status === 'interrupted' && record.id === view.runId ? 'interrupted' : view.status;
  const failedNode = view.error?.nodeId ?? Object.entries(view.nodes).find(([, node]) => node.status === 'error')?.[0];

  return (
    <section className="run-result">
      <div className={`run-summary run-summary-${status}`} data-testid="run-status" data-status={status}>
        <span className="run-summary-dot" aria-hidden="true" />
        <strong>{STATUS_LABELS[status]}</strong>
        {running && (
          <span className="muted">
            {nodes.length > 0 ? `${finished} of ${nodes.length} nodes done` : 'starting'}
            {elapsed !== undefined && ` · ${formatDuration(elapsed)}`}
          </span>
        )}
        {!running && view.durationMs !== undefined && (
          <span className="muted" data-testid="run-duration">
            in {formatDuration(view.durationMs)}
          </span>
        )}
      </div>
      <RunProvenance view={view} record={record} />
      {status === 'failed' && (
        <div className="banner error run-failure" data-testid="run-error">
          {failedNode ? (
            <>
              Node <strong>{failedNode}</strong> failed:{' '}
              {view.error?.message ?? view.nodes[failedNode]?.error?.message ?? 'no message'}
            </>
          ) : (
            (view.error?.message ?? 'The run failed.')
          )}
        </div>
      )}
      {status === 'interrupted' && <p className="muted">The server stopped while this run was in progress.</p>}
      {!running && (
        <>
          <h3>Outputs</h3>
          <RunOutputs outputs={view.outputs} declared={props.flow.outputs} />
        </>
      )}
    </section>
  );
}

const STATUS_LABELS: Record<string, string> = {
  running: 'Running…',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** Milliseconds since `since`, ticking while it is set. */
function useElapsed(since: string | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [since]);
  if (since === undefined) return undefined;
  return Math.max(0, now - Date.parse(since));
}
