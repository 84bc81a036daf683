/**
 * The indices of the `limit` highest scores, best first; ties keep the earlier index first. NaN scores (left out)
 * are never chosen. A bounded insertion into a short sorted list: O(n · limit) at worst, and search limits are small
 * (at most 100), where sorting every chunk of a collection would cost O(n log n) allocations per query.
 */
export function topScores(scores: ArrayLike<number>, limit: number): number[] {
  const chosen: number[] = [];
  if (limit <= 0) return chosen;
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (Number.isNaN(score)) continue;
    if (chosen.length === limit && score <= scores[chosen[limit - 1]!]!) continue;
    let at = chosen.length === limit ? limit - 1 : chosen.length;
    while (at > 0 && scores[chosen[at - 1]!]! < score) {
      if (at < limit) chosen[at] = chosen[at - 1]!;
      at--;
    }
    chosen[at] = index;
    if (chosen.length > limit) chosen.length = limit;
  }
  return chosen;
}
