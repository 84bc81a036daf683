import { useCallback, useEffect, useState } from 'react';
import { api, type RunRecord } from '../api/client.js';
import { formatDuration, formatTimestamp, formatWhen } from './format.js';

type Listing = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; runs: RunRecord[] };

/** The flow's past runs, newest first; choosing one shows it on the canvas. */
export function RunHistory(props: {
  flowId: string;
  /** Changes when a run ends, to list it. */
  stamp: number;
  shownRunId: string | undefined;
  opening: string | undefined;
  disabled: boolean;
  onOpen(run: RunRecord): void;
}) {
  const { flowId, stamp } = props;
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useEffect(() => {
    // `stamp` and `reloads` are triggers: a new run ended, or Refresh was pressed.
    void stamp;
    void reloads;
    let cancelled = false;
    setListing((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    api.listRuns(flowId).then(
      (runs) => {
        // The server answers newest first; sorting again keeps that promise whatever the page order.
        if (!cancelled)
          setListing({ state: 'ready', runs: [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) });
      },
      (error: Error) => {
        if (!cancelled) setListing({ state: 'error', message: error.message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [flowId, stamp, reloads]);

  return (
    <section className="run-history" data-testid="run-history">
      <div className="section-head">
        <h3>History</h3>
        <button type="button" className="link" onClick={reload} disabled={listing.state === 'loading'}>
          Refresh
        </button>
      </div>
      {listing.state === 'loading' && <p className="muted">Loading runs…</p>}
      {listing.state === 'error' && (
        <div className="banner error" role="alert">
          Could not list the runs: {listing.message}{' '}
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {listing.state === 'ready' && listing.runs.length === 0 && (
        <p className="muted" data-testid="run-history-empty">
          No runs yet. Each run of this flow is listed here, newest first.
        </p>
      )}
      {listing.state === 'ready' && listing.runs.length > 0 && (
        <ul className="run-list">
          {listing.runs.map((run) => (
            <li key={run.id}>
              <button
                type="button"
                className="run-item"
                data-testid="run-history-item"
                data-run-id={run.id}
                aria-current={props.shownRunId === run.id}
                aria-busy={props.opening === run.id}
                disabled={props.disabled}
                onClick={() => props.onOpen(run)}
              >
                <span className={`run-badge run-badge-${run.status}`}>{run.status}</span>
                <span title={formatTimestamp(run.createdAt)}>{formatWhen(run.createdAt)}</span>
                <span className="muted">{props.opening === run.id ? 'loading…' : formatDuration(run.durationMs)}</span>
                <span className="muted">v{run.flowVersion}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
