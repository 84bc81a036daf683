import { useState } from 'react';
import { api, type Evaluation, type EvaluationProgress } from '../api/client.js';
import { StatusBadge } from './EvaluationList.js';
import { FailedItems } from './FailedItems.js';
import { LoadError, Loading } from './LoadStates.js';
import { routeHash } from './route.js';
import { SummaryChart } from './SummaryChart.js';
import { SummaryTable } from './SummaryTable.js';
import { useEvaluation } from './use-evaluation.js';

const RESUMABLE = new Set<Evaluation['status']>(['interrupted', 'cancelled', 'failed']);

/** One evaluation: live progress, cancel or resume, and the summary per combination and metric. */
export function EvaluationView(props: { id: string }) {
  const { loaded, reload, progress } = useEvaluation(props.id);
  const [acting, setActing] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  if (loaded.state === 'loading') return <Loading testId="evaluation-loading" what="the evaluation" />;
  if (loaded.state === 'error')
    return (
      <LoadError
        testId="evaluation-error"
        what={`evaluation ${props.id}`}
        message={loaded.message}
        onRetry={loaded.status === 404 ? undefined : reload}
      />
    );
  const { evaluation, summary } = loaded.value;

  const act = async (action: (id: string) => Promise<Evaluation>) => {
    setActing(true);
    setProblem(undefined);
    try {
      await action(evaluation.id);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setActing(false);
      reload();
    }
  };

  const first = evaluation.combinations[0];
  const second = evaluation.combinations[1];
  return (
    <div className="evaluation-view" data-testid="evaluation-view" data-status={evaluation.status}>
      <div className="page-head">
        <h2>{evaluation.name || evaluation.id}</h2>
        <StatusBadge evaluation={{ status: evaluation.status, progress: progress ?? evaluation.progress }} />
        <span className="fill" />
        {evaluation.status === 'running' && (
          <button
            type="button"
            data-testid="evaluation-cancel"
            disabled={acting}
            onClick={() => void act(api.cancelEvaluation)}
          >
            Cancel
          </button>
        )}
        {RESUMABLE.has(evaluation.status) && (
          <button
            type="button"
            className="primary"
            data-testid="evaluation-resume"
            disabled={acting}
            title="Run the rows that did not finish; finished rows are kept"
            onClick={() => void act(api.resumeEvaluation)}
          >
            Resume
          </button>
        )}
        {first && (
          <a
            className="button"
            data-testid="evaluation-compare"
            href={routeHash({
              page: 'compare',
              a: `${evaluation.id}:${first.index}`,
              ...(second ? { b: `${evaluation.id}:${second.index}` } : {}),
              metric: evaluation.metrics[0],
            })}
          >
            Compare…
          </a>
        )}
      </div>
      <p className="muted evaluation-facts">
        <strong>{evaluation.flowName}</strong> v{evaluation.flowVersion} on <strong>{evaluation.datasetName}</strong> ·{' '}
        {evaluation.combinations.length} combinations · seed {evaluation.seed} · started{' '}
        {new Date(evaluation.createdAt).toLocaleString()}
        {evaluation.endedAt ? ` · ended ${new Date(evaluation.endedAt).toLocaleString()}` : ''}
      </p>
      {problem && (
        <div className="banner error" role="alert" data-testid="evaluation-action-error">
          {problem}
        </div>
      )}
      {evaluation.error && (
        <div className="banner error" role="alert" data-testid="evaluation-failure">
          {evaluation.error.message}
        </div>
      )}
      <ProgressBar progress={progress ?? evaluation.progress} status={evaluation.status} />
      <h3>Summary</h3>
      {summary.combinations.every((row) => Object.values(row.metrics).every((value) => !value)) ? (
        <p className="empty-state small" data-testid="evaluation-summary-empty">
          {evaluation.status === 'running' ? 'The first scores appear as rows finish.' : 'No row produced a score.'}
        </p>
      ) : null}
      <SummaryTable evaluationId={evaluation.id} combinations={summary.combinations} metrics={evaluation.metrics} />
      <SummaryChart combinations={summary.combinations} metrics={evaluation.metrics} />
      {(progress ?? evaluation.progress).failed > 0 && <FailedItems evaluationId={evaluation.id} stamp={progress} />}
    </div>
  );
}

function ProgressBar(props: { progress: EvaluationProgress; status: Evaluation['status'] }) {
  const { total, done, failed } = props.progress;
  const finished = done + failed;
  const percent = (count: number) => `${total > 0 ? ((count / total) * 100).toFixed(1) : 0}%`;
  return (
    <div
      className="progress"
      data-testid="evaluation-progress"
      data-done={done}
      data-failed={failed}
      data-total={total}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={finished}
    >
      <div className="progress-track">
        <div className={`progress-fill ${props.status}`} style={{ width: percent(done) }} />
        {failed > 0 && <div className="progress-failed" style={{ width: percent(failed) }} />}
      </div>
      <span className="progress-text">
        {finished} of {total} runs{failed > 0 ? ` · ${failed} failed` : ''}
      </span>
    </div>
  );
}
