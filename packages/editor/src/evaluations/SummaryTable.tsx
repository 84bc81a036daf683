import type { CombinationSummary } from '../api/client.js';
import { formatEstimate, metricLabel } from './metrics.js';
import { routeHash } from './route.js';

/** Per combination × metric: the mean with its 95% interval, and a link comparing it with the first combination. */
export function SummaryTable(props: { evaluationId: string; combinations: CombinationSummary[]; metrics: string[] }) {
  const { combinations, metrics } = props;
  const first = combinations[0];
  return (
    <div className="table-scroll">
      <table className="data-table summary-table" data-testid="evaluation-summary">
        <thead>
          <tr>
            <th>Combination</th>
            {metrics.map((metric) => (
              <th key={metric} title={metricLabel(metric).description}>
                {metricLabel(metric).label}
                <span className="muted small">{metricLabel(metric).higherIsBetter ? ' ↑' : ' ↓'}</span>
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {combinations.map((row) => (
            <tr key={row.index} data-testid={`summary-row-${row.index}`}>
              <th scope="row">
                <code>{row.key}</code>
              </th>
              {metrics.map((metric) => (
                <td
                  key={metric}
                  data-metric={metric}
                  title={row.metrics[metric] ? `n = ${row.metrics[metric]!.n}` : ''}
                >
                  {formatEstimate(metric, row.metrics[metric])}
                </td>
              ))}
              <td>
                {first && row.index !== first.index && (
                  <a
                    data-testid={`summary-compare-${row.index}`}
                    href={routeHash({
                      page: 'compare',
                      a: `${props.evaluationId}:${first.index}`,
                      b: `${props.evaluationId}:${row.index}`,
                      metric: metrics[0],
                    })}
                  >
                    Compare with {first.key}
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
