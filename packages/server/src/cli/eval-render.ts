import { METRICS } from '@groundwork/runtime/evaluators';
import type { Comparison, Evaluation, EvaluationSummary } from '../evaluations/evaluations.schemas.js';

/** A comparison as `groundwork eval --json` prints it: the paired result without its per-row list. */
export type ComparisonLine = Omit<Comparison, 'rows'>;

/** A value in its metric's unit: scores with 3 decimals, milliseconds whole, token counts with 1 decimal. */
export function formatValue(metric: string, value: number, signed = false): string {
  const unit = METRICS[metric]?.unit ?? 'score';
  const text = unit === 'ms' ? value.toFixed(0) : unit === 'tokens' ? value.toFixed(1) : value.toFixed(3);
  const sign = signed && value >= 0 ? '+' : '';
  return `${sign}${text}${unit === 'ms' ? ' ms' : ''}`;
}

function estimateText(metric: string, estimate: { mean: number; low: number; high: number } | null): string {
  if (!estimate) return '-';
  return `${formatValue(metric, estimate.mean)} [${formatValue(metric, estimate.low)}, ${formatValue(metric, estimate.high)}]`;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The evaluation's outcome for people: a heading, one row per metric with each combination's mean and 95% interval,
 * and with two or more combinations each one's paired comparison against the first.
 */
export function renderEvaluation(
  evaluation: Evaluation,
  summary: EvaluationSummary,
  comparisons: ComparisonLine[],
): string {
  const { progress } = evaluation;
  const lines = [
    `Evaluation ${evaluation.id} "${evaluation.name}": ${evaluation.status}, ${progress.total} items (${progress.done} done, ${progress.failed} failed)`,
    '',
    table([
      ['metric', ...summary.combinations.map((combination) => combination.key)],
      ...evaluation.metrics.map((metric) => [
        metric,
        ...summary.combinations.map((combination) => estimateText(metric, combination.metrics[metric] ?? null)),
      ]),
    ]),
  ];
  if (comparisons.length > 0) {
    lines.push(
      '',
      `Compared with ${summary.combinations[0]!.key} (difference = combination − ${summary.combinations[0]!.key}, 95% interval):`,
    );
    const rows = [['combination', 'metric', 'difference', 'better', 'worse', 'equal']];
    for (const comparison of comparisons) {
      const { metric, difference } = comparison;
      rows.push([
        comparison.b.key,
        `${metric} (${comparison.higherIsBetter ? 'higher' : 'lower'} is better)`,
        comparison.a.n + comparison.b.n === 0
          ? '-'
          : `${formatValue(metric, difference.mean, true)} [${formatValue(metric, difference.low, true)}, ${formatValue(metric, difference.high, true)}]`,
        String(comparison.better),
        String(comparison.worse),
        String(comparison.equal),
      ]);
    }
    lines.push(table(rows));
  }
  if (evaluation.status !== 'succeeded') {
    lines.push('', `Resume it with: groundwork eval --resume ${evaluation.id}`);
  }
  return `${lines.join('\n')}\n`;
}
