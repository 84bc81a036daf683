/** How well scores separate labelled rows (label 1 = supported): the measures the WiCE dev set is reported in. */

/** ROC-AUC by the rank-sum (Mann–Whitney) formula; tied scores share their average rank. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const pairs = scores.map((score, i) => [score, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  let rankSum = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j < pairs.length && pairs[j]![0] === pairs[i]![0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (pairs[k]![1] === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The mean of the recall on supported rows and on unsupported rows, calling `score >= threshold` supported. */
export function balancedAccuracy(scores: readonly number[], labels: readonly number[], threshold: number): number {
  let truePositives = 0;
  let trueNegatives = 0;
  let positives = 0;
  scores.forEach((score, i) => {
    if (labels[i] === 1) {
      positives++;
      if (score >= threshold) truePositives++;
    } else if (score < threshold) trueNegatives++;
  });
  return (truePositives / positives + trueNegatives / (labels.length - positives)) / 2;
}

/** The threshold (one of the scores) with the highest balanced accuracy, and that accuracy. */
export function bestThreshold(scores: readonly number[], labels: readonly number[]) {
  let best = { threshold: 0, balancedAccuracy: 0 };
  for (const threshold of [...new Set(scores)].sort((a, b) => a - b)) {
    const accuracy = balancedAccuracy(scores, labels, threshold);
    if (accuracy > best.balancedAccuracy) best = { threshold, balancedAccuracy: accuracy };
  }
  return best;
}

/**
 * Balanced accuracy when the threshold is chosen on four fifths of the rows and applied to the fifth, over five
 * folds (a fixed shuffle): how much of the best-threshold figure is the threshold fitting the data.
 */
export function crossValidatedAccuracy(scores: readonly number[], labels: readonly number[], folds = 5): number {
  const order = scores.map((_, i) => i);
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const judged: { score: number; label: number; threshold: number }[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = order.filter((_, k) => k % folds !== fold);
    const { threshold } = bestThreshold(
      train.map((i) => scores[i]!),
      train.map((i) => labels[i]!),
    );
    for (const i of order.filter((_, k) => k % folds === fold))
      judged.push({ score: scores[i]!, label: labels[i]!, threshold });
  }
  const correct = (label: number) =>
    judged.filter((row) => row.label === label && row.score >= row.threshold === (label === 1)).length /
    judged.filter((row) => row.label === label).length;
  return (correct(1) + correct(0)) / 2;
}
