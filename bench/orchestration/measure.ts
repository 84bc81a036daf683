export interface Measurement {
  /** Median time of one run, microseconds. */
  medianUs: number;
  p10Us: number;
  p90Us: number;
  samples: number;
}

/**
 * Times `run` one call at a time after a warm-up, until both `minSamples` samples and `minTimeMs` of measuring
 * are reached; reports the median and the 10th/90th percentiles so one GC pause does not decide the figure.
 */
export async function measure(
  run: () => Promise<unknown>,
  options: { warmupMs?: number; minSamples?: number; minTimeMs?: number; maxSamples?: number } = {},
): Promise<Measurement> {
  const { warmupMs = 300, minSamples = 30, minTimeMs = 1000, maxSamples = 20_000 } = options;
  const warmupEnd = performance.now() + warmupMs;
  do await run();
  while (performance.now() < warmupEnd);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxSamples && (times.length < minSamples || performance.now() - start < minTimeMs)) {
    const before = performance.now();
    await run();
    times.push((performance.now() - before) * 1000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9), samples: times.length };
}
