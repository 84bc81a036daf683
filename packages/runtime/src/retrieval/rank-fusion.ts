export interface RankedList {
  /** Ids best first. */
  ids: readonly string[];
  weight: number;
}

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each list adds weight / (k + rank) to every id it ranks,
 * rank counted from 1. Scores only need ranks, so lists scored on different scales (BM25, cosine) combine without
 * calibration. Sorted by score, best first; ties keep the order in which ids first appeared.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = 60): { id: string; score: number }[] {
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`k must be a number ≥ 0 (got ${k})`);
  const scores = new Map<string, number>();
  for (const { ids, weight } of lists) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`weight must be a number ≥ 0 (got ${weight})`);
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      // An id listed twice counts at its best rank only.
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + index + 1));
    });
  }
  // Map keeps insertion order and Array.prototype.sort is stable: equal scores stay in order of first appearance.
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
