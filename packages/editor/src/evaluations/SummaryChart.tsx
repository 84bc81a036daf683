import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import type { CombinationSummary } from '../api/client.js';
import { formatEstimate, formatMetric, metricLabel } from './metrics.js';

/** One metric across the combinations: the mean as a bar, its 95% interval as the error bar. */
export function SummaryChart(props: { combinations: CombinationSummary[]; metrics: string[] }) {
  const withValues = props.metrics.filter((metric) => props.combinations.some((row) => row.metrics[metric]));
  const [chosen, setChosen] = useState<string | undefined>();
  const metric = chosen && withValues.includes(chosen) ? chosen : withValues[0];
  if (!metric) return null;
  const data = props.combinations.map((row) => {
    const estimate = row.metrics[metric];
    return {
      key: row.key,
      mean: estimate?.mean ?? null,
      interval: estimate ? [estimate.mean - estimate.low, estimate.high - estimate.mean] : [0, 0],
      text: formatEstimate(metric, estimate),
    };
  });
  const unit = metricLabel(metric).unit;
  return (
    <figure className="summary-chart" data-testid="evaluation-chart" data-metric={metric}>
      <figcaption>
        <label>
          Chart{' '}
          <select
            data-testid="evaluation-chart-metric"
            value={metric}
            onChange={(event) => setChosen(event.target.value)}
          >
            {withValues.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name).label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small"> mean per combination, with its 95% bootstrap interval</span>
      </figcaption>
      <BarChart width={Math.max(360, 140 * data.length + 80)} height={240} data={data} margin={{ top: 12, right: 12 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="key" tick={{ fontSize: 12 }} interval={0} />
        <YAxis
          domain={unit === 'score' ? [0, 1] : [0, 'auto']}
          tickFormatter={(value: number) => formatMetric(metric, value)}
          width={72}
          tick={{ fontSize: 12 }}
        />
        <Tooltip
          formatter={(_value, _name, item) => [(item.payload as { text: string }).text, metricLabel(metric).label]}
        />
        <Bar dataKey="mean" fill="#2f6fdb" isAnimationActive={false} maxBarSize={64}>
          <ErrorBar dataKey="interval" width={10} stroke="#1d2430" strokeWidth={1.5} />
        </Bar>
      </BarChart>
    </figure>
  );
}
