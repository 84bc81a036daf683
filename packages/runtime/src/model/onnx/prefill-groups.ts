import type { Provider } from './device.js';

/**
 * What a prefill Run costs before it computes any prompt position, counted in prompt positions (one row, one
 * token), by provider. On the GPU a Run's fixed cost is the CPU's issuing of every kernel (~8 ms for the Qwen 0.5B
 * shape on an H200) and a position costs ~0.03 ms in a wide prefill (docs/benchmarks.md: 1 × 512 tokens in ~32 ms,
 * 8 × 512 in ~147 ms); on the CPU provider (16 cores) ~50 ms and ~0.66 ms. Only the ratio matters, and only roughly:
 * it decides whether prompts of different lengths share one padded Run or go in separate ones.
 */
export const PREFILL_RUN_POSITIONS: Record<Provider, number> = { webgpu: 256, cuda: 256, cpu: 64 };

/** A merge of a group's cache into the batch (cache-ops.ts: a copy of every cache tensor), counted in Runs. */
export const MERGE_RUNS = 0.5;

/**
 * Cuts prompts that wait together into prefill Runs. Prompts prefilled in one Run are padded to the longest of
 * them, so one 512-token prompt with seven short ones computes 8 × 512 positions; separate Runs each pay a Run's
 * fixed cost instead, and their caches are merged afterwards. Each group costs `runPositions` per Run and half that
 * for its merge, plus rows × its longest length, and the cheapest cut is found exactly (groups of neighbouring
 * lengths are enough: moving a prompt to a group of longer ones never makes it cheaper). `extraRunWhenUneven`: a
 * group of unequal lengths takes two Runs (right-padded graphs prefill all but each prompt's last token, then a
 * step: onnx-batch-model.ts). Gives groups of indices into `lengths`, shortest first, each in ascending index order
 * (one group keeps the prompts' own order).
 */
export function prefillGroups(
  lengths: readonly number[],
  runPositions: number,
  extraRunWhenUneven = false,
): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const sorted = order.map((index) => lengths[index]!);
  const count = sorted.length;
  // best[j]: the cheapest cost of the first j prompts (in length order); from[j]: where its last group starts.
  const best = new Array<number>(count + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Array<number>(count + 1).fill(0);
  best[0] = 0;
  for (let end = 1; end <= count; end++) {
    const longest = sorted[end - 1]!;
    for (let start = 0; start < end; start++) {
      const runs = (extraRunWhenUneven && sorted[start]! !== longest ? 2 : 1) + MERGE_RUNS;
      const cost = best[start]! + runs * runPositions + (end - start) * longest;
      if (cost < best[end]!) {
        best[end] = cost;
        from[end] = start;
      }
    }
  }
  const groups: number[][] = [];
  for (let end = count; end > 0; end = from[end]!) groups.unshift(order.slice(from[end]!, end).sort((a, b) => a - b));
  return groups;
}
