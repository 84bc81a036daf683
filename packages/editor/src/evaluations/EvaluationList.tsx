import { api, type Evaluation } from '../api/client.js';
import { LoadError, Loading } from './LoadStates.js';
import { routeHash } from './route.js';
import { useLoad } from './use-load.js';

/** Every evaluation, newest first, with where each stands. */
export function EvaluationList() {
  const { loaded, reload } = useLoad(() => api.listEvaluations({ limit: 100 }), []);
  if (loaded.state === 'loading') return <Loading testId="evaluations-loading" what="the evaluations" />;
  if (loaded.state === 'error')
    return <LoadError testId="evaluations-error" what="the evaluations" message={loaded.message} onRetry={reload} />;
  if (loaded.value.length === 0)
    return (
      <div className="empty-state" data-testid="evaluations-empty">
        <p>
          <strong>No evaluations yet.</strong>
        </p>
        <p>
          An evaluation runs a flow over every row of a dataset, with each combination of variants you pick, and scores
          the answers: groundedness, relevance, similarity to a reference, latency and tokens.
        </p>
        <p>
          <a href={routeHash({ page: 'datasets' })}>Upload a dataset</a>, then{' '}
          <a href={routeHash({ page: 'new' })}>start an evaluation</a>.
        </p>
      </div>
    );
  const evaluations = [...loaded.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <table className="data-table evaluations-table" data-testid="evaluations-list">
      <thead>
        <tr>
          <th>Evaluation</th>
          <th>Flow</th>
          <th>Dataset</th>
          <th>Combinations</th>
          <th>Status</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {evaluations.map((evaluation) => (
          <tr key={evaluation.id} data-testid={`evaluation-item-${evaluation.id}`}>
            <td>
              <a href={routeHash({ page: 'evaluation', id: evaluation.id })}>{evaluation.name || evaluation.id}</a>
            </td>
            <td>
              {evaluation.flowName} <span className="muted">v{evaluation.flowVersion}</span>
            </td>
            <td>{evaluation.datasetName}</td>
            <td>{evaluation.combinations.length}</td>
            <td>
              <StatusBadge evaluation={evaluation} />
            </td>
            <td className="muted">{new Date(evaluation.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `running 12/40`, `succeeded`, `failed (3 rows failed)`... */
export function StatusBadge(props: { evaluation: Pick<Evaluation, 'status' | 'progress'> }) {
  const { status, progress } = props.evaluation;
  const detail =
    status === 'running'
      ? ` ${progress.done + progress.failed}/${progress.total}`
      : progress.failed > 0
        ? ` (${progress.failed} failed)`
        : '';
  return (
    <span className={`status-badge ${status}`} data-testid="evaluation-status" data-status={status}>
      {status}
      {detail}
    </span>
  );
}
