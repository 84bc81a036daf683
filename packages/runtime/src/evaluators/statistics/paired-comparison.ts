import { type BootstrapOptions, bootstrapMean } from './bootstrap.js';

export interface PairedComparisonOptions extends BootstrapOptions {
  /** The metric's direction: whether b beats a by being higher (scores) or lower (latency, tokens). */
  higherIsBetter: boolean;
  /** Differences within this (inclusive) count as equal; 0 by default. */
  tolerance?: number;
}

export interface PairedComparison {
  /** Rows where both sides have a value. */
  n: number;
  meanA: number;
  meanB: number;
  /** b − a per row: its mean and 95% bootstrap interval. An interval that excludes 0 is a difference to trust. */
  difference: { mean: number; low: number; high: number };
  /** Rows where b beats a in the metric's direction by more than the tolerance. */
  better: number;
  /** Rows where a beats b by more than the tolerance. */
  worse: number;
  /** Rows within the tolerance. */
  equal: number;
}

/**
 * Compares two sides (a: the baseline, b: the candidate) on the same rows: `a[i]` and `b[i]` are the metric for row
 * i. Rows where either side is null or not a finite number are left out. Pairing removes the spread between rows
 * (some questions are harder than others), so a real difference shows with fewer rows than comparing two separate
 * means. With n = 0 the means and the difference are NaN and the counts 0.
 */
export function pairedComparison(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  options: PairedComparisonOptions,
): PairedComparison {
  if (a.length !== b.length) {
    throw new RangeError(`paired values must be per row: a has ${a.length} rows, b has ${b.length}`);
  }
  const tolerance = options.tolerance ?? 0;
  const as: number[] = [];
  const bs: number[] = [];
  const differences: number[] = [];
  let better = 0;
  let worse = 0;
  for (let row = 0; row < a.length; row++) {
    const x = a[row];
    const y = b[row];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    as.push(x);
    bs.push(y);
    const difference = y - x;
    differences.push(difference);
    const gain = options.higherIsBetter ? difference : -difference;
    if (gain > tolerance) better++;
    else if (gain < -tolerance) worse++;
  }
  const n = differences.length;
  const interval = bootstrapMean(differences, options);
  return {
    n,
    meanA: n === 0 ? Number.NaN : as.reduce((sum, value) => sum + value, 0) / n,
    meanB: n === 0 ? Number.NaN : bs.reduce((sum, value) => sum + value, 0) / n,
    difference: { mean: interval.mean, low: interval.low, high: interval.high },
    better,
    worse,
    equal: n - better - worse,
  };
}
