/** Rows for the decode scheduler's tests (test-only; not exported from the package's `testing` entry). */
import type { DecodeRow } from '../model/onnx/decode-scheduler.js';

/** The greedy pick in JavaScript: the first index of the largest logit. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** A row that picks greedily in JavaScript and is never stopped or cancelled, unless `extra` says otherwise. */
export function decodeRow(promptIds: readonly number[], maxTokens: number, extra: Partial<DecodeRow> = {}): DecodeRow {
  return {
    promptIds,
    maxTokens,
    eosIds: new Set(),
    pick: argmax,
    accept: () => false,
    cancelled: () => false,
    ...extra,
  };
}
