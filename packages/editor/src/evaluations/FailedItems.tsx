import { api } from '../api/client.js';
import { useLoad } from './use-load.js';

/** The first failed items with their errors, so a failing flow is found without opening every run. */
export function FailedItems(props: { evaluationId: string; stamp: unknown }) {
  const { loaded } = useLoad(
    () => api.getResults(props.evaluationId, { status: 'failed', limit: 10 }),
    [props.evaluationId, props.stamp],
  );
  if (loaded.state !== 'ready' || loaded.value.results.length === 0) return null;
  return (
    <section className="failed-items" data-testid="evaluation-failed-items">
      <h3>Failed runs ({loaded.value.total})</h3>
      <ul>
        {loaded.value.results.map((result) => (
          <li key={`${result.combination}:${result.row}`}>
            <span className="muted">
              combination {result.combination}, row {result.row + 1}:
            </span>{' '}
            {result.error?.message ?? 'failed'}
          </li>
        ))}
      </ul>
    </section>
  );
}
