/**
 * Tie-aware ROC AUC for the leakage check (this package has no dependency on @dtrn/metrics).
 * Positives' and negatives' scores are sorted separately (native numeric sort) and merged:
 * AUC = (sum over positives of #negatives below + half #negatives tied) / (P * N).
 */

/** AUC of `scores` against 0/1 `labels`, or undefined when one class is missing. */
export function binaryAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | undefined {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const positiveScores = new Float64Array(positives);
  const negativeScores = new Float64Array(negatives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positiveScores[p++] = scores[i]!;
    else negativeScores[n++] = scores[i]!;
  }
  positiveScores.sort();
  negativeScores.sort();
  let below = 0; // negatives strictly below the current positive score
  let sum = 0;
  for (let i = 0; i < positives; ) {
    const score = positiveScores[i]!;
    let sameScore = 0;
    while (i < positives && positiveScores[i] === score) {
      sameScore++;
      i++;
    }
    while (below < negatives && negativeScores[below]! < score) below++;
    let tied = 0;
    while (below + tied < negatives && negativeScores[below + tied] === score) tied++;
    sum += sameScore * (below + tied / 2);
  }
  return sum / (positives * negatives);
}
