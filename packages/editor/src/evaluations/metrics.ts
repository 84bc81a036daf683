import { METRICS } from '@groundwork/runtime/evaluators';

/**
 * The metrics an evaluation can compute, as the new-evaluation form offers them and the pages label them: the
 * runtime's registry (METRICS: description, direction, unit) with a short label each. A metric the server reports
 * that the registry lacks still shows, under its own name, as a score where higher is better.
 */
export interface MetricLabel {
  name: string;
  label: string;
  description: string;
  higherIsBetter: boolean;
  unit: 'score' | 'ms' | 'tokens';
}

const LABELS: Record<string, string> = {
  groundedness: 'Groundedness',
  relevance: 'Relevance',
  similarity: 'Similarity',
  exact_match: 'Exact match',
  contains: 'Contains',
  latency: 'Latency',
  tokens_in: 'Tokens in',
  tokens_out: 'Tokens out',
};

export const METRIC_LABELS: readonly MetricLabel[] = Object.values(METRICS).map((metric) => ({
  name: metric.name,
  label: LABELS[metric.name] ?? metric.name,
  description: metric.description,
  higherIsBetter: metric.higherIsBetter,
  unit: metric.unit,
}));

export function metricLabel(name: string): MetricLabel {
  return (
    METRIC_LABELS.find((metric) => metric.name === name) ?? {
      name,
      label: name,
      description: name,
      higherIsBetter: true,
      unit: 'score',
    }
  );
}

/** A metric value as the pages show it: scores with 3 decimals, milliseconds and tokens whole. */
export function formatMetric(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const unit = metricLabel(name).unit;
  if (unit === 'ms') return `${Math.round(value)} ms`;
  if (unit === 'tokens') return value.toFixed(Number.isInteger(value) ? 0 : 1);
  return value.toFixed(3);
}

/** A difference with its sign, in the metric's unit. */
export function formatDifference(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatMetric(name, Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** `0.712 [0.650, 0.770]`: a mean and its 95% interval. */
export function formatEstimate(
  name: string,
  estimate: { mean: number; low: number; high: number } | null | undefined,
): string {
  if (!estimate) return '—';
  return `${formatMetric(name, estimate.mean)} [${formatMetric(name, estimate.low)}, ${formatMetric(name, estimate.high)}]`;
}
