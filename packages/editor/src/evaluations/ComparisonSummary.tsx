import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import type { Comparison } from '../api/client.js';
import { formatDifference, formatEstimate, formatMetric, metricLabel } from './metrics.js';

/** What the comparison says as a whole: B − A with its interval, a verdict, row counts, and the two means charted. */
export function ComparisonSummary(props: { comparison: Comparison }) {
  const { comparison } = props;
  const { metric, difference } = comparison;
  const label = metricLabel(metric);
  const improves = (value: number) => value > 0 === comparison.higherIsBetter;
  const clear = difference.low > 0 || difference.high < 0;
  const verdict = !clear
    ? 'No clear difference: the 95% interval of B − A includes 0.'
    : improves(difference.mean)
      ? `B is better on ${label.label.toLowerCase()}: the whole 95% interval is on B's side.`
      : `B is worse on ${label.label.toLowerCase()}: the whole 95% interval is on A's side.`;
  const preferences = { a: 0, b: 0, tie: 0 };
  for (const row of comparison.rows) if (row.preference) preferences[row.preference] += 1;
  const data = (['a', 'b'] as const).map((side) => ({
    side: `${side.toUpperCase()} ${comparison[side].key}`,
    mean: comparison[side].mean,
    interval: [comparison[side].mean - comparison[side].low, comparison[side].high - comparison[side].mean],
    text: formatEstimate(metric, comparison[side]),
  }));
  return (
    <section className="comparison-summary" data-testid="comparison-summary">
      <div className="comparison-figures">
        <div className="difference-figure" data-testid="comparison-difference" data-clear={clear}>
          <span className="muted small">
            B − A ({label.label}, {label.higherIsBetter ? 'higher' : 'lower'} is better)
          </span>
          <strong className={clear ? (improves(difference.mean) ? 'better' : 'worse') : 'equal'}>
            {formatDifference(metric, difference.mean)}
          </strong>
          <span className="muted">
            95% interval [{formatDifference(metric, difference.low)}, {formatDifference(metric, difference.high)}]
          </span>
        </div>
        <p className="verdict">{verdict}</p>
        <ul className="row-counts" data-testid="comparison-counts">
          <li className="better">
            B better on <strong data-testid="comparison-better">{comparison.better}</strong> rows
          </li>
          <li className="worse">
            worse on <strong data-testid="comparison-worse">{comparison.worse}</strong>
          </li>
          <li className="equal">
            equal on <strong data-testid="comparison-equal">{comparison.equal}</strong>
          </li>
          <li className="muted">
            {comparison.a.n === comparison.b.n
              ? `${comparison.a.n} rows with both values`
              : `n = ${comparison.a.n} / ${comparison.b.n}`}
          </li>
        </ul>
        <p className="muted small" data-testid="comparison-preferences">
          People preferred A on {preferences.a}, B on {preferences.b}, a tie on {preferences.tie} rows. Open a row to
          say which answer is better.
        </p>
      </div>
      <BarChart width={320} height={200} data={data} margin={{ top: 12, right: 12 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="side" tick={{ fontSize: 12 }} interval={0} />
        <YAxis
          domain={label.unit === 'score' ? [0, 1] : [0, 'auto']}
          tickFormatter={(value: number) => formatMetric(metric, value)}
          width={72}
          tick={{ fontSize: 12 }}
        />
        <Tooltip formatter={(_value, _name, item) => [(item.payload as { text: string }).text, label.label]} />
        <Bar dataKey="mean" fill="#2f6fdb" isAnimationActive={false} maxBarSize={56}>
          <ErrorBar dataKey="interval" width={10} stroke="#1d2430" strokeWidth={1.5} />
        </Bar>
      </BarChart>
    </section>
  );
}
