/**
 * Versions picked for comparison, in the order they were picked: at most two, and picking a third lets go of the
 * one picked first (so the latest two clicks are what gets compared).
 */
export function toggleSelection(selected: readonly number[], version: number): number[] {
  if (selected.includes(version)) return selected.filter((picked) => picked !== version);
  return [...selected, version].slice(-2);
}

/** The two picked versions as a comparison from the older to the newer, or undefined until two are picked. */
export function comparisonOf(selected: readonly number[]): { from: number; to: number } | undefined {
  if (selected.length !== 2) return undefined;
  const [a, b] = selected as [number, number];
  return { from: Math.min(a, b), to: Math.max(a, b) };
}
