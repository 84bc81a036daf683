import { formatDuration } from '../runs/format.js';
import { useRun } from '../state/run-store.js';

const pretty = (value: unknown) => JSON.stringify(value, null, 2) ?? String(value);

/** A collapsible block of pretty JSON; open by default, since it is what one opens a node's run to read. */
function JsonBlock({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  return (
    <details className="run-json" open data-testid={testId}>
      <summary>{title}</summary>
      <pre>{pretty(value)}</pre>
    </details>
  );
}

/** What the shown run did at this node: status, inputs, outputs, error. Nothing when the run does not have the node. */
export function NodeRunDetails({ nodeId }: { nodeId: string }) {
  const run = useRun((state) => state.view?.nodes[nodeId]);
  if (!run) return null;
  const facts = [
    run.attempts > 1 ? `${run.attempts} attempts` : undefined,
    run.durationMs !== undefined ? formatDuration(run.durationMs) : undefined,
    run.usage ? `${run.usage.inputTokens} → ${run.usage.outputTokens} tokens` : undefined,
  ].filter(Boolean);
  return (
    <section className="inspector-section" data-testid="node-run-details">
      <h3>
        In the shown run <span className={`run-status run-status-${run.status}`}>{run.status}</span>
      </h3>
      {facts.length > 0 && <div className="muted">{facts.join(' · ')}</div>}
      {run.skipReason && <div className="muted">skipped: {run.skipReason}</div>}
      {run.error && (
        <div className="run-error" role="alert" data-testid="node-run-error">
          <code>{run.error.code}</code> {run.error.message}
        </div>
      )}
      {run.inputs !== undefined && <JsonBlock title="Inputs" value={run.inputs} testId="node-run-inputs" />}
      {run.outputs !== undefined ? (
        <JsonBlock title="Outputs" value={run.outputs} testId="node-run-outputs" />
      ) : (
        run.text !== '' && (
          <details className="run-json" open data-testid="node-run-text">
            <summary>Generated so far</summary>
            <pre>{run.text}</pre>
          </details>
        )
      )}
    </section>
  );
}
