import type { CacheTensors } from './cache-ops.js';
import type { SessionSpec } from './session-spec.js';
import { integerTensor } from './tensors.js';

// How a batch's rows lie in its cache, and what the decoder is fed for them: padding on the graph's side, gaps,
// masks, positions, padded prompts, and the prefix prompts share.

/**
 * Rows decoding together through a decoder graph: their KV cache (all rows one length, on the GPU when the session
 * keeps it there) and how many padding positions each row has in it. A row has `width - pads[row]` real tokens
 * (less its gap, if it has one), so that is its next token's position. With left padding (SessionSpec.padding) the padding is at the front of
 * the row and its tokens end at the last position; with right padding the tokens start at the first position and
 * the padding follows them (a GroupQueryAttention graph built by onnxruntime-genai writes each row's next token
 * right after its own tokens, where seqlens_k says they end).
 */
export interface OnnxBatch {
  past: CacheTensors;
  pads: number[];
  width: number;
  /**
   * Positions in the middle of a row that are padding too, [start, end) (left-padded graphs only): a row whose
   * prompt shares its start with others holds the shared tokens, then padding up to the longest remainder, then its
   * own tokens (prefillShared). Absent when no row has one.
   */
  gaps?: (readonly [number, number] | undefined)[];
}

/** Each row's next position: its real tokens so far. */
export function nextPositions(batch: OnnxBatch): number[] {
  return batch.pads.map((pad, row) => {
    const gap = batch.gaps?.[row];
    return batch.width - pad - (gap ? gap[1] - gap[0] : 0);
  });
}

/**
 * The fewest equal leading tokens for which prompts prefilled together compute them once: below it the extra Runs
 * (the prefix alone, the copy to every row) can hardly pay. Measured at 448 tokens for 8 requests: 2.32× on 16 CPU
 * cores, even (0.98×) on an H100, where a prefill is cheap already (docs/benchmarks.md).
 */
export const DEFAULT_MIN_SHARED_PREFIX = 64;

/**
 * How many leading tokens all `prompts` share and can compute once: 0 when fewer than `minimum`, for one prompt, or
 * for a graph that cannot take them (`spec`: a GroupQueryAttention graph, whose ONNX Runtime 1.30 kernel takes
 * several new tokens on top of a cache for one row only; padding goes in the middle of a row, which only a
 * left-padded graph's mask can say). Every prompt keeps at least one token of its own (its logits are the row's).
 */
export function sharedPrefix(
  prompts: readonly (readonly number[])[],
  spec: Pick<SessionSpec, 'padding' | 'groupQueryAttention'>,
  minimum: number,
): number {
  if (prompts.length < 2 || minimum <= 0 || spec.groupQueryAttention || spec.padding !== 'left') return 0;
  const first = prompts[0]!;
  let shared = Math.min(...prompts.map((prompt) => prompt.length)) - 1;
  for (const prompt of prompts) {
    let same = 0;
    while (same < shared && prompt[same] === first[same]) same++;
    shared = same;
  }
  return shared >= minimum ? shared : 0;
}

/** Each row's gap moved by `by` positions (padding added or cut at the front of the rows). */
export function movedGaps(batch: OnnxBatch, by: number): (readonly [number, number] | undefined)[] {
  return batch.pads.map((_, row) => {
    const gap = batch.gaps?.[row];
    return gap ? ([gap[0] + by, gap[1] + by] as const) : undefined;
  });
}

/** The attention_mask of a Run over `total` positions: ones for each row's tokens, zeros for its padding and gap. */
export function attentionMask(batch: OnnxBatch, padding: SessionSpec['padding'], total: number): number[] {
  const mask: number[] = [];
  const left = padding === 'left';
  batch.pads.forEach((pad, row) => {
    const [gapStart, gapEnd] = batch.gaps?.[row] ?? [0, 0];
    for (let i = 0; i < total; i++)
      mask.push((left ? i >= pad : i < total - pad) && (i < gapStart || i >= gapEnd) ? 1 : 0);
  });
  return mask;
}

/** Prompts as one padded input on the graph's side: ids, positions and each row's padding. */
export function paddedPrompts(
  spec: Pick<SessionSpec, 'padding' | 'inputIds'>,
  padId: number,
  prompts: readonly (readonly number[])[],
) {
  const rows = prompts.length;
  const width = Math.max(...prompts.map((prompt) => prompt.length));
  const pads = prompts.map((prompt) => width - prompt.length);
  const left = spec.padding === 'left';
  const ids: number[] = [];
  const positions: number[] = [];
  prompts.forEach((prompt, row) => {
    const pad = pads[row]!;
    for (let i = 0; i < width; i++) {
      const token = left ? i - pad : i;
      const real = token >= 0 && token < prompt.length;
      ids.push(real ? prompt[token]! : padId);
      // Pads get position 1 as in transformers; they are masked out, so the value only has to be valid.
      positions.push(real ? token : 1);
    }
  });
  return { input: integerTensor(spec.inputIds.type, ids, [rows, width]), positions, pads, width };
}
