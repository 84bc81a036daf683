/** Small statistics and timing helpers of the LLM benchmark. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p99 of a few values is their maximum). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Decode throughput from two timings of the same requests: with 1 new token (prefill and the first token) and with
 * `tokens` new tokens. The difference is the `tokens - 1` decode steps alone.
 */
export function decodeFigures(requests: number, tokens: number, firstMs: number, fullMs: number) {
  const steps = tokens - 1;
  const decodeMs = Math.max(fullMs - firstMs, Number.EPSILON);
  return {
    msPerStep: decodeMs / steps,
    decodeTokensPerSecond: (requests * steps * 1000) / decodeMs,
    endToEndTokensPerSecond: (requests * tokens * 1000) / fullMs,
  };
}
