import { mulberry32 } from './random.js';

export const DEFAULT_BOOTSTRAP_SAMPLES = 2000;
/** Seed used when none is given: results are reproducible by default. */
export const DEFAULT_BOOTSTRAP_SEED = 0x5eed;

export interface BootstrapOptions {
  /** Resamples drawn (2000 by default). */
  samples?: number;
  /** PRNG seed: the same values and seed give the same interval. */
  seed?: number;
}

/** A mean with its 95% interval. */
export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
  /** How many values it is over. */
  n: number;
}

/**
 * The mean of `values` and its 95% percentile-bootstrap interval: `samples` resamples of n values drawn with
 * replacement, the 2.5th and 97.5th percentiles of their means (linear interpolation between order statistics).
 *
 * Values that are not finite numbers (NaN from a metric that could not be computed) are left out, and `n` counts
 * those used. With n = 0 there is nothing to estimate: mean, low and high are NaN (JSON writes them as null). With
 * n = 1, or all values equal, low = high = mean.
 */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): MeanInterval {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n: 0 };
  const mean = sum(finite) / n;
  if (n === 1 || finite.every((value) => value === finite[0])) return { mean, low: mean, high: mean, n };
  const samples = Math.max(1, Math.floor(options.samples ?? DEFAULT_BOOTSTRAP_SAMPLES));
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const means = new Float64Array(samples);
  for (let sample = 0; sample < samples; sample++) {
    let total = 0;
    for (let draw = 0; draw < n; draw++) total += finite[Math.floor(random() * n)]!;
    means[sample] = total / n;
  }
  means.sort();
  return { mean, low: percentile(means, 0.025), high: percentile(means, 0.975), n };
}

/** The q-quantile of sorted values, interpolating linearly (type 7, R's and NumPy's default). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
