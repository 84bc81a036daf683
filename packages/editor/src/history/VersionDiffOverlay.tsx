import { diffFlows, summarizeDiff } from '@groundwork/runtime/diff';
import type { Flow } from '@groundwork/runtime/schema';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type VersionDiff, type VersionSummary } from '../api/client.js';
import { DiffOverlay } from '../diff/DiffOverlay.js';
import { FlowDiffView } from '../diff/FlowDiffView.js';
import { formatTimestamp, formatWhen } from '../runs/format.js';

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; result: VersionDiff };

/** Two stored versions compared (older → newer), as the server diffs them. */
export function VersionDiffOverlay(props: {
  flowId: string;
  from: number;
  to: number;
  /** The versions as listed, to show their notes and times while the diff loads. */
  known: readonly VersionSummary[];
  onClose(): void;
}) {
  const { flowId, from, to } = props;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((count) => count + 1), []);

  useEffect(() => {
    void attempt;
    let cancelled = false;
    setLoaded({ state: 'loading' });
    api.getDiff(flowId, from, to).then(
      (result) => !cancelled && setLoaded({ state: 'ready', result }),
      (error: Error) => !cancelled && setLoaded({ state: 'error', message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [flowId, from, to, attempt]);

  const find = (version: number) => props.known.find((entry) => entry.version === version);
  const before = loaded.state === 'ready' ? loaded.result.from : find(from);
  const after = loaded.state === 'ready' ? loaded.result.to : find(to);
  return (
    <DiffOverlay
      testId="diff-dialog"
      state={loaded.state}
      title={`v${from} → v${to}`}
      subtitle={
        <>
          <SideLabel version={from} summary={before} />
          <span aria-hidden="true">→</span>
          <SideLabel version={to} summary={after} />
          {loaded.state === 'ready' && <ChangeCount count={loaded.result.summary.length} />}
        </>
      }
      onClose={props.onClose}
    >
      {loaded.state === 'loading' && (
        <p className="diff-state">
          Comparing v{from} and v{to}…
        </p>
      )}
      {loaded.state === 'error' && (
        <div className="banner error" role="alert" data-testid="diff-error">
          Could not compare v{from} and v{to}: {loaded.message}{' '}
          <button type="button" data-testid="diff-retry" onClick={retry}>
            Try again
          </button>
        </div>
      )}
      {loaded.state === 'ready' && (
        <FlowDiffView diff={loaded.result.diff} sides={{ before: `v${from}`, after: `v${to}` }} />
      )}
    </DiffOverlay>
  );
}

/** The saved version compared with the edits on the canvas, computed here: nothing is sent. */
export function UnsavedDiffOverlay(props: { saved: { version: number; flow: Flow }; flow: Flow; onClose(): void }) {
  const { saved, flow } = props;
  const diff = useMemo(() => diffFlows(saved.flow, flow), [saved.flow, flow]);
  return (
    <DiffOverlay
      testId="diff-dialog"
      title={`v${saved.version} → unsaved edits`}
      subtitle={
        <>
          <span>What Save would add on top of v{saved.version}.</span>
          <ChangeCount count={summarizeDiff(diff).length} />
        </>
      }
      onClose={props.onClose}
    >
      <FlowDiffView diff={diff} sides={{ before: `v${saved.version}`, after: 'unsaved' }} />
    </DiffOverlay>
  );
}

function SideLabel({ version, summary }: { version: number; summary: VersionSummary | undefined }) {
  return (
    <span className="diff-side-label" data-testid={`diff-side-${version}`}>
      <strong>v{version}</strong>
      {summary?.note && <span>“{summary.note}”</span>}
      {summary && <span title={formatTimestamp(summary.createdAt)}>{formatWhen(summary.createdAt)}</span>}
    </span>
  );
}

function ChangeCount({ count }: { count: number }) {
  return (
    <span className="diff-change-count">{count === 0 ? 'no changes' : `${count} change${count === 1 ? '' : 's'}`}</span>
  );
}
